"""Exact one-parameter regions (docs/cli.md, regions): the lottery family and an irrational breakpoint."""

import json
import subprocess
import sys

import pytest
import sympy

from sc_symbolic.errors import ModelError
from sc_symbolic.model import load_model_file
from sc_symbolic.regions import regions, verify_regions

LOTTERY = "examples/param_lottery.json"
SQRT = "examples/param_sqrt2.json"


def test_lottery_misaligned_iff_quarter_to_one():
    report = regions(load_model_file(LOTTERY), "misalignment")
    assert report["statement"] == "misaligned at τ = 1 iff 1/4 < q < 1"
    assert [(p["holds"], p["lower"], p["upper"]) for p in report["pieces"]] == [
        (False, {"value": "0", "open": True}, {"value": "1/4", "open": False}),
        (True, {"value": "1/4", "open": True}, {"value": "1", "open": True})]
    assert report["undecided_fraction"] == "0"


def test_lottery_at_four_misaligned_below_quarter():
    report = regions(load_model_file(LOTTERY, None, "4"), "misalignment")
    assert report["statement"] == "misaligned at τ = 4 iff 0 < q < 1/4"


def test_irrational_breakpoint_reports_polynomial_and_interval():
    report = regions(load_model_file(SQRT), "misalignment")
    end = report["pieces"][0]["upper"]
    x = sympy.Symbol("p")
    poly = sympy.Poly(sympy.sympify(end["polynomial"]), x)
    a, b = (sympy.Rational(v) for v in end["interval"])
    assert poly.count_roots(a, b) == 1
    root = sympy.sqrt(sympy.Rational(3, 2)) - 1
    assert a < root < b and sympy.simplify(poly.as_expr().subs(x, root)) == 0


def test_verify_accepts_and_refuses_corruptions():
    model = load_model_file(LOTTERY)
    report = regions(model, "misalignment")
    verify_regions(model, report)
    moved = json.loads(json.dumps(report))
    moved["pieces"][0]["upper"]["value"] = "1/3"
    with pytest.raises(ModelError, match="pieces\\[0\\].upper"):
        verify_regions(model, moved)
    flipped = json.loads(json.dumps(report))
    flipped["pieces"][1]["holds"] = False
    with pytest.raises(ModelError, match="pieces\\[1\\].holds"):
        verify_regions(model, flipped)


def test_verify_refuses_a_wrong_isolating_interval():
    model = load_model_file(SQRT)
    report = regions(model, "misalignment")
    wrong = json.loads(json.dumps(report))
    wrong["pieces"][0]["upper"]["interval"] = ["1/4", "1/3"]
    with pytest.raises(ModelError):
        verify_regions(model, wrong)


@pytest.mark.parametrize("argv, needle", [
    (["examples/gridworld.json", "--claim", "misalignment"], "no parameters: use check"),
    ([LOTTERY, "--claim", "nonsense"], "unknown claim"),
])
def test_cli_bad_input_one_line_exit_2(argv, needle):
    done = subprocess.run([sys.executable, "-m", "sc_symbolic.cli", "regions", *argv],
                          capture_output=True, text=True)
    assert done.returncode == 2 and needle in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_cli_json_is_regions_1():
    done = subprocess.run([sys.executable, "-m", "sc_symbolic.cli", "regions", LOTTERY, "--claim",
                           "misalignment", "--json"], capture_output=True, text=True)
    assert done.returncode == 0
    report = json.loads(done.stdout)
    assert report["format"] == "sc-symbolic/regions-1" and report["parameters"] == {"q": ["0", "1"]}


def test_reports_match_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.load(open("sc_symbolic/schemas/regions-1.schema.json", encoding="utf-8"))
    for path in (LOTTERY, SQRT):
        jsonschema.validate(regions(load_model_file(path), "misalignment"), schema)
