"""symbolic layer: imports sympy and sc_symbolic.errors only — π⁺ solves the χ² trust region (docs/math.md §4, §7).

max_p Σ p Q  s.t. χ²(p‖π) ≤ ε, Σ p = 1, p ≥ 0,  with ε = I = Var / V².
Cauchy–Schwarz: Σ p Q − V = Σ π (p/π − 1)(Q − V) ≤ √(χ²(p‖π) · Var), attained by π⁺.
KKT: μ = V/2, ν = 0, κ = 0 in docs/math.md's form Q − 2μ p/π − ν + κ = 0; in ∂L form
(L with Σ (p − π)²/π) the same point has ν̃ = ν + 2μ = V.  Convexity: ∂²χ² = diag(2/π).
Exact gap: Σ p Q − Σ π⁺ Q = (V/2)(χ²(p‖π) − ε) − (V/2) Σ (p − π⁺)²/π on the simplex.
"""

from __future__ import annotations

from sympy import KroneckerDelta, Subs, Sum

from .derivation import Derivation, Step
from .notation import Q, State, epsilon, i, j, k, kappa, l, m, mu, nu, nu_tilde, p, pi

__all__ = ["prove_trust_region"]


def prove_trust_region(n: int) -> Derivation:
    """π⁺ maximises Σ p Q over the χ² ball of radius ε = I, with two exact certificates.

    Steps marked "on the simplex" are checked with π_n = 1 − Σ_{k<n} π_k and
    p_n = 1 − Σ_{k<n} p_k substituted.  Steps with derivatives are identities
    in the ambient space (p_1..p_n free, as the Lagrangian requires): the
    simplex enters only through its multiplier ν (or ν̃).

    >>> proof = prove_trust_region(2)
    >>> proof.verified, sum(step.kind == "lemma" for step in proof.steps)
    (True, 1)
    """
    s = State(n)
    V = s.V
    on_simplex = s.simplex_constraints(pi, p)
    pi_on_simplex = s.simplex_constraints(pi)
    variance = s.variance(k, l)
    influence = s.influence()
    chi2_p = s.chi2_p(k)
    chi2_plus = s.chi2_plus(k)

    def a(x):  # a_x = √π_x (p_x/π_x − 1), written through π_x a_x b_x and π_x a_x² only
        return p[x] / pi[x] - 1

    def b(x):  # b_x = √π_x (Q_x − V)
        return Q[x] - V(m)

    cross = s.sum(pi[k] * a(k) * b(k), k)
    lagrange_remainder = _pairs(s, pi[k] * pi[l] * (a(k) * b(l) - a(l) * b(k)) ** 2)

    lagrangian_math = (
        s.sum(p[k] * Q[k], k)
        - mu * (s.sum(p[k] ** 2 / pi[k], k) - 1 - epsilon)
        - nu * (s.sum(p[k], k) - 1)
        + s.sum(kappa[k] * p[k], k)
    )
    lagrangian = (
        s.sum(p[k] * Q[k], k)
        - mu * (chi2_p - epsilon)
        - nu_tilde * (s.sum(p[k], k) - 1)
        + s.sum(kappa[k] * p[k], k)
    )
    stationarity_math = Q[i] - 2 * mu * p[i] / pi[i] - nu + kappa[i]
    stationarity = Q[i] - 2 * mu * (p[i] - pi[i]) / pi[i] - nu_tilde + kappa[i]
    objective = s.sum(p[k] * Q[k], k)
    gap_quadratic = V(m) / 2 * s.sum((p[k] - s.pi_plus(k, l)) ** 2 / pi[k], k)

    steps = (
        # -- Cauchy–Schwarz certificate ------------------------------------------------
        Step(
            "on the simplex (Σπ = Σp = 1), for every p: Σ_k p_k Q_k − V = Σ_k π_k (p_k/π_k − 1)(Q_k − V)",
            objective - V(l),
            cross,
            given=on_simplex,
        ),
        Step(
            "with a_k = √π_k (p_k/π_k − 1): Σ_k a_k² = Σ_k π_k (p_k/π_k − 1)² = χ²(p‖π)",
            s.sum(pi[k] * a(k) ** 2, k),
            chi2_p,
        ),
        Step(
            "Lagrange's identity with a_k = √π_k (p_k/π_k − 1), b_k = √π_k (Q_k − V), squared out "
            "(no roots): (Σ a_k b_k)² + Σ_{k<l} (a_k b_l − a_l b_k)² = (Σ a_k²)(Σ b_k²) = χ²(p‖π) · Var",
            cross**2 + lagrange_remainder,
            chi2_p * variance,
        ),
        Step(
            "Cauchy–Schwarz (lemma; certificate: the Lagrange remainder above, a sum of π_k π_l × squares): "
            "(Σ p Q − V)² ≤ χ²(p‖π) · Var, so every p with χ²(p‖π) ≤ ε has Σ p Q − V ≤ √(ε · Var)",
            cross**2,
            chi2_p * variance,
            kind="lemma",
            relation="<=",
            certificate=lagrange_remainder,
        ),
        Step(
            "attainment, on the simplex: with the radius ε = I = Var / V², (Σ_k π⁺_k Q_k − V)² = ε · Var",
            s.improvement() ** 2,
            influence * variance,
            given=pi_on_simplex,
        ),
        Step(
            "the improvement is the rational number Σ_k π⁺_k Q_k − V = Var / V (on the simplex)",
            s.improvement(),
            variance / V(m),
            given=pi_on_simplex,
        ),
        Step(
            "Var / V ≥ 0, so Σ π⁺ Q − V is the non-negative root √(ε · Var): π⁺ attains the bound",
            variance / V(m),
            0,
            kind="inequality",
            relation=">=",
        ),
        # -- KKT certificate -------------------------------------------------------------
        Step(
            "on the simplex χ²(p‖π) = Σ_k p_k² / π_k − 1, the constraint in docs/math.md's Lagrangian L_M",
            chi2_p,
            s.sum(p[k] ** 2 / pi[k], k) - 1,
            given=on_simplex,
        ),
        Step(
            "stationarity in docs/math.md's form: ∂L_M/∂p_i = Q_i − 2μ p_i/π_i − ν + κ_i, "
            "L_M = Σ p Q − μ(Σ p²/π − 1 − ε) − ν(Σ p − 1) + Σ κ p",
            lagrangian_math.diff(p[i], evaluate=False),
            stationarity_math,
            index=s.indices(i),
        ),
        Step(
            "stationarity in ∂L form: ∂L/∂p_i = Q_i − 2μ (p_i − π_i)/π_i − ν̃ + κ_i, "
            "L = Σ p Q − μ(χ²(p‖π) − ε) − ν̃(Σ p − 1) + Σ κ p",
            lagrangian.diff(p[i], evaluate=False),
            stationarity,
            index=s.indices(i),
        ),
        Step(
            "the two forms differ by a shift of the simplex multiplier: ∂L/∂p_i − ∂L_M/∂p_i = 2μ + ν − ν̃, "
            "so they state the same condition iff ν̃ = ν + 2μ",
            lagrangian.diff(p[i], evaluate=False) - lagrangian_math.diff(p[i], evaluate=False),
            2 * mu + nu - nu_tilde,
            index=s.indices(i),
        ),
        Step(
            "stationarity at p = π⁺ with docs/math.md's multipliers μ = V/2, ν = 0, κ = 0",
            Subs(stationarity_math, (p[i], mu, nu, kappa[i]), (s.pi_plus(i, l), V(l) / 2, 0, 0)),
            0,
            index=s.indices(i),
        ),
        Step(
            "stationarity at p = π⁺ in ∂L form with μ = V/2, ν̃ = V, κ = 0",
            Subs(stationarity, (p[i], mu, nu_tilde, kappa[i]), (s.pi_plus(i, l), V(l) / 2, V(l), 0)),
            0,
            index=s.indices(i),
        ),
        Step(
            "the multipliers correspond: ν̃ = ν + 2μ at (μ, ν) = (V/2, 0) gives ν̃ = V",
            Subs(nu + 2 * mu, (nu, mu), (0, V(l) / 2)),
            V(l),
        ),
        Step(
            "primal feasibility: π⁺_i = π_i Q_i / V ≥ 0 (and Σ π⁺ = 1, identity step 1)",
            s.pi_plus(i, l),
            0,
            kind="inequality",
            relation=">=",
            index=s.indices(i),
        ),
        Step(
            "primal feasibility on the boundary: χ²(π⁺‖π) = ε = Var / V²",
            chi2_plus,
            influence,
        ),
        Step(
            "dual feasibility: μ = V/2 ≥ 0 (κ = 0 ≥ 0)",
            V(l) / 2,
            0,
            kind="inequality",
            relation=">=",
        ),
        Step(
            "complementary slackness: μ (χ²(π⁺‖π) − ε) = 0 at μ = V/2 (and κ_i π⁺_i = 0 as κ = 0)",
            V(l) / 2 * (chi2_plus - influence),
            0,
        ),
        Step(
            "convexity: the Hessian of χ²(p‖π) in p is diag(2/π_1, …, 2/π_N)",
            chi2_p.diff(p[i], p[j], evaluate=False),
            2 * KroneckerDelta(i, j) / pi[i],
            index=s.indices(i, j),
        ),
        Step(
            "its diagonal is positive: 2/π_i > 0 for π_i > 0, so the χ² ball is convex",
            2 / pi[i],
            0,
            kind="inequality",
            relation=">",
            index=s.indices(i),
        ),
        Step(
            "the objective Σ p Q is linear: its Hessian is 0, so KKT is sufficient",
            objective.diff(p[i], p[j], evaluate=False),
            0,
            index=s.indices(i, j),
        ),
        Step(
            "exact optimality gap, on the simplex: Σ p Q − Σ π⁺ Q = (V/2)(χ²(p‖π) − ε) − (V/2) Σ (p − π⁺)²/π",
            objective - s.sum(s.pi_plus(k, l) * Q[k], k),
            V(m) / 2 * (chi2_p - influence) - gap_quadratic,
            given=on_simplex,
        ),
        Step(
            "(V/2) Σ (p_k − π⁺_k)²/π_k ≥ 0: every feasible p (χ²(p‖π) ≤ ε) has Σ p Q ≤ Σ π⁺ Q, "
            "with equality only at p = π⁺ (uniqueness)",
            gap_quadratic,
            0,
            kind="inequality",
            relation=">=",
        ),
    )
    return Derivation("trust-region", n, steps)


def _pairs(s: State, term):
    """Σ_{k<l} term = Σ_{k=1}^{N−1} Σ_{l=k+1}^{N} term."""
    return Sum(Sum(term, (l, k + 1, s.n)), (k, 1, s.n - 1))
