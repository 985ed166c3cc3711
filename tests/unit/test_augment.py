"""The analysed model: time-indexed and return-augmented state names, cuts and refusals."""

import pytest

from sc_symbolic.augment import analysed_model
from sc_symbolic.errors import UnsupportedModelError
from sc_symbolic.model import build_model


def corridor(horizon):
    return build_model({"a": {"go": {"b": "1/2", "a": "1/2"}}, "b": {"go": {"goal": 1}}, "goal": {}},
                       {"a": 1}, success_states=["goal"], horizon=horizon)


def test_horizon_indexes_states_by_time_and_cuts_at_H():
    analysed, origin = analysed_model(corridor(2))
    assert set(analysed.nonterminal) == {"a|t=0", "a|t=1", "b|t=1"}
    assert {"a|t=2", "b|t=2"} <= set(analysed.states) and analysed.states["a|t=2"] == {}
    assert analysed.success_states == {"goal"}
    assert origin["b|t=1"] == ("b", 1, None)


def test_horizon_zero_cuts_at_once():
    analysed, _ = analysed_model(corridor(0))
    assert analysed.nonterminal == [] and analysed.initial == {"a|t=0": 1}


def test_return_augmentation_names_and_success():
    model = build_model({"s": {"safe": [{"to": "end", "p": "1", "r": "1"}],
                               "risky": [{"to": "end", "p": "1/2"}, {"to": "end", "p": "1/2", "r": "3"}]},
                         "end": {}}, {"s": 1}, threshold="1")
    analysed, origin = analysed_model(model)
    assert analysed.nonterminal == ["s|G=0"]
    assert set(analysed.states) == {"s|G=0", "end|G=1", "end|G=0", "end|G=3"}
    assert analysed.success_states == {"end|G=1", "end|G=3"}


def test_return_and_time_together():
    model = build_model({"s": {"go": [{"to": "s", "p": "1/2", "r": "1/2"}, {"to": "end", "p": "1/2"}]}, "end": {}},
                        {"s": 1}, threshold="1", horizon=3)
    analysed, _ = analysed_model(model)
    assert "s|t=2|G=1" in analysed.nonterminal and "end|G=1" in analysed.success_states
    assert "s|t=3|G=3/2" in analysed.states and "s|t=3|G=3/2" not in analysed.success_states


def test_infinite_augmented_model_is_refused():
    model = build_model({"s": {"go": [{"to": "s", "p": "1/2", "r": "1"}, {"to": "end", "p": "1/2"}]}, "end": {}},
                        {"s": 1}, threshold="1")
    with pytest.raises(UnsupportedModelError, match="non-zero total reward"):
        analysed_model(model)


def test_zero_sum_cycles_are_finite():
    model = build_model({"a": {"go": [{"to": "b", "p": "1", "r": "1"}]},
                         "b": {"back": [{"to": "a", "p": "1/2", "r": "-1"}, {"to": "end", "p": "1/2"}]}, "end": {}},
                        {"a": 1}, threshold="1")
    analysed, _ = analysed_model(model)
    assert set(analysed.nonterminal) == {"a|G=0", "b|G=1"}


def test_augmented_state_bound_is_enforced():
    model = build_model({"s": {"go": [{"to": "s", "p": "1/2", "r": "1"}, {"to": "end", "p": "1/2"}]}, "end": {}},
                        {"s": 1}, threshold="1", horizon=50)
    with pytest.raises(UnsupportedModelError, match="more than 10 states"):
        analysed_model(model, max_states=10)


def test_name_collision_is_refused():
    model = build_model({"x": {"go": {"x|t=1": "1/2", "x": "1/2"}}, "x|t=1": {}}, {"x": 1},
                        success_states=["x|t=1"], horizon=1)
    with pytest.raises(UnsupportedModelError, match="produced twice"):
        analysed_model(model)


def test_an_initial_entry_of_probability_zero_starts_nothing():
    model = build_model({"s0": {"a": {"goal": 1}}, "s1": {"a": {"goal": 1}}, "goal": {}},
                        {"s0": 1, "s1": 0}, success_states=["goal"], horizon=1)
    analysed, _ = analysed_model(model)
    assert analysed.nonterminal == ["s0|t=0"] and analysed.initial == {"s0|t=0": 1}


def test_a_cycle_through_impossible_outcomes_does_not_make_the_returns_infinite():
    model = build_model({"s0": {"a": [{"to": "s0", "p": 0, "r": 1}, {"to": "end", "p": 1}]},
                         "s1": {"a": [{"to": "s1", "p": 1, "r": 1}]}, "end": {}},
                        {"s0": 1, "s1": 0}, threshold=0)
    analysed, _ = analysed_model(model)
    assert analysed.nonterminal == ["s0|G=0"]
    cyclic = build_model({"s0": {"a": [{"to": "s0", "p": "1/2", "r": 1}, {"to": "end", "p": "1/2"}]}, "end": {}},
                         {"s0": 1}, threshold=0)
    with pytest.raises(UnsupportedModelError, match="infinite"):
        analysed_model(cyclic)
