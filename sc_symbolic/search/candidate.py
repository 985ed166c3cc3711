"""Search layer — the compact candidate model and its lean exact fast path (docs/math.md §6).

A ``Candidate`` is a small acyclic reward model with one start state ``s0``
(ρ = 1), non-terminal states ``s0 … s{n-1}`` whose outcomes lead only to a
later state or to the one terminal state ``end``, integer rewards on
outcomes, a positive rational policy and an integer threshold τ
(success = G ≥ τ).  Acyclicity makes the return-augmented model a finite
DAG of nodes ``(i, c)``; ``fast_evaluation`` walks it once with exact
rationals (gmpy2 ``mpq`` when installed):

    V(i,c) = Σ_a π(a|i) Q(i,c,a),   Q(i,c,a) = Σ_o p_o V(to_o, c + r_o),   V(end,c) = 1{c ≥ τ}
    π⁺(a|i,c) = π(a|i) Q(i,c,a) / V(i,c)  (π where V = 0)          E_μ[G] by the same recursion
    π̄(a|i) = Σ_c η(i,c) π(a|i) Q(i,c,a) / Σ_c η(i,c) V(i,c)          (the Markov variant)

It never judges a property (``properties`` does) and never replaces the
engine: every candidate witness is confirmed by ``analysis.analyse`` /
``thresholds.markov_variant`` on the validated ``Model`` built by ``to_model``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..exact import rational, rational_to_str
from ..model import FORMAT, from_dict

END = -1  #: the index of the terminal state ``end`` in an outcome


@dataclass(frozen=True)
class Candidate:
    """A small acyclic reward model with its policy and threshold (see the module docstring).

    ``actions[i][a]`` is a tuple of outcomes ``(to, p, r)`` with ``to`` a later
    state index or ``END``; ``policy[i][a]`` is π(a|s_i) > 0; ``threshold`` is τ.

    >>> c = risky_bandit()
    >>> c.size
    (1, 2, 3)
    >>> fast_evaluation(c).misaligned
    True
    """

    actions: tuple
    policy: tuple
    threshold: object

    @property
    def n_states(self) -> int:
        return len(self.actions)

    @property
    def size(self) -> tuple:
        """(non-terminal states, actions, outcomes), each counted in total."""
        return (len(self.actions), sum(len(acts) for acts in self.actions),
                sum(len(outs) for acts in self.actions for outs in acts))

    def probabilities(self):
        """Every transition and policy probability."""
        for i, acts in enumerate(self.actions):
            for outs in acts:
                for _, p, _ in outs:
                    yield p
            yield from self.policy[i]

    def rewards(self):
        for acts in self.actions:
            for outs in acts:
                for _, _, r in outs:
                    yield r

    def to_dict(self, name: str = "search witness") -> dict:
        """The ``sc-symbolic/mdp-1`` dict: states s0…, actions a0…, terminal ``end``, success G ≥ τ."""
        text = rational_to_str
        states = {}
        for i, acts in enumerate(self.actions):
            states[f"s{i}"] = {
                f"a{k}": [{"to": "end" if to == END else f"s{to}", "p": text(p), "r": text(rational(r))}
                          for to, p, r in outs]
                for k, outs in enumerate(acts)}
        states["end"] = {}
        return {"format": FORMAT, "name": name, "initial": {"s0": "1"}, "states": states,
                "success": {"return_at_least": text(rational(self.threshold))}, "horizon": None,
                "policy": {f"s{i}": {f"a{k}": text(p) for k, p in enumerate(row)}
                           for i, row in enumerate(self.policy)}}

    def to_model(self, name: str = "search witness"):
        """The validated ``Model`` (built through ``model.from_dict``, so every rule is re-checked)."""
        return from_dict(self.to_dict(name))


def risky_bandit() -> Candidate:
    """The reference example (risky_threshold.json): safe r=1 vs risky ½·0 + ½·3, τ = 1."""
    half = rational(1, 2)
    return Candidate(((((END, rational(1), 1),), ((END, half, 0), (END, half, 3))),), ((half, half),), 1)


# ------------------------------------------------------------------ fast path


@dataclass
class FastEvaluation:
    """Exact values of one candidate computed on the augmented DAG (no full analysis).

    ``probability`` = P_π(G ≥ τ) = J, ``probability_plus`` = J(π⁺_τ),
    ``expected_return`` = E_π[G], ``expected_return_plus`` = E_{π⁺_τ}[G].
    """

    candidate: Candidate
    nodes: list
    V: dict
    Q: dict
    probability: object
    probability_plus: object
    expected_return: object
    expected_return_plus: object
    _markov: tuple | None = None

    @property
    def misaligned(self) -> bool:
        return self.expected_return_plus < self.expected_return

    def markov(self) -> tuple:
        """(P_π̄(G ≥ τ), identity R̄ = χ²(π̄‖π) = I holds at every node with V > 0 and π̄ defined)."""
        if self._markov is None:
            self._markov = _markov(self)
        return self._markov


def augmented_nodes(candidate: Candidate) -> list:
    """The reachable nodes (i, c) in topological order (state index ascending)."""
    layers = [set() for _ in candidate.actions]
    layers[0].add(0)
    order = []
    for i, acts in enumerate(candidate.actions):
        for c in sorted(layers[i]):
            order.append((i, c))
            for outs in acts:
                for to, _, r in outs:
                    if to != END:
                        layers[to].add(c + r)
    return order


def achievable_returns(candidate: Candidate) -> list:
    """Every return G of an episode, ascending."""
    returns = set()
    for i, c in augmented_nodes(candidate):
        for outs in candidate.actions[i]:
            for to, _, r in outs:
                if to == END:
                    returns.add(c + r)
    return sorted(returns)


def threshold_representatives(returns: list) -> list:
    """One integer τ per distinct success event {G ≥ τ} that is neither sure nor impossible.

    For consecutive returns g_k < g_{k+1} the events coincide for τ ∈ (g_k, g_{k+1}];
    the representative is the integer of smallest ``|τ|`` there.

    >>> threshold_representatives([-1, 0, 2])
    [0, 1]
    """
    out = []
    for low, high in zip(returns, returns[1:]):
        if low < 0 < high or high == 0:
            out.append(0)
        elif high < 0:
            out.append(int(high))
        else:
            out.append(int(low) + 1)
    return out


def fast_evaluation(candidate: Candidate) -> FastEvaluation:
    """V, Q, J, J(π⁺_τ), E_π[G], E_{π⁺_τ}[G] by backward induction over the augmented DAG."""
    actions, policy, tau = candidate.actions, candidate.policy, candidate.threshold
    one, zero = rational(1), rational(0)
    nodes = augmented_nodes(candidate)
    V: dict = {}
    Q: dict = {}
    V_plus: dict = {}
    E_plus: dict = {}
    for i, c in reversed(nodes):
        q_row = []
        for outs in actions[i]:
            q = zero
            for to, p, r in outs:
                q += p * (V[(to, c + r)] if to != END else (one if c + r >= tau else zero))
            q_row.append(q)
        v = zero
        for pa, q in zip(policy[i], q_row):
            v += pa * q
        V[(i, c)] = v
        Q[(i, c)] = q_row
        vp = zero
        ep = zero
        for k, outs in enumerate(actions[i]):
            weight = policy[i][k] * q_row[k] / v if v else policy[i][k]
            if not weight:
                continue
            qp = zero
            ev = zero
            for to, p, r in outs:
                if to == END:
                    qp += p * (one if c + r >= tau else zero)
                    ev += p * r
                else:
                    qp += p * V_plus[(to, c + r)]
                    ev += p * (r + E_plus[(to, c + r)])
            vp += weight * qp
            ep += weight * ev
        V_plus[(i, c)] = vp
        E_plus[(i, c)] = ep
    E: list = [zero] * len(actions)
    for i in reversed(range(len(actions))):
        total = zero
        for pa, outs in zip(policy[i], actions[i]):
            total += pa * sum((p * (r + (E[to] if to != END else zero)) for to, p, r in outs), zero)
        E[i] = total
    start = (0, 0)
    return FastEvaluation(candidate, nodes, V, Q, V[start], V_plus[start], E[0], E_plus[start])


def _markov(ev: FastEvaluation) -> tuple:
    candidate = ev.candidate
    actions, policy, tau = candidate.actions, candidate.policy, candidate.threshold
    one, zero = rational(1), rational(0)
    eta = {node: zero for node in ev.nodes}
    eta[(0, 0)] = one
    numerator = [[zero] * len(acts) for acts in actions]
    denominator = [zero] * len(actions)
    for i, c in ev.nodes:
        count = eta[(i, c)]
        v = ev.V[(i, c)]
        if count and v:
            for k, q in enumerate(ev.Q[(i, c)]):
                numerator[i][k] += count * policy[i][k] * q
            denominator[i] += count * v
        for pa, outs in zip(policy[i], actions[i]):
            for to, p, r in outs:
                if to != END:
                    eta[(to, c + r)] += count * pa * p
    bar = [None if not denominator[i] else [n / denominator[i] for n in numerator[i]]
           for i in range(len(actions))]
    identity = True
    for i, c in ev.nodes:
        v = ev.V[(i, c)]
        if not v or bar[i] is None or not identity:
            continue
        q_row = ev.Q[(i, c)]
        value_bar = sum((b * q for b, q in zip(bar[i], q_row)), zero)
        R_bar = (value_bar - v) / v
        chi2 = sum(((b - pa) * (b - pa) / pa for b, pa in zip(bar[i], policy[i])), zero)
        influence = sum((pa * (q - v) * (q - v) for pa, q in zip(policy[i], q_row)), zero) / (v * v)
        identity = R_bar == chi2 == influence
    V_bar: dict = {}
    for i, c in reversed(ev.nodes):
        row = bar[i] if bar[i] is not None else policy[i]
        total = zero
        for pa, outs in zip(row, actions[i]):
            if not pa:
                continue
            q = zero
            for to, p, r in outs:
                q += p * (V_bar[(to, c + r)] if to != END else (one if c + r >= tau else zero))
            total += pa * q
        V_bar[(i, c)] = total
    return V_bar[(0, 0)], identity
