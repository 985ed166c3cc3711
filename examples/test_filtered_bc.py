"""Testing our own numpy filtered behaviour cloning against the exact π⁺ (run: pytest examples/test_filtered_bc.py).

The estimator is random (sampled episodes), the reference is exact, and the
tolerance is Hoeffding's bound with a union bound over the compared entries
(``filtered_bc.hoeffding_tolerance``): a correct estimator fails with
probability at most δ = 10⁻⁶ for any seed.  Each bug is demonstrated by a test
that *expects* ``ReferenceMismatch``; Hypothesis then finds the smallest model
on which the time-pooling bug is visible.
"""

from fractions import Fraction

import numpy as np
import pytest
from filtered_bc import (
    CORRIDOR,
    filtered_bc,
    hoeffding_tolerance,
    pooled_filtered_bc,
    ratio_tolerance,
    sample_episodes,
)
from hypothesis import HealthCheck, find, settings

from sc_symbolic.cli import main
from sc_symbolic.closeness import ReferenceMismatch, assert_close
from sc_symbolic.exact import rational
from sc_symbolic.reference import exact_reference
from sc_symbolic.strategies import horizon_mdps

SEED = 20260118


def check_estimator(ref, episodes, directory, bug=None):
    """assert_close of π̂⁺ against π⁺ where there is data, within the Hoeffding half-width (δ = 10⁻⁶)."""
    estimate, n_success = filtered_bc(episodes, ref, bug)
    where = np.broadcast_to(n_success[..., None] > 0, estimate.shape)
    entries = int(sum(x is not None for x in ref["pi_plus"][where]))
    return assert_close(estimate, ref, "pi_plus", atol=hoeffding_tolerance(n_success, max(entries, 1)),
                        where=where, directory=directory)


@pytest.fixture(scope="module")
def corridor():
    ref = exact_reference(CORRIDOR)
    return ref, sample_episodes(ref, 100_000, np.random.default_rng(SEED))


def test_sampled_success_rate_is_J(corridor):
    ref, (_, _, success) = corridor
    J = float(ref["J"].item())
    assert abs(success.mean() - J) <= 5 * (J * (1 - J) / success.size) ** 0.5


def test_correct_filtered_bc_matches_exact_pi_plus(corridor, tmp_path):
    ref, episodes = corridor
    check_estimator(ref, episodes, tmp_path)
    assert not list(tmp_path.iterdir())


def test_pooling_over_time_steps_is_caught(corridor, tmp_path):
    ref, episodes = corridor
    with pytest.raises(ReferenceMismatch) as info:
        check_estimator(ref, episodes, tmp_path, bug="pool_time")
    assert "pi_plus[t=1, state c1, action step]" in str(info.value)


def test_pooling_is_a_correct_estimator_of_the_pooled_policy_instead(corridor, tmp_path):
    ref, episodes = corridor
    estimate, n_success = pooled_filtered_bc(episodes, ref)
    where = n_success.sum(axis=-1, keepdims=True) > 0
    entries = int(np.count_nonzero(where)) * len(ref.actions)
    tolerance = ratio_tolerance(n_success, len(episodes[2]), ref.model.horizon, entries)
    assert_close(estimate, ref, "pi_pooled", atol=tolerance, where=where, directory=tmp_path)
    # π̄ is not π⁺(·|s, t): at c1 it is 203/356, while π⁺(step | c1, t) is 55/91, 19/37, 0 for t = 1, 2, 3
    c1, step = ref.states.index("c1"), ref.actions.index("step")
    assert ref["pi_pooled"][c1, step] == Fraction(203, 356)
    assert ref["pi_plus"][1:4, c1, step].tolist() == [Fraction(55, 91), Fraction(19, 37), 0]


def test_failed_visits_in_the_denominator_are_caught(corridor, tmp_path):
    ref, episodes = corridor
    with pytest.raises(ReferenceMismatch) as info:
        check_estimator(ref, episodes, tmp_path, bug="all_visits")
    assert "pi_plus[t=0, state c0, action step]: actual 0.28" in str(info.value)


def test_hypothesis_finds_a_minimal_model_for_the_pooling_bug(tmp_path):
    def pooling_is_caught(model):
        ref = exact_reference(model)
        episodes = sample_episodes(ref, 20_000, np.random.default_rng(SEED))
        try:
            check_estimator(ref, episodes, tmp_path, bug=None)  # the correct estimator must pass on every model
        except ReferenceMismatch:
            pytest.fail("the correct estimator failed: a bug in the example or a 1e-6 event")
        try:
            check_estimator(ref, episodes, tmp_path, bug="pool_time")
        except ReferenceMismatch:
            return True
        return False

    minimal = find(horizon_mdps(max_states=3, max_actions=2, max_outcomes=2, acyclic=False), pooling_is_caught,
                   settings=settings(max_examples=300, database=None, derandomize=True, deadline=None,
                                     suppress_health_check=list(HealthCheck)))
    # pooling needs one state met at two different times: one state, two actions (one a self-loop), H = 2,
    # each row a single outcome of probability 1, the uniform policy
    assert minimal.nonterminal == ["s0"] and minimal.horizon == 2
    outcomes = sorted((o.to, o.p) for outs in minimal.states["s0"].values() for o in outs)
    assert outcomes == [("goal", 1), ("s0", 1)]
    assert set(minimal.policy["s0"].values()) == {rational(1, 2)}
    with pytest.raises(ReferenceMismatch) as info:
        check_estimator(exact_reference(minimal), sample_episodes(exact_reference(minimal), 20_000,
                                                                   np.random.default_rng(SEED)),
                        tmp_path / "minimal", bug="pool_time")
    assert "state s0" in str(info.value)
    assert main(["check", str(info.value.path)]) == 0  # the maths holds on it: the bug is in the estimator
