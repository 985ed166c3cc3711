"""Trust-region layer — optimality certificates for π⁺ at the data-set radius (docs/math.md §4).

    maximise Σ_a p(a) Q(a)  s.t.  χ²(p ‖ π) ≤ ε,  p ∈ Δ(A),   with ε = I(s)

Cauchy–Schwarz: gain = Σ π⁺ Q − V = Var/V ≥ 0 and gain² = ε · Var (the bound
√(ε·Var) is attained).  KKT: μ = V/2, ν = 0, κ = 0 satisfy stationarity
Q(a) − 2μ p(a)/π(a) − ν + κ_a = 0, feasibility and complementary slackness;
the problem is convex, so KKT is sufficient.  Each function returns the
list of violated relations as (relation, left side, right side); it never solves.
"""

from __future__ import annotations

from .conditioning import action_variance, chi2_divergence
from .exact import rational


def kkt_multipliers(V, actions, domain) -> dict:
    """The multipliers of docs/math.md §4 at π⁺: μ = V/2, ν = 0, κ_a = 0."""
    return {"mu": V * domain.from_rational(rational(1, 2)), "nu": domain.zero,
            "kappa": {a: domain.zero for a in actions}}


def distribution_violations(p: dict, pi: dict, domain) -> list:
    """p ∈ Δ(A) with support inside π's: Σ p = 1, p ≥ 0, p(a) = 0 where π(a) = 0."""
    out = []
    total = sum(p.values(), domain.zero)
    if not domain.is_zero(total - domain.one):
        out.append(("sum of p = 1", total, domain.one))
    for a, value in p.items():
        if not domain.nonnegative(value):
            out.append((f"p({a}) >= 0", value, domain.zero))
        if domain.is_zero(pi[a]) and not domain.is_zero(value):
            out.append((f"p({a}) = 0 where pi({a}) = 0", value, domain.zero))
    return out


def cauchy_schwarz_violations(pi: dict, Q: dict, V, p: dict, radius, domain) -> list:
    """gain = Σ p Q − V equals Var/V, is ≥ 0, and gain² = ε·Var (the bound is attained)."""
    out = distribution_violations(p, pi, domain)
    variance = action_variance(pi, Q, V, domain)
    gain = sum((p[a] * Q[a] for a in Q), domain.zero) - V
    chi2 = chi2_divergence(p, pi, domain)
    if chi2 is None:
        out.append(("chi2(p||pi) finite", "infinity", radius))
    elif not domain.nonnegative(radius - chi2):
        out.append(("chi2(p||pi) <= radius", chi2, radius))
    if not domain.nonnegative(gain):
        out.append(("gain >= 0", gain, domain.zero))
    if not domain.is_zero(gain * V - variance):
        out.append(("gain = Var/V", gain, variance / V))
    if not domain.is_zero(gain * gain - radius * variance):
        out.append(("gain^2 = radius * Var", gain * gain, radius * variance))
    return out


def kkt_violations(pi: dict, Q: dict, p: dict, radius, multipliers: dict, domain) -> list:
    """Stationarity, primal and dual feasibility and complementary slackness, exactly."""
    out = distribution_violations(p, pi, domain)
    mu, nu, kappa = multipliers["mu"], multipliers["nu"], multipliers["kappa"]
    chi2 = chi2_divergence(p, pi, domain)
    if chi2 is None or not domain.nonnegative(radius - chi2):
        out.append(("primal feasibility chi2 <= radius", chi2 if chi2 is not None else "infinity", radius))
    if not domain.nonnegative(mu):
        out.append(("dual feasibility mu >= 0", mu, domain.zero))
    for a in pi:
        if not domain.nonnegative(kappa[a]):
            out.append((f"dual feasibility kappa({a}) >= 0", kappa[a], domain.zero))
        if not domain.is_zero(kappa[a] * p[a]):
            out.append((f"slackness kappa({a}) p({a}) = 0", kappa[a] * p[a], domain.zero))
        if domain.is_zero(pi[a]):
            continue
        residual = Q[a] - 2 * mu * p[a] / pi[a] - nu + kappa[a]
        if not domain.is_zero(residual):
            out.append((f"stationarity at {a}: Q - 2 mu p/pi - nu + kappa = 0", residual, domain.zero))
    if chi2 is not None and not domain.is_zero(mu * (chi2 - radius)):
        out.append(("slackness mu (chi2 - radius) = 0", mu * (chi2 - radius), domain.zero))
    return out
