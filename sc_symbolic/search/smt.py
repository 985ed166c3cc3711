"""Search layer — SMT search over a fixed model shape with z3 (optional extra ``smt``; docs/math.md §6).

For a FIXED shape (states, actions, outcome targets, rewards, τ) the transition
probabilities p and the policy π are real unknowns on the open simplex.  With
every p, π > 0, whether V(i,c) > 0 is decided by the shape alone, so the
property becomes polynomial constraints once every quotient is cleared:

    V(i,c) = Σ_k π_k Σ_m p_km V(to, c + r)            (one real per node)
    w_k · V(i,c) = π_k Q_k(i,c)                        (π⁺_k, only where V > 0; w = π elsewhere)
    E(i) = Σ_k π_k Σ_m p_km (r + E(to)),  E⁺(i,c) likewise with w
    misalignment:   E⁺(0,0) < E(0)         no-improvement:  V⁺(0,0) < V(0,0)

A ``sat`` answer is turned into exact rationals (z3 rationals as they are;
algebraic numbers rounded to nearby rationals, the last entry of each row
taking the rest so rows sum to exactly 1), then RE-CHECKED exactly by the
engine and shrunk; nothing z3 says is trusted on its own.  Without z3,
``run_smt`` raises ``MissingDependencyError`` (extra ``smt``).
"""

from __future__ import annotations

import random

from ..errors import UnsupportedModelError
from ..exact import rational
from .candidate import END, Candidate, augmented_nodes, fast_evaluation
from .generators import random_candidate
from .properties import violates
from .shrink import normalise, shrink

SUPPORTED = ("misalignment", "no-improvement")
SOLVER_TIMEOUT_MS = 2_000
MAX_SHAPES = 10_000


def require_z3():
    """The ``z3`` module, or MissingDependencyError naming the ``smt`` extra."""
    from ..optional_deps import require

    return require("z3", "--method smt")


def shape_of(candidate: Candidate) -> tuple:
    """The shape: per state, per action, the (to, r) of each outcome; and τ."""
    return (tuple(tuple(tuple((to, r) for to, _, r in outs) for outs in acts) for acts in candidate.actions),
            candidate.threshold)


def encode(z3, shape, property_name: str):
    """(solver, p variables, π variables) for ``shape`` and the property (see module docstring)."""
    structure, tau = shape
    solver = z3.Solver()
    solver.set("timeout", SOLVER_TIMEOUT_MS)
    p = [[[z3.Real(f"p_{i}_{k}_{m}") for m in range(len(outs))] for k, outs in enumerate(acts)]
         for i, acts in enumerate(structure)]
    pi = [[z3.Real(f"pi_{i}_{k}") for k in range(len(acts))] for i, acts in enumerate(structure)]
    for i, acts in enumerate(structure):
        for k in range(len(acts)):
            solver.add(*[x > 0 for x in p[i][k]], z3.Sum(p[i][k]) == 1)
        solver.add(*[x > 0 for x in pi[i]], z3.Sum(pi[i]) == 1)
    # structural positivity of V: any positive probabilities give the same zero pattern
    probe = Candidate(tuple(tuple(tuple((to, rational(1, len(outs)), r) for to, r in outs) for outs in acts)
                            for acts in structure),
                      tuple(tuple(rational(1, len(acts)) for _ in acts) for acts in structure), tau)
    positive = {node: bool(v) for node, v in fast_evaluation(probe).V.items()}
    nodes = augmented_nodes(probe)
    V, Vp, Ep = {}, {}, {}
    for i, c in nodes:
        V[(i, c)] = z3.Real(f"V_{i}_{c}")
        Vp[(i, c)] = z3.Real(f"Vp_{i}_{c}")
        Ep[(i, c)] = z3.Real(f"Ep_{i}_{c}")
    E = [z3.Real(f"E_{i}") for i in range(len(structure))]

    def value(table, to, c):
        if to == END:
            return z3.RealVal(1) if c >= tau else z3.RealVal(0)
        return table[(to, c)]

    for i, c in reversed(nodes):
        acts = structure[i]
        Q = [z3.Sum([p[i][k][m] * value(V, to, c + r) for m, (to, r) in enumerate(outs)])
             for k, outs in enumerate(acts)]
        solver.add(V[(i, c)] == z3.Sum([pi[i][k] * Q[k] for k in range(len(acts))]))
        if positive[(i, c)]:
            w = [z3.Real(f"w_{i}_{c}_{k}") for k in range(len(acts))]
            solver.add(*[w[k] * V[(i, c)] == pi[i][k] * Q[k] for k in range(len(acts))])
        else:
            w = pi[i]
        Qp = [z3.Sum([p[i][k][m] * value(Vp, to, c + r) for m, (to, r) in enumerate(outs)])
              for k, outs in enumerate(acts)]
        solver.add(Vp[(i, c)] == z3.Sum([w[k] * Qp[k] for k in range(len(acts))]))
        Rp = [z3.Sum([p[i][k][m] * (r + (Ep[(to, c + r)] if to != END else 0)) for m, (to, r) in enumerate(outs)])
              for k, outs in enumerate(acts)]
        solver.add(Ep[(i, c)] == z3.Sum([w[k] * Rp[k] for k in range(len(acts))]))
    for i, acts in enumerate(structure):
        R = [z3.Sum([p[i][k][m] * (r + (E[to] if to != END else 0)) for m, (to, r) in enumerate(outs)])
             for k, outs in enumerate(acts)]
        solver.add(E[i] == z3.Sum([pi[i][k] * R[k] for k in range(len(acts))]))
    if property_name == "misalignment":
        solver.add(Ep[(0, 0)] < E[0])
    else:
        solver.add(Vp[(0, 0)] < V[(0, 0)])
    return solver, p, pi


def _to_rational(z3, value, digits: int):
    if isinstance(value, z3.AlgebraicNumRef):
        value = value.approx(digits)
    return rational(value.numerator_as_long(), value.denominator_as_long())


def _exact_row(values) -> tuple | None:
    """The row with its last entry replaced by 1 − (the others); None unless every entry is > 0."""
    head = list(values[:-1])
    last = rational(1) - sum(head, rational(0))
    row = tuple(head) + (last,)
    return row if all(x > 0 for x in row) else None


def model_to_candidate(z3, model, shape, p, pi, digits: int = 12) -> Candidate | None:
    """Exact rationals from a z3 model (algebraic numbers rounded); None if a row breaks."""
    structure, tau = shape
    actions, policy = [], []
    for i, acts in enumerate(structure):
        new_acts = []
        for k, outs in enumerate(acts):
            row = _exact_row([_to_rational(z3, model.eval(x, model_completion=True), digits) for x in p[i][k]])
            if row is None:
                return None
            new_acts.append(tuple((to, q, r) for (to, r), q in zip(outs, row)))
        prow = _exact_row([_to_rational(z3, model.eval(x, model_completion=True), digits) for x in pi[i]])
        if prow is None:
            return None
        actions.append(tuple(new_acts))
        policy.append(prow)
    return Candidate(tuple(actions), tuple(policy), tau)


def solve_shape(shape, property_name: str):
    """(status, exact candidate or None) for one shape: ``"sat"``, ``"unsat"`` or ``"unknown"``."""
    z3 = require_z3()
    solver, p, pi = encode(z3, shape, property_name)
    status = solver.check()
    if status != z3.sat:
        return ("unsat" if status == z3.unsat else "unknown"), None
    return "sat", model_to_candidate(z3, solver.model(), shape, p, pi)


def run_smt(prop, bounds, seed, clock, progress) -> tuple:
    """(checked, smallest exact witness within bounds or None, notes) over seeded random shapes."""
    require_z3()
    if prop.name not in SUPPORTED:
        raise UnsupportedModelError(f"--method smt encodes {', '.join(SUPPORTED)}; "
                                    f"use another method for {prop.name!r}")
    rng = random.Random(f"{seed}:smt")
    seen = set()
    checked = 0
    counts = {"sat": 0, "unsat": 0, "unknown": 0, "rejected": 0}
    shapes = 0
    budget = clock.budget if clock.budget is not None else MAX_SHAPES
    attempts = 0
    while shapes < min(budget, MAX_SHAPES) and attempts < 20 * MAX_SHAPES and not clock.over_time():
        attempts += 1
        shape = shape_of(normalise(random_candidate(bounds, rng)))
        if shape in seen:
            continue
        seen.add(shape)
        shapes += 1
        status, candidate = solve_shape(shape, prop.name)
        counts[status] += 1
        checked += 1
        progress(checked, None)
        if candidate is None:
            continue
        if violates(prop, candidate) is None:  # z3's answer did not survive the exact re-check
            counts["rejected"] += 1
            continue
        small, _, _ = shrink(candidate, lambda c: violates(prop, c) is not None)
        if bounds.contains(small):
            notes = [f"smt: {shapes} shapes, {counts['sat']} sat, {counts['unsat']} unsat, "
                     f"{counts['unknown']} unknown, {counts['rejected']} rejected by the exact re-check"]
            return checked, small, notes
        counts["rejected"] += 1
    notes = [f"smt: {shapes} shapes, {counts['sat']} sat, {counts['unsat']} unsat, {counts['unknown']} unknown, "
             f"{counts['rejected']} rejected (exact re-check or bounds)"]
    return checked, None, notes
