"""Display layer — closed forms as a paper writes them (text tables, ``--latex``, notebooks).

A rational function x ∈ ℚ(p, q, …) is shown in its *paper form*

    x = c · ∏ᵢ fᵢ^{eᵢ} / ∏ⱼ gⱼ^{kⱼ}

with c ∈ ℚ, and every fᵢ, gⱼ a distinct irreducible polynomial over ℚ with
coprime integer coefficients and a positive leading coefficient (lex order of
the declared parameters).  So the denominator ∏ gⱼ^{kⱼ} times the denominator
of c has a positive leading coefficient, the sign of x sits in the numerator,
and the constant factor c is pulled out: R = χ² = I at ``s1`` of
``examples/parametric_coin.json`` reads ``(2*p - 1)**2/(2*p + 1)**2``, not
``(4*p**2 - 4*p + 1)/(4*p**2 + 4*p + 1)``.  Factors are ordered by total degree,
then by text.  Above ``MAX_FACTOR_TERMS`` terms the polynomials are not
factored, only made primitive (content into c, sign normalised): same rules,
fewer factors.

Nothing here decides anything: the report keeps the canonical string of
``domain.to_str`` (the JSON contract), and the paper form is only printed.
``PaperForm.to_domain`` rebuilds x in the domain, so a test proves each paper
form equal to the canonical value (the difference is the zero of ℚ(p, …)).

>>> from sc_symbolic.exact import domain_for, parse_expression
>>> d = domain_for(("p",))
>>> paper_form(parse_expression("(4*p**2 - 4*p + 1)/(4*p**2 + 4*p + 1)", d), d).text()
'(2*p - 1)**2/(2*p + 1)**2'
>>> paper_text("-20*p/(6*p**2 - 33*p - 6)", ["p"])
'-20*p/(3*(2*p**2 - 11*p - 2))'
>>> paper_text("3/4", ["p"]), paper_text("-3/4")
('3/4', '-3/4')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

#: Polynomials with more terms than this are made primitive, not factored (display time stays small).
MAX_FACTOR_TERMS = 400
#: Above this total degree, a polynomial in several parameters is shown with square-free factors only.
MAX_FACTOR_DEGREE = 48


@dataclass(frozen=True)
class PaperForm:
    """``constant · ∏ f**e over numerator / ∏ g**k over denominator``; factors are SymPy expressions."""

    constant: Fraction
    numerator: tuple
    denominator: tuple
    symbols: tuple

    def text(self) -> str:
        """SymPy-style text (``**``, ``*``, ``/``) that the restricted parser reads back.

        >>> from sympy import Symbol
        >>> p = Symbol("p")
        >>> PaperForm(Fraction(-5, 22), ((4 * p**2 + 1, 1),), ((2 * p - 1, 2),), (p,)).text()
        '-5*(4*p**2 + 1)/(22*(2*p - 1)**2)'
        """
        if not self.numerator and not self.denominator:
            return _fraction_text(self.constant)
        a, b = abs(self.constant.numerator), self.constant.denominator
        top = ([str(a)] if a != 1 or not self.numerator else []) + [_factor_text(f, e) for f, e in self.numerator]
        bottom = ([str(b)] if b != 1 else []) + [_factor_text(g, k) for g, k in self.denominator]
        if not bottom and self.constant == 1 and len(self.numerator) == 1 and self.numerator[0][1] == 1:
            return str(self.numerator[0][0])
        text = ("-" if self.constant < 0 else "") + "*".join(top)
        if bottom:
            text += "/" + (bottom[0] if len(bottom) == 1 else "(" + "*".join(bottom) + ")")
        return text

    def latex(self) -> str:
        r"""LaTeX (math mode): ``\frac{…}{…}`` with each polynomial factor in ``\left( \right)``.

        >>> from sympy import Symbol
        >>> theta = Symbol("theta")
        >>> PaperForm(Fraction(1), ((2 * theta - 1, 2),), ((2 * theta + 1, 2),), (theta,)).latex()
        '\\frac{\\left(2 \\theta - 1\\right)^{2}}{\\left(2 \\theta + 1\\right)^{2}}'
        """
        sign = "-" if self.constant < 0 else ""
        a, b = abs(self.constant.numerator), self.constant.denominator
        if not self.numerator and not self.denominator:
            return sign + (str(a) if b == 1 else f"\\frac{{{a}}}{{{b}}}")
        top = ([str(a)] if a != 1 or not self.numerator else []) + [_factor_latex(f, e) for f, e in self.numerator]
        bottom = ([str(b)] if b != 1 else []) + [_factor_latex(g, k) for g, k in self.denominator]
        if not bottom:
            return sign + (_side_latex(top, self.numerator) if not sign else " ".join(top))
        return f"{sign}\\frac{{{_side_latex(top, self.numerator)}}}{{{_side_latex(bottom, self.denominator)}}}"

    def _repr_latex_(self) -> str:
        """Jupyter shows a paper form typeset."""
        return f"${self.latex()}$"

    def __str__(self) -> str:
        return self.text()

    def to_domain(self, domain):
        """The value in ``domain`` (a ``ParametricDomain``): c · ∏ f^e / ∏ g^k, computed in ℚ(p, …)."""
        from .exact import rational

        value = domain.from_rational(rational(self.constant.numerator, self.constant.denominator))
        for factor, exponent in self.numerator:
            value = value * domain.K.from_sympy(factor) ** exponent
        for factor, exponent in self.denominator:
            value = value / domain.K.from_sympy(factor) ** exponent
        return value


def _fraction_text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _factor_text(factor, exponent: int) -> str:
    import sympy

    text = str(factor)
    if isinstance(factor, sympy.Add):
        text = f"({text})"
    return text if exponent == 1 else f"{text}**{exponent}"


def _factor_latex(factor, exponent: int) -> str:
    import sympy

    text = sympy.latex(factor)
    if isinstance(factor, sympy.Add):
        text = f"\\left({text}\\right)"
    return text if exponent == 1 else f"{text}^{{{exponent}}}"


def _side_latex(parts: list, factors: tuple) -> str:
    """One side of ``\\frac``: a lone factor to the first power needs no parentheses there."""
    if len(parts) == 1 and len(factors) == 1 and factors[0][1] == 1:
        import sympy

        return sympy.latex(factors[0][0])
    return " ".join(parts)


def _as_fraction(value) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def _polynomial_factors(polynomial, symbols) -> tuple[Fraction, list]:
    """(c, [(f, e)]) with polynomial = c · ∏ f^e, each f primitive over ℤ with a positive leading coefficient."""
    import sympy

    if polynomial.is_zero:
        raise ValueError("the zero polynomial has no paper form")
    poly = sympy.Poly(polynomial, *symbols)
    if poly.is_ground:
        return _as_fraction(sympy.Rational(poly.LC())), []
    if len(poly.terms()) > MAX_FACTOR_TERMS:
        content, primitive = poly.primitive() if poly.domain.is_ZZ else _clear_and_primitive(poly)
        pairs = [(primitive, 1)]
        constant = sympy.Rational(content)
    elif poly.total_degree() > MAX_FACTOR_DEGREE and len(poly.free_symbols) > 1:
        constant, pairs = poly.sqf_list()  # square-free only: Wang's factorisation takes minutes here
        constant = sympy.Rational(constant)
    else:
        constant, pairs = poly.factor_list()
        constant = sympy.Rational(constant)
    factors = []
    for factor, exponent in pairs:
        factor = sympy.Poly(factor, *symbols)
        if factor.LC() < 0:  # the sign moves into the constant
            factor = -factor
            constant *= (-1) ** exponent
        factors.append((factor.as_expr(), int(exponent)))
    factors.sort(key=lambda pair: (sympy.Poly(pair[0], *symbols).total_degree(), str(pair[0]), pair[1]))
    return _as_fraction(constant), factors


def _clear_and_primitive(poly):
    """(content, primitive integer polynomial) of a polynomial over ℚ."""
    denominator, cleared = poly.clear_denoms(convert=True)
    content, primitive = cleared.primitive()
    return content / denominator, primitive


def paper_form(x, domain) -> PaperForm:
    """The paper form of ``x``, an element of ``domain`` (numeric or parametric)."""
    if not domain.parametric:
        return PaperForm(Fraction(int(x.numerator), int(x.denominator)), (), (), ())
    symbols = tuple(domain.symbol(name).as_expr() for name in domain.symbols)
    if not x:
        return PaperForm(Fraction(0), (), (), symbols)
    top_constant, top = _polynomial_factors(x.numer.as_expr(), symbols)
    bottom_constant, bottom = _polynomial_factors(x.denom.as_expr(), symbols)
    return PaperForm(top_constant / bottom_constant, tuple(top), tuple(bottom), symbols)


def _read(text: str, parameters):
    """(value, domain) of a canonical report string, read by the restricted parser; None if unreadable."""
    from .errors import ScError
    from .exact import domain_for, parse_report_expression

    try:
        domain = domain_for(tuple(parameters))
        return parse_report_expression(text, domain, "paper form"), domain
    except (ScError, ValueError, TypeError):
        return None


def paper_text(text, parameters=()) -> str:
    """The paper form of a canonical report string (``None`` and unreadable text are returned as they are)."""
    if text is None or not parameters:
        return text
    read = _read(str(text), parameters)
    return text if read is None else paper_form(*read).text()


def paper_latex(text, parameters=()) -> str | None:
    """LaTeX (math mode) of the paper form of a canonical parametric report string, or None if unreadable."""
    read = _read(str(text), parameters)
    return None if read is None else paper_form(*read).latex()
