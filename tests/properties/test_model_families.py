"""Properties — the analysis's claims hold on every family of ``sc_symbolic.strategies`` (docs/math.md §3–§6).

Cyclic models (a reachable cycle, always), horizons (states (s, t)), return
thresholds on acyclic, horizon and zero-sum-reward cyclic models, and models
whose transition *and* policy probabilities are affine in parameters.  Each
property is the claim itself, as ``sc-symbolic check`` decides it.  The others
state what the exact reference's arrays satisfy whatever the model (exact
types, V = Σ π Q, π⁺ = π Q / V, I, every episode ends once, J = Σ ρ V) and that
``assert_close`` refuses any single entry moved beyond the tolerance, naming it.
"""

import random
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sc_symbolic.augment import analysed_model
from sc_symbolic.graph import reachable_from, strongly_connected_components
from sc_symbolic.model import from_dict
from sc_symbolic.strategies import (
    cyclic_mdps,
    horizon_mdps,
    models,
    parameter_points,
    parametric_mdps,
    random_model_dict,
    threshold_mdps,
)
from sc_symbolic.testing import assert_all_claims, assert_identity

np = pytest.importorskip("numpy")

from sc_symbolic.reference import INFINITE, exact_reference  # noqa: E402


def has_reachable_cycle(model) -> bool:
    successors = {s: [o.to for outs in acts.values() for o in outs] for s, acts in model.states.items()}
    reachable = reachable_from(model.initial_support, successors)
    graph = {s: [t for t in successors[s] if t in reachable] for s in reachable}
    return any(len(c) > 1 or c[0] in graph[c[0]] for c in strongly_connected_components(graph))


@settings(max_examples=25)
@given(cyclic_mdps(max_states=3))
def test_cyclic_family_has_a_reachable_cycle_and_every_claim_holds(model):
    assert has_reachable_cycle(model)
    assert_all_claims(model)


@settings(max_examples=20)
@given(horizon_mdps(max_states=3, max_actions=2))
def test_horizon_family_every_claim_holds_on_the_time_indexed_model(model):
    assert_all_claims(model)


@settings(max_examples=20)
@given(threshold_mdps(max_states=3, kind="cyclic"))
def test_thresholds_on_cyclic_zero_sum_models_stay_finite_and_every_claim_holds(model):
    assert has_reachable_cycle(model)
    analysed_model(model)  # finite (no UnsupportedModelError): every cycle's rewards sum to 0
    assert_all_claims(model)


@settings(max_examples=8)
@given(parametric_mdps(max_states=2, max_actions=2, acyclic=True, parametric_policy=True), st.data())
def test_parametric_policy_family_identity_holds_identically(model, data):
    assert set(model.parameters) <= {"p", "q"}
    analysis = assert_identity(model)
    point = data.draw(parameter_points(model))
    ref = exact_reference(model, parameters=point)  # the reference at a point is the analysis there
    assert ref["J"].item() == F(str(analysis.domain.substitute(analysis.J, point)))


@settings(max_examples=20)
@given(models(max_states=3))
def test_reference_arrays_satisfy_bellman_bayes_and_end_once(model):
    ref = exact_reference(model)
    for array in ref.exact.values():  # exact or nothing: no float in the exact view
        assert all(type(x) is F or x is None or x is INFINITE for x in array.flat)
    V, Q, pi, pi_plus, I, eta = (ref[q] for q in ("V", "Q", "pi", "pi_plus", "I", "eta"))
    for index in np.ndindex(V.shape):
        row = [(pi[index + (a,)], Q[index + (a,)]) for a in range(len(ref.actions)) if pi[index + (a,)] is not None]
        if V[index] is None or not row:
            continue
        assert V[index] == sum(p * q for p, q in row)  # V = Σ_a π Q
        if V[index] > 0:
            plus = [x for x in pi_plus[index] if x is not None]
            assert sum(plus) == 1 and plus == [p * q / V[index] for p, q in row]  # π⁺ = π Q / V
            assert I[index] == sum(p * (q - V[index]) ** 2 for p, q in row) / V[index] ** 2
    for i, row in enumerate(ref["pi_pooled"]):  # π̄: a distribution; π⁺ itself when nothing is indexed
        if any(x is not None for x in row):
            assert sum(x for x in row if x is not None) == 1
            if ref.times is None and ref.returns is None:
                assert row.tolist() == pi_plus[i].tolist()
    ends = [eta[index] for index in np.ndindex(V.shape) if not ref.model.states[ref.states[index[-1]]]
            or (ref.times is not None and index[0] == ref.model.horizon)]
    ended = sum((x for x in ends if x is not None), F(0))  # P(the episode ends): in a terminal state or cut
    terminates = all(x is not INFINITE for x in eta.flat)  # finite expected length ⇔ it ends almost surely
    assert ended <= 1 and (ended == 1) == terminates


def test_random_model_dict_is_the_same_generator_seeded():
    for seed in range(20):
        options = dict(max_states=3, cycle=seed % 2 == 0, threshold=seed % 3 == 0, zero_sum_cycles=True)
        data = random_model_dict(random.Random(seed), **options)
        assert data == random_model_dict(random.Random(seed), **options)
        model = from_dict(data)
        assert (model.threshold is not None) == options["threshold"]
        if options["cycle"]:
            assert has_reachable_cycle(model)


def test_strategies_refuse_empty_or_contradictory_bounds():
    from hypothesis.errors import InvalidArgument

    for make in (lambda: cyclic_mdps(acyclic=True), lambda: threshold_mdps(kind="spiral"),
                 lambda: random_model_dict(random.Random(0), colour=1),
                 lambda: random_model_dict(random.Random(0), threshold=True, acyclic=False),
                 lambda: horizon_mdps(max_states=0)):
        with pytest.raises(InvalidArgument):
            make()


def _start(ref, s):
    """The array index of initial state ``s`` (t = 0, return 0)."""
    return ((0,) if ref.times else ()) + ((ref.returns.index(0),) if ref.returns else ()) + (ref.states.index(s),)


@settings(max_examples=20)
@given(models(max_states=3))
def test_reference_J_is_rho_dot_V_at_the_start(model):
    ref = exact_reference(model)
    rho = {s: F(int(p.numerator), int(p.denominator)) for s, p in model.initial.items() if p != 0}
    assert ref["J"].item() == sum(p * ref["V"][_start(ref, s)] for s, p in rho.items())
    assert ref["J_plus"].item() == sum(p * ref["V_plus"][_start(ref, s)] for s, p in rho.items())
    assert ref["J_plus"].item() >= ref["J"].item()


@settings(max_examples=20)
@given(model=models(max_states=3), data=st.data())
def test_assert_close_refuses_every_entry_moved_beyond_the_tolerance(tmp_path_factory, model, data):
    from sc_symbolic.closeness import ReferenceMismatch, assert_close

    ref = exact_reference(model)
    floats = ref.floats()
    directory = tmp_path_factory.getbasetemp() / "moved"
    assert_close(floats, ref, directory=directory)
    defined = [(q, index) for q, array in ref.exact.items() for index, x in np.ndenumerate(array)
               if x is not None and x is not INFINITE]
    quantity, index = data.draw(st.sampled_from(defined))
    moved = floats[quantity].copy()
    moved[index] += data.draw(st.sampled_from([1e-6, -1e-6, 0.5, np.nan]))
    with pytest.raises(ReferenceMismatch) as info:
        assert_close(moved, ref, quantity, atol=1e-7, rtol=0, directory=directory)
    (item,) = info.value.mismatches
    assert item[0] == quantity and item[1] == ref.label(quantity, index)
