"""One property test per claim of docs/math.md §3–§5, over random exact models."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sc_symbolic.analysis import analyse, iterate
from sc_symbolic.checks import CHECKS, run_checks
from sc_symbolic.conditioning import trajectory_conditioned_by_enumeration, trajectory_conditioned_by_visits
from sc_symbolic.exact import Rational
from sc_symbolic.strategies import mdps

any_models = st.one_of(mdps(max_states=5, max_actions=3),
                       mdps(max_states=4, rewards=True, horizon=True),
                       mdps(max_states=3, acyclic=True, rewards=True, threshold=True))


def holds(analysis, name):
    check = CHECKS[name](analysis)
    assert check.holds, check.witness[:3]


@given(any_models)
def test_identity_R_eq_chi2_eq_I(model):
    analysis = analyse(model)
    holds(analysis, "identity")
    for s in analysis.positive:
        assert analysis.R[s] == analysis.chi2[s] == analysis.I[s]
        assert type(analysis.R[s]) is Rational


@given(any_models)
def test_trust_region_certificate_at_data_radius(model):
    holds(analyse(model), "trust_region")


@given(any_models)
def test_trajectory_route_equals_bayes(model):
    holds(analyse(model), "trajectory_route")


@given(mdps(max_states=4, acyclic=True, rewards=True))
def test_enumeration_and_visit_counts_agree(model):
    analysis = analyse(model)
    enumerated = trajectory_conditioned_by_enumeration(analysis.model, analysis.policy)
    pooled = trajectory_conditioned_by_visits(analysis.model, analysis.policy, analysis.Q, analysis.eta)
    assert enumerated == pooled


@given(any_models)
def test_improvement_V_plus_dominates_V(model):
    analysis = analyse(model)
    holds(analysis, "improvement")
    assert all(analysis.V_plus[s] >= analysis.V[s] for s in analysis.model.states)


@given(any_models)
def test_performance_difference_decomposition(model):
    analysis = analyse(model)
    holds(analysis, "performance_difference")
    assert analysis.J_plus - analysis.J == analysis.performance_difference


@given(any_models)
def test_observable_failure_no_improvement_iff_no_influence_where_pi_plus_goes(model):
    analysis = analyse(model)
    visited = [s for s in analysis.positive if analysis.eta_plus[s] not in (None, 0)]
    no_change = all(analysis.I[s] == 0 for s in visited)
    assert (analysis.J_plus == analysis.J) == no_change


@settings(max_examples=15)
@given(mdps(max_states=3, max_actions=2), st.integers(1, 3))
def test_iteration_is_monotone(model, steps):
    values = [J for J, _ in iterate(model, steps)]
    assert all(a <= b for a, b in zip(values, values[1:]))


@settings(max_examples=10)
@given(mdps(max_states=3, max_actions=2, parametric=True))
def test_parametric_claims_hold_identically(model):
    checks = run_checks(analyse(model))
    assert all(check.holds for check in checks.values())
