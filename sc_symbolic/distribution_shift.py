"""Conditioning layer — "no dangerous distribution shift" (docs/math.md §5).

π⁺ adds no behaviour that π does not have::

    π⁺(a|s) > 0  ⇒  π(a|s) > 0                                   (support)
    π⁺(a|s) / π(a|s) = Q(s,a) / V(s)  ≤  max_ratio(s) = max_{a ∈ A(s)} Q(s,a) / V(s)   (bounded ratio)
    η^{π⁺}(s) > 0  ⇒  η^π(s) > 0                                  (no new states)
    χ²(π⁺(·|s) ‖ π(·|s)) = I(s)                                   (the change is the action-influence)

on every state with V(s) > 0 (π⁺ executes π where V = 0).  The ratio bound is taken over every
action of A(s).  Reachability is a graph fact: the states reached from supp ρ along transitions of
positive probability under a policy.  Computes only; ``checks.check_distribution_shift`` judges.
"""

from __future__ import annotations

from .evaluate import policy_transitions
from .graph import reachable_from


def likelihood_ratio_bound(Q: dict, V, domain):
    """max_{a ∈ A(s)} Q(s,a) / V(s) where V(s) > 0; ``None`` where V(s) = 0.

    Parametric models: the ratio of an action whose Q is proved ≥ every other Q on the whole
    parameter box; when no action dominates everywhere, the text ``Max(q_1/V, …)`` (SymPy's
    notation) of the candidates, which no single rational function equals.

    >>> from fractions import Fraction as F
    >>> from sc_symbolic.exact import domain_for
    >>> str(likelihood_ratio_bound({'a': F(1, 2), 'b': F(1, 4)}, F(3, 8), domain_for()))
    '4/3'
    """
    if domain.is_zero(V):
        return None
    values = list(Q.values())
    if not domain.parametric:
        return max(values) / V
    from .signs import PROOF, decide_nonnegative, domain_box

    box = domain_box(domain)
    undominated = []
    for q in dict.fromkeys(values):
        if all(r == q or _proved_nonnegative(q - r, domain, box, decide_nonnegative, PROOF) for r in values):
            return q / V
        if not any(r != q and _proved_nonnegative(r - q, domain, box, decide_nonnegative, PROOF) for r in values):
            undominated.append(q)
    return "Max(" + ", ".join(domain.to_str(q / V) for q in undominated) + ")"


def _proved_nonnegative(x, domain, box, decide, proof) -> bool:
    if box is None:
        return False
    verdict = decide(x, domain.symbols, box, domain.points)
    return verdict.holds and verdict.method == proof


def reachable_states(model, policy) -> set:
    """States reached with positive probability from supp ρ under ``policy`` (a graph search)."""
    transitions = policy_transitions(model, policy)
    sources = [s for s, p in model.initial.items() if not model.domain.is_zero(p)]
    return reachable_from(sources, {s: list(transitions.get(s, ())) for s in model.states})
