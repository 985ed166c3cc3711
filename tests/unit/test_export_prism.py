"""The PRISM exporter: exact text, mdp vs dtmc, induced chain, refusals (Storm only where installed)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sc_symbolic.errors import UnsupportedModelError
from sc_symbolic.exact import parse_number
from sc_symbolic.exporters import to_prism as lazy_to_prism
from sc_symbolic.exporters.prism import PRISM_KEYWORDS, prism_action_name, to_prism
from sc_symbolic.model import build_model, load_model

BANDIT = {"s": {"safe": [{"to": "end", "p": "1", "r": "1"}],
                "risky": [{"to": "win", "p": "1/5"}, {"to": "end", "p": "3/10"}, {"to": "end", "p": "1/2"}]},
          "win": {}, "end": {}}


def commands(text):
    return [line.strip() for line in text.splitlines() if line.strip().startswith("[")]


def test_mdp_text_is_exact_and_merges_duplicate_targets():
    text = to_prism(build_model(BANDIT, {"s": 1}, success_states=["win"]))
    assert "mdp" in text.splitlines()
    assert "  s : [0..2] init 0;" in text.splitlines()
    assert commands(text) == ["[safe] s=0 -> 1:(s'=2);",
                              "[risky] s=0 -> 1/5:(s'=1) + 4/5:(s'=2);",
                              "[] s=1 -> (s'=1);",
                              "[] s=2 -> (s'=2);"]
    assert 'label "success" = s=1;' in text and 'label "goal" = s=1;' in text
    assert not re.search(r"\d\.\d", text)  # no decimal floats anywhere


def test_induced_chain_mixes_actions_with_the_policy():
    model = build_model(BANDIT, {"s": 1}, {"s": {"safe": "1/4", "risky": "3/4"}}, success_states=["win"])
    text = to_prism(model, induced=True)
    assert "dtmc" in text.splitlines()
    assert commands(text)[0] == "[] s=0 -> 3/20:(s'=1) + 17/20:(s'=2);"
    assert lazy_to_prism(model, True) == text


def test_single_action_models_are_dtmcs():
    model = build_model({"a": {"go": {"b": "1/2", "a": "1/2"}}, "b": {}}, {"a": 1}, success_states=["b"])
    assert "dtmc" in to_prism(model).splitlines()


def test_uniform_initial_set_and_refusals():
    states = {"a": {"go": {"w": 1}}, "b": {"go": {"a": 1}}, "w": {}}
    text = to_prism(build_model(states, {"a": "1/2", "b": "1/2"}, success_states=["w"]))
    assert "init\n  s=0 | s=1\nendinit" in text
    zero_listed = to_prism(build_model(states, {"a": "1", "b": "0"}, success_states=["w"]))
    assert " init 0" in zero_listed and "endinit" not in zero_listed
    assert "init\n  s=0 | s=1\nendinit" in to_prism(build_model(states, {"a": "1/2", "b": "1/2", "w": "0"},
                                                               success_states=["w"]))
    with pytest.raises(UnsupportedModelError, match="uniform initial"):
        to_prism(build_model(states, {"a": "1/3", "b": "2/3"}, success_states=["w"]))
    parametric = load_model({"format": "sc-symbolic/mdp-1", "parameters": {"p": ["0", "1"]},
                             "initial": {"a": "1"}, "states": {"a": {"go": {"w": "p", "a": "1 - p"}}, "w": {}},
                             "success": {"states": ["w"]}, "policy": "uniform"})
    with pytest.raises(UnsupportedModelError, match="parametric"):
        to_prism(parametric)


def test_horizon_models_export_their_time_indexed_states():
    model = build_model({"a": {"go": {"w": "1/2", "a": "1/2"}}, "w": {}}, {"a": 1}, success_states=["w"], horizon=2)
    text = to_prism(model)
    assert "a|t=0" in text and "a|t=2" in text


def test_action_names_are_prism_identifiers():
    assert prism_action_name("send1") == "send1"
    assert prism_action_name("module") == "a_module"
    assert prism_action_name("a_b") == "a_a_5f_b"
    assert prism_action_name("go-left") == "a_go_2d_left"
    assert prism_action_name("&03") != prism_action_name("☃")


def test_storm_parses_the_export_and_agrees(tmp_path):
    stormpy = pytest.importorskip("stormpy")
    model = build_model(BANDIT, {"s": 1}, {"s": {"safe": "1/4", "risky": "3/4"}}, success_states=["win"])
    path = tmp_path / "bandit.nm"
    path.write_text(to_prism(model))
    program = stormpy.parse_prism_program(str(path))
    mdp = stormpy.build_model[stormpy.Rational](program)
    assert mdp.nr_states == 3 and mdp.nr_choices == 4
    path.write_text(to_prism(model, induced=True))
    program = stormpy.parse_prism_program(str(path))
    chain = stormpy.build_model[stormpy.Rational](program)
    prop = stormpy.parse_properties('P=? [F "success"]', program)[0]
    result = stormpy.model_checking(chain, prop, environment=stormpy.environments.exact())
    assert parse_number(str(result.get_value(0))) == parse_number("3/20")


def test_numbers_beyond_64_bits_use_storm_rational_literals(tmp_path):
    big = "1/" + "9" * 30
    rest = "9" * 29 + "8/" + "9" * 30
    model = build_model({"a": {"go": {"w": big, "l": rest}}, "w": {}, "l": {}}, {"a": 1}, success_states=["w"])
    line = commands(to_prism(model))[0]
    assert line == f"[] s=0 -> 1.0/{'9' * 30}.0:(s'=1) + {'9' * 29}8.0/{'9' * 30}.0:(s'=2);"
    stormpy = pytest.importorskip("stormpy")
    path = tmp_path / "big.nm"
    path.write_text(to_prism(model))
    chain = stormpy.build_model[stormpy.Rational](stormpy.parse_prism_program(str(path)))
    values = sorted(str(entry.value) for entry in chain.transition_matrix.get_row(0))
    assert values == sorted([big, rest])


@given(st.lists(st.text(min_size=1, max_size=6), min_size=2, max_size=6, unique=True))
def test_action_labels_are_injective_identifiers_that_are_not_keywords(actions):
    labels = [prism_action_name(a) for a in actions]
    assert len(set(labels)) == len(labels)
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", label) and label not in PRISM_KEYWORDS for label in labels)


@pytest.mark.parametrize("keyword", ["floor", "ceil", "ctmdp", "ma", "min", "max", "init", "module", "pow", "log"])
def test_storm_reads_an_export_whose_actions_are_keywords(tmp_path, keyword):
    stormpy = pytest.importorskip("stormpy")
    model = build_model({"a": {keyword: {"w": "1/2", "a": "1/2"}, "&03": {"w": "1"}, "☃": {"a": "1"}}, "w": {}},
                        {"a": 1}, success_states=["w"])
    path = tmp_path / "m.prism"
    path.write_text(to_prism(model))
    program = stormpy.parse_prism_program(str(path))
    built = stormpy.build_model(program)
    assert built.nr_states == 2 and built.nr_choices == 4
