"""Conditioning layer — π⁺ by two routes and the three per-state quantities (docs/math.md §3, §4).

    π⁺(a|s) = π(a|s) Q(s,a) / V(s)                                  (Bayes)
    π⁺(a|s) = E[Σ_t 1{S_t=s, A_t=a} Y] / E[Σ_t 1{S_t=s} Y]         (trajectories)
    R(s) = (Σ_a π⁺ Q − V) / V,  C(s) = Σ_{π>0} (π⁺ − π)² / π,  I(s) = Σ_a π (Q − V)² / V²

Defined where V(s) > 0.  Where π⁺ is executed it keeps π on states with
V = 0 (no data, no update).  Imports evaluate, model, exact, errors; never
compares floats, never simplifies: zero tests happen in the domain K.
"""

from __future__ import annotations

from .errors import UndefinedQuantityError
from .graph import strongly_connected_components

MAX_ENUMERATED_PATHS = 20_000
#: ... and at most this many (state, action) steps in all (long horizons: few paths, long ones).
MAX_ENUMERATED_STEPS = 400_000


def bayes_conditioned(pi: dict, Q: dict, V, domain) -> dict:
    """π⁺(a) = π(a) Q(a) / V for one state.  Raises UndefinedQuantityError if V = 0.

    >>> from fractions import Fraction as F
    >>> from sc_symbolic.exact import domain_for
    >>> p = bayes_conditioned({'a': F(1, 2), 'b': F(1, 2)}, {'a': F(1), 'b': F(0)}, F(1, 2), domain_for())
    >>> p == {'a': 1, 'b': 0}
    True
    """
    if domain.is_zero(V):
        raise UndefinedQuantityError("π⁺ is undefined where V(s) = 0 (no successful data)")
    return {a: pi[a] * Q[a] / V for a in pi}


def relative_improvement(pi_plus: dict, Q: dict, V, domain):
    """R(s) = (Σ_a π⁺(a) Q(a) − V) / V."""
    if domain.is_zero(V):
        raise UndefinedQuantityError("R(s) is undefined where V(s) = 0")
    return (sum((pi_plus[a] * Q[a] for a in Q), domain.zero) - V) / V


def chi2_divergence(p: dict, pi: dict, domain):
    """χ²(p ‖ π) = Σ_{π(a)>0} (p(a) − π(a))² / π(a); ``None`` (= ∞) if p charges an action π does not."""
    total = domain.zero
    for a, q in pi.items():
        if domain.is_zero(q):
            if not domain.is_zero(p[a]):
                return None
            continue
        diff = p[a] - q
        total = total + diff * diff / q
    return total


def action_variance(pi: dict, Q: dict, V, domain):
    """Var_{a∼π}[Q(s,a)] = Σ_a π(a) (Q(a) − V)²."""
    total = domain.zero
    for a, q in pi.items():
        diff = Q[a] - V
        total = total + q * diff * diff
    return total


def action_influence(pi: dict, Q: dict, V, domain):
    """I(s) = Var_{a∼π}[Q(s,a)] / V(s)²  (docs/math.md §4).

    >>> from fractions import Fraction as F
    >>> from sc_symbolic.exact import domain_for
    >>> str(action_influence({'a': F(1, 2), 'b': F(1, 2)}, {'a': F(1), 'b': F(0)}, F(1, 2), domain_for()))
    '1'

    Raises UndefinedQuantityError if V == 0.
    """
    if domain.is_zero(V):
        raise UndefinedQuantityError("I(s) is undefined where V(s) = 0")
    return action_variance(pi, Q, V, domain) / (V * V)


def conditioned_policy(model, policy, V, Q) -> dict:
    """``π⁺(·|s)`` for every non-terminal s; ``None`` where V(s) = 0."""
    return {s: (None if model.domain.is_zero(V[s]) else bayes_conditioned(policy[s], Q[s], V[s], model.domain))
            for s in model.states if model.states[s]}


def executed_policy(policy: dict, pi_plus: dict) -> dict:
    """The policy that runs: π⁺ where it is defined, π on states with V = 0."""
    return {s: (pi_plus[s] if pi_plus[s] is not None else policy[s]) for s in policy}


# --------------------------------------------------------- trajectory route


def trajectory_conditioned_by_visits(model, policy, Q, eta) -> dict:
    """π⁺ pooled from expected counts: Z(s,a) = η(s) π(a|s) Q(s,a) = E[Σ_t 1{S_t=s,A_t=a} Y].

    Returns π⁺ on states visited with positive probability whose count
    Σ_a Z(s,a) = E[Σ_t 1{S_t=s} Y] is positive; elsewhere the data holds no
    successful visit and the state is left out.
    """
    domain = model.domain
    result = {}
    for s, count in eta.items():
        if count is None or domain.is_zero(count):
            continue
        Z = {a: count * policy[s][a] * Q[s][a] for a in policy[s]}
        total = sum(Z.values(), domain.zero)
        if not domain.is_zero(total):
            result[s] = {a: z / total for a, z in Z.items()}
    return result


def is_acyclic(model, policy) -> bool:
    """True when no cycle is reachable through actions with π > 0 (trajectories are finite)."""
    domain = model.domain
    graph = {s: sorted({o.to for a, outs in acts.items() if not domain.is_zero(policy[s][a])
                        for o in outs if not domain.is_zero(o.p)})
             for s, acts in model.states.items()}
    for component in strongly_connected_components(graph):
        if len(component) > 1 or component[0] in graph[component[0]]:
            return False
    return True


def count_trajectories(model, policy, cap: int) -> int:
    """Number of distinct trajectories from ρ (acyclic models), counted by dynamic programming up to ``cap + 1``."""
    return _trajectory_sizes(model, policy, cap, cap)[0]


def _trajectory_sizes(model, policy, cap: int, step_cap: int) -> tuple:
    """(paths, steps) from ρ, each capped at cap + 1 / step_cap + 1: the number of trajectories
    and their total length, which is what enumerating them costs.

        paths(s) = Σ_{s → c} paths(c) (1 at a terminal),  steps(s) = Σ_{s → c} (paths(c) + steps(c))
    """
    domain = model.domain
    memo: dict = {}
    for state in _postorder(model, policy, model.initial_support):
        acts = model.states[state]
        total, steps = (1 if not acts else 0), 0
        for a, outs in acts.items():
            if domain.is_zero(policy[state][a]):
                continue
            for o in outs:
                if not domain.is_zero(o.p):
                    child_paths, child_steps = memo[o.to]
                    total = min(total + child_paths, cap + 1)
                    steps = min(steps + child_paths + child_steps, step_cap + 1)
        memo[state] = (total, steps)
    roots = model.initial_support
    return (min(sum(memo[s][0] for s in roots), cap + 1), min(sum(memo[s][1] for s in roots), step_cap + 1))


def _postorder(model, policy, roots) -> list:
    """States reachable from ``roots`` under π, children before parents (acyclic graph)."""
    seen, order = set(), []
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(_children(model, policy, root)))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(_children(model, policy, child))))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def _children(model, policy, state):
    domain = model.domain
    return [o.to for a, outs in model.states[state].items() if not domain.is_zero(policy[state][a])
            for o in outs if not domain.is_zero(o.p)]


def trajectory_conditioned_by_enumeration(model, policy, limit: int = MAX_ENUMERATED_PATHS):
    """π⁺ from every trajectory and its exact probability (acyclic models only).

    Counts N(s,a) = Σ_τ P(τ) Y(τ) #{t: (S_t, A_t) = (s,a)} and returns
    N(s,a) / Σ_b N(s,b).  Returns ``None`` when there are more than ``limit``
    trajectories (the caller falls back to visit counts).
    """
    domain = model.domain
    paths, steps = _trajectory_sizes(model, policy, limit, MAX_ENUMERATED_STEPS)
    if paths > limit or steps > MAX_ENUMERATED_STEPS:
        return None
    counts: dict = {}
    stack = [(s, model.initial[s], None) for s in model.initial_support]
    while stack:
        state, prob, history = stack.pop()  # history: ((state, action), earlier history) or None
        acts = model.states[state]
        if not acts:
            if state in model.success_states:
                while history is not None:
                    key, history = history
                    counts[key] = counts.get(key, domain.zero) + prob
            continue
        for a, outs in acts.items():
            weight = policy[state][a]
            if domain.is_zero(weight):
                continue
            for o in outs:
                if not domain.is_zero(o.p):
                    stack.append((o.to, prob * weight * o.p, ((state, a), history)))
    result = {}
    for s in policy:
        total = sum((counts.get((s, a), domain.zero) for a in policy[s]), domain.zero)
        if not domain.is_zero(total):
            result[s] = {a: counts.get((s, a), domain.zero) / total for a in policy[s]}
    return result
