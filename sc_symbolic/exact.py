"""Layer 0 — where exact numbers are born (parsing) and leave as text (display).

* ``Rational``: the one rational type of numeric analyses, ``gmpy2.mpq`` when
  gmpy2 is installed, ``fractions.Fraction`` otherwise (``SC_SYMBOLIC_RATIONAL=
  fraction`` forces the latter).  Both are exact; they never meet a float.
* ``parse_number``: ``"3/8"``, ``"0.25"``, ``"-1e-3"``, JSON integers → Rational.
* ``parse_expression``: a restricted recursive-descent parser (numbers, declared
  symbols, ``+ - * /``, parentheses, ``**`` with a small integer literal).  It
  never calls ``eval`` or ``sympify``; it evaluates into a ``Domain``.
* ``domain_for(parameters)``: ``QQ`` (numbers) or ``QQ(p, q, …)`` (a SymPy
  fraction field, imported lazily) — one domain per analysis.
* ``loads_json``: JSON with decimals read as exact rationals, duplicate keys,
  NaN/Infinity and absurd nesting refused.
* ``describe_value``: a short, one-line, always-printable description of any
  input value for error messages (never hits the 4300-digit ``str(int)`` limit).

Hostile input: every limit below is enforced before the expensive step it
guards and raises ``ModelError`` (documented in docs/limits.md).  Digits are
ASCII ``0-9`` only; nothing here calls ``eval``, ``sympify`` or ``float``.
"""

from __future__ import annotations

import json
import numbers
import re
import sys
from contextlib import contextmanager, nullcontext
from fractions import Fraction
from itertools import accumulate

from .errors import ExpressionError, ModelError
from .rationals import (  # noqa: F401 (Rational, rational, rational_to_str, int_to_str are re-exported)
    Rational, _gcd, _int_from_str, _mpz, int_to_str, rational, rational_to_str)

#: Limits on hostile input (documented in docs/limits.md).
MAX_NUMBER_CHARS = 10_000  # digits in one numerator, denominator or mantissa
MAX_NUMBER_TEXT = 2 * MAX_NUMBER_CHARS + 100  # a whole number literal, e.g. "p/q" in lowest terms
MAX_EXPONENT_DIGITS = 5
MAX_DECIMAL_EXPONENT = 10_000
MAX_EXPRESSION_CHARS = 1_000
MAX_EXPRESSION_DEPTH = 50
MAX_POWER = 32
MAX_RESULT_BITS = 200_000
MAX_PARAMETRIC_DEGREE = 256
MAX_PARAMETRIC_TERMS = 2_000
MAX_JSON_DEPTH = 64
MAX_JSON_CONTAINERS = 4_000_000
#: The JSON numbers of a document hold at most this many bits of exact value per character of text, plus
#: JSON_BITS_SLACK: "0.1" is 4 bits, "3/8" as text is a string (parsed later); only exponents amplify.
JSON_BITS_PER_CHAR = 64
JSON_BITS_SLACK = 1_000_000
_LITERAL_BOUND = 10 ** MAX_NUMBER_CHARS

# ASCII digits only: ``\d`` would also match '١' or '１', which int() accepts but mpz refuses.
_NUMBER = re.compile(
    r"[+-]?(?:(?P<int>[0-9]+)/(?P<den>[0-9]+)|(?P<mant>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE](?P<exp>[+-]?[0-9]+))?)"
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def _is_integer(value) -> bool:
    """An exact integer (int, mpz, any ``numbers.Integral``), not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def describe_value(value, limit: int = 60) -> str:
    """A short one-line description of an input value, for error messages.

    Safe on anything a JSON file or a caller can hand us: integers beyond the
    4300-digit ``str(int)`` limit, megabyte strings, control characters, lone
    surrogates, objects whose ``__repr__`` raises.

    >>> describe_value(10**5000)
    'an integer with 5001 digits'
    >>> describe_value("x" * 100, 10)
    "'xxxxxxxxxx…' (100 characters)"
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if _is_integer(value):
        value = int(value)
        bits = value.bit_length()
        if bits > 160:
            digits = len(int_to_str(abs(value))) if bits < 100_000 else None
            return f"an integer with {digits} digits" if digits else f"an integer of {bits} bits"
        return str(value)
    if isinstance(value, str):
        shown = ascii(value[:limit]) if any(0xD800 <= ord(c) <= 0xDFFF for c in value[:limit]) \
            else repr(value[:limit])
        if len(value) > limit:
            return f"{shown[:-1]}…{shown[-1]} ({len(value)} characters)"
        return shown
    if isinstance(value, (list, tuple, dict)):
        return f"a {'JSON object' if isinstance(value, dict) else 'JSON array'} of {len(value)} items"
    if isinstance(value, float):
        return f"the binary float {value!r}"
    if isinstance(value, numbers.Rational):
        try:
            return rational_to_str(rational(int(value.numerator), int(value.denominator)))[:limit]
        except Exception:  # a hostile Rational: describe it by its type only
            pass
    return f"a {type(value).__name__}"


def to_rational(value) -> "Rational":
    """Convert an int or a Fraction/mpq-like exact value (never a float) to Rational.

    Only integers and values whose ``numerator``/``denominator`` are exact
    integers are accepted (Fraction subclasses included, even when their
    ``__float__`` raises); the denominator must be non-zero.

    >>> str(to_rational(Fraction(3, 6)))
    '1/2'
    """
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers")
    if isinstance(value, Rational) and type(value) is Rational:
        return value
    if _is_integer(value):
        return rational(int(value))
    if isinstance(value, (float, complex, str, bytes)):
        raise TypeError(f"{describe_value(value)} is not an exact rational (floats are never accepted)")
    numerator = getattr(value, "numerator", None)
    denominator = getattr(value, "denominator", None)
    if _is_integer(numerator) and _is_integer(denominator):
        if denominator == 0:
            raise TypeError(f"{describe_value(value)} has denominator 0")
        return rational(int(numerator), int(denominator))
    raise TypeError(f"{describe_value(value)} is not an exact rational (floats are never accepted)")


def _decimal_to_rational(mantissa: str, exponent: str | None, sign: int, where: str):
    if exponent is not None:
        if len(exponent.lstrip("+-")) > MAX_EXPONENT_DIGITS or abs(int(exponent)) > MAX_DECIMAL_EXPONENT:
            raise ModelError(where, f"exponent {exponent} is too large",
                             f"decimal exponents are limited to ±{MAX_DECIMAL_EXPONENT}")
        exp = int(exponent)
    else:
        exp = 0
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0") or "0"
    exp -= len(frac)
    value = _int_from_str(digits)
    if exp >= 0:
        return rational(sign * value * 10**exp)
    return rational(sign * value, 10 ** (-exp))


def parse_number(value, where: str = ""):
    """An exact Rational from a number string or a JSON integer/decimal.

    Accepts integers, decimals (``"0.25"``, ``"1e-3"``) and fractions (``"3/8"``)
    with an optional sign.  Never goes through a binary float.

    >>> str(parse_number("0.1")), str(parse_number("-3/6")), str(parse_number("1e-3"))
    ('1/10', '-1/2', '1/1000')
    """
    if isinstance(value, bool) or value is None:
        raise ModelError(where, f"{json.dumps(value)} is not a number",
                         "numbers are strings like \"3/8\" or \"0.25\", or JSON numbers")
    if isinstance(value, float):
        raise ModelError(where, f"binary float {value!r} refused", "exact numbers only")
    if not isinstance(value, str):
        try:
            q = to_rational(value)
        except TypeError as exc:
            raise ModelError(where, str(exc), "exact numbers only") from None
        _check_bits(q, where)
        return q
    if len(value) > MAX_NUMBER_TEXT:  # cheap bound before strip() copies the text
        raise ModelError(where, f"number with {len(value)} characters",
                         f"at most {MAX_NUMBER_CHARS} digits in a numerator, denominator or mantissa")
    text = value.strip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise ModelError(where, f"{describe_value(value)} is not a number",
                         "numbers are integers, decimals or fractions such as \"3/8\" (ASCII digits)")
    longest = max(len((match.group(name) or "").replace(".", "")) for name in ("int", "den", "mant"))
    if longest > MAX_NUMBER_CHARS:
        raise ModelError(where, f"number with {longest} digits",
                         f"at most {MAX_NUMBER_CHARS} digits in a numerator, denominator or mantissa")
    sign = -1 if text.startswith("-") else 1
    if match.group("den") is not None:
        denominator = _int_from_str(match.group("den"))
        if denominator == 0:
            raise ModelError(where, f"{value!r} divides by zero", "a fraction needs a non-zero denominator")
        q = rational(sign * _int_from_str(match.group("int")), denominator)
    else:
        q = _decimal_to_rational(match.group("mant"), match.group("exp"), sign, where)
    _check_bits(q, where)
    return q


def _check_bits(q, where: str, error=ModelError) -> None:
    """Refuse a number that is too large: more than MAX_RESULT_BITS bits in its numerator and denominator
    together, or more than MAX_NUMBER_CHARS digits in either, in lowest terms.  The second rule keeps
    every accepted number writable as a literal that the parsers (the engine's and the kernel's) read
    back: ``"0.5e-10000"`` is 1/(2·10¹⁰⁰⁰⁰), whose denominator has 10,001 digits."""
    if int(q.numerator).bit_length() + int(q.denominator).bit_length() > MAX_RESULT_BITS:
        raise error(where, "number is too large", f"at most {MAX_RESULT_BITS} bits per number")
    if abs(int(q.numerator)) >= _LITERAL_BOUND or int(q.denominator) >= _LITERAL_BOUND:
        raise error(where, "number is too large: its numerator or denominator in lowest terms has more than "
                    f"{MAX_NUMBER_CHARS} digits", f"at most {MAX_NUMBER_CHARS} digits in a numerator or denominator")


def is_plain_number(text: str) -> bool:
    """True when ``text`` is a number literal (no operators beyond a fraction bar)."""
    return len(text) <= MAX_NUMBER_TEXT and _NUMBER.fullmatch(text.strip()) is not None


# ---------------------------------------------------------------- domains


#: Denominators up to this width are summed term by term in ``NumericDomain.dot`` (GMP adds them faster
#: than the common-denominator bookkeeping costs).
NARROW_BITS = 128


_UNLABELLED = nullcontext()


class NumericDomain:
    """K = QQ with ``Rational`` elements."""

    parametric = False
    symbols: tuple[str, ...] = ()

    def __init__(self):
        self.zero = rational(0)
        self.one = rational(1)

    def from_rational(self, q):
        return q

    def symbol(self, name: str):
        raise KeyError(name)

    def check_size(self, x, where: str):
        if int(x.numerator).bit_length() + int(x.denominator).bit_length() > MAX_RESULT_BITS:
            raise ExpressionError(where, "intermediate number is too large",
                                  f"at most {MAX_RESULT_BITS} bits per number")

    def products_vanish(self, terms) -> bool:
        """Σ sign·∏ factors = 0 for ``terms`` = [(sign, (x, y, …)), …], exactly."""
        total = self.zero
        for sign, factors in terms:
            value = rational(sign)
            for x in factors:
                value = value * x
            total += value
        return total == 0

    def is_zero(self, x) -> bool:
        return x == 0

    def dot(self, pairs):
        """Σ c·x over ``(c, x)`` pairs, over one running common denominator L of the x's.

        When every x's denominator is narrow (at most ``NARROW_BITS`` bits) the terms are simply added.
        Values of V⁺ and η⁺ reach 10⁵ bits, and their denominators are one D divided by small
        factors.  The sum is kept as acc/L with acc's denominator as narrow as the coefficients':
        a term adds c·numerator(x)·(L/den(x)) (an exact division), L grows by an lcm only when
        den(x) ∤ L, and one wide gcd reduces the result — instead of one per term.

        >>> QQ = NumericDomain()
        >>> rational_to_str(QQ.dot([(rational(1, 2), rational(1, 3)), (rational(1, 4), rational(2, 3))]))
        '1/3'
        """
        pairs = list(pairs)
        if all(int(x.denominator).bit_length() <= NARROW_BITS for _, x in pairs):
            return sum((c * x for c, x in pairs if c and x), self.zero)
        common, acc = 1, self.zero
        for c, x in pairs:
            if c and x:
                scale, rest = divmod(common, x.denominator)
                if rest:
                    grow = x.denominator // _gcd(common, x.denominator)
                    common, acc = common * grow, acc * grow
                    scale = common // x.denominator
                acc += c * (x.numerator * scale)
        return acc / common if common != 1 else acc

    def to_str(self, x) -> str:
        return rational_to_str(x)

    def substitute(self, x, values):
        return x

    def nonnegative(self, x) -> bool:
        """x ≥ 0, decided exactly."""
        return x >= 0

    def labelled(self, state, quantity: str):
        """No-op here: a numeric inequality is always decided exactly (see ``ParametricDomain``)."""
        return _UNLABELLED

    def __repr__(self):
        return "QQ"


class ParametricDomain:
    """K = QQ(p, q, …): SymPy's fraction field; canonical, so zero tests are exact."""

    parametric = True

    def __init__(self, symbols):
        import sympy
        from sympy.polys.domains import QQ as _QQ

        self.symbols = tuple(symbols)
        self._sympy_symbols = tuple(sympy.Symbol(name, real=True) for name in self.symbols)
        self.K = _QQ.frac_field(*self._sympy_symbols)
        self._QQ = _QQ
        self.zero = self.K.zero
        self.one = self.K.one
        self._gens = dict(zip(self.symbols, self.K.gens))
        self.points: list[dict] = []
        self.box: dict = {}
        self._recorders: list[list] = []
        self._label: tuple = (None, None)

    def from_rational(self, q):
        return self.K.convert_from(self._QQ(int(q.numerator), int(q.denominator)), self._QQ)

    def symbol(self, name: str):
        return self._gens[name]

    def dot(self, pairs):
        """Σ c·x over ``(c, x)`` pairs."""
        return sum((c * x for c, x in pairs), self.zero)

    def check_size(self, x, where: str):
        """Bound degree, number of terms and coefficient size of an intermediate result."""
        numer, denom = x.numer, x.denom
        terms = len(numer) + len(denom)
        if terms > MAX_PARAMETRIC_TERMS:
            raise ExpressionError(where, f"expression with {terms} terms is too large",
                                  f"at most {MAX_PARAMETRIC_TERMS} terms in numerator and denominator")
        degree = max(sum(m) for m in list(numer.monoms()) + list(denom.monoms()))
        if degree > MAX_PARAMETRIC_DEGREE:
            raise ExpressionError(where, f"expression of degree {degree} is too large",
                                  f"at most degree {MAX_PARAMETRIC_DEGREE}")
        bits = max(int(c).bit_length() for c in list(numer.coeffs()) + list(denom.coeffs()))
        if bits > MAX_RESULT_BITS // 2:
            raise ExpressionError(where, "intermediate coefficient is too large",
                                  f"at most {MAX_RESULT_BITS // 2} bits per coefficient")

    def products_vanish(self, terms) -> bool:
        """Σ sign·∏ factors ≡ 0 in K for ``terms`` = [(sign, (x, y, …)), …], decided without a gcd.

        Each factor is N/D; the common denominator is ∏_D D^{m(D)}, with m(D) the largest
        number of times D occurs in one product, and the sum of the numerators brought to it
        is compared with the zero polynomial (every D is non-zero).  Exact, and far cheaper
        than cancelling every partial sum in K when the factors share their denominators
        (as V, V⁺ and Q do).
        """
        from collections import Counter

        ring = self.K.field.ring
        products = []
        most: Counter = Counter()
        for sign, factors in terms:
            numerator, denominators = ring.one * int(sign), Counter()
            for x in factors:
                numerator = numerator * x.numer
                if x.denom != ring.one:
                    denominators[x.denom] += 1
            if numerator:
                products.append((numerator, denominators))
                most |= denominators
        total = ring.zero
        for numerator, denominators in products:
            for denominator, m in most.items():
                for _ in range(m - denominators[denominator]):
                    numerator = numerator * denominator
            total += numerator
        return not total

    def is_zero(self, x) -> bool:
        return not x

    def to_sympy(self, x):
        return self.K.to_sympy(x)

    def to_str(self, x) -> str:
        """SymPy's text of ``x``; integers beyond Python's 4300-digit str limit are printed in full."""
        try:
            return str(self.K.to_sympy(x))
        except ValueError:
            with _unlimited_int_digits():
                return str(self.K.to_sympy(x))

    def substitute(self, x, values):
        """Evaluate at exact rational parameter values (a dict name → Rational)."""
        import sympy

        expr = self.K.to_sympy(x)
        result = expr.subs({s: sympy.Rational(int(values[n].numerator), int(values[n].denominator))
                            for n, s in zip(self.symbols, self._sympy_symbols)})
        return rational(int(result.p), int(result.q))

    def nonnegative(self, x) -> bool:
        """x ≥ 0 on the open parameter box, decided by ``signs`` (docs/math.md §7).

        Proved by exact root isolation (one parameter) or Bernstein bounds,
        else checked at exact sample points; ``signs.sampled_inequalities(self)``
        lists the inequalities that were only sampled.
        """
        from .signs import nonnegative_in_domain

        verdict = nonnegative_in_domain(self, x)
        for log in self._recorders:
            log.append((self._label, x, verdict))
        return verdict.holds

    @contextmanager
    def labelled(self, state, quantity: str):
        """Name the inequalities decided inside: ``(state, quantity)`` goes with each recorded verdict."""
        previous, self._label = self._label, (state, quantity)
        try:
            yield
        finally:
            self._label = previous

    @contextmanager
    def recording(self):
        """Yield a list that receives ``((state, quantity), x, SignVerdict)`` for every ``nonnegative`` call."""
        log: list = []
        self._recorders.append(log)
        try:
            yield log
        finally:
            self._recorders.remove(log)

    def __repr__(self):
        return f"QQ({', '.join(self.symbols)})"


_NUMERIC = NumericDomain()


@contextmanager
def _unlimited_int_digits():
    """Lift Python 3.11's 4300-digit ``str(int)`` limit while SymPy prints a huge coefficient."""
    getter = getattr(sys, "get_int_max_str_digits", None)
    if getter is None:  # pragma: no cover - Python without the limit
        yield
        return
    previous = getter()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)


def domain_for(parameters=()):
    """The domain of an analysis: QQ without parameters, QQ(params) with them."""
    names = tuple(parameters)
    return ParametricDomain(names) if names else _NUMERIC


def valid_identifier(name: str) -> bool:
    """Parameter names: ``[A-Za-z_][A-Za-z0-9_]*``, at most 64 characters."""
    return isinstance(name, str) and _IDENTIFIER.fullmatch(name) is not None


# ------------------------------------------------------- restricted parser

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|[-+*/()]))"
)


class _Parser:
    def __init__(self, text: str, domain, where: str, max_power: int = MAX_POWER):
        self.text = text
        self.domain = domain
        self.where = where
        self.max_power = max_power
        self.tokens = self._tokenize(text)
        self.pos = 0
        self.depth = 0

    def fail(self, what: str, rule: str = "expressions use numbers, declared symbols, + - * /, "
             "parentheses and ** with a small integer exponent"):
        raise ExpressionError(self.where, what, rule)

    def _tokenize(self, text):
        tokens = []
        pos = 0
        end = len(text.rstrip())
        while pos < end:
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                self.fail(f"unexpected character {describe_value(text[pos:].lstrip()[:1])} "
                          f"in {describe_value(text)}")
            kind = match.lastgroup
            tokens.append((kind, match.group(kind)))
            pos = match.end()
        return tokens

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def checked(self, value):
        self.domain.check_size(value, self.where)
        return value

    def parse(self):
        if not self.tokens:
            self.fail("empty expression")
        value = self.expr()
        if self.pos != len(self.tokens):
            self.fail(f"unexpected {self.peek()[1]!r} in {self.text!r}")
        return value

    def enter(self):
        self.depth += 1
        if self.depth > MAX_EXPRESSION_DEPTH:
            self.fail("expression nested too deeply", f"at most {MAX_EXPRESSION_DEPTH} levels")

    def expr(self):
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            right = self.term()
            value = self.checked(value + right if op == "+" else value - right)
        return value

    def term(self):
        value = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            right = self.unary()
            if op == "*":
                value = self.checked(value * right)
            else:
                if self.domain.is_zero(right):
                    self.fail(f"division by zero in {self.text!r}", "denominators must be non-zero")
                value = self.checked(value / right)
        return value

    def unary(self):
        if self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            self.enter()
            value = self.unary()
            self.depth -= 1
            return -value if op == "-" else value
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek() == ("op", "**"):
            self.take()
            kind, text = self.take()
            if kind != "num" or not (text.isascii() and text.isdigit()):
                self.fail("the exponent of ** must be a non-negative integer literal")
            exponent = int(text[:6])
            if len(text) > 3 or exponent > self.max_power:
                self.fail(f"exponent {text} is too large", f"exponents are at most {self.max_power}")
            result = self.domain.one
            for _ in range(exponent):
                result = self.checked(result * base)
            return result
        return base

    def atom(self):
        kind, text = self.take()
        if kind == "num":
            return self.checked(self.domain.from_rational(_number_in_expression(text, self.where)))
        if kind == "name":
            if text in self.domain.symbols:
                return self.domain.symbol(text)
            declared = ", ".join(self.domain.symbols) or "none"
            self.fail(f"undeclared symbol {text!r} in {self.text!r}",
                      f"only declared parameters may appear (declared: {declared})")
        if (kind, text) == ("op", "("):
            self.enter()
            value = self.expr()
            self.depth -= 1
            if self.take() != ("op", ")"):
                self.fail(f"unbalanced parentheses in {self.text!r}")
            return value
        if kind is None:
            self.fail(f"expression {self.text!r} ends too early")
        self.fail(f"unexpected {text!r} in {self.text!r}")


def _number_in_expression(text: str, where: str):
    """parse_number, with its refusals raised as ExpressionError (the parser's one error type)."""
    try:
        return parse_number(text, where)
    except ExpressionError:
        raise
    except ModelError as exc:
        raise ExpressionError(exc.where, exc.what, exc.rule) from None


#: Short number literals already read, text → Rational (a model repeats a few probabilities like "1/2"
#: thousands of times); only texts that parsed and passed every size check are kept.
_PLAIN_NUMBERS_READ: dict = {}
_PLAIN_MEMO_CHARS = 40
_PLAIN_MEMO_SIZE = 1 << 16


def parse_expression(text, domain=_NUMERIC, where: str = ""):
    """Parse ``text`` with the restricted grammar and evaluate it in ``domain``.

    >>> str(parse_expression("1/2 + 1/4"))
    '3/4'

    Anything outside the grammar (calls, attributes, names not declared,
    ``**`` with a non-literal or large exponent) raises ExpressionError.  An
    exact number (int, Fraction, mpq: what ``loads_json`` makes of ``0.25``)
    is taken as it is; a plain number literal such as ``"3/8"`` may be up to
    MAX_NUMBER_CHARS digits in its numerator and denominator, anything else
    at most MAX_EXPRESSION_CHARS characters long.
    """
    if isinstance(text, (bool, float, list, tuple, dict, bytes, complex)) or text is None:
        raise ExpressionError(where, f"{describe_value(text)} is not a number or expression",
                              "expected a string or a JSON number")
    if not isinstance(text, str):
        try:
            q = to_rational(text)
        except TypeError as exc:
            raise ExpressionError(where, str(exc), "expected a string or a JSON number") from None
        _check_bits(q, where, ExpressionError)
        return domain.from_rational(q)
    known = _PLAIN_NUMBERS_READ.get(text)
    if known is not None:
        return domain.from_rational(known)
    if is_plain_number(text):
        q = _number_in_expression(text, where)
        _check_bits(q, where, ExpressionError)
        if len(text) <= _PLAIN_MEMO_CHARS:
            if len(_PLAIN_NUMBERS_READ) >= _PLAIN_MEMO_SIZE:
                _PLAIN_NUMBERS_READ.clear()
            _PLAIN_NUMBERS_READ[text] = q
        return domain.from_rational(q)
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(where, f"expression with {len(text)} characters",
                              f"at most {MAX_EXPRESSION_CHARS} characters")
    value = _Parser(text, domain, where).parse()
    if not domain.parametric:
        _check_bits(value, where, ExpressionError)
    return value


#: Longest canonical report string read back for display (``pretty``); model text stays at MAX_EXPRESSION_CHARS.
MAX_REPORT_EXPRESSION_CHARS = 200_000


def parse_report_expression(text: str, domain, where: str = ""):
    """``parse_expression`` for a canonical report string (``domain.to_str`` output, read back for display):
    the same grammar and size checks on every intermediate result, up to MAX_REPORT_EXPRESSION_CHARS characters
    and exponents up to MAX_PARAMETRIC_DEGREE (the degrees a result may have)."""
    if not isinstance(text, str) or len(text) > MAX_REPORT_EXPRESSION_CHARS:
        raise ExpressionError(where, "not a report expression",
                              f"a string of at most {MAX_REPORT_EXPRESSION_CHARS} characters")
    if is_plain_number(text):
        return parse_expression(text, domain, where)
    return _Parser(text, domain, where, max_power=MAX_PARAMETRIC_DEGREE).parse()


# ---------------------------------------------------------------- JSON


def _refuse_constant(name):
    raise ValueError(f"{name} is not an exact number")


def _refuse_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {describe_value(key)}")
        result[key] = value
    return result


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _json_shape_error(text: str, where: str):
    """The ModelError for a text nested deeper than MAX_JSON_DEPTH or holding more than
    MAX_JSON_CONTAINERS arrays and objects, else None: a linear scan before ``json.loads``
    recurses or allocates.  Brackets inside strings do not count.
    """
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return None  # fast path: too few brackets to be deep
    outside_strings = _JSON_STRING.sub("", text)
    containers = outside_strings.count("[") + outside_strings.count("{")
    if containers > MAX_JSON_CONTAINERS:
        return ModelError(where, f"JSON with {containers} arrays and objects",
                          f"at most {MAX_JSON_CONTAINERS} arrays and objects per file")
    if not _depth_ok(outside_strings):
        return ModelError(where, "JSON nested too deeply", f"at most {MAX_JSON_DEPTH} levels")
    return None


def _depth_ok(outside_strings: str) -> bool:
    """Bracket depth ≤ MAX_JSON_DEPTH, in chunks (bounded memory, early exit)."""
    depth = 0
    chunk = 1 << 16
    for start in range(0, len(outside_strings), chunk):
        brackets = _JSON_BRACKET.findall(outside_strings, start, start + chunk)
        depths = list(accumulate(map(_DEPTH_STEP.__getitem__, brackets), initial=depth))
        if max(depths) > MAX_JSON_DEPTH:
            return False
        depth = depths[-1]
    return True




def loads_json(text: str, where: str = "file"):
    """Parse JSON exactly: decimals become Rationals, never floats.

    Duplicate keys, NaN/Infinity and nesting deeper than MAX_JSON_DEPTH are
    refused with ModelError.

    >>> str(loads_json('{"p": 0.1}')["p"])
    '1/10'
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ModelError(where, f"not UTF-8: {exc.reason} at byte {exc.start}", "files are UTF-8 JSON") from None
    if not isinstance(text, str):
        raise ModelError(where, f"cannot parse {describe_value(text)} as JSON", "give JSON text")
    shape_error = _json_shape_error(text, where)
    if shape_error is not None:
        raise shape_error
    budget = [JSON_BITS_PER_CHAR * len(text) + JSON_BITS_SLACK]

    def counted(value):
        """Charge a parsed number's size to the document (a short exponent literal can be large:
        ``1e-9999`` is 8 bytes of text and 33,000 bits of value), in ignored keys too."""
        budget[0] -= int(abs(value.numerator)).bit_length() + int(value.denominator).bit_length()
        if budget[0] < 0:
            raise ModelError(where, "its numbers are too large for its size (decimal exponents expand them)",
                             f"at most {JSON_BITS_PER_CHAR} bits of exact value per character of JSON text")
        return value

    try:
        return json.loads(text, parse_float=lambda number: counted(parse_number(number, f"{where}: JSON number")),
                          parse_int=lambda number: counted(_int_or_refuse(number, f"{where}: JSON number")),
                          parse_constant=_refuse_constant, object_pairs_hook=_refuse_duplicates)
    except ModelError:
        raise
    except RecursionError:
        raise ModelError(where, "JSON nested too deeply", f"at most {MAX_JSON_DEPTH} levels") from None
    except ValueError as exc:
        raise ModelError(where, f"not valid JSON: {exc}", "files are strict JSON") from None


def _int_or_refuse(text: str, where: str = "JSON number") -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_CHARS:
        raise ModelError(where, f"integer with {len(text.lstrip('-'))} digits",
                         f"at most {MAX_NUMBER_CHARS} digits in a numerator, denominator or mantissa")
    return _int_from_str(text)
