"""The exact reference: index maps, exact entries, undefined entries, the float view (docs/testing.md)."""

from fractions import Fraction as F
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")

from sc_symbolic.errors import ModelError  # noqa: E402
from sc_symbolic.reference import INFINITE, action_order, exact_reference, instantiate  # noqa: E402
from sc_symbolic.model import load_model  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BANDIT = {"format": "sc-symbolic/mdp-1", "initial": {"s": "1"}, "policy": "uniform",
          "states": {"s": {"a": {"win": "1/2", "lose": "1/2"}, "b": {"win": 1}}, "win": {}, "lose": {}},
          "success": {"states": ["win"]}}


def test_bandit_entries_are_exact_fractions_with_the_bayes_formula():
    ref = exact_reference(BANDIT)
    assert ref.states == ("s", "win", "lose") and ref.actions == ("a", "b") and ref.axes == ("state",)
    V, Q, pi_plus = ref["V"], ref["Q"], ref["pi_plus"]
    assert type(V[0]) is F and V.tolist() == [F(3, 4), F(1), F(0)]
    assert Q[0].tolist() == [F(1, 2), F(1)] and Q[1].tolist() == [None, None]
    assert pi_plus[0].tolist() == [F(1, 3), F(2, 3)]  # π(a) Q(a) / V
    assert ref["I"][0] == F(1, 9) and ref["I"][1] is None
    assert ref["eta"].tolist() == [F(1), F(3, 4), F(1, 4)]  # terminal η = probability of ending there
    assert ref["J"].item() == F(3, 4) and ref["J_plus"].item() == F(5, 6)
    floats = ref.floats()
    assert floats["V"].dtype == np.float64 and np.isnan(floats["Q"][1]).all()
    assert floats["pi_plus"][0, 0] == 1 / 3


def test_horizon_model_is_time_indexed_and_the_cut_is_a_failure():
    ref = exact_reference(EXAMPLES / "finite_horizon.json")
    assert ref.axes == ("time", "state") and ref.times == (0, 1, 2, 3, 4)
    assert ref["V"].shape == (5, 5) and ref["Q"].shape == (5, 5, 2)
    c0, c2, exit_ = ref.states.index("c0"), ref.states.index("c2"), ref.states.index("exit")
    assert ref["V"][4, c0] == 0 and ref["pi_plus"][4, c0].tolist() == [None, None]  # cut: no action
    assert ref["V"][0, c2] is None  # (c2, t=0) is not reachable from ρ
    assert all(ref["V"][t, exit_] == 1 for t in ref.times)
    assert ref["V"][3, c2] == F(2, 3) and ref["pi_plus"][3, c2].tolist() == [F(1), None]  # dash is invalid at c2
    # every episode ends exactly once: in exit, in the hole, or cut
    model = load_model(EXAMPLES / "finite_horizon.json")
    endings = [ref["eta"][t, i] for t in ref.times for i, s in enumerate(ref.states)
               if not model.states[s] or t == model.horizon]
    assert sum(x for x in endings if x is not None) == 1
    assert ref.label("pi_plus", ref.index("c1", "step", time=2)) == "t=2, state c1, action step"
    c1 = ref.states.index("c1")  # π̄ pools over t: Σ_t η π Q / Σ_t η V
    assert ref.axes_of("pi_pooled") == ("state", "action") and ref["pi_pooled"][c1, 0] == F(203, 356)
    assert ref.label("pi_pooled", (c1, 1)) == "state c1, action dash"
    assert ref.index("c1", "dash", quantity="pi_pooled") == (c1, 1)


def test_threshold_model_is_indexed_by_the_accumulated_return():
    ref = exact_reference(EXAMPLES / "threshold_misalignment.json")
    assert ref.axes == ("return", "state") and ref.returns == (F(0), F(1), F(4))
    s0, end = ref.states.index("s0"), ref.states.index("end")
    assert ref["V"][0, s0] == F(2, 3) and ref["V"][:, end].tolist() == [F(0), F(1), F(1)]
    assert ref["pi_plus"][0, s0].tolist() == [F(3, 4), F(1, 4)]
    assert ref.index("end", ret=4) == (2, 1)


def test_infinite_visits_are_marked_and_float_inf():
    loop = {"format": "sc-symbolic/mdp-1", "initial": {"s": 1}, "policy": "uniform", "success": {"states": ["g"]},
            "states": {"s": {"go": {"g": "1/2", "t": "1/2"}}, "t": {"stay": {"t": 1}}, "g": {}}}
    ref = exact_reference(loop)
    t = ref.states.index("t")
    assert ref["eta"][t] is INFINITE and ref.floats()["eta"][t] == np.inf
    assert ref["V"][t] == 0 and ref["I"][t] is None and ref["pi_plus"][t].tolist() == [None, None]


def test_parametric_model_needs_a_point_inside_the_box():
    with pytest.raises(ModelError, match="parametric"):
        exact_reference(EXAMPLES / "parametric_coin.json")
    with pytest.raises(ModelError, match="outside the open interval"):
        exact_reference(EXAMPLES / "parametric_coin.json", parameters={"p": 1})
    ref = exact_reference(EXAMPLES / "parametric_coin.json", parameters={"p": "1/2"})
    numeric = exact_reference(instantiate(load_model(EXAMPLES / "parametric_coin.json"), {"p": F(1, 2)}))
    assert ref["V"].tolist() == numeric["V"].tolist() and not ref.model.domain.parametric
    with pytest.raises(ModelError, match="declares no parameters"):
        exact_reference(BANDIT, parameters={"p": "1/2"})


def test_action_order_is_first_appearance_and_policy_override_applies():
    model = load_model(EXAMPLES / "gridworld.json")
    order = action_order(model)
    assert order[0] == next(iter(next(iter(model.states.values()))))
    assert len(order) == len(set(order))
    ref = exact_reference(BANDIT, policy={"s": {"a": "0", "b": "1"}})
    assert ref["V"][0] == 1 and ref["pi"][0].tolist() == [F(0), F(1)]
