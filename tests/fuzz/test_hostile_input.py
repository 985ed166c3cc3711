"""Fuzzing the input layer with hypothesis: the only exceptions allowed are ScError subclasses.

Four sources of hostile input:
* random JSON-like structures (dicts/lists/strings/ints/decimals/floats) fed to
  ``from_dict``, and their JSON text fed to ``loads_json`` then ``from_dict``;
* random strings fed to ``parse_expression`` over QQ and QQ(p, q);
* mutations of valid models (drop a key, change a type, insert a weird number),
  analysed end to end when they are still valid;
* near-valid random models built from the mdp-1 vocabulary.

Budget: ``SC_FUZZ_EXAMPLES`` examples per test (default 200); each example must
finish within PER_EXAMPLE_SECONDS (no hang) and the whole module must not grow
the peak resident memory by more than MAX_RSS_GROWTH_MB (no blow-up).
"""

import copy
import json
import os
import sys
import time
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sc_symbolic.errors import ExpressionError, ScError
from sc_symbolic.exact import domain_for, loads_json, parse_expression
from sc_symbolic.model import FORMAT, from_dict

EXAMPLES = int(os.environ.get("SC_FUZZ_EXAMPLES", "200"))
PER_EXAMPLE_SECONDS = 5.0
MAX_RSS_GROWTH_MB = 1024
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

try:
    import resource
except ImportError:  # pragma: no cover - not on Linux/macOS
    resource = None


class NoFloat(Fraction):
    """A Fraction whose float conversion raises (after SymPy's DummyRational)."""

    def __float__(self):
        raise AssertionError("converted to float")


@pytest.fixture(scope="module", autouse=True)
def bounded_memory():
    """The module's examples together may not raise peak RSS by more than MAX_RSS_GROWTH_MB."""
    if resource is None:
        yield
        return
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    yield
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    units_per_mb = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, else KiB
    assert (after - before) / units_per_mb < MAX_RSS_GROWTH_MB


def only_sc_errors(function, *args):
    """Call ``function``; return its result or the ScError it raised; any other exception fails.

    Also fails when the call takes longer than PER_EXAMPLE_SECONDS.
    """
    started = time.perf_counter()
    try:
        return function(*args)
    except ScError as exc:
        message = str(exc)
        assert "\n" not in message and "Traceback" not in message
        return exc
    finally:
        assert time.perf_counter() - started < PER_EXAMPLE_SECONDS, "example too slow"


# ---------------------------------------------------------------- strategies

VOCABULARY = ["format", "name", "parameters", "initial", "states", "success", "horizon", "policy", "to", "p",
              "r", "states", "return_at_least", "s0", "s1", "win", "end", "go", "stay", "uniform", FORMAT, "x-a"]
NUMBER_TEXTS = ["0", "1", "1/2", "-1/2", "0.5", "1e-3", "3/8", "1 - p", "p", "p*q/2", "2**3", "1/0", "1e99999",
                "nan", "Infinity", "\u0661", "1" * 5000, "(" * 60 + "1" + ")" * 60, "9**999999", "p**33"]

keys = st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=6))
scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.integers(min_value=-10**60, max_value=10**60), st.builds(lambda: 10**5000),
    st.sampled_from(VOCABULARY + NUMBER_TEXTS), st.text(max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.fractions(max_denominator=10**6),
)
json_like = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)), max_leaves=25)
# Python values JSON cannot hold, for the from_dict (Python API) route only.
python_only = st.one_of(st.floats(), st.builds(NoFloat, st.integers(-5, 5), st.integers(1, 5)),
                        st.just(object()), st.binary(max_size=4), st.complex_numbers(max_magnitude=2))
python_like = st.recursive(st.one_of(scalars, python_only), lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)), max_leaves=25)


def to_json_text(value) -> str:
    """JSON text of a json_like value; decimals and fractions are written as JSON numbers."""
    if isinstance(value, Decimal):
        return str(value)  # "1.5", "1E+5", "-0E-7": all valid JSON numbers
    if isinstance(value, Fraction):
        return json.dumps(str(value))
    if isinstance(value, list):
        return "[" + ",".join(to_json_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + to_json_text(v) for k, v in value.items()) + "}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 10_000:
        return "1" * 20_000  # too many digits for a JSON number: must be refused, not crash
    return json.dumps(value)


def json_model(states_dict):
    return {"format": FORMAT, "initial": {"s0": "1"}, "states": states_dict,
            "success": {"states": ["win"]}, "policy": "uniform"}


probabilities = st.one_of(st.sampled_from(NUMBER_TEXTS), st.fractions(0, 1, max_denominator=12),
                          st.decimals(0, 1, places=3), st.integers(-1, 2))
outcome = st.fixed_dictionaries({"to": st.sampled_from(["s0", "s1", "win", "end", "nowhere"]), "p": probabilities},
                                optional={"r": st.one_of(st.integers(-3, 3), st.sampled_from(NUMBER_TEXTS))})
outcomes = st.one_of(st.lists(outcome, min_size=0, max_size=3),
                     st.dictionaries(st.sampled_from(["s0", "s1", "win", "end"]), probabilities, max_size=3))
near_valid_states = st.fixed_dictionaries(
    {"s0": st.dictionaries(st.sampled_from(["go", "stay"]), outcomes, min_size=1, max_size=2),
     "win": st.just({}), "end": st.just({})},
    optional={"s1": st.dictionaries(st.sampled_from(["go", "stay"]), outcomes, max_size=2)})
near_valid_models = st.builds(
    lambda states, extra: {**json_model(states), **extra}, near_valid_states,
    st.fixed_dictionaries({}, optional={
        "horizon": st.one_of(st.none(), st.integers(-1, 4), st.just(True), st.decimals(0, 3, places=1)),
        "success": st.one_of(st.just({"states": ["win"]}), st.just({"return_at_least": "1"}),
                             st.dictionaries(st.sampled_from(["states", "return_at_least"]),
                                             st.one_of(st.just(["win"]), st.sampled_from(NUMBER_TEXTS)))),
        "parameters": st.one_of(st.just({"p": ["0", "1"]}), st.just({"p": ["1", "0"]}),
                                st.dictionaries(st.sampled_from(["p", "q", "1x"]),
                                                st.lists(st.sampled_from(NUMBER_TEXTS), max_size=3), max_size=2)),
        "policy": st.one_of(st.just("uniform"), json_like),
    }))


# ---------------------------------------------------------------- random structures

@FUZZ
@given(python_like)
def test_from_dict_on_random_python_values(value):
    only_sc_errors(from_dict, value)


@FUZZ
@given(st.dictionaries(keys, python_like, max_size=8))
def test_from_dict_on_random_objects_with_the_right_format(value):
    value = {**value, "format": FORMAT}
    only_sc_errors(from_dict, value)


@FUZZ
@given(json_like)
def test_loads_json_then_from_dict_on_random_json(value):
    text = to_json_text(value)
    data = only_sc_errors(loads_json, text, "fuzz.json")
    if not isinstance(data, ScError):
        only_sc_errors(from_dict, data)


@FUZZ
@given(st.text(max_size=200))
def test_loads_json_on_random_text(text):
    only_sc_errors(loads_json, text)


@FUZZ
@given(st.binary(max_size=200))
def test_loads_json_on_random_bytes(data):
    only_sc_errors(loads_json, data)


# ---------------------------------------------------------------- expressions

QQ_PQ = None


def parametric_domain():
    global QQ_PQ
    if QQ_PQ is None:
        QQ_PQ = domain_for(["p", "q"])
    return QQ_PQ


expression_pieces = st.sampled_from(
    list("pq0123456789+-*/(). eE_x\x00'\"[]{}:,;=<>!@#$%^&|~`\\\n\t") +
    ["**", "p", "q", "1/2", "(", ")", "**32", "**2", "1e9999", "__import__", "lambda", "\u0661", "\uff11",
     "(p+q+1)", "1/(p-q)", "9" * 50])
expressions = st.one_of(st.text(max_size=60), st.lists(expression_pieces, max_size=40).map("".join))


@FUZZ
@given(expressions)
def test_parse_expression_on_random_strings(text):
    for domain in (domain_for(()), parametric_domain()):
        result = only_sc_errors(parse_expression, text, domain, "fuzz")
        if isinstance(result, ScError):
            assert isinstance(result, ExpressionError), result
            assert result.where == "fuzz" and result.rule


@FUZZ
@given(st.one_of(scalars, python_only, json_like))
def test_parse_expression_on_random_values(value):
    result = only_sc_errors(parse_expression, value, domain_for(()), "fuzz")
    if isinstance(result, ScError):
        assert isinstance(result, ExpressionError), result


# ---------------------------------------------------------------- mutations of valid models

BASE = {
    "format": FORMAT, "name": "base", "initial": {"s0": "1"},
    "states": {"s0": {"safe": [{"to": "end", "p": "1", "r": "1"}],
                      "risky": [{"to": "win", "p": "1/2"}, {"to": "s0", "p": "1/4"},
                                {"to": "end", "p": "1/4", "r": "3"}],
                      "coin": {"win": "1/3", "end": "2/3"}},
               "win": {}, "end": {}},
    "success": {"states": ["win"]}, "horizon": None,
    "policy": {"s0": {"safe": "1/3", "risky": "1/3", "coin": "1/3"}},
}
PARAMETRIC = json.loads(json.dumps(BASE))
PARAMETRIC["parameters"] = {"p": ["0", "1"]}
PARAMETRIC["states"]["s0"]["coin"] = {"win": "p", "end": "1 - p"}
THRESHOLD = json.loads(json.dumps(BASE))
THRESHOLD["success"] = {"return_at_least": "1"}
THRESHOLD["states"]["s0"]["risky"][1]["to"] = "end"
THRESHOLD["horizon"] = 3

WEIRD = [None, True, False, -1, 0, 1, 2, "", " ", "1e99999", "nan", "NaN", "-0", "1/0", "\u0661", "p", "q",
         "__import__('os').system('true')", [], {}, [[]], {"": {}}, "x" * 10_000, "BIG", float("nan"), 0.5,
         NoFloat(1, 2), Fraction(3, 2), Decimal("0.5"), "1/" + "0" * 5, "uniform", "s0", "end", "win", "\x00",
         "\u00e9t\u00e9 \u2603", "a|t=1", "s0|G=0", "2**2**2", "(" * 100, "1e-8999", "0." + "9" * 50, "-1/2",
         "1 - p", "p*q", 10_001, "sc-symbolic/mdp-1", {"return_at_least": "1"}, {"states": ["s0"]}, ["win"]]


def paths(value, prefix=()):
    """Every (path, container) position in a JSON-like value."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, prefix + (index,))
    return found


def mutated(base, path, action, weird):
    if weird == "BIG":
        weird = 10**5000  # kept out of WEIRD: hypothesis would repr() it, past the 4300-digit limit
    data = copy.deepcopy(base)
    if not path:
        return weird if action != "delete" else {}
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = weird
    elif action == "wrap":
        parent[last] = [parent[last]]
    elif action == "stringify":
        try:
            parent[last] = json.dumps(parent[last])
        except (TypeError, ValueError):
            parent[last] = "[]"
    elif action == "rename" and isinstance(parent, dict) and isinstance(weird, str):
        parent[weird] = parent.pop(last)
    elif action == "insert" and isinstance(parent[last], dict) and isinstance(weird, str):
        parent[last][weird] = weird
    else:
        parent[last] = weird
    return data


def analyse_to_report(model):
    from sc_symbolic.analysis import analyse
    from sc_symbolic.checks import run_checks
    from sc_symbolic.report import build_report

    analysis = analyse(model)
    return build_report(analysis, run_checks(analysis))


@st.composite
def mutations(draw):
    base = draw(st.sampled_from([BASE, PARAMETRIC, THRESHOLD]))
    data = base
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(data)))
        action = draw(st.sampled_from(["delete", "replace", "wrap", "stringify", "rename", "insert"]))
        data = mutated(data, path, action, draw(st.sampled_from(WEIRD)))
    return data


@FUZZ
@given(mutations())
def test_mutated_models_fail_cleanly_or_analyse(data):
    model = only_sc_errors(from_dict, data)
    if isinstance(model, ScError):
        return
    report = only_sc_errors(analyse_to_report, model)
    if not isinstance(report, ScError):
        assert report["verified"] is True  # every valid model satisfies every claim (docs/math.md)


@FUZZ
@given(mutations())
def test_mutated_models_through_json_text(data):
    try:
        text = json.dumps(data)
    except (TypeError, ValueError):
        return  # not representable as JSON (e.g. a Fraction): covered by the from_dict route
    if "NaN" in text:
        only_sc_errors(loads_json, text)
        return
    parsed = only_sc_errors(loads_json, text, "mutated.json")
    if not isinstance(parsed, ScError):
        only_sc_errors(from_dict, parsed)


@FUZZ
@given(near_valid_models)
def test_near_valid_models_fail_cleanly_or_analyse(data):
    model = only_sc_errors(from_dict, data)
    if isinstance(model, ScError):
        return
    report = only_sc_errors(analyse_to_report, model)
    if not isinstance(report, ScError):
        assert report["verified"] is True


# ---------------------------------------------------------------- equivalent rewrites of valid models

def rename_states(data, mapping):
    """``data`` with every state renamed through ``mapping`` (keys, targets, initial, success, policy)."""
    data = copy.deepcopy(data)
    states = {}
    for s, actions in data["states"].items():
        renamed_actions = {}
        for a, outs in actions.items():
            if isinstance(outs, dict):
                renamed_actions[a] = {mapping[to]: p for to, p in outs.items()}
            else:
                renamed_actions[a] = [{**o, "to": mapping[o["to"]]} for o in outs]
        states[mapping[s]] = renamed_actions
    data["states"] = states
    data["initial"] = {mapping[s]: p for s, p in data["initial"].items()}
    if "states" in data["success"]:
        data["success"] = {"states": [mapping[s] for s in data["success"]["states"]]}
    if isinstance(data["policy"], dict):
        data["policy"] = {mapping[s]: d for s, d in data["policy"].items()}
    return data


def rewrite_numbers(data, forms):
    """``data`` with every number string replaced by ``forms(Fraction)`` (an equal exact value)."""
    def number(value):
        try:
            return forms(Fraction(value))
        except (TypeError, ValueError):
            return value  # a parametric expression such as "1 - p": left as it is

    data = copy.deepcopy(data)
    data["initial"] = {s: number(p) for s, p in data["initial"].items()}
    for actions in data["states"].values():
        for a, outs in actions.items():
            if isinstance(outs, dict):
                actions[a] = {to: number(p) for to, p in outs.items()}
            else:
                actions[a] = [{k: (number(v) if k in ("p", "r") else v) for k, v in o.items()} for o in outs]
    if "return_at_least" in data["success"]:
        data["success"] = {"return_at_least": number(data["success"]["return_at_least"])}
    if isinstance(data["policy"], dict):
        data["policy"] = {s: ({a: number(p) for a, p in d.items()} if isinstance(d, dict) else d)
                          for s, d in data["policy"].items()}
    return data


def equal_forms(draw):
    def forms(q):
        n, d = q.numerator, q.denominator
        choices = [str(q), f"{2 * n}/{2 * d}", f"({n}) / ({d})", f"{n}/{d} + 0", Fraction(q), NoFloat(n, d),
                   f"{n}*{d}/{d * d}"]
        if d == 1:
            choices += [n, f"{n}.0", f"{n}e0"]
        decimal = Decimal(n) / Decimal(d)
        if decimal * d == n and len(str(decimal)) < 30:
            choices += [str(decimal), loads_json(str(decimal) if "." in str(decimal) else f"{decimal}.0")]
        return draw(st.sampled_from(choices))
    return forms


SAFE_NAMES = st.one_of(
    st.sampled_from(["état ☃", "a|b=c", " ", "x.y", "[0]", '"q"', "\u00a0", "s0", "win", "end", "𝔰", "٣"]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=8),
).filter(lambda name: "|t=" not in name and "|G=" not in name)


def reference_J(base):
    model = from_dict(base)
    return analyse_to_report(model)["J"]


REFERENCE_J = {}


@st.composite
def equivalent_models(draw):
    name = draw(st.sampled_from(["BASE", "THRESHOLD"]))
    base = {"BASE": BASE, "THRESHOLD": THRESHOLD}[name]
    old_names = list(base["states"])
    new_names = draw(st.lists(SAFE_NAMES, min_size=len(old_names), max_size=len(old_names), unique=True))
    data = rename_states(base, dict(zip(old_names, new_names)))
    data = rewrite_numbers(data, equal_forms(draw))
    return name, data


@FUZZ
@given(equivalent_models())
def test_equivalent_rewrites_give_the_same_exact_report(case):
    name, data = case
    if name not in REFERENCE_J:
        REFERENCE_J[name] = reference_J({"BASE": BASE, "THRESHOLD": THRESHOLD}[name])
    model = only_sc_errors(from_dict, data)
    assert not isinstance(model, ScError), model
    report = only_sc_errors(analyse_to_report, model)
    assert not isinstance(report, ScError), report
    assert report["verified"] is True
    assert report["J"] == REFERENCE_J[name]
