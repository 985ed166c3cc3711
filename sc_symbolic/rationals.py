"""The one exact number type that flows through every layer (docs/architecture.md).

``Rational`` is gmpy2's ``mpq`` when gmpy2 is installed, else ``fractions.Fraction``
(``SC_SYMBOLIC_RATIONAL=fraction`` forces the fallback).  Values are always in
lowest terms: ``rational(6, -4) == -3/2``.  Text is printed without CPython's
4300-digit ``int`` → ``str`` limit.
"""

from __future__ import annotations

import os
from fractions import Fraction

try:
    if os.environ.get("SC_SYMBOLIC_RATIONAL", "").lower() == "fraction":
        raise ImportError
    from gmpy2 import gcd as _gcd
    from gmpy2 import mpq as _mpq
    from gmpy2 import mpz as _mpz

    Rational = type(_mpq(0))

    def rational(numerator: int, denominator: int = 1):
        """The Rational ``numerator/denominator`` in lowest terms."""
        return _mpq(numerator, denominator)

    def _int_from_str(text: str) -> int:
        return int(_mpz(text))

except ImportError:  # pragma: no cover - exercised by the fallback CI job
    from math import gcd as _gcd

    Rational = Fraction
    _mpz = None

    def rational(numerator: int, denominator: int = 1):
        """The Rational ``numerator/denominator`` in lowest terms."""
        return Fraction(numerator, denominator)

    def _int_from_str(text: str) -> int:
        if len(text) <= 4000:
            return int(text)
        half = len(text) // 2
        return _int_from_str(text[:half]) * 10 ** (len(text) - half) + _int_from_str(text[half:])


def int_to_str(value: int) -> str:
    """Decimal text of an int of any size (no 4300-digit limit)."""
    try:
        return str(value)
    except ValueError:
        if _mpz is not None:
            return str(_mpz(value))
        sign = "-" if value < 0 else ""
        value = abs(value)
        digits = 2000
        chunks = []
        base = 10**digits
        while value:
            value, low = divmod(value, base)
            chunks.append(str(low).zfill(digits))
        return sign + ("".join(reversed(chunks)).lstrip("0") or "0")


def rational_to_str(value) -> str:
    """Lowest-terms text ``"p/q"`` (or ``"p"``) of a Rational.

    >>> rational_to_str(rational(6, -4))
    '-3/2'
    """
    if _mpz is not None and type(value) is Rational:
        return str(value)  # gmpy2 prints lowest terms, without CPython's quadratic int → str
    numerator, denominator = int(value.numerator), int(value.denominator)
    if denominator == 1:
        return int_to_str(numerator)
    return f"{int_to_str(numerator)}/{int_to_str(denominator)}"
