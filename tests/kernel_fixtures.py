"""Test-only reference for the kernel tests: builds an sc-symbolic/certificate-1 by brute force.

Independent of sc_symbolic and of sc_symbolic.kernel: its own analysed-model builder, prob0 by
fixed-point iteration, dense Fraction Gauss-Jordan for V, V⁺ and η, and closed classes by
mutual reachability (O(n²), small models only).  Numbers are read with ``Fraction(text)``.
"""

from __future__ import annotations

import copy
from fractions import Fraction as F

CERTIFICATE = "sc-symbolic/certificate-1"


def num(x) -> F:
    """Fraction(x) for the plain numbers the test models use ("1/2", "0.25", 3)."""
    return F(x.replace(" ", "")) if isinstance(x, str) else F(x)


def outcomes(outs) -> list:
    """[(to, p, r)] from the long or the short outcome form."""
    if isinstance(outs, dict):
        return [(to, num(p), F(0)) for to, p in outs.items()]
    return [(o["to"], num(o["p"]), num(o.get("r", 0))) for o in outs]


def base_policy(model, raw) -> dict:
    """π(a|s) over every action of every non-terminal state (left-out actions: 0)."""
    spec = model["policy"]
    out = {}
    for s, acts in raw.items():
        if not acts:
            continue
        dist = spec if spec == "uniform" else spec[s]
        out[s] = {a: F(1, len(acts)) for a in acts} if dist == "uniform" else \
            {a: num(dist.get(a, 0)) for a in acts}
    return out


def analysed(model) -> tuple:
    """(states, initial, success, policy) of the analysed model: label → action → [(to, p, r)]."""
    raw = {s: {a: outcomes(o) for a, o in acts.items()} for s, acts in model["states"].items()}
    H = model.get("horizon")
    tau = model["success"].get("return_at_least")
    tau = None if tau is None else num(tau)
    goal = set(model["success"].get("states", []))
    pol = base_policy(model, raw)
    init = {s: num(p) for s, p in model["initial"].items()}
    if H is None and tau is None:
        return raw, init, goal, pol

    def node(s, t, c):
        return (s, None if not raw[s] else t, c)

    def label(n):
        s, t, c = n
        return s + ("" if t is None else f"|t={t}") + ("" if c is None else f"|G={c}")

    initial, origin = {}, {}
    for s, p in init.items():
        if p:
            n = node(s, 0 if H is not None else None, F(0) if tau is not None else None)
            initial[label(n)] = initial.get(label(n), F(0)) + p
            origin[label(n)] = n
    todo, states, success = list(origin.values()), {}, set()
    while todo:
        n = todo.pop()
        s, t, c = n
        if label(n) in states:
            continue
        if not raw[s] or (H is not None and t == H):
            states[label(n)] = {}
            if not raw[s] and (c >= tau if tau is not None else s in goal):
                success.add(label(n))
            continue
        acts = {}
        for a, outs in raw[s].items():
            acts[a] = []
            for to, p, r in outs:
                if p == 0:
                    continue
                m = node(to, None if t is None else t + 1, None if c is None else c + r)
                acts[a].append((label(m), p, r))
                origin[label(m)] = m
                todo.append(m)
        states[label(n)] = acts
    policy = {x: pol[origin[x][0]] for x, acts in states.items() if acts}
    return states, initial, success, policy


def solve(unknowns, rows) -> dict:
    """Solve x_u = Σ_v c_uv x_v + b_u by dense Gauss-Jordan; rows[u] = ({v: c_uv}, b_u)."""
    idx = {u: i for i, u in enumerate(unknowns)}
    n = len(unknowns)
    M = [[F(0)] * (n + 1) for _ in range(n)]
    for u, (coeffs, b) in rows.items():
        M[idx[u]][idx[u]] += 1
        for v, c in coeffs.items():
            M[idx[u]][idx[v]] -= c
        M[idx[u]][n] = b
    for col in range(n):
        piv = next(r for r in range(col, n) if M[r][col] != 0)
        M[col], M[piv] = M[piv], M[col]
        for r in range(n):
            if r != col and M[r][col] != 0:
                f = M[r][col] / M[col][col]
                M[r] = [x - f * y for x, y in zip(M[r], M[col])]
    return {u: M[idx[u]][n] / M[idx[u]][idx[u]] for u in unknowns}


def values(states, success, policy) -> dict:
    """V under ``policy`` on non-terminal states: 0 where success is unreachable, else solved."""
    can = set(success)
    changed = True
    while changed:
        changed = False
        for s, acts in states.items():
            if s not in can and any(policy[s][a] > 0 and p > 0 and to in can
                                    for a, outs in acts.items() for to, p, _ in outs):
                can.add(s)
                changed = True
    live = [s for s in states if states[s] and s in can]
    rows = {}
    for s in live:
        coeffs, b = {}, F(0)
        for a, outs in states[s].items():
            for to, p, _ in outs:
                if to in success:
                    b += policy[s][a] * p
                elif to in live:
                    coeffs[to] = coeffs.get(to, F(0)) + policy[s][a] * p
        rows[s] = (coeffs, b)
    x = solve(live, rows)
    return {s: x.get(s, F(0)) for s in states if states[s]}


def visits(states, initial, policy) -> dict:
    """η under ``policy``: None on reachable states of closed classes, else the flow equations solved."""
    succ = {s: {to for a, outs in acts.items() if policy[s][a] > 0 for to, p, _ in outs if p > 0}
            for s, acts in states.items()}

    def reach(src):
        seen, todo = set(src), list(src)
        while todo:
            for t in succ[todo.pop()]:
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        return seen
    R = {s: reach([s]) for s in states}
    from_init = reach([s for s, p in initial.items() if p > 0])
    infinite = {s for s in from_init if states[s] and all(s in R[t] for t in R[s])}
    live = [s for s in states if states[s] and s not in infinite and s in from_init]
    rows = {s: ({t: sum((policy[t][a] * p for a, outs in states[t].items() for to, p, _ in outs if to == s), F(0))
                 for t in live}, initial.get(s, F(0))) for s in live}
    x = solve(live, rows)
    return {s: None if s in infinite else x.get(s, F(0)) for s in states if states[s]}


def expected_return(states, eta, policy):
    """Σ η(s) Σ_a π Σ_o p r, or None when an infinitely visited state has a rewarded transition."""
    total = F(0)
    for s, e in eta.items():
        mean = sum((policy[s][a] * p * r for a, outs in states[s].items() for _, p, r in outs), F(0))
        rewarded = any(policy[s][a] * p * r != 0 for a, outs in states[s].items() for _, p, r in outs)
        if e is None:
            if rewarded:
                return None
            continue
        total += e * mean
    return total


def text(x):
    return None if x is None else str(x)


def certificate(model) -> dict:
    """A complete, valid certificate-1 for ``model`` (report, visits, multipliers, performance difference)."""
    states, initial, success, policy = analysed(model)
    V = values(states, success, policy)
    full = {s: F(1) if s in success else F(0) for s in states if not states[s]} | V
    Q = {s: {a: sum((p * full[to] for to, p, _ in outs), F(0)) for a, outs in states[s].items()} for s in V}
    pp = {s: {a: policy[s][a] * Q[s][a] / V[s] for a in Q[s]} for s in V if V[s] > 0}
    executed = {s: pp.get(s, policy[s]) for s in V}
    Vp = values(states, success, executed)
    full_p = {s: F(1) if s in success else F(0) for s in states if not states[s]} | Vp
    entries = {}
    for s in V:
        entry = {"V": str(V[s]), "V_plus": str(Vp[s]), "Q": {a: str(q) for a, q in Q[s].items()},
                 "pi": {a: str(p) for a, p in policy[s].items()}, "pi_plus": None, "R": None, "chi2": None, "I": None,
                 "max_ratio": None}
        if V[s] > 0:
            pi, q, v = policy[s], Q[s], V[s]
            entry["pi_plus"] = {a: str(p) for a, p in pp[s].items()}
            entry["R"] = str((sum(pp[s][a] * q[a] for a in q) - v) / v)
            entry["chi2"] = str(sum((pp[s][a] - pi[a]) ** 2 / pi[a] for a in q if pi[a] > 0))
            entry["I"] = str(sum(pi[a] * (q[a] - v) ** 2 for a in q) / v ** 2)
            entry["max_ratio"] = str(max(q.values()) / v)
        entries[s] = entry
    J = sum((p * full[s] for s, p in initial.items()), F(0))
    Jp = sum((p * full_p[s] for s, p in initial.items()), F(0))
    report = {"format": "sc-symbolic/report-1", "model": model.get("name", "model"), "J": str(J), "J_plus": str(Jp),
              "states": entries}
    eta, eta_p = visits(states, initial, policy), visits(states, initial, executed)
    rewards = any(o[2] != 0 for acts in model["states"].values() for outs in acts.values() for o in outcomes(outs))
    if rewards:
        report["expected_return"] = text(expected_return(states, eta, policy))
        report["expected_return_plus"] = text(expected_return(states, eta_p, executed))
    report["checks"] = {k: True for k in ("identity", "trust_region", "trajectory_route", "improvement",
                                          "performance_difference", "distribution_shift")}
    report["verified"] = True
    return {"format": CERTIFICATE, "model": copy.deepcopy(model), "report": report,
            "visits": {"pi": {s: text(e) for s, e in eta.items()}, "pi_plus": {s: text(e) for s, e in eta_p.items()}},
            "multipliers": {s: {"mu": str(V[s] / 2), "nu": "0", "kappa": {a: "0" for a in Q[s]}} for s in pp},
            "performance_difference": str(Jp - J)}


#: A V = 0 region, a recurrent rewarded loop and an unreachable island: the kernel's hard cases.
LOOPS = {
    "format": "sc-symbolic/mdp-1", "name": "V = 0 region, recurrent loop, unreachable island",
    "initial": {"s0": "3/4", "s1": "1/4"},
    "states": {
        "s0": {"go": [{"to": "s1", "p": "1/2", "r": "1"}, {"to": "trap", "p": "1/2"}],
               "stay": {"s0": "1/2", "dead": "1/2"}},
        "s1": {"win": {"goal": "1/3", "s1": "1/3", "trap": "1/3"}, "lose": {"fail": "1"}},
        "dead": {"spin": {"dead": "1/2", "fail": "1/2"}},
        "trap": {"spin": [{"to": "trap2", "p": "1", "r": "2"}]},
        "trap2": {"spin": {"trap": "1"}},
        "island": {"loop": {"island": "1"}, "out": {"goal": "1"}},
        "goal": {}, "fail": {}},
    "success": {"states": ["goal"]},
    "policy": {"s0": {"go": "1/2", "stay": "1/2"}, "s1": {"win": "2/3", "lose": "1/3"}, "dead": "uniform",
               "trap": "uniform", "trap2": "uniform", "island": {"loop": "1"}},
}
