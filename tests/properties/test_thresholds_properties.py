"""Return thresholding against brute force (docs/math.md §6): every episode, its exact probability and return.

The enumerator below is test-only and independent of ``augment``: it walks
the original model, carrying the accumulated return c and the time t, and
decides success as "terminated with G ≥ τ".  π⁺_τ is rebuilt from it by
Bayes on the (s, t, c) histories, π̄_τ by pooling successful episode counts.
"""

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from sc_symbolic.analysis import analyse
from sc_symbolic.strategies import mdps
from sc_symbolic.thresholds import achievable_returns, amplification_sweep, markov_variant, with_threshold

SETTINGS = settings(max_examples=30, deadline=None)


def exact(x):
    return F(int(x.numerator), int(x.denominator))


def episodes(model, choose):
    """Yield (probability, return, terminated, ((s, a), ...)) for every episode under ``choose(s, t, c)``."""
    horizon = model.horizon
    stack = [(s, exact(p), 0, F(0), ()) for s, p in model.initial.items() if p != 0]
    while stack:
        s, prob, t, c, history = stack.pop()
        if not model.states[s]:
            yield prob, c, True, history
            continue
        if horizon is not None and t == horizon:
            yield prob, c, False, history
            continue
        for a, w in choose(s, t, c).items():
            if w == 0:
                continue
            for o in model.states[s][a]:
                if o.p != 0:
                    stack.append((o.to, prob * w * exact(o.p), t + 1, c + exact(o.r), history + ((s, a),)))


class BruteForce:
    """V, Q and π⁺ on histories (s, t, c) by recursion over the original model, for Y = 1{terminated, G ≥ τ}."""

    def __init__(self, model, tau):
        self.model, self.tau, self.memo = model, F(tau), {}
        self.pi = {s: {a: exact(p) for a, p in dist.items()} for s, dist in model.policy.items()}

    def V(self, s, t, c):
        key = (s, t, c)
        if key not in self.memo:
            if not self.model.states[s]:
                value = F(1) if c >= self.tau else F(0)
            elif self.model.horizon is not None and t == self.model.horizon:
                value = F(0)
            else:
                value = sum((w * self.Q(s, t, c, a) for a, w in self.pi[s].items()), F(0))
            self.memo[key] = value
        return self.memo[key]

    def Q(self, s, t, c, a):
        return sum((exact(o.p) * self.V(o.to, t + 1, c + exact(o.r)) for o in self.model.states[s][a]), F(0))

    def pi_plus(self, s, t, c):
        V = self.V(s, t, c)
        if V == 0:
            return self.pi[s]
        return {a: w * self.Q(s, t, c, a) / V for a, w in self.pi[s].items()}

    def totals(self, choose):
        """(P(G ≥ τ and terminated), E[G]) under ``choose``."""
        P = E = F(0)
        for prob, g, terminated, _ in episodes(self.model, choose):
            E += prob * g
            if terminated and g >= self.tau:
                P += prob
        return P, E

    def pooled(self):
        """π̄(a|s) from successful episodes: E[#{t: S_t=s, A_t=a} Y] / E[#{t: S_t=s} Y]."""
        counts = {}
        for prob, g, terminated, history in episodes(self.model, lambda s, t, c: self.pi[s]):
            if terminated and g >= self.tau:
                for key in history:
                    counts[key] = counts.get(key, F(0)) + prob
        result = {}
        for s, dist in self.pi.items():
            total = sum((counts.get((s, a), F(0)) for a in dist), F(0))
            result[s] = None if total == 0 else {a: counts.get((s, a), F(0)) / total for a in dist}
        return result


acyclic_threshold_models = mdps(max_states=4, max_actions=2, max_outcomes=2, acyclic=True, rewards=True,
                                max_reward=2, threshold=True)
horizon_threshold_models = mdps(max_states=3, max_actions=2, max_outcomes=2, acyclic=False, rewards=True,
                                max_reward=2, threshold=True, horizon=True)
threshold_models = st.one_of(acyclic_threshold_models, horizon_threshold_models)


@SETTINGS
@given(threshold_models)
def test_augmented_analysis_agrees_with_episode_enumeration(model):
    brute = BruteForce(model, exact(model.threshold))
    analysis = analyse(model)
    P, E = brute.totals(lambda s, t, c: brute.pi[s])
    P_plus, E_plus = brute.totals(brute.pi_plus)
    assert exact(analysis.J) == P
    assert exact(analysis.J_plus) == P_plus
    if model.has_rewards:
        assert exact(analysis.expected_return) == E
        assert exact(analysis.expected_return_plus) == E_plus
    else:
        assert E == E_plus == 0


@SETTINGS
@given(acyclic_threshold_models, st.integers(-3, 5))
def test_sweep_row_agrees_with_episode_enumeration(model, tau):
    brute = BruteForce(model, tau)
    if not model.has_rewards:
        return
    row = amplification_sweep(model, [tau])[0]
    P, E = brute.totals(lambda s, t, c: brute.pi[s])
    P_plus, E_plus = brute.totals(brute.pi_plus)
    assert (exact(row.probability), exact(row.probability_plus)) == (P, P_plus)
    assert (exact(row.expected_return), exact(row.expected_return_plus)) == (E, E_plus)
    assert row.misaligned == (E_plus < E)


@SETTINGS
@given(threshold_models)
def test_achievable_returns_are_the_returns_of_terminating_episodes(model):
    uniform = {s: {a: F(1, len(acts)) for a in acts} for s, acts in model.states.items() if acts}
    returns = {g for _, g, terminated, _ in episodes(model, lambda s, t, c: uniform[s]) if terminated}
    assert [exact(g) for g in achievable_returns(model)] == sorted(returns)


@SETTINGS
@given(threshold_models)
def test_markov_variant_is_the_pooled_trajectory_route_and_improves(model):
    """π̄ equals the count ratio over successful episodes; P_π̄ matches enumeration; P_π̄ ≥ P_π (EM)."""
    brute = BruteForce(model, exact(model.threshold))
    mv = markov_variant(model)
    pooled = brute.pooled()
    for s, dist in pooled.items():
        if dist is None:
            assert mv.policy.get(s) is None
        else:
            assert {a: exact(p) for a, p in mv.policy[s].items()} == dist
    executed = {s: (dist if dist is not None else brute.pi[s]) for s, dist in pooled.items()}
    P_bar, E_bar = brute.totals(lambda s, t, c: executed[s])
    assert exact(mv.probability_bar) == P_bar
    assert exact(mv.expected_return_bar) == E_bar if model.has_rewards else E_bar == 0
    # the EM inequality: refitting a Markov policy on successful episodes never lowers P(G ≥ τ)
    assert mv.improves and mv.probability_bar >= mv.probability
    if all(sum(1 for o in mv.origin.values() if o[0] == s) == 1 for s in model.nonterminal):
        assert mv.equals_pi_plus and mv.identity_holds and mv.trust_region_holds


@settings(max_examples=15, deadline=None)
@given(acyclic_threshold_models)
def test_probability_falls_and_pi_plus_never_hurts_along_the_sweep(model):
    if not model.has_rewards:
        return
    rows = amplification_sweep(model)
    assert rows and rows[0].probability == 1  # τ = the smallest achievable return: acyclic π always terminates
    for low, high in zip(rows, rows[1:]):
        assert high.probability <= low.probability
    for row in rows:
        assert row.probability_plus >= row.probability
        assert row.influence_initial is None or row.influence_initial >= 0
        same = analyse(with_threshold(model, row.tau))
        assert row.probability_plus == same.J_plus


@settings(max_examples=20, deadline=None)
@given(mdps(max_states=3, max_actions=2, max_outcomes=2, acyclic=False, horizon=True))
def test_markov_variant_pooling_over_time_improves(model):
    """With a horizon and success states, π̄ pools over t: still one EM step, so P(success) never falls."""
    mv = markov_variant(model)
    for s, dist in mv.policy.items():
        if dist is not None:
            assert sum(dist.values()) == 1
            assert all(p == 0 for a, p in dist.items() if model.policy[s][a] == 0)  # π̄ ≪ π
    assert mv.improves and mv.probability_bar >= mv.probability
