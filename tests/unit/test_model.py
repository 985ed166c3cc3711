"""Unit tests of sc_symbolic.model: one test per validation rule of FORMAT.md, and exactness.

Each refusal asserts ``ModelError`` with ``.where`` naming the offending field
and a ``.rule``; nothing is repaired.  The exactness tests send huge numbers
and a Fraction subclass whose ``__float__`` raises through the whole pipeline
(analyse → run_checks → build_report).
"""

import copy
import json
import math
from fractions import Fraction

import pytest

from sc_symbolic import model as model_module
from sc_symbolic.errors import ExpressionError, ModelError
from sc_symbolic.exact import Rational, loads_json, rational_to_str
from sc_symbolic.model import build_model, from_dict, load_model

BASE = {
    "format": "sc-symbolic/mdp-1",
    "name": "base",
    "initial": {"s0": "1"},
    "states": {
        "s0": {
            "safe": [{"to": "end", "p": "1", "r": "1"}],
            "risky": [{"to": "win", "p": "1/2"}, {"to": "end", "p": "1/2", "r": "3"}],
            "coin": {"win": "1/3", "end": "2/3"},
        },
        "win": {},
        "end": {},
    },
    "success": {"states": ["win"]},
    "horizon": None,
    "policy": {"s0": {"safe": "1/3", "risky": "1/3", "coin": "1/3"}},
}

PARAMETRIC = copy.deepcopy(BASE)
PARAMETRIC["parameters"] = {"p": ["0", "1"]}
PARAMETRIC["states"]["s0"]["coin"] = {"win": "p", "end": "1 - p"}


class NoFloat(Fraction):
    """A Fraction whose float conversion raises (after SymPy's DummyRational)."""

    def __float__(self):
        raise AssertionError("converted to float")


def changed(base=BASE, **paths):
    """A deep copy of ``base`` with ``a__b__c=value`` set (``DELETE`` removes the key)."""
    data = copy.deepcopy(base)
    for path, value in paths.items():
        keys = [int(k) if k.isdigit() else k for k in path.split("__")]
        target = data
        for key in keys[:-1]:
            target = target[key]
        if value is DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
    return data


DELETE = object()


def refused(data, where, rule_words, error=ModelError):
    with pytest.raises(error) as info:
        from_dict(data)
    assert info.value.where == where, str(info.value)
    assert info.value.rule and rule_words in info.value.rule, str(info.value)
    assert "\n" not in str(info.value)
    return info.value


def test_base_models_are_valid():
    m = from_dict(BASE)
    assert m.nonterminal == ["s0"] and m.success_states == {"win"}
    assert all(type(o.p) is Rational and type(o.r) is Rational
               for outs in m.states["s0"].values() for o in outs)
    assert from_dict(PARAMETRIC).domain.parametric


# ---------------------------------------------------------------- probabilities

def test_negative_probability():
    refused(changed(states__s0__coin={"win": "-1/3", "end": "4/3"}), "states.s0.coin.win.p", "[0, 1]")


def test_probability_above_one():
    refused(changed(states__s0__risky__0__p="3/2"), "states.s0.risky[0].p", "[0, 1]")


def test_outcomes_not_summing_exactly_to_one():
    error = refused(changed(states__s0__risky__0__p="1/3"), "states.s0.risky", "exactly 1")
    assert "5/6" in error.what


def test_outcomes_off_by_a_tiny_amount():
    tiny = "1/2" + "0" * 100 + "1"
    refused(changed(states__s0__risky__0__p=tiny), "states.s0.risky", "exactly 1")


def test_initial_not_summing_to_one():
    refused(changed(initial={"s0": "1/2"}), "initial", "exactly 1")


def test_policy_not_summing_to_one():
    refused(changed(policy__s0={"safe": "1/2", "risky": "1/3"}), "policy.s0", "exactly 1")


def test_parametric_probability_outside_unit_interval_on_the_box():
    refused(changed(PARAMETRIC, states__s0__coin={"win": "2*p", "end": "1 - 2*p"}), "states.s0.coin.win.p",
            "whole parameter box")


def test_parametric_probability_undefined_on_the_box():
    refused(changed(PARAMETRIC, states__s0__coin={"win": "1/(2*p)", "end": "1 - 1/(2*p)"}),
            "states.s0.coin.win.p", "[0, 1]")
    refused(changed(PARAMETRIC, states__s0__coin={"win": "1/(2*p - 1) + 1", "end": "-1/(2*p - 1)"}),
            "states.s0.coin.win.p", "whole parameter box")


# ---------------------------------------------------------------- unknown names

def test_unknown_state_in_to():
    refused(changed(states__s0__risky__0__to="nowhere"), "states.s0.risky[0].to", "declared states")


def test_unknown_state_in_short_form():
    refused(changed(states__s0__coin={"win": "1/3", "nowhere": "2/3"}), "states.s0.coin.nowhere.to",
            "declared states")


def test_unknown_state_in_initial():
    refused(changed(initial={"ghost": "1"}), "initial.ghost", "declared states")


def test_unknown_state_in_success():
    refused(changed(success={"states": ["ghost"]}), "success.states[0]", "declared states")


def test_unknown_state_in_policy():
    refused(changed(policy__ghost="uniform"), "policy.ghost", "declared states")


def test_unknown_action_in_policy():
    refused(changed(policy__s0={"safe": "1/2", "fly": "1/2"}), "policy.s0.fly", "has actions")


def test_undeclared_symbol():
    refused(changed(states__s0__coin={"win": "q", "end": "1 - q"}), "states.s0.coin.win.p", "declared",
            ExpressionError)
    refused(changed(PARAMETRIC, states__s0__coin={"win": "q", "end": "1 - q"}), "states.s0.coin.win.p",
            "declared: p", ExpressionError)


def test_unknown_top_level_key():
    refused(changed(extra=1), "extra", "allowed")
    assert from_dict(changed(**{"x-note": [1, 2]})).name == "base"


def test_unknown_outcome_key():
    refused(changed(states__s0__risky__0__prob="1"), "states.s0.risky[0]", "keys to, p, r")


# ---------------------------------------------------------------- structure

def test_action_with_no_outcomes():
    refused(changed(states__s0__safe=[]), "states.s0.safe", "at least one outcome")
    refused(changed(states__s0__safe={}), "states.s0.safe", "at least one outcome")


def test_outcome_missing_p_or_to():
    refused(changed(states__s0__safe=[{"to": "end"}]), "states.s0.safe[0]", "next state and probability")
    refused(changed(states__s0__safe=["end"]), "states.s0.safe[0]", "outcomes are")
    refused(changed(states__s0__safe="end"), "states.s0.safe", "an action maps to")


def test_policy_missing_a_state():
    refused(changed(policy={}), "policy.s0", "every non-terminal state")


def test_policy_missing_entirely():
    refused(changed(policy=DELETE), "policy", "give a policy")


def test_policy_entry_for_terminal_state():
    refused(changed(policy__end={}), "policy.end", "terminal states take no policy")


def test_policy_uniform_forms():
    assert from_dict(changed(policy="uniform")).policy["s0"]["coin"] == Fraction(1, 3)
    assert from_dict(changed(policy={"s0": "uniform"})).policy["s0"]["safe"] == Fraction(1, 3)
    refused(changed(policy="Uniform"), "policy", "\"uniform\" or an object")
    refused(changed(policy__s0=["safe"]), "policy.s0", "\"uniform\" or an object")


def test_states_missing_empty_or_not_an_object():
    refused(changed(states=DELETE), "states", "lists its states")
    refused(changed(states={}), "states", "at least one state")
    refused(changed(states=[]), "states", "an object of states")
    refused(changed(states__win=[]), "states.win", "an object of actions")


def test_initial_missing_or_empty():
    refused(changed(initial=DELETE), "initial", "initial distribution")
    refused(changed(initial={}), "initial", "sums to 1")


def test_success_with_zero_or_two_keys():
    refused(changed(success={}), "success", "exactly one of")
    refused(changed(success={"states": ["win"], "return_at_least": "1"}), "success", "exactly one of")
    refused(changed(success={"state": ["win"]}), "success", "exactly one of")
    refused(changed(success=DELETE), "success", "success is an object")


def test_success_state_that_is_non_terminal():
    refused(changed(success={"states": ["s0"]}), "success.states[0]", "terminal")


def test_success_states_not_a_list_or_repeated():
    refused(changed(success={"states": "win"}), "success.states", "lists terminal states")
    refused(changed(success={"states": ["win", "win"]}), "success.states[1]", "listed once")


def test_threshold_must_be_a_constant_expression():
    assert from_dict(changed(success={"return_at_least": "1/2 + 1/2"})).threshold == 1
    refused(changed(success={"return_at_least": "tau"}), "success.return_at_least", "declared", ExpressionError)


@pytest.mark.parametrize("horizon", [-1, Fraction(3, 2), Fraction(2), True, False, "3", [3], 10**6, 10**5000],
                         ids=["-1", "3/2", "Fraction(2)", "True", "False", "str", "list", "10**6", "10**5000"])
def test_horizon_negative_non_integer_or_bool(horizon):
    refused(changed(horizon=horizon), "horizon", "integer")


def test_horizon_from_json_decimal_is_refused():
    refused(changed(horizon=loads_json("2.0")), "horizon", "integer")
    assert from_dict(changed(horizon=loads_json("2"))).horizon == 2


@pytest.mark.parametrize("bounds, rule", [
    (["1", "1"], "lo < hi"), (["1", "0"], "lo < hi"), (["0"], "[lo, hi]"), ("0..1", "[lo, hi]"),
    (["0", "x"], "numbers are"), (["0", 0.5], "exact numbers"),
])
def test_parameter_interval_empty_or_malformed(bounds, rule):
    where = "parameters.p" if rule in ("lo < hi", "[lo, hi]") else f"parameters.p[{1}]"
    refused(changed(PARAMETRIC, parameters={"p": bounds}), where, rule)


def test_parameter_names_and_count():
    refused(changed(parameters={"1p": ["0", "1"]}), "parameters.1p", "identifiers")
    refused(changed(parameters={"p-q": ["0", "1"]}), "parameters.p-q", "identifiers")
    many = {f"p{i}": ["0", "1"] for i in range(model_module.MAX_PARAMETERS + 1)}
    refused(changed(parameters=many), "parameters", f"at most {model_module.MAX_PARAMETERS}")


@pytest.mark.parametrize("fmt", ["sc-symbolic/mdp-2", "", None, 1, ["sc-symbolic/mdp-1"]], ids=repr)
def test_bad_format_string(fmt):
    refused(changed(format=fmt), "format", "sc-symbolic/mdp-1")


def test_missing_format():
    refused(changed(format=DELETE), "format", "sc-symbolic/mdp-1")


# ---------------------------------------------------------------- names

@pytest.mark.parametrize("name, rule", [
    ("", "non-empty"), ("a\nb", "control"), ("a\x00", "control"), ("\ud800", "surrogates"),
    ("a\u2028b", "line separators"), ("x" * (model_module.MAX_NAME_CHARS + 1), "at most"),
], ids=["empty", "newline", "nul", "surrogate", "line-separator", "long"])
def test_bad_state_names(name, rule):
    data = changed(states__win=DELETE, success={"states": [name]})
    data["states"][name] = {}
    data["states"]["s0"]["coin"] = {name: "1/3", "end": "2/3"}
    data["states"]["s0"]["risky"][0]["to"] = name
    error = refused(data, error_where(name), rule)
    assert str(error).isprintable()


def error_where(name):
    return model_module._field("states", name)


def test_bad_action_name():
    data = changed()
    data["states"]["s0"]["a\tb"] = {"end": "1"}
    refused(data, "states.s0['a\\tb']", "control")


def test_non_string_state_name_from_python():
    data = changed()
    data["states"][10**5000] = {}
    error = refused(data, "states[an integer with 5001 digits]", "strings")
    assert len(str(error)) < 300


def test_model_name_rules():
    refused(changed(name=3), "name", "name is a string")
    refused(changed(name="a\nb"), "name", "control")
    assert from_dict(changed(name="")).name == ""
    assert from_dict(changed(name="état ☃")).name == "état ☃"


def test_unicode_and_punctuation_state_names_are_valid():
    data = json.loads(json.dumps(BASE).replace('"win"', '"état ☃ a|b=c"'))
    model = from_dict(data)
    assert "état ☃ a|b=c" in model.success_states


# ---------------------------------------------------------------- numbers in models

def test_float_that_is_not_a_decimal():
    refused(changed(states__s0__risky__0__p=float("nan")), "states.s0.risky[0].p", "string or a JSON number",
            ExpressionError)
    refused(changed(states__s0__risky__0__p=0.5), "states.s0.risky[0].p", "string or a JSON number",
            ExpressionError)
    refused(changed(states__s0__risky__0__p="NaN"), "states.s0.risky[0].p", "declared", ExpressionError)
    refused(changed(states__s0__risky__0__p="Infinity"), "states.s0.risky[0].p", "declared", ExpressionError)


def test_json_nan_and_infinity_are_refused_by_the_loader():
    text = json.dumps(BASE).replace('"1/2"', "NaN", 1)
    with pytest.raises(ModelError) as info:
        load_model(text)
    assert info.value.where == "model" and "JSON" in info.value.rule
    with pytest.raises(ModelError):
        load_model(json.dumps(BASE).replace('"1/2"', "Infinity", 1))


def test_duplicate_json_keys():
    text = json.dumps(BASE).replace('"win": {}', '"win": {}, "win": {}')
    with pytest.raises(ModelError) as info:
        load_model(text)
    assert "duplicate key 'win'" in str(info.value) and info.value.rule


def test_reward_must_be_an_exact_number():
    refused(changed(states__s0__safe__0__r="abc"), "states.s0.safe[0].r", "declared", ExpressionError)
    refused(changed(states__s0__safe__0__r=1.5), "states.s0.safe[0].r", "JSON number", ExpressionError)


def test_json_decimals_are_exact_probabilities():
    text = json.dumps(changed(states__s0__risky=[{"to": "win", "p": "X"}, {"to": "end", "p": "X"}]))
    model = load_model(text.replace('"X"', "0.5"))
    assert [o.p for o in model.states["s0"]["risky"]] == [Fraction(1, 2)] * 2
    assert all(type(o.p) is Rational for o in model.states["s0"]["risky"])


def test_three_thousand_digit_probability_through_the_pipeline():
    analysis_mod = pytest.importorskip("sc_symbolic.analysis")
    from sc_symbolic.checks import run_checks
    from sc_symbolic.report import build_report

    tiny = "1/1" + "0" * 3000
    rest = "9" * 3000 + "/1" + "0" * 3000
    model = from_dict(changed(states__s0__risky=[{"to": "win", "p": tiny}, {"to": "end", "p": rest}]))
    assert model.states["s0"]["risky"][0].p == Fraction(1, 10**3000)
    analysis = analysis_mod.analyse(model)
    report = build_report(analysis, run_checks(analysis))
    assert report["verified"] is True
    assert model.to_dict()["states"]["s0"]["risky"][0]["p"] == tiny[:1] + tiny[1:]


def test_nine_thousand_digit_denominator_in_a_model():
    # 1e-8999 = 1/10**8999: a 9,000-digit denominator; its complement is 0.99…9 (8,999 nines).
    model = from_dict(changed(initial={"s0": "0." + "9" * 8999, "win": "1e-8999"}))
    assert model.initial["win"] == Fraction(1, 10**8999)
    assert rational_to_str(model.initial["win"]) == "1/1" + "0" * 8999  # 9,000 digits
    assert model.initial["s0"] + model.initial["win"] == 1
    assert from_dict(model.to_dict()).initial == model.initial


def test_fraction_subclass_whose_float_raises_through_the_whole_pipeline():
    from sc_symbolic.analysis import analyse
    from sc_symbolic.checks import run_checks
    from sc_symbolic.report import build_report

    third, half = NoFloat(1, 3), NoFloat(1, 2)
    model = build_model(
        {"s0": {"safe": [{"to": "end", "p": NoFloat(1), "r": NoFloat(1)}],
                "risky": [{"to": "win", "p": half}, {"to": "end", "p": half, "r": NoFloat(3)}],
                "coin": {"win": third, "end": NoFloat(2, 3)}},
         "win": {}, "end": {}},
        {"s0": NoFloat(1)}, {"s0": {"safe": third, "risky": third, "coin": third}},
        success_states=["win"], horizon=2, name="no floats")
    assert all(type(o.p) is Rational for outs in model.states["s0"].values() for o in outs)
    analysis = analyse(model)
    report = build_report(analysis, run_checks(analysis))
    assert report["verified"] is True
    assert report["J"] == rational_to_str(Fraction(1, 3) * (Fraction(1, 2) + Fraction(1, 3)))


def test_build_model_refuses_floats():
    with pytest.raises(ModelError) as info:
        build_model({"s": {"go": {"win": 0.5, "lose": 0.5}}, "win": {}, "lose": {}}, {"s": 1},
                    success_states=["win"])
    assert info.value.where == "states.s.go.win.p"


def test_to_dict_round_trips_exactly():
    model = from_dict(changed(success={"return_at_least": "1/3"}))
    again = from_dict(model.to_dict())
    assert again.to_dict() == model.to_dict()
    assert again.threshold == Fraction(1, 3)


# ---------------------------------------------------------------- files and limits

def test_file_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(BASE) + " " * 2_000)
    monkeypatch.setattr(model_module, "MAX_FILE_BYTES", 1_000)
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert info.value.where == str(path) and "1000 bytes" in info.value.rule


def test_invalid_utf8_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"name": "\xff"}')
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert info.value.where == str(path) and "UTF-8" in info.value.rule


def test_missing_file_and_directory(tmp_path):
    for path in (tmp_path / "absent.json", tmp_path):
        with pytest.raises(ModelError) as info:
            load_model(path)
        assert info.value.where == str(path)
    with pytest.raises(ModelError):
        load_model("bad\x00path.json")


def test_count_limits(monkeypatch):
    monkeypatch.setattr(model_module, "MAX_STATES", 2)
    refused(changed(), "states", "at most 2 states")
    monkeypatch.setattr(model_module, "MAX_STATES", 200_000)
    monkeypatch.setattr(model_module, "MAX_ACTIONS", 2)
    refused(changed(), "states.s0", "at most 2 actions")
    monkeypatch.setattr(model_module, "MAX_ACTIONS", 1_000)
    monkeypatch.setattr(model_module, "MAX_OUTCOMES", 1)
    refused(changed(), "states.s0.risky", "at most 1 outcomes")
    monkeypatch.setattr(model_module, "MAX_OUTCOMES", 1_000)
    monkeypatch.setattr(model_module, "MAX_TOTAL_OUTCOMES", 3)
    refused(changed(), "states", "at most 3 in all")


def test_sums_of_huge_numbers_are_bounded():
    # eight coprime ~9,000-digit denominators: each number is within limits, their sum is not
    primes = (3, 5, 7, 11, 13, 17, 19, 23)
    outcomes = [{"to": "end", "p": "1/" + rational_to_str(Fraction(p ** int(9000 / math.log10(p))))}
                for p in primes]
    error = refused(changed(states__s0__risky=outcomes), "states.s0.risky", "bits")
    assert "too large" in error.what and len(str(error)) < 300


def test_policy_override_file(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text('{"policy": {"s0": {"safe": 1}}}')
    model = load_model(json.dumps(BASE), policy=path)
    assert model.policy["s0"] == {"safe": 1, "risky": 0, "coin": 0}
    path.write_text('{"s0": {"fly": 1}}')
    with pytest.raises(ModelError) as info:
        load_model(json.dumps(BASE), policy=path)
    assert info.value.where == "policy.s0.fly"


def test_empty_success_set_is_accepted_with_a_note():
    from sc_symbolic import analyse, build_report, run_checks
    from sc_symbolic.analysis import EMPTY_SUCCESS_NOTE

    analysis = analyse(from_dict(changed(success={"states": []})))
    assert analysis.J == 0 and analysis.notes == [EMPTY_SUCCESS_NOTE]
    assert EMPTY_SUCCESS_NOTE in build_report(analysis, run_checks(analysis))["notes"]
    assert analyse(from_dict(BASE)).notes == []


def test_parameter_as_reward_says_rewards_are_numbers():
    error = refused(changed(PARAMETRIC, states__s0__safe__0__r="2*p"), "states.s0.safe[0].r", "rewards must be numbers")
    assert "'p'" in str(error) and "declared: none" not in str(error)


def test_undeclared_symbol_in_reward_keeps_the_parser_message():
    error = refused(changed(PARAMETRIC, states__s0__safe__0__r="k"), "states.s0.safe[0].r", "declared")
    assert "undeclared symbol 'k'" in str(error)
