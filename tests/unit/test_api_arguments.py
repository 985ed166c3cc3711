"""Public entry points validate their arguments: ``Model.with_policy`` takes every policy form a
model file takes (and the library's own policies), ``load_model`` takes a ``Model``; anything
else is the library's own error naming the field and the valid choices."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sc_symbolic import analyse, check, iterate, load_model, run_checks
from sc_symbolic.errors import ModelError
from sc_symbolic.exact import rational
from sc_symbolic.strategies import policies

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GRID = load_model(EXAMPLES / "gridworld.json")
TWO_ROOM = load_model(EXAMPLES / "parametric_two_room.json")


def test_with_policy_takes_the_file_forms():
    uniform = GRID.with_policy("uniform")
    for s, dist in uniform.policy.items():
        assert set(dist.values()) == {rational(1, len(GRID.states[s]))}
    per_state = GRID.with_policy({s: "uniform" for s in GRID.policy})
    assert per_state.policy == uniform.policy


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_with_policy_takes_the_strategies_policies(data):
    policy = data.draw(policies(GRID))
    model = GRID.with_policy(policy)
    assert analyse(model).J is not None


def test_with_policy_takes_an_executed_parametric_policy():
    executed = analyse(TWO_ROOM).executed
    assert TWO_ROOM.with_policy(executed).policy == executed


@pytest.mark.parametrize("policy, where, words", [
    (42, "policy", "\"uniform\" or an object"),
    ("greedy", "policy", "\"uniform\" or an object"),
    ({"nowhere": "uniform"}, "policy.nowhere", "declared states"),
])
def test_with_policy_refuses_with_the_valid_choices(policy, where, words):
    with pytest.raises(ModelError) as info:
        GRID.with_policy(policy)
    assert info.value.where == where and words in info.value.rule


def test_with_policy_refuses_a_bad_distribution():
    state = next(iter(GRID.policy))
    actions = list(GRID.states[state])
    with pytest.raises(ModelError) as info:
        GRID.with_policy(dict(GRID.policy, **{state: {actions[0]: "2"}}))
    assert "[0, 1]" in info.value.rule
    with pytest.raises(ModelError) as info:
        GRID.with_policy(dict(GRID.policy, **{state: {"fly": "1"}}))
    assert "has actions [" in info.value.rule


def test_load_model_takes_a_model():
    assert load_model(GRID) is GRID
    renamed = load_model(GRID, name="other", policy="uniform")
    assert renamed.name == "other" and renamed.policy == GRID.with_policy("uniform").policy
    report, _ = check(TWO_ROOM)
    assert report["verified"]


def test_load_model_refuses_other_objects():
    with pytest.raises(ModelError) as info:
        load_model(3.5)
    assert "a Model" in info.value.rule


@pytest.mark.parametrize("call, where", [
    (lambda: analyse("examples/gridworld.json"), "model"),
    (lambda: analyse(GRID, max_return_states=0), "max_return_states"),
    (lambda: iterate(GRID, -1), "steps"),
    (lambda: iterate(GRID, "3"), "steps"),
    (lambda: run_checks(GRID), "analysis"),
])
def test_entry_points_refuse_wrong_arguments(call, where):
    with pytest.raises(ModelError) as info:
        call()
    assert info.value.where == where and info.value.rule


def test_check_applies_a_policy_to_a_model():
    report, _ = check(GRID, policy="uniform")
    assert report["J"] == check(GRID.with_policy("uniform"))[0]["J"]


def test_values_too_large_to_report_are_refused_before_the_costly_part(monkeypatch):
    """A chain whose values gain a digit per state holds O(n²) digits: refused, never out of memory."""
    from sc_symbolic import analysis
    from sc_symbolic.errors import UnsupportedModelError
    from sc_symbolic.model import build_model

    n = 300
    states = {f"s{i}": {"go": {f"s{i + 1}" if i + 1 < n else "win": "9/10", "lose": "1/10"},
                        "stay": {f"s{i + 1}" if i + 1 < n else "win": "1/2", "lose": "1/2"}} for i in range(n)}
    states.update(win={}, lose={})
    model = build_model(states, {"s0": 1}, success_states=["win"])
    assert analysis.analyse(model).J > 0
    monkeypatch.setattr(analysis, "MAX_VALUE_BITS", 50_000)
    with pytest.raises(UnsupportedModelError, match="exact values too large"):
        analysis.analyse(model)
