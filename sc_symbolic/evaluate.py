"""Exact evaluation layer — V, Q, J, η and E[G] (docs/math.md §2, §6).

    V(s) = Σ_a π(a|s) Q(s,a),   Q(s,a) = Σ_o p_o V(to_o),   V = 1 on G, 0 on other terminals
    η(s) = ρ(s) + Σ_{s'} η(s') P_π(s' → s)
    E[G] = Σ_s η(s) Σ_a π(a|s) Σ_o p_o r_o      (finite iff no reachable closed class has a reward)

V is the least solution: states that cannot reach G under π get V = 0 by a
graph pass ("prob0") before anything is solved; the remaining system is
non-singular.  Solves are sparse and exact: strongly connected components in
reverse topological order, state elimination inside each component, in the
model's domain K (QQ or QQ(params)).  Imports model, graph, exact, errors.
"""

from __future__ import annotations

import heapq

from .errors import SingularSystemError
from .graph import bottom_components, can_reach, reachable_from, strongly_connected_components

_UNLOADED = object()
_flint = _UNLOADED  # python-flint (the optional `fast` extra), imported when a component first needs it

#: Components at least this large with coefficients this wide go to FLINT's dense exact solver.
DENSE_MIN_SIZE = 24
DENSE_MAX_SIZE = 2_500
DENSE_MIN_BITS = 96
#: Parametric components: "flint" (python-flint's fmpz_mpoly fractions, when installed) or "sympy".
PARAMETRIC_BACKEND = "flint"


def solve_fixed_point(rows: dict, domain) -> dict:
    """Solve ``x_u = Σ_v c_uv x_v + b_u`` exactly; ``rows[u] = ({v: c_uv}, b_u)``.

    Every ``v`` in a row must be an unknown.  Components are solved sinks
    first; inside a component, variables are eliminated in Markowitz order
    (fewest predecessors × successors first) and back-substituted.

    >>> from sc_symbolic.exact import rational, domain_for
    >>> x = solve_fixed_point({"a": ({"a": rational(1, 2)}, rational(1, 4))}, domain_for())
    >>> str(x["a"])
    '1/2'

    Raises SingularSystemError when some ``1 − c_uu`` vanishes after elimination.
    """
    graph = {u: [v for v in coeffs] for u, (coeffs, _) in rows.items()}
    solution: dict = {}
    for component in strongly_connected_components(graph):
        if len(component) == 1:
            u = component[0]
            coeffs, b = rows[u]
            self_loop = coeffs.get(u, domain.zero)
            value = domain.dot([(domain.one, b)] + [(c, solution[v]) for v, c in coeffs.items() if v != u])
            pivot = domain.one - self_loop
            if domain.is_zero(pivot):
                raise SingularSystemError(f"state {u!r} is a closed loop: the system is singular", u)
            solution[u] = value / pivot if self_loop else value
            continue
        if not domain.parametric and _dense_pays(component, rows) and _flint_module() is not None:
            _solve_component_dense(component, rows, solution, domain)
        elif domain.parametric and PARAMETRIC_BACKEND == "flint" and _flint_module() is not None:
            _solve_component_flint(component, rows, solution, domain)
        else:
            _solve_component(component, rows, solution, domain)
    return solution


def _flint_module():
    """python-flint, or None when it is not installed; imported once, on first use (startup time)."""
    global _flint
    if _flint is _UNLOADED:
        from .optional_deps import optional

        _flint = optional("flint")
    return _flint


def _dense_pays(component, rows) -> bool:
    """Large components with wide coefficients: dense p-adic solving beats sparse elimination."""
    if not DENSE_MIN_SIZE <= len(component) <= DENSE_MAX_SIZE:
        return False
    widest = max((int(c.numerator).bit_length() + int(c.denominator).bit_length()
                  for u in component for c in rows[u][0].values()), default=0)
    return widest >= DENSE_MIN_BITS


def _solve_component_dense(component, rows, solution, domain) -> None:
    """(I − C) x = b on one component with python-flint's exact ``fmpq_mat.solve``."""
    from .exact import rational

    def to_flint(q):
        return _flint.fmpq(int(q.numerator), int(q.denominator))

    index = {u: i for i, u in enumerate(component)}
    size = len(component)
    matrix = _flint.fmpq_mat(size, size)
    rhs = _flint.fmpq_mat(size, 1)
    for u in component:
        i = index[u]
        coeffs, b = rows[u]
        diagonal = _flint.fmpq(1)
        outside = [(domain.one, b)]
        for v, c in coeffs.items():
            j = index.get(v)
            if j is None:
                outside.append((c, solution[v]))
            elif j == i:
                diagonal -= to_flint(c)
            else:
                matrix[i, j] = -to_flint(c)
        matrix[i, i] = diagonal
        rhs[i, 0] = to_flint(domain.dot(outside))
    try:
        x = matrix.solve(rhs)
    except ZeroDivisionError:
        raise SingularSystemError(f"the component of state {component[0]!r} is closed: the system is singular",
                                  component[0]) from None
    for u, i in index.items():
        value = x[i, 0]
        solution[u] = rational(int(value.p), int(value.q))


def _solve_component_flint(component, rows, solution, domain) -> None:
    """The same elimination over QQ(params), in FLINT's ZZ[params] fractions; results in K."""
    from .flint_fractions import FlintFractionDomain

    fast = FlintFractionDomain(_flint, domain)
    members = set(component)
    local_rows = {}
    for u in component:
        coeffs, b = rows[u]
        outside = domain.dot([(domain.one, b)] + [(c, solution[v]) for v, c in coeffs.items() if v not in members])
        local_rows[u] = ({v: fast.to_flint(c) for v, c in coeffs.items() if v in members}, fast.to_flint(outside))
    local_solution: dict = {}
    _solve_component(component, local_rows, local_solution, fast)
    for u in component:
        solution[u] = fast.from_flint(local_solution[u])


def _solve_component(component, rows, solution, domain) -> None:
    members = set(component)
    local: dict = {}
    const: dict = {}
    preds: dict = {u: set() for u in component}
    for u in component:
        coeffs, b = rows[u]
        row = {}
        outside = [(domain.one, b)]
        for v, c in coeffs.items():
            if v in members:
                row[v] = c
                preds[v].add(u)
            else:
                outside.append((c, solution[v]))
        local[u] = row
        const[u] = domain.dot(outside)
    order = []
    heap = [(len(preds[u]) * len(local[u]), i, u) for i, u in enumerate(component)]
    heapq.heapify(heap)
    position = {u: i for i, u in enumerate(component)}
    done: set = set()
    while heap:
        cost, _, k = heapq.heappop(heap)
        if k in done:
            continue
        current = len(preds[k]) * len(local[k])
        if current != cost:
            heapq.heappush(heap, (current, position[k], k))
            continue
        done.add(k)
        order.append(k)
        row = local[k]
        self_loop = row.pop(k, None)
        preds[k].discard(k)
        if self_loop is not None:
            pivot = domain.one - self_loop
            if domain.is_zero(pivot):
                raise SingularSystemError(f"state {k!r} lies in a closed loop: the system is singular", k)
            inverse = domain.one / pivot
            for v in row:
                row[v] = row[v] * inverse
            const[k] = const[k] * inverse
        for v in row:
            preds[v].discard(k)
        for i in preds[k]:
            if i in done:
                continue
            row_i = local[i]
            c = row_i.pop(k)
            for v, ckv in row.items():
                value = row_i.get(v)
                value = c * ckv if value is None else value + c * ckv
                if domain.is_zero(value):
                    row_i.pop(v, None)
                    preds[v].discard(i)
                else:
                    row_i[v] = value
                    preds[v].add(i)
            const[i] = const[i] + c * const[k]
        preds[k] = set()
    for k in reversed(order):
        solution[k] = domain.dot([(domain.one, const[k])] + [(c, solution[v]) for v, c in local[k].items()])


# --------------------------------------------------------------- transitions


def policy_transitions(model, policy) -> dict:
    """P_π(s → t) = Σ_a π(a|s) Σ_{o: to = t} p_o, non-zero entries only, per non-terminal s."""
    domain = model.domain
    result = {}
    for s, acts in model.states.items():
        if not acts:
            continue
        row: dict = {}
        for a, outs in acts.items():
            weight = policy[s][a]
            if domain.is_zero(weight):
                continue
            for o in outs:
                if domain.is_zero(o.p):
                    continue
                row[o.to] = row.get(o.to, domain.zero) + weight * o.p
        result[s] = {t: p for t, p in row.items() if not domain.is_zero(p)}
    return result


def _successors(model, transitions) -> dict:
    return {s: list(transitions.get(s, ())) for s in model.states}


def zero_set(model, transitions) -> set:
    """prob0: states from which G is unreachable under π (V = 0 there)."""
    return set(model.states) - can_reach(model.success_states, _successors(model, transitions))


def success_probability(model, policy, transitions=None) -> dict:
    """V(s) = P_π(Y = 1 | S_0 = s) for every state, the least solution (docs/math.md §2)."""
    domain = model.domain
    transitions = transitions if transitions is not None else policy_transitions(model, policy)
    zeros = zero_set(model, transitions)
    V = {s: (domain.one if s in model.success_states else domain.zero) for s in model.states}
    rows = {}
    for s, row in transitions.items():
        if s in zeros:
            continue
        coeffs = {}
        b = domain.zero
        for t, p in row.items():
            if t in model.success_states:
                b = b + p
            elif t not in zeros:
                coeffs[t] = p
        rows[s] = (coeffs, b)
    V.update(solve_fixed_point(rows, domain))
    return V


def action_values(model, V) -> dict:
    """Q(s,a) = Σ_o p_o V(to_o) for every non-terminal s and a ∈ A(s)."""
    domain = model.domain
    return {s: {a: domain.dot((o.p, V[o.to]) for o in outs) for a, outs in acts.items()}
            for s, acts in model.states.items() if acts}


def initial_value(model, values) -> object:
    """J = Σ_s ρ(s) V(s)."""
    return model.domain.dot((p, values[s]) for s, p in model.initial.items())


def recurrent_states(model, transitions, successors=None, reachable=None) -> set:
    """Reachable non-terminal states in closed classes under π (visited infinitely often);
    ``successors`` / ``reachable``: the graph of ``transitions`` and its reachable set, when known."""
    successors = successors if successors is not None else _successors(model, transitions)
    reachable = reachable if reachable is not None else reachable_from(model.initial_support, successors)
    nonterminal = [s for s in reachable if model.states[s]]
    return {s for component in bottom_components(successors, nonterminal) for s in component}


def visit_counts(model, policy, transitions=None) -> dict:
    """η^π(s) for every non-terminal s; ``None`` where it is infinite (docs/math.md §2).

    Infinite exactly on reachable states of closed recurrent classes; zero on
    unreachable states; elsewhere the flow equations are solved exactly.
    """
    domain = model.domain
    transitions = transitions if transitions is not None else policy_transitions(model, policy)
    successors = _successors(model, transitions)
    reachable = reachable_from(model.initial_support, successors)
    recurrent = recurrent_states(model, transitions, successors, reachable)
    transient = [s for s in model.states if model.states[s] and s in reachable and s not in recurrent]
    members = set(transient)
    rows = {s: ({}, model.initial.get(s, domain.zero)) for s in transient}
    for s in transient:
        for t, p in transitions[s].items():
            if t in members:
                rows[t][0][s] = p
    eta = {s: domain.zero for s in model.states if model.states[s]}
    eta.update(solve_fixed_point(rows, domain))
    for s in recurrent:
        eta[s] = None
    return eta


def expected_reward(model, policy, state) -> object:
    """r_π(s) = Σ_a π(a|s) Σ_o p_o r_o, the expected reward of one step from s."""
    domain = model.domain
    total = domain.zero
    for a, outs in model.states[state].items():
        for o in outs:
            if o.r != 0:
                total = total + policy[state][a] * o.p * domain.from_rational(o.r)
    return total


def expected_return(model, policy, eta, transitions=None) -> object:
    """E_π[G] = Σ_s η(s) r_π(s), or ``None`` when some reachable closed class carries a reward."""
    domain = model.domain
    transitions = transitions if transitions is not None else policy_transitions(model, policy)
    for s, count in eta.items():
        if count is None and _has_reward(model, policy, s):
            return None
    return domain.dot((expected_reward(model, policy, s), count) for s, count in eta.items()
                      if count is not None and not domain.is_zero(count))


def _has_reward(model, policy, state) -> bool:
    domain = model.domain
    return any(o.r != 0 and not domain.is_zero(o.p) and not domain.is_zero(policy[state][a])
               for a, outs in model.states[state].items() for o in outs)
