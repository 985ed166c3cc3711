"""Checks layer — the improvement theorem's own certificate on parametric models (docs/math.md §5).

The loader proves every probability of a parametric model (transitions, policy, ρ) to lie in
[0, 1] and to be identically 0 or positive on the whole open box.  So the graphs of π and of
the executed π⁺ are the same at every point of the box, and so are the prob0 sets
Z = {V = 0} and Z⁺ = {V⁺ = 0}.  With

    D = V⁺ − V,    g(s) = (T⁺V − V)(s) = Σ_a π⁺(a|s) Q(s,a) − V(s),    T = non-terminal states ∖ Z⁺,

the certificate is a list of exact identities in QQ(params) and two graph facts:

    (1) D ≡ 0 on terminal states and on Z⁺                                   identity
    (2) D(s) − Σ_t P⁺(s,t) D(t) ≡ g(s) for s ∈ T                             identity
    (3) g(s)·V(s) ≡ Σ_a π(a|s) (Q(s,a) − V(s))²  where V(s) ≢ 0              identity
        π⁺(a|s)·V(s) ≡ π(a|s) Q(s,a) there; g(s) ≡ 0 and π⁺ = π where V(s) ≡ 0
    (4) every s ∈ T reaches success under π⁺ (by the definition of Z⁺)       graph

Lemma A (value lemma): V and V⁺ satisfy their Bellman equations identically (the improvement
check verifies this first) and I − P on the states off prob0 is invertible at every point of
the box (graph), so V, V⁺ are the success probabilities at every point: 0 ≤ V ≤ 1, V > 0 off Z.
Lemma B (non-negative series): by (4) the restriction P⁺_TT is transient at every point of the
box, so (I − P⁺_TT)⁻¹ = Σ_k (P⁺_TT)^k exists and is ≥ 0 entrywise (P⁺ ≥ 0: π, p ≥ 0 by the
loader, π⁺ = πQ/V ≥ 0 by Lemma A).

Then g ≥ 0 by (3) (π ≥ 0, squares, V > 0), D_T = (I − P⁺_TT)⁻¹ g_T ≥ 0 by (1), (2), Lemma B,
J⁺ − J = Σ_s ρ(s) D(s) ≥ 0 (ρ ≥ 0), and I(s) = g(s)/V(s) ≥ 0.  Nothing here is sampled: when an
identity fails the certificate does not apply (``None``) and the caller falls back to ``signs``.
"""

from __future__ import annotations

from .evaluate import policy_transitions, zero_set

#: How the inequalities of the improvement claim are proved when the certificate applies.
IMPROVEMENT_PROOF = ("improvement certificate: (I - P+)(V+ - V) = V*I identically, V*I a pi-weighted sum of "
                     "squares over V, (I - P+_T)^-1 = sum_k (P+_T)^k >= 0 (every state off {V+ = 0} reaches "
                     "success under pi+ on the whole box)")
#: How I(s) >= 0 is proved on parametric models.
INFLUENCE_PROOF = "I(s) V(s)^2 = sum_a pi(a|s) (Q(s,a) - V(s))^2 identically, pi >= 0 on the box"


def improvement_certificate(analysis) -> bool:
    """True when identities (1)–(3) hold exactly for ``analysis`` (so V⁺ ≥ V and J⁺ ≥ J on the box)."""
    d, model = analysis.domain, analysis.model
    V, V_plus, Q, pi, executed = analysis.V, analysis.V_plus, analysis.Q, analysis.policy, analysis.executed
    D = {s: V_plus[s] - V[s] for s in model.states}
    transitions = policy_transitions(model, executed)
    zeros_plus = zero_set(model, transitions)
    if any((not model.states[s] or s in zeros_plus) and not d.is_zero(D[s]) for s in model.states):
        return False
    for s in model.nonterminal:
        if s in zeros_plus:
            continue
        acts = pi[s]
        if d.is_zero(V[s]):
            if any(not d.is_zero(executed[s][a] - acts[a]) for a in acts):
                return False
        elif any(not d.is_zero(executed[s][a] * V[s] - acts[a] * Q[s][a]) for a in acts):
            return False
        g = sum((executed[s][a] * Q[s][a] for a in acts), d.zero) - V[s]
        squares = sum((acts[a] * (Q[s][a] - V[s]) ** 2 for a in acts), d.zero)
        if not d.is_zero(g * V[s] - squares) or (d.is_zero(V[s]) and not d.is_zero(g)):
            return False
        flow = D[s] - sum((p * D[t] for t, p in transitions[s].items()), d.zero)
        if not d.is_zero(flow - g):
            return False
    return True


def influence_is_sum_of_squares(analysis, s) -> bool:
    """I(s)·V(s)² ≡ Σ_a π(a|s)(Q(s,a) − V(s))² (so I(s) ≥ 0 on the box, π ≥ 0 being proved by the loader)."""
    d = analysis.domain
    V, Q, pi, I = analysis.V[s], analysis.Q[s], analysis.policy[s], analysis.I[s]
    if I is None or d.is_zero(V):
        return False
    return d.is_zero(I * V * V - sum((pi[a] * (Q[a] - V) ** 2 for a in pi), d.zero))
