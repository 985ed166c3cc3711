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


# ---------------------------------------------------------------- claims, --threshold all, LaTeX, width

from fractions import Fraction  # noqa: E402

from sc_symbolic.region_latex import regions_latex  # noqa: E402
from sc_symbolic.regions import load_for_regions, thresholds_for_all  # noqa: E402

TWO = "examples/param_two_lottery.json"
INVALID = "examples/regions/param_invalid.json"


def test_amplification_compares_the_gain_at_two_thresholds():
    report = regions(load_for_regions(LOTTERY), "amplification", versus="4")
    assert report["function"] == "-(3*q - 1)/(2*(q + 1))" and report["versus"] == "4"
    assert report["statement"].endswith("iff 0 < q < 1/3")


def test_amplification_needs_versus():
    with pytest.raises(ModelError, match="--versus"):
        regions(load_for_regions(LOTTERY), "amplification")


@pytest.mark.parametrize("claim, region", [
    ("expected_return_plus < expected_return", "iff 1/4 < q < 1"),
    ("J_plus - J >= 1/10", "iff 0 < q ≤ root of q**2 - 11*q/5 + 4/5 in [1/3, 1/2]"),
    ("I[s0|G=0] <= 1/4", "iff 1/3 ≤ q < 1"),
    ("Q[s0|G=0, lottery] >= q", "iff 0 < q < 1"),
])
def test_user_inequalities(claim, region):
    assert regions(load_for_regions(LOTTERY), claim)["statement"] == f"{claim} {region}"


@pytest.mark.parametrize("claim, needle", [
    ("foo > 1", "unknown name 'foo'"),
    ("I[zz] > 0", "unknown state 'zz'"),
    ("J > 1 > 0", "2 comparisons"),
    ("__import__('os') > 0", "unknown name '__import__'"),
    ("J ** q > 0", "cannot read"),
])
def test_user_inequality_refusals_name_the_valid_names(claim, needle):
    with pytest.raises(ModelError, match="--claim") as caught:
        regions(load_for_regions(LOTTERY), claim)
    assert needle in str(caught.value)


def test_threshold_all_one_region_each():
    reports = [regions(m, "misalignment") for m in thresholds_for_all(load_for_regions(LOTTERY))]
    assert [r["statement"] for r in reports] == [
        "never misaligned at τ = 0 on the parameter interval",
        "misaligned at τ = 1 iff 1/4 < q < 1", "misaligned at τ = 4 iff 0 < q < 1/4"]


def test_width_refines_the_isolating_interval():
    report = regions(load_for_regions(SQRT), "misalignment", width="1/1000000")
    a, b = (Fraction(v) for v in report["pieces"][0]["upper"]["interval"])
    assert 0 < b - a <= Fraction(1, 1000000)
    verify_regions(load_for_regions(SQRT), report)


def test_invalid_parameter_values_are_their_own_piece():
    model = load_for_regions(INVALID)
    report = regions(model, "misalignment")
    assert report["statement"] == ("misaligned at τ = 1 iff 1/8 < q < 1/2; the model is invalid "
                                   "(a probability leaves (0, 1]) for 1/2 ≤ q < 1")
    assert report["fractions"] == {"false": "1/8", "invalid": "1/2", "true": "3/8", "exact": True}
    verify_regions(model, report)


def test_latex_statement_carries_the_closed_form():
    model = load_for_regions(LOTTERY)
    text = regions_latex(model, regions(model, "misalignment"))
    assert r"\frac{\left(q - 1\right) \left(4 q - 1\right)}{2 \left(q + 1\right)}" in text
    assert r"\tfrac{1}{4} < q < 1" in text and text.startswith(r"\begin{theorem}[param lottery]")


# ---------------------------------------------------------------- two and three parameters


def test_two_parameters_certified_boxes_and_reverification():
    model = load_for_regions(TWO)
    report = regions(model, "misalignment", depth=5)
    assert report["fractions"]["false"] == "1/4"
    assert Fraction(report["fractions"]["true"]) + Fraction(report["undecided_fraction"]) == Fraction(3, 4)
    assert Fraction(report["undecided_fraction"]) <= Fraction(1, 32)
    assert "4*q - 1" in report["boundary"]
    verify_regions(model, report)


def test_flipped_box_and_dropped_box_are_refused():
    model = load_for_regions(TWO)
    report = regions(model, "misalignment", depth=3)
    i = next(k for k, p in enumerate(report["pieces"]) if p["holds"] is True)
    flipped = json.loads(json.dumps(report))
    flipped["pieces"][i]["holds"] = False
    with pytest.raises(ModelError, match=f"pieces\\[{i}\\].holds"):
        verify_regions(model, flipped)
    promoted = json.loads(json.dumps(report))
    j = next(k for k, p in enumerate(report["pieces"]) if p["holds"] is None)
    promoted["pieces"][j]["holds"] = True  # an undecided box is never called proved
    with pytest.raises(ModelError, match=f"pieces\\[{j}\\].holds"):
        verify_regions(model, promoted)
    dropped = json.loads(json.dumps(report))
    del dropped["pieces"][0]
    with pytest.raises(ModelError, match="cover"):
        verify_regions(model, dropped)
    overlap = json.loads(json.dumps(report))
    overlap["pieces"].append(dict(overlap["pieces"][0]))
    with pytest.raises(ModelError, match="overlaps"):
        verify_regions(model, overlap)


def test_time_limit_reports_the_undecided_rest():
    report = regions(load_for_regions(TWO), "misalignment", time_limit=0.000001)
    assert report["stopped_by"] == "time" and Fraction(report["undecided_fraction"]) > 0


def test_one_parameter_time_limit_is_exact_or_refused(monkeypatch):
    """One parameter is solved exactly or not at all (gap 5): refining √2's interval to 1/10^4000
    cannot finish in 0.2 s and is refused naming --time; within the limit the answer is the exact one."""
    import time

    model = load_for_regions(SQRT)
    start = time.monotonic()
    with pytest.raises(ModelError, match=r"^--time: the exact answer was not done within 0.2 s \(stopped while "
                                         r"(refining a root to --width|solving the boundary exactly)\)"):
        regions(model, "misalignment", width="1/" + "1" + "0" * 4000, time_limit=0.2)
    assert time.monotonic() - start < 5
    assert regions(model, "misalignment", time_limit=60) == regions(model, "misalignment")
    with pytest.raises(ModelError, match="--time"):
        regions(model, "misalignment", time_limit=0)
    ticks = iter([0.0, 100.0])
    monkeypatch.setattr("sc_symbolic.regions.time.monotonic", lambda: next(ticks, 100.0))
    with pytest.raises(ModelError, match=r"stopped (while|after) deriving the claim's closed form"):
        regions(load_for_regions(LOTTERY), "misalignment", time_limit=1)


def test_one_parameter_time_limit_interrupts_a_long_derivation(monkeypatch):
    """A closed form that takes too long is interrupted by the alarm, not waited for; the caller's
    own SIGALRM handler and timer are restored afterwards."""
    import signal
    import time

    import sc_symbolic.regions as regions_module

    def endless(*args, **kwargs):
        while True:
            sum(range(1000))

    monkeypatch.setattr(regions_module, "claim_of", endless)
    mine = signal.signal(signal.SIGALRM, signal.SIG_IGN)
    try:
        start = time.monotonic()
        with pytest.raises(ModelError, match=r"stopped while deriving the claim's closed form"):
            regions(load_for_regions(SQRT), "misalignment", time_limit=0.3)
        assert time.monotonic() - start < 3
        assert signal.getsignal(signal.SIGALRM) is signal.SIG_IGN
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, mine)


def test_cli_one_parameter_time_limit_is_one_line(capsys):
    from sc_symbolic.cli import main

    assert main(["regions", SQRT, "--claim", "misalignment", "--width", "1/1" + "0" * 4000, "--time", "0.2"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "error: --time: the exact" in captured.err


@pytest.mark.parametrize("argv, needle", [
    ([LOTTERY, "--claim", "misalignment", "--threshold", "5"], "never reached"),
    ([LOTTERY, "--claim", "misalignment", "--plot", "/nonexistent-dir/x.png"], "--plot"),
    ([LOTTERY, "--claim", "misalignment", "--json", "--latex"], "--json/--latex"),
    ([LOTTERY, "--claim", "J_plus > nope"], "valid names: J, J_plus"),
    ([SQRT, "--claim", "misalignment", "--time", "1e400"], "--time: 1e400 s (a number of seconds from"),
    ([SQRT, "--claim", "misalignment", "--time", "1e-400"], "--time: 1e-400 s (a number of seconds from"),
    ([LOTTERY, "--claim", "misalignment", "--threshold", "all", "--time", "0.000001"], "--time: "),
])
def test_cli_more_bad_input(argv, needle, tmp_path):
    done = subprocess.run([sys.executable, "-m", "sc_symbolic.cli", "regions", *argv],
                          capture_output=True, text=True)
    assert done.returncode == 2 and needle in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_cli_plot_two_parameters(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "map.png"
    done = subprocess.run([sys.executable, "-m", "sc_symbolic.cli", "regions", TWO, "--claim", "misalignment",
                           "--depth", "4", "--plot", str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_threshold_all_json_is_a_list_of_reports():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.load(open("sc_symbolic/schemas/regions-1.schema.json", encoding="utf-8"))
    done = subprocess.run([sys.executable, "-m", "sc_symbolic.cli", "regions", LOTTERY, "--claim",
                           "misalignment", "--threshold", "all", "--json"], capture_output=True, text=True)
    reports = json.loads(done.stdout)
    assert [r["threshold"] for r in reports] == ["0", "1", "4"]
    for report in reports + [regions(load_for_regions(TWO), "misalignment", depth=3),
                             regions(load_for_regions(INVALID), "misalignment")]:
        jsonschema.validate(report, schema)


def test_plot_with_every_threshold_is_refused_before_any_work(tmp_path):
    target = tmp_path / "map.png"
    done = subprocess.run([sys.executable, "-m", "sc_symbolic.cli", "regions", LOTTERY, "--claim", "misalignment",
                           "--threshold", "all", "--plot", str(target)], capture_output=True, text=True)
    assert done.returncode == 2 and "--plot" in done.stderr and not target.exists()
