"""Checks layer — the improvement theorem's own certificate on parametric models (docs/math.md §5).

Proves V⁺ ≥ V, J⁺ ≥ J and I ≥ 0 on the whole parameter box as the paper does, never by
sampling.  With P, P⁺ the transition matrices of π and of the executed π⁺ and

    D = V⁺ − V,    g(s) = (T⁺V − V)(s) = Σ_a π⁺(a|s) Q(s,a) − V(s),
    Z, Z⁺ = prob0 of π, π⁺ (symbolic graphs: an edge is a probability ≢ 0),
    T = non-terminal ∖ Z,    T⁺ = non-terminal ∖ Z⁺,

everything below is re-checked here, exactly in QQ(params) (``products_vanish``: no sampling):

    (0) premises: every p, π(a|s), ρ(s) is ≥ 0 on the box (``signs``: a proof, not a sample);
        Σ_o p ≡ 1 for each action and Σ_a π(a|s) ≡ 1                                 signs, identities
    (1) V ≡ 1 / 0 on success / other terminals, V ≡ 0 on Z, V(s) ≡ Σ_t P(s,t) V(t) on T,
        Q(s,a) ≡ Σ_o p_o V(to_o)                                                      identities
    (2) π⁺(a|s)·V(s) ≡ π(a|s) Q(s,a) where V(s) ≢ 0;  π⁺ ≡ π and Σ_a π Q ≡ 0 where V(s) ≡ 0
    (3) g(s)·V(s) ≡ Σ_a π(a|s) (Q(s,a) − V(s))²                                        identity
    (4) D ≡ 0 on terminal states and on Z⁺;  D(s) − Σ_t P⁺(s,t) D(t) ≡ g(s) on T⁺     identities
    (5) J ≡ Σ ρ V and J⁺ ≡ Σ ρ V⁺                                                      identities

Proof.  Call a point of the open box *generic* when no probability, π⁺, V or Q that is ≢ 0
vanishes there and no denominator does: a dense set (its complement is a finite union of
proper algebraic sets).  At a generic point x the graphs of P(x), P⁺(x) are the symbolic ones,
so every s ∈ T reaches success (outside T) under P and P_TT(x) ≥ 0 is sub-stochastic by (0):
(I − P_TT)⁻¹ = Σ_k P_TT^k ≥ 0, and V_T = (I − P_TT)⁻¹ b ≥ 0 by (1) (b = P(·, success) ≥ 0);
V(x) > 0 on T (≢ 0, generic).  Then Q ≥ 0, π⁺ = πQ/V ≥ 0 by (2), rows of P⁺ sum to 1
(Σ π⁺ = Σ πQ/V = 1 by (1)), and g = Σ π (Q − V)²/V ≥ 0 by (3).  Every s ∈ T⁺ reaches success
under P⁺, so by (4) D_T⁺ = Σ_k (P⁺_T⁺T⁺)^k g ≥ 0, and D = 0 elsewhere.  So D(x) ≥ 0 at every
generic x, hence wherever D is defined (a rational function, continuous there); J⁺ − J =
Σ ρ D ≥ 0 by (5); and I(s) = Var_π Q / V² ≥ 0 (π ≥ 0 and squares: ``influence_is_sum_of_squares``).
Graph preservation, which the loader also proves, is not needed.

When a step fails the certificate does not apply (``improvement_certificate_gap`` names the
step) and the caller falls back to ``signs``.
"""

from __future__ import annotations

from .evaluate import policy_transitions, zero_set

#: How the inequalities of the improvement claim are proved when the certificate applies.
IMPROVEMENT_PROOF = ("improvement certificate: (I - P+)(V+ - V) = V*I identically, V*I a pi-weighted sum of "
                     "squares over V, (I - P+_T)^-1 = sum_k (P+_T)^k >= 0 (every state off {V+ = 0} reaches "
                     "success under pi+ on the whole box)")
#: How I(s) >= 0 is proved on parametric models.
INFLUENCE_PROOF = "I(s) V(s)^2 = sum_a pi(a|s) (Q(s,a) - V(s))^2 identically, pi >= 0 on the box"


def _proved_nonnegative(domain, x) -> bool:
    from .signs import nonnegative_in_domain

    verdict = nonnegative_in_domain(domain, x)
    return verdict.holds and verdict.certain


def premises_gap(analysis) -> str | None:
    """Step (0): None when every p, π, ρ is proved ≥ 0 on the box and rows sum to 1 identically."""
    d, model = analysis.domain, analysis.model
    one = d.one
    probabilities = set(model.initial.values())
    for s in model.nonterminal:
        pi = analysis.policy[s]
        if not d.products_vanish([(1, (pi[a],)) for a in pi] + [(-1, (one,))]):
            return f"pi({s}) does not sum to 1"
        probabilities.update(pi.values())
        for a, outs in model.states[s].items():
            if not d.products_vanish([(1, (o.p,)) for o in outs] + [(-1, (one,))]):
                return f"the outcomes of {a} at {s} do not sum to 1"
            probabilities.update(o.p for o in outs)
    for x in probabilities:
        if not _proved_nonnegative(d, x):
            return f"{d.to_str(x)} >= 0 is not proved on the box"
    return None


def _bellman_gap(d, model, policy, values, zeros, label) -> str | None:
    for s, acts in model.states.items():
        if not acts:
            expected = d.one if s in model.success_states else d.zero
            if not d.products_vanish([(1, (values[s],)), (-1, (expected,))]):
                return f"{label}({s}) on a terminal state"
        elif s in zeros:
            if not d.is_zero(values[s]):
                return f"{label}({s}) = 0 on prob0"
        elif not d.products_vanish([(1, (values[s],))] + [(-1, (policy[s][a], o.p, values[o.to]))
                                                          for a, outs in acts.items() for o in outs]):
            return f"Bellman equation of {label} at {s}"
    return None


def improvement_certificate_gap(analysis) -> str | None:
    """None when steps (0)–(5) all hold exactly (so V⁺ ≥ V and J⁺ ≥ J on the box), else the failed step."""
    gap = premises_gap(analysis)
    if gap is not None:
        return gap
    d, model = analysis.domain, analysis.model
    V, V_plus, Q, pi, executed = analysis.V, analysis.V_plus, analysis.Q, analysis.policy, analysis.executed
    zeros = zero_set(model, policy_transitions(model, pi))
    gap = _bellman_gap(d, model, pi, V, zeros, "V")
    if gap is not None:
        return "(1) " + gap
    for s in model.nonterminal:
        for a, outs in model.states[s].items():
            if not d.products_vanish([(1, (Q[s][a],))] + [(-1, (o.p, V[o.to])) for o in outs]):
                return f"(1) Q({s}, {a}) = sum_o p V(to)"
    zeros_plus = zero_set(model, policy_transitions(model, executed))
    for s in model.states:
        if (not model.states[s] or s in zeros_plus) and not d.products_vanish([(1, (V_plus[s],)), (-1, (V[s],))]):
            return f"(4) V_plus({s}) = V({s}) on a terminal or prob0 state"
    for s in model.nonterminal:
        acts = pi[s]
        if d.is_zero(V[s]):
            if any(not d.is_zero(executed[s][a] - acts[a]) for a in acts) or \
                    not d.products_vanish([(1, (acts[a], Q[s][a])) for a in acts]):
                return f"(2) pi_plus = pi and sum pi Q = 0 where V({s}) = 0"
        else:
            if any(not d.products_vanish([(1, (executed[s][a], V[s])), (-1, (acts[a], Q[s][a]))]) for a in acts):
                return f"(2) pi_plus V = pi Q at {s}"
            # (3): (Σ π⁺ Q − V)·V ≡ Σ π (Q − V)² = Σ π Q² − 2 Σ π Q V + Σ π V²
            terms = [(1, (executed[s][a], Q[s][a], V[s])) for a in acts] + [(-1, (V[s], V[s]))]
            for a in acts:
                terms += [(-1, (acts[a], Q[s][a], Q[s][a])), (2, (acts[a], Q[s][a], V[s])),
                          (-1, (acts[a], V[s], V[s]))]
            if not d.products_vanish(terms):
                return f"(3) (T+V - V)({s}) V({s}) = sum_a pi (Q - V)^2"
        if s in zeros_plus:
            continue
        # (4): D(s) − Σ π⁺ p D(to) − g(s) = V⁺(s) − Σ π⁺ p V⁺(to) + Σ π⁺ p V(to) − Σ π⁺ Q ≡ 0
        terms = [(1, (V_plus[s],))]
        for a, outs in model.states[s].items():
            terms.append((-1, (executed[s][a], Q[s][a])))
            for o in outs:
                terms += [(-1, (executed[s][a], o.p, V_plus[o.to])), (1, (executed[s][a], o.p, V[o.to]))]
        if not d.products_vanish(terms):
            return f"(4) (I - P+)(V+ - V) = T+V - V at {s}"
    for label, stored, values in (("J", analysis.J, V), ("J_plus", analysis.J_plus, V_plus)):
        if not d.products_vanish([(1, (stored,))] + [(-1, (p, values[s])) for s, p in model.initial.items()]):
            return f"(5) {label} = sum rho V"
    return None


def improvement_certificate(analysis) -> bool:
    """True when the certificate's steps (0)–(5) hold exactly for ``analysis`` (V⁺ ≥ V, J⁺ ≥ J on the box)."""
    return improvement_certificate_gap(analysis) is None


def influence_is_sum_of_squares(analysis, s) -> bool:
    """I(s)·V(s)² ≡ Σ_a π(a|s)(Q(s,a) − V(s))² with every π(a|s) proved ≥ 0 (so I(s) ≥ 0 on the box)."""
    d = analysis.domain
    V, Q, pi, I = analysis.V[s], analysis.Q[s], analysis.policy[s], analysis.I[s]
    if I is None or d.is_zero(V) or not all(_proved_nonnegative(d, pi[a]) for a in pi):
        return False
    terms = [(1, (I, V, V))]
    for a in pi:
        terms += [(-1, (pi[a], Q[a], Q[a])), (2, (pi[a], Q[a], V)), (-1, (pi[a], V, V))]
    return d.products_vanish(terms)
