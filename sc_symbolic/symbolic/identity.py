"""symbolic layer: imports sympy and sc_symbolic.errors only — R = χ² = I for N actions (docs/math.md §3, §4, §7).

π⁺_i = π_i Q_i / V (Bayes),  Σ π⁺ = 1,  Var = Σ π (Q − V)² = Σ π Q² − V²,
R = (Σ π⁺ Q − V) / V = Var / V²,  χ²(π⁺‖π) = Σ (π⁺ − π)² / π = Var / V² = I.
Every step is checked exactly by ``derivation.check_step``; this module only
states them and never decides whether they hold.
"""

from __future__ import annotations

from .derivation import Derivation, Step
from .notation import Q, State, i, k, l, m, pi

__all__ = ["prove_identity"]


def prove_identity(n: int) -> Derivation:
    """R = χ²(π⁺‖π) = I as identities of rational functions in π_1..π_n, Q_1..Q_n.

    Steps that use Σπ = 1 are checked with π_n = 1 − Σ_{k<n} π_k substituted;
    the others hold for unnormalised π as well.

    >>> proof = prove_identity(2)
    >>> proof.verified, len(proof.steps)
    (True, 7)
    >>> [step.holds for step in proof.steps]
    [True, True, True, True, True, True, True]
    """
    s = State(n)
    V = s.V
    on_simplex = s.simplex_constraints(pi)
    variance = s.variance(k, l)
    R = s.relative_improvement()
    chi2 = s.chi2_plus(k)
    influence = s.influence()
    steps = (
        Step(
            "Bayes' rule: π⁺_k = P(A = k | Y = 1) = π_k Q_k / V with V = P(Y = 1) = Σ_l π_l Q_l; "
            "π⁺ is a probability distribution: Σ_k π⁺_k = 1",
            s.sum(s.pi_plus(k, l), k),
            1,
        ),
        Step(
            "π⁺_i − π_i = π_i (Q_i − V) / V: success conditioning reweights action i by Q_i / V",
            s.pi_plus(i, l) - pi[i],
            pi[i] * (Q[i] - V(l)) / V(l),
            index=s.indices(i),
        ),
        Step(
            "on the simplex (Σπ = 1): Var = Σ_k π_k (Q_k − V)² = Σ_k π_k Q_k² − V²",
            variance,
            s.sum(pi[k] * Q[k] ** 2, k) - V(m) ** 2,
            given=on_simplex,
        ),
        Step(
            "relative improvement, on the simplex (Σπ = 1): R = (Σ_k π⁺_k Q_k − V) / V = Var / V² = I",
            R,
            influence,
            given=on_simplex,
        ),
        Step(
            "policy change: χ²(π⁺‖π) = Σ_k (π⁺_k − π_k)² / π_k = Var / V² = I "
            "(an identity even without Σπ = 1)",
            chi2,
            influence,
        ),
        Step(
            "hence, on the simplex: R = χ²(π⁺‖π)",
            R,
            chi2,
            given=on_simplex,
        ),
        Step(
            "and I = χ²(π⁺‖π) = Σ_k π_k Q_k² / V² − 1 (on the simplex): I is the squared coefficient "
            "of variation of Q under π",
            influence,
            s.sum(pi[k] * Q[k] ** 2, k) / V(m) ** 2 - 1,
            given=on_simplex,
        ),
    )
    return Derivation("identity", n, steps)
