"""Conditioning layer — the χ² trust-region optimum at ANY radius δ ≥ 0 (docs/math.md §4 "General radius").

    maximise Σ_a p(a) Q(a)   s.t.   χ²(p ‖ π) ≤ δ,  p ∈ Δ(A),  p(a) = 0 where π(a) = 0
    optimum  p_ν(a) = π(a)·max(0, Q(a) − ν) / Σ_b π(b)·max(0, Q(b) − ν),   χ²(p_ν ‖ π) = δ

ν, p and the value lie in one quadratic field Q(√n) (``QuadraticNumber``):
every equality and sign is decided exactly (signs by comparing squares),
never through a float.  SymPy is imported only to publish the results as
expressions and to read expressions back for the certificate check.  Works
on numbers (Rational) only: it does not touch models, and it never prints.

Multipliers (docs/math.md's stationarity form) — the Lagrangian is

    L(p) = Σ pQ − μ(Σ p²/π − 1 − δ) − ν(Σ p − 1) + Σ κ_a p_a,

whose gradient gives ``Q(a) − 2μ p(a)/π(a) − ν + κ_a = 0``.  Σ p²/π − 1
equals χ² on the simplex; written literally as Σ (p − π)²/π the simplex
multiplier is ν' = ν − 2μ instead.  At the optimum: ν is the threshold of
p_ν, 2μ = Σ_a π(a)·max(0, Q(a) − ν) (the normaliser), κ_a = max(0, ν − Q(a))
on the support and 0 outside it (there p = 0 is forced by χ² < ∞, so no
stationarity is asked).  At π⁺ (δ = I) this is ν = 0, μ = V/2, κ = 0.  From
δ ≥ D_1 = 1/π(argmax Q) − 1 on, the optimum is the greedy policy and we report
μ = 0, ν = max Q (slack form; at δ = D_1 itself the tight multipliers ν = q_2,
2μ = π(argmax)(q_1 − q_2) certify too — so when π⁺ is greedy, I = D_1 and the
slack form is what is reported).  At δ = 0 with Var > 0 no finite multipliers exist (Slater fails);
the certificate is then "the feasible set is {π}" and ``multipliers`` is None.
L is concave for μ ≥ 0, so these KKT conditions are sufficient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import isqrt

from .errors import ModelError, UnsupportedModelError
from .exact import Rational, parse_number, rational, to_rational

_SMALL_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47)


def _square_root_int(n: int):
    """√n as an int when n ≥ 0 is a perfect square, else None."""
    root = isqrt(n)
    return root if root * root == n else None


def _split_square(n: int) -> tuple[int, int]:
    """n = k² · r (n ≥ 1) with small square factors pulled into k (r need not be square-free)."""
    k = 1
    for prime in _SMALL_PRIMES:
        square = prime * prime
        while n % square == 0:
            n //= square
            k *= prime
    root = _square_root_int(n)
    if root is not None:
        return k * root, 1
    return k, n


def _as_rational(value, where: str):
    if isinstance(value, str):
        return parse_number(value, where)
    if isinstance(value, float):
        raise ModelError(where, f"binary float {value!r} refused", "exact numbers only")
    try:
        return to_rational(value)
    except TypeError as exc:
        raise ModelError(where, str(exc), "exact numbers only") from None


@dataclass(frozen=True, eq=False)
class QuadraticNumber:
    """a + b·√n with Rational a, b and an integer n ≥ 2 that is not a perfect square (n = 1 iff b = 0).

    Arithmetic stays exact inside one field Q(√n); ``sign`` compares squares.

    >>> x = QuadraticNumber.sqrt(rational(1, 2))      # √2 / 2
    >>> (x * x) == rational(1, 2), x.sign(), (x - 1).sign()
    (True, 1, -1)
    """

    rational: Rational
    surd: Rational = rational(0)
    radicand: int = 1

    # ------------------------------------------------------------ building
    @classmethod
    def of(cls, value) -> "QuadraticNumber":
        """A Rational, int or QuadraticNumber as a QuadraticNumber."""
        if isinstance(value, QuadraticNumber):
            return value
        return cls(to_rational(value))

    @classmethod
    def sqrt(cls, value) -> "QuadraticNumber":
        """√value for a Rational value ≥ 0, exactly (rational when value is a square)."""
        q = to_rational(value)
        if q < 0:
            raise ArithmeticError(f"square root of the negative number {q}")
        numerator, denominator = int(q.numerator), int(q.denominator)
        if numerator == 0:
            return cls(rational(0))
        # √(p/q) = √(p·q) / q
        k, r = _split_square(numerator * denominator)
        coefficient = rational(k, denominator)
        if r == 1:
            return cls(coefficient)
        return cls(rational(0), coefficient, r)

    def __post_init__(self):
        if self.surd == 0 and self.radicand != 1:
            object.__setattr__(self, "radicand", 1)

    # ------------------------------------------------------------ field
    def _align(self, other) -> tuple:
        other = QuadraticNumber.of(other)
        n1, n2 = self.radicand, other.radicand
        if n1 == n2 or n2 == 1:
            return self, other, n1
        if n1 == 1:
            return self, other, n2
        root = _square_root_int(n1 * n2)  # √n2 = √(n1 n2)/√n1 = (root/n1) √n1
        if root is None:
            raise UnsupportedModelError(f"√{n1} and √{n2} lie in different quadratic fields "
                                        "(the optimum lives in one field Q(√n))")
        return self, QuadraticNumber(other.rational, other.surd * rational(root, n1), n1), n1

    def __add__(self, other):
        x, y, n = self._align(other)
        return QuadraticNumber(x.rational + y.rational, x.surd + y.surd, n)

    __radd__ = __add__

    def __neg__(self):
        return QuadraticNumber(-self.rational, -self.surd, self.radicand)

    def __sub__(self, other):
        return self + (-QuadraticNumber.of(other))

    def __rsub__(self, other):
        return QuadraticNumber.of(other) - self

    def __mul__(self, other):
        x, y, n = self._align(other)
        return QuadraticNumber(x.rational * y.rational + x.surd * y.surd * n,
                               x.rational * y.surd + x.surd * y.rational, n)

    __rmul__ = __mul__

    def conjugate(self):
        return QuadraticNumber(self.rational, -self.surd, self.radicand)

    def norm(self):
        """a² − b² n, a Rational; zero only for the number 0 (√n is irrational)."""
        return self.rational * self.rational - self.surd * self.surd * self.radicand

    def __truediv__(self, other):
        other = QuadraticNumber.of(other)
        norm = other.norm()
        if norm == 0:
            raise ZeroDivisionError("division by the quadratic number 0")
        numerator = self * other.conjugate()
        return QuadraticNumber(numerator.rational / norm, numerator.surd / norm, numerator.radicand)

    def __rtruediv__(self, other):
        return QuadraticNumber.of(other) / self

    # ------------------------------------------------------------ order
    def sign(self) -> int:
        """−1, 0 or 1, decided exactly: compare a² with b²n when a and b·√n have opposite signs."""
        a, b = self.rational, self.surd
        sa = (a > 0) - (a < 0)
        sb = (b > 0) - (b < 0)
        if sb == 0 or sa == sb:
            return sa if sa else sb
        if sa == 0:
            return sb
        return sa if a * a > b * b * self.radicand else sb

    def __eq__(self, other):
        try:
            return (self - other).sign() == 0
        except (TypeError, UnsupportedModelError):
            return NotImplemented

    def __hash__(self):
        return hash(self.rational) if self.surd == 0 else hash((self.rational, self.surd, self.radicand))

    def __lt__(self, other):
        return (self - other).sign() < 0

    def __le__(self, other):
        return (self - other).sign() <= 0

    def __gt__(self, other):
        return (self - other).sign() > 0

    def __ge__(self, other):
        return (self - other).sign() >= 0

    @property
    def is_rational(self) -> bool:
        return self.surd == 0

    # ------------------------------------------------------------ SymPy edge
    def to_sympy(self):
        """The SymPy expression a + b·sqrt(n) (exact)."""
        import sympy

        def q(x):
            return sympy.Rational(int(x.numerator), int(x.denominator))

        if self.surd == 0:
            return q(self.rational)
        return q(self.rational) + q(self.surd) * sympy.sqrt(sympy.Integer(self.radicand))

    @classmethod
    def from_sympy(cls, expr) -> "QuadraticNumber":
        """Read an exact SymPy number of Q(√n) back (after ``radsimp``/``expand``).

        Python ints and Rationals are accepted as they are.  Anything else — a
        float, a symbol, a cube root, two unrelated square roots — raises
        UnsupportedModelError: the certificate then does not verify.
        """
        if isinstance(expr, QuadraticNumber):
            return expr
        if isinstance(expr, (int, Fraction, Rational)) and not isinstance(expr, bool):
            return cls(to_rational(expr))
        import sympy

        if not isinstance(expr, sympy.Basic):
            raise UnsupportedModelError(f"{expr!r} is not an exact number")
        if expr.is_Rational:
            return cls(rational(int(expr.p), int(expr.q)))
        if expr.free_symbols or expr.has(sympy.Float):
            raise UnsupportedModelError(f"{expr} is not an exact algebraic number")
        reduced = sympy.expand(sympy.radsimp(expr))
        total = cls(rational(0))
        for term in sympy.Add.make_args(reduced):
            coefficient, rest = term.as_coeff_Mul()
            if not coefficient.is_Rational:
                raise UnsupportedModelError(f"{expr} is not in a quadratic field (term {term})")
            c = rational(int(coefficient.p), int(coefficient.q))
            if rest == 1:
                total = total + c
            elif (rest.is_Pow and rest.exp == sympy.S.Half and rest.base.is_Integer and rest.base > 1):
                total = total + c * cls.sqrt(rational(int(rest.base)))
            else:
                raise UnsupportedModelError(f"{expr} is not in a quadratic field (term {term})")
        return total

    def __repr__(self):
        if self.surd == 0:
            return f"QuadraticNumber({self.rational})"
        return f"QuadraticNumber({self.rational} + {self.surd}*sqrt({self.radicand}))"

    def __str__(self):
        return str(self.to_sympy())


# ---------------------------------------------------------------- the optimum


@dataclass
class TrustRegionOptimum:
    """argmax {Σ pQ : χ²(p‖π) ≤ δ} with its KKT certificate (docs/math.md §4).

    ``policy``, ``value``, ``nu`` and the multipliers are exact SymPy
    expressions; ``exact_policy`` / ``exact_value`` hold the same numbers as
    ``QuadraticNumber``.  ``verified`` is the verdict of ``optimum_violations``
    on the published SymPy values, and ``violations`` lists what failed.
    ``regime`` is "unchanged" (δ = 0 or Var = 0), "interior" (no action cut),
    "cut" (some actions cut, constraint active) or "greedy" (constraint slack).
    """

    pi: dict
    Q: dict
    radius: Rational
    policy: dict
    value: object
    nu: object
    active: tuple
    multipliers: dict | None
    regime: str
    exact_policy: dict
    exact_value: QuadraticNumber
    verified: bool = False
    violations: list = field(default_factory=list)


def _validated(pi: dict, Q: dict):
    if not isinstance(pi, dict) or not isinstance(Q, dict):
        raise ModelError("pi, Q", "both must be dicts action -> number", "one value per action")
    if set(pi) != set(Q):
        raise ModelError("Q", f"actions {sorted(map(str, set(pi) ^ set(Q)))} are in only one of pi and Q",
                         "pi and Q must have the same actions")
    if not pi:
        raise ModelError("pi", "no actions", "a state needs at least one action")
    pi = {a: _as_rational(pi[a], f"pi[{a}]") for a in pi}
    Q = {a: _as_rational(Q[a], f"Q[{a}]") for a in pi}
    for a, p in pi.items():
        if p < 0:
            raise ModelError(f"pi[{a}]", f"probability {p} is negative", "pi is a distribution")
    total = sum(pi.values(), rational(0))
    if total != 1:
        raise ModelError("pi", f"probabilities sum to {total}, not 1", "pi is a distribution")
    return pi, Q


def _moments(pi: dict, Q: dict, actions) -> tuple:
    """(P, m, v): mass, mean and variance of Q under π restricted to ``actions``."""
    P = sum((pi[a] for a in actions), rational(0))
    m = sum((pi[a] * Q[a] for a in actions), rational(0)) / P
    v = sum((pi[a] * (Q[a] - m) ** 2 for a in actions), rational(0)) / P
    return P, m, v


def _levels(pi: dict, Q: dict) -> tuple[list, list]:
    """Support (π > 0) and its distinct Q values, highest first."""
    support = [a for a in pi if pi[a] != 0]
    return support, sorted({Q[a] for a in support}, reverse=True)


def _breakpoints(pi: dict, Q: dict, support: list, levels: list) -> list:
    """D_1 > D_2 > … > D_m > 0: D_1 = 1/π(argmax) − 1, D_k = χ²(p_ν ‖ π) at ν = q_k (k ≥ 2)."""
    top = [a for a in support if Q[a] == levels[0]]
    D = [1 / sum((pi[a] for a in top), rational(0)) - 1]
    for q_k in levels[1:]:
        weights = {a: pi[a] * (Q[a] - q_k) for a in support if Q[a] > q_k}
        Z = sum(weights.values(), rational(0))
        D.append(sum((w * w / (Z * Z * pi[a]) for a, w in weights.items()), rational(0)) - 1)
    return D


def _sympy_dict(values: dict) -> dict:
    return {a: QuadraticNumber.of(x).to_sympy() for a, x in values.items()}


def trust_region_optimum(pi: dict, Q: dict, radius) -> TrustRegionOptimum:
    """The maximiser of Σ pQ over χ²(p ‖ π) ≤ δ, exactly, with its KKT certificate checked.

    >>> from sc_symbolic.exact import rational as r
    >>> opt = trust_region_optimum({'a': r(1, 2), 'b': r(1, 2)}, {'a': r(1), 'b': r(0)}, r(1, 4))
    >>> opt.policy, opt.value, opt.nu, opt.verified
    ({'a': 3/4, 'b': 1/4}, 3/4, -1/2, True)
    >>> trust_region_optimum({'a': r(1, 2), 'b': r(1, 2)}, {'a': r(1), 'b': r(0)}, 2).policy
    {'a': 1, 'b': 0}

    ``radius`` is a Rational (or exact number text) ≥ 0; π a distribution; Q
    any exact numbers.  Raises ModelError on bad input.
    """
    pi, Q = _validated(pi, Q)
    delta = _as_rational(radius, "radius")
    if delta < 0:
        raise ModelError("radius", f"{delta} is negative", "the trust-region radius δ must be ≥ 0")
    support, levels = _levels(pi, Q)
    zero = rational(0)
    V = sum((pi[a] * Q[a] for a in support), zero)
    kappa = {a: zero for a in pi}
    if len(levels) == 1 or delta == 0:
        p = {a: QuadraticNumber.of(pi[a]) for a in pi}
        multipliers = {"mu": zero, "nu": V, "kappa": kappa} if len(levels) == 1 else None
        nu = V if len(levels) == 1 else None
        return _finish(pi, Q, delta, p, nu, multipliers, "unchanged")
    D = _breakpoints(pi, Q, support, levels)
    if delta >= D[0]:
        # π on argmax Q, renormalised, with μ = 0, ν = max Q.  At δ = D_1 exactly the constraint is
        # tight and ν = q_2, 2μ = P_1 (q_1 − q_2) certify as well; we report the slack form.
        top = [a for a in support if Q[a] == levels[0]]
        P = sum((pi[a] for a in top), zero)
        p = {a: QuadraticNumber.of(pi[a] / P if a in top else zero) for a in pi}
        for a in support:
            kappa[a] = levels[0] - Q[a]
        return _finish(pi, Q, delta, p, levels[0], {"mu": zero, "nu": levels[0], "kappa": kappa}, "greedy")
    # δ ∈ [D_{k+1}, D_k) ⇔ the active set is the top k levels (D_{m+1} = 0)
    k = next(j for j in range(1, len(levels) + 1) if j == len(levels) or delta >= D[j])
    active = [a for a in support if Q[a] >= levels[k - 1]]
    P, m, v = _moments(pi, Q, active)
    c = (P * (1 + delta) - 1) / v  # t = √c;  ν = m − 1/t;  2μ = P/t
    t = QuadraticNumber.sqrt(c)
    inv_t = 1 / t
    p = {a: ((pi[a] / P) * (1 + (Q[a] - m) * t) if a in active else QuadraticNumber.of(zero)) for a in pi}
    nu = m - inv_t
    for a in support:
        if a not in active:
            kappa[a] = nu - Q[a]
    multipliers = {"mu": inv_t * (P / 2), "nu": nu, "kappa": kappa}
    return _finish(pi, Q, delta, p, nu, multipliers, "interior" if k == len(levels) else "cut")


def _finish(pi, Q, delta, p, nu, multipliers, regime) -> TrustRegionOptimum:
    value = sum((p[a] * Q[a] for a in pi), QuadraticNumber.of(0))
    published = None
    if multipliers is not None:
        published = {"mu": QuadraticNumber.of(multipliers["mu"]).to_sympy(),
                     "nu": QuadraticNumber.of(multipliers["nu"]).to_sympy(),
                     "kappa": _sympy_dict(multipliers["kappa"])}
    result = TrustRegionOptimum(
        pi=pi, Q=Q, radius=delta, policy=_sympy_dict(p), value=value.to_sympy(),
        nu=None if nu is None else QuadraticNumber.of(nu).to_sympy(),
        active=tuple(a for a in pi if p[a].sign() > 0), multipliers=published, regime=regime,
        exact_policy=p, exact_value=value)
    result.violations = optimum_violations(pi, Q, delta, result.policy, result.multipliers, result.value)
    result.verified = not result.violations
    return result


# ---------------------------------------------------------------- certificate


def optimum_violations(pi: dict, Q: dict, radius, policy: dict, multipliers: dict | None, value=None) -> list:
    """Every violated relation of the optimality certificate, as (relation, lhs, rhs); [] = certified.

    Reads ``policy``/``multipliers`` (SymPy expressions, QuadraticNumbers or
    Rationals) into Q(√n) and checks exactly: p ≥ 0, p = 0 off the support,
    Σ p = 1, χ²(p‖π) ≤ δ, μ ≥ 0, κ ≥ 0, stationarity
    Q(a) − 2μ p(a)/π(a) − ν + κ_a = 0 on the support, κ_a p(a) = 0 and
    μ(χ² − δ) = 0; ``value`` (if given) = Σ p Q.  With ``multipliers`` None
    the certificate is accepted only for δ = 0, where p = π is the only
    feasible point.  Never solves anything.
    """
    pi, Q = _validated(pi, Q)
    delta = _as_rational(radius, "radius")
    out = []
    try:
        if set(policy) != set(pi):
            return [("policy has the actions of pi", sorted(map(str, policy)), sorted(map(str, pi)))]
        p = {a: QuadraticNumber.from_sympy(policy[a]) for a in pi}
        total = sum(p.values(), QuadraticNumber.of(0))
        if total != 1:
            out.append(("sum of p = 1", total, 1))
        chi2 = QuadraticNumber.of(-1)
        for a in pi:
            if p[a].sign() < 0:
                out.append((f"p({a}) >= 0", p[a], 0))
            if pi[a] == 0:
                if p[a].sign() != 0:
                    out.append((f"p({a}) = 0 where pi({a}) = 0", p[a], 0))
                continue
            chi2 = chi2 + p[a] * p[a] / pi[a]
        if chi2 > delta:
            out.append(("primal feasibility chi2(p||pi) <= radius", chi2, delta))
        if value is not None:
            gain = sum((p[a] * Q[a] for a in pi), QuadraticNumber.of(0))
            if QuadraticNumber.from_sympy(value) != gain:
                out.append(("value = sum p Q", value, gain))
        if multipliers is None:
            if delta != 0:
                out.append(("multipliers given (needed when radius > 0)", None, "mu, nu, kappa"))
            return out
        mu = QuadraticNumber.from_sympy(multipliers["mu"])
        nu = QuadraticNumber.from_sympy(multipliers["nu"])
        if set(multipliers["kappa"]) != set(pi):
            return out + [("kappa has the actions of pi", sorted(map(str, multipliers["kappa"])),
                           sorted(map(str, pi)))]
        kappa = {a: QuadraticNumber.from_sympy(multipliers["kappa"][a]) for a in pi}
        if mu.sign() < 0:
            out.append(("dual feasibility mu >= 0", mu, 0))
        for a in pi:
            if kappa[a].sign() < 0:
                out.append((f"dual feasibility kappa({a}) >= 0", kappa[a], 0))
            if (kappa[a] * p[a]).sign() != 0:
                out.append((f"slackness kappa({a}) p({a}) = 0", kappa[a] * p[a], 0))
            if pi[a] == 0:
                continue
            residual = Q[a] - 2 * mu * p[a] / pi[a] - nu + kappa[a]
            if residual.sign() != 0:
                out.append((f"stationarity at {a}: Q - 2 mu p/pi - nu + kappa = 0", residual, 0))
        if (mu * (chi2 - delta)).sign() != 0:
            out.append(("slackness mu (chi2 - radius) = 0", mu * (chi2 - delta), 0))
    except (UnsupportedModelError, ZeroDivisionError, KeyError, TypeError) as exc:
        out.append(("certificate values are exact numbers of one field Q(sqrt n)", str(exc), "Q(sqrt n)"))
    return out


# ---------------------------------------------------------------- value curve


@dataclass(frozen=True)
class ValueCurvePiece:
    """On lower ≤ δ ≤ upper (None = ∞): max value = base + √(slope·δ + offset), active set ``active``.

    For the top k levels with mass P, mean m and variance v:
    base = m, slope = v·P, offset = v·(P − 1); the last piece is flat (slope = offset = 0).
    """

    lower: Rational
    upper: Rational | None
    base: Rational
    slope: Rational
    offset: Rational
    active: tuple

    def value_at(self, delta) -> QuadraticNumber:
        """The exact maximum value at radius δ (δ inside this piece)."""
        d = _as_rational(delta, "radius")
        return self.base + QuadraticNumber.sqrt(self.slope * d + self.offset)

    def expression(self, symbol=None):
        """The SymPy expression of the value in δ (``symbol`` defaults to ``delta``)."""
        import sympy

        delta = symbol if symbol is not None else sympy.Symbol("delta", nonnegative=True)

        def q(x):
            return sympy.Rational(int(x.numerator), int(x.denominator))

        if self.slope == 0 and self.offset == 0:
            return q(self.base)
        return q(self.base) + sympy.sqrt(q(self.slope) * delta + q(self.offset))


def value_curve(pi: dict, Q: dict) -> list:
    """δ ↦ max {Σ pQ : χ²(p‖π) ≤ δ}, piecewise in closed form, pieces in increasing δ.

    >>> from sc_symbolic.exact import rational as r
    >>> [(str(c.lower), str(c.upper), str(c.expression()))
    ...  for c in value_curve({'a': r(1, 2), 'b': r(1, 2)}, {'a': r(1), 'b': r(0)})]
    [('0', '1', 'sqrt(delta)/2 + 1/2'), ('1', 'None', '1')]
    """
    pi, Q = _validated(pi, Q)
    support, levels = _levels(pi, Q)
    zero = rational(0)
    if len(levels) == 1:
        V = sum((pi[a] * Q[a] for a in support), zero)
        return [ValueCurvePiece(zero, None, V, zero, zero, tuple(support))]
    D = _breakpoints(pi, Q, support, levels) + [zero]
    pieces = []
    for k in range(len(levels), 0, -1):
        active = tuple(a for a in support if Q[a] >= levels[k - 1])
        P, m, v = _moments(pi, Q, active)
        if k == 1:
            pieces.append(ValueCurvePiece(D[0], None, m, zero, zero, active))
        else:
            pieces.append(ValueCurvePiece(D[k], D[k - 1], m, v * P, v * (P - 1), active))
    return pieces
