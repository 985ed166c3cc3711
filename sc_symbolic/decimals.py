"""Display layer — decimal approximations of long exact values, for human eyes only (``--decimal N``).

An exact value ``p/q`` with thousands of digits (J after ``--iterate``, a sweep on a
cyclic model) says nothing at a glance.  ``approximate(x, n)`` is ``x`` rounded to
``n`` significant digits, computed with integers only — no float, so values far
below 10⁻³⁰⁸ or above 10³⁰⁸ print correctly::

    e = ⌊log₁₀ |x|⌋,   m = round(|p| · 10^(n−1−e) / q)   (half to even),   x ≈ ±m · 10^(e−n+1)

``beside(text, n)`` appends ``≈ …`` to a plain rational text longer than a screen
line (``SCREEN_CHARS``); shorter texts, parametric expressions and ``None`` are left
as they are.  JSON output never goes through here: reports stay exact.
"""

from __future__ import annotations

import re

from .rationals import _int_from_str

#: Exact texts longer than this get a decimal approximation beside them under ``--decimal``.
SCREEN_CHARS = 80
#: ``--decimal N`` takes 1 ≤ N ≤ MAX_DIGITS.
MAX_DIGITS = 100

_RATIONAL = re.compile(r"(-?)([0-9]+)(?:/([0-9]+))?")


def _digits(n: int) -> int:
    """Number of decimal digits of n > 0, without str() (no 4300-digit limit)."""
    estimate = max(1, (n.bit_length() * 30103) // 100000)
    while 10 ** estimate <= n:
        estimate += 1
    while estimate > 1 and 10 ** (estimate - 1) > n:
        estimate -= 1
    return estimate


def approximate(numerator: int, denominator: int, digits: int) -> str:
    """``numerator/denominator`` to ``digits`` significant digits, rounded half to even, exactly.

    >>> approximate(1, 3, 5), approximate(-2, 3, 3), approximate(5, 2, 1), approximate(0, 7, 4)
    ('0.33333', '-0.667', '2', '0')
    >>> approximate(1, 10 ** 5000, 3), approximate(123456789, 1, 4)
    ('1.00e-5000', '1.235e+08')
    """
    if denominator <= 0:
        raise ValueError("the denominator is positive")
    if not 1 <= digits <= MAX_DIGITS:
        raise ValueError(f"digits lie in [1, {MAX_DIGITS}]")
    if numerator == 0:
        return "0"
    sign = "-" if numerator < 0 else ""
    p, q = abs(numerator), denominator
    exponent = _digits(p) - _digits(q)  # ⌊log₁₀ p/q⌋ is this or one less
    if p * 10 ** max(0, -exponent) < q * 10 ** max(0, exponent):
        exponent -= 1
    shift = digits - 1 - exponent
    scaled_p, scaled_q = (p * 10 ** shift, q) if shift >= 0 else (p, q * 10 ** -shift)
    mantissa, remainder = divmod(scaled_p, scaled_q)
    if 2 * remainder > scaled_q or (2 * remainder == scaled_q and mantissa % 2 == 1):
        mantissa += 1
    if mantissa == 10 ** digits:  # rounding carried into a new digit: 9.99… → 10.0…
        mantissa //= 10
        exponent += 1
    text = str(mantissa)
    if -5 <= exponent < digits:
        if exponent >= 0:
            whole, fraction = text[:exponent + 1], text[exponent + 1:]
        else:
            whole, fraction = "0", "0" * (-exponent - 1) + text
        return sign + whole + ("." + fraction if fraction else "")
    return f"{sign}{text[0]}{'.' + text[1:] if len(text) > 1 else ''}e{exponent:+03d}"


def beside(text, digits: int | None, limit: int = SCREEN_CHARS):
    """``text`` with ``  ≈ decimal`` appended when it is a plain rational longer than ``limit``."""
    if digits is None or not isinstance(text, str) or len(text) <= limit:
        return text
    match = _RATIONAL.fullmatch(text)
    if match is None:
        return text
    sign, numerator, denominator = match.groups()
    value = approximate(_int_from_str(numerator) * (-1 if sign else 1), _int_from_str(denominator or "1"), digits)
    return f"{text}  ≈ {value}"
