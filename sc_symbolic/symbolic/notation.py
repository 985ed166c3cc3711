"""symbolic layer: imports sympy and sc_symbolic.errors only — the symbols of docs/math.md §4, §7.

One state with N actions: π_k > 0 (IndexedBase ``pi``), Q_k ≥ 0 (``Q``), a
competitor p_k ≥ 0 (``p``), multipliers μ, ν, ν̃, κ_k and the radius ε.
V = Σ_k π_k Q_k,  π⁺_k = π_k Q_k / V,  Var = Σ_k π_k (Q_k − V)²,
χ²(p‖π) = Σ_k (p_k − π_k)² / π_k,  I = Var / V².
Sums stay unevaluated (``Sum`` over 1..N), so statements read like the paper.
The simplex constraint is kept as a substitution (``simplex_constraints``):
π_N = 1 − Σ_{k<N} π_k and p_N = 1 − Σ_{k<N} p_k, applied by the checker only
to steps that say they need it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import IndexedBase, Integer, Sum, Symbol

from ..errors import ModelError

__all__ = [
    "MIN_ACTIONS",
    "MAX_ACTIONS",
    "check_actions",
    "State",
    "pi",
    "Q",
    "p",
    "kappa",
    "mu",
    "nu",
    "nu_tilde",
    "epsilon",
    "i",
    "j",
    "k",
    "l",
    "m",
]

MIN_ACTIONS = 2
MAX_ACTIONS = 12

pi = IndexedBase("pi", positive=True)
Q = IndexedBase("Q", nonnegative=True)
p = IndexedBase("p", nonnegative=True)
kappa = IndexedBase("kappa", real=True)
mu = Symbol("mu", real=True)
nu = Symbol("nu", real=True)
nu_tilde = Symbol("nutilde", real=True)
epsilon = Symbol("epsilon", nonnegative=True)

#: free indices ("for each i") and summation dummies (never the same symbols)
i = Symbol("i", integer=True, positive=True)
j = Symbol("j", integer=True, positive=True)
k = Symbol("k", integer=True, positive=True)
l = Symbol("l", integer=True, positive=True)  # noqa: E741 - the paper's index name
m = Symbol("m", integer=True, positive=True)


def check_actions(actions: object) -> int:
    """The number of actions N, refused unless an int with 2 ≤ N ≤ 12.

    >>> check_actions(3)
    3
    >>> check_actions(1)
    Traceback (most recent call last):
    ...
    sc_symbolic.errors.ModelError: --actions: 1 is outside 2..12 (prove works on a state with 2 to 12 actions)
    """
    rule = f"prove works on a state with {MIN_ACTIONS} to {MAX_ACTIONS} actions"
    if isinstance(actions, bool) or not isinstance(actions, int):
        raise ModelError("--actions", f"{actions!r} is not an integer", rule)
    if not MIN_ACTIONS <= actions <= MAX_ACTIONS:
        raise ModelError("--actions", f"{actions} is outside {MIN_ACTIONS}..{MAX_ACTIONS}", rule)
    return actions


@dataclass(frozen=True)
class State:
    """The formulas of docs/math.md §4 for one state with ``n`` actions (unevaluated sums).

    >>> State(2).V()
    Sum(Q[l]*pi[l], (l, 1, 2))
    """

    n: int

    def __post_init__(self) -> None:
        check_actions(self.n)

    def sum(self, term, index: Symbol = k):
        """Σ_{index=1}^{N} term."""
        return Sum(term, (index, 1, self.n))

    def V(self, index: Symbol = l):
        """V = Σ π Q."""
        return self.sum(pi[index] * Q[index], index)

    def pi_plus(self, at, index: Symbol = l):
        """π⁺_at = π_at Q_at / V  (Bayes: P(A = at | Y = 1))."""
        return pi[at] * Q[at] / self.V(index)

    def variance(self, outer: Symbol = k, inner: Symbol = l):
        """Var = Σ π (Q − V)²."""
        return self.sum(pi[outer] * (Q[outer] - self.V(inner)) ** 2, outer)

    def influence(self):
        """I = Var / V²."""
        return self.variance(k, l) / self.V(m) ** 2

    def chi2(self, point, outer: Symbol = k):
        """χ²(point‖π) = Σ (point_k − π_k)² / π_k, ``point`` a function of the index."""
        return self.sum((point(outer) - pi[outer]) ** 2 / pi[outer], outer)

    def chi2_p(self, outer: Symbol = k):
        """χ²(p‖π) for the competitor p."""
        return self.chi2(lambda x: p[x], outer)

    def chi2_plus(self, outer: Symbol = k):
        """χ²(π⁺‖π) = C."""
        return self.chi2(lambda x: self.pi_plus(x, l), outer)

    def relative_improvement(self):
        """R = (Σ π⁺ Q − V) / V."""
        return (self.sum(self.pi_plus(k, l) * Q[k], k) - self.V(m)) / self.V(m)

    def improvement(self):
        """Σ π⁺ Q − V."""
        return self.sum(self.pi_plus(k, l) * Q[k], k) - self.V(m)

    def simplex_constraints(self, *bases: IndexedBase) -> tuple:
        """((π_N, 1 − Σ_{k<N} π_k), …): Σπ = 1 (and Σp = 1) as substitutions of the last coordinate.

        >>> State(3).simplex_constraints(pi)
        ((pi[3], -pi[1] - pi[2] + 1),)
        """
        n = self.n
        return tuple((base[n], Integer(1) - sum(base[t] for t in range(1, n))) for base in bases or (pi, p))

    def indices(self, *names: Symbol) -> tuple:
        """((i, 1, N), …): the step holds for each value of these free indices."""
        return tuple((name, 1, self.n) for name in names)

