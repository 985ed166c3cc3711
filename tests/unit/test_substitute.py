"""Substitution: Model.substitute / check --set analyse the numeric model at an exact point, and
agree with the parametric closed forms evaluated at that point."""

import json
from pathlib import Path

import pytest

from sc_symbolic import analyse, load_model, rational
from sc_symbolic.cli import main
from sc_symbolic.errors import ModelError
from sc_symbolic.model import parse_settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TWO_ROOM = EXAMPLES / "parametric_two_room.json"


@pytest.mark.parametrize("example, point", [
    ("parametric_two_room.json", {"p": rational(1, 3), "theta": rational(2, 5)}),
    ("parametric_two_room.json", {"p": rational(9, 10), "theta": rational(1, 7)}),
    ("parametric_coin.json", None),
])
def test_substituted_analysis_equals_closed_forms_at_the_point(example, point):
    model = load_model(EXAMPLES / example)
    point = point or {name: (lo + hi) / 3 for name, (lo, hi) in model.parameters.items()}
    symbolic, numeric = analyse(model), analyse(model.substitute({k: str(v) for k, v in point.items()}))
    d = model.domain

    def at(x):
        return None if x is None else d.substitute(x, point)

    assert not numeric.domain.parametric
    assert numeric.J == at(symbolic.J) and numeric.J_plus == at(symbolic.J_plus)
    for s in model.states:
        assert numeric.V[s] == at(symbolic.V[s]) and numeric.V_plus[s] == at(symbolic.V_plus[s])
        if s in symbolic.I:
            assert numeric.I[s] == at(symbolic.I[s])


def test_check_set_is_verified_by_the_kernel(capsys):
    assert main(["check", str(TWO_ROOM), "--set", "p=1/3", "--set", "theta=0.4", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model"].endswith("at p=1/3, theta=2/5") and "parameters" not in report
    assert report["verified"]


@pytest.mark.parametrize("settings, message", [
    (["p=1", "theta=1/2"], "--set p: 1 is outside the open box (0, 1)"),
    (["p=1/2"], "no value for theta"),
    (["q=1/2", "p=1/2", "theta=1/2"], "not a declared parameter (set the declared parameters: p, theta)"),
    (["p"], "is not NAME=VALUE"),
    (["p=1/2", "p=1/3"], "given twice"),
    (["p=__import__('os')", "theta=1/2"], "--set p"),
])
def test_check_set_refuses_with_one_line(settings, message, capsys):
    argv = ["check", str(TWO_ROOM)] + [arg for item in settings for arg in ("--set", item)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_substitute_refuses_a_numeric_model():
    with pytest.raises(ModelError, match="declares no parameters"):
        load_model(EXAMPLES / "gridworld.json").substitute({"p": "1/2"})


def test_parse_settings_keeps_text():
    assert parse_settings(["p = 1/3", "theta=0.4"]) == {"p": "1/3", "theta": "0.4"}


def test_trust_region_points_to_set(capsys):
    assert main(["trust-region", str(TWO_ROOM), "--state", "s0", "--radius", "1/10"]) == 2
    assert "--set p=VALUE --set theta=VALUE" in capsys.readouterr().err
    assert main(["trust-region", str(TWO_ROOM), "--state", "s0", "--radius", "1/10",
                 "--set", "p=1/3", "--set", "theta=1/2"]) == 0
