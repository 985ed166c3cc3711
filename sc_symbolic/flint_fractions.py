"""Rational functions over python-flint's ``fmpz_mpoly`` — the fast backend of parametric solves.

An element is N/D with N, D ∈ ZZ[p, q, …], gcd(N, D) = 1 and D's leading
coefficient positive, so x = 0 ⟺ N = 0 and equal fractions have equal
(N, D).  Products cancel crosswise (gcd(a, d), gcd(c, b) for a/b · c/d);
sums over a shared denominator cancel once.  Exact: only integer
polynomial arithmetic and gcds.  ``to_flint`` / ``from_flint`` convert
from and to the model's domain QQ(params) (SymPy's FracField), whose
``new`` cancels again, so results are SymPy's canonical elements, the same
ones the pure-SymPy path returns.  Imports nothing from the package.
"""

from __future__ import annotations


class FlintFraction:
    __slots__ = ("num", "den")

    def __init__(self, num, den):
        self.num = num
        self.den = den

    @staticmethod
    def reduced(num, den) -> "FlintFraction":
        if num.is_zero():
            return FlintFraction(num, den.context().from_dict({}) + 1)
        g = num.gcd(den)
        if not g.is_one():
            num, den = num / g, den / g
        if den.leading_coefficient() < 0:
            num, den = -num, -den
        return FlintFraction(num, den)

    def __add__(self, other: "FlintFraction") -> "FlintFraction":
        if self.den == other.den:
            return FlintFraction.reduced(self.num + other.num, self.den)
        if other.den.is_one():
            return FlintFraction(self.num + other.num * self.den, self.den)
        if self.den.is_one():
            return FlintFraction(self.num * other.den + other.num, other.den)
        return FlintFraction.reduced(self.num * other.den + other.num * self.den, self.den * other.den)

    def __neg__(self) -> "FlintFraction":
        return FlintFraction(-self.num, self.den)

    def __sub__(self, other: "FlintFraction") -> "FlintFraction":
        return self + (-other)

    def __mul__(self, other: "FlintFraction") -> "FlintFraction":
        a, b, c, d = self.num, self.den, other.num, other.den
        if a.is_zero() or c.is_zero():
            return FlintFraction(a * 0, b * 0 + 1)
        g1, g2 = a.gcd(d), c.gcd(b)
        if not g1.is_one():
            a, d = a / g1, d / g1
        if not g2.is_one():
            c, b = c / g2, b / g2
        num, den = a * c, b * d
        if den.leading_coefficient() < 0:
            num, den = -num, -den
        return FlintFraction(num, den)

    def inverse(self) -> "FlintFraction":
        if self.num.is_zero():
            raise ZeroDivisionError("inverse of zero")
        num, den = self.den, self.num
        if den.leading_coefficient() < 0:
            num, den = -num, -den
        return FlintFraction(num, den)

    def __truediv__(self, other: "FlintFraction") -> "FlintFraction":
        return self * other.inverse()

    def __bool__(self) -> bool:
        return not self.num.is_zero()


class FlintFractionDomain:
    """The operations ``evaluate._solve_component`` needs, over FlintFraction."""

    parametric = True

    def __init__(self, flint, domain):
        self.sympy_domain = domain
        self.ctx = flint.fmpz_mpoly_ctx.get(tuple(domain.symbols), "lex")
        self.field = domain.K.field
        self.ring = self.field.ring
        one = self.ctx.from_dict({(0,) * len(domain.symbols): 1})
        self.one = FlintFraction(one, one)
        self.zero = FlintFraction(one * 0, one)

    def is_zero(self, x) -> bool:
        return x.num.is_zero()

    def dot(self, pairs):
        total = self.zero
        for c, x in pairs:
            total = total + c * x
        return total

    def _integer_poly(self, poly):
        """poly ∈ QQ[params] as (c, P) with poly = P / c, P ∈ ZZ[params]."""
        common, cleared = poly.clear_denoms()
        return int(common), self.ctx.from_dict({m: int(c) for m, c in cleared.items()})

    def to_flint(self, x) -> FlintFraction:
        cn, num = self._integer_poly(x.numer)
        cd, den = self._integer_poly(x.denom)
        return FlintFraction.reduced(num * cd, den * cn)

    def from_flint(self, x: FlintFraction):
        return self.field.new(self._sympy_poly(x.num), self._sympy_poly(x.den))

    def _sympy_poly(self, poly):
        domain = self.ring.domain
        return self.ring.from_dict({tuple(int(e) for e in m): domain(int(c)) for m, c in poly.to_dict().items()})
