"""Theorem: every decided box (2 parameters) and every piece with an invalid part (1 parameter) agrees
with ``check`` on the exactly substituted numeric model, at random rational points inside."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from sc_symbolic.analysis import analyse
from sc_symbolic.regions import load_for_regions, probabilities, regions

TWO_PARAMETER_MODELS = ["examples/param_two_lottery.json", "tests/data/param_two_invalid.json"]
REPORTS: dict = {}


def _report(path, claim):
    key = (path, claim)
    if key not in REPORTS:
        REPORTS[key] = (load_for_regions(path), regions(load_for_regions(path), claim, depth=4))
    return REPORTS[key]


def _truth(model, point: dict, claim: str):
    """The claim at the point, from the substituted numeric model; "invalid" where a probability leaves (0, 1]."""
    import sympy

    values = {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator) for k, v in point.items()}
    if any(not 0 < p.subs(values) <= 1 for p in probabilities(model)):
        return "invalid"
    numeric = analyse(model.substitute({k: f"{v.numerator}/{v.denominator}" for k, v in point.items()}))
    if claim == "misalignment":
        return numeric.expected_return_plus < numeric.expected_return
    return numeric.J_plus - numeric.J >= Fraction(1, 10)


fraction = st.fractions(min_value=Fraction(1, 97), max_value=Fraction(96, 97))


@settings(max_examples=8, deadline=None)
@given(path=st.sampled_from(TWO_PARAMETER_MODELS), claim=st.sampled_from(["misalignment", "J_plus - J >= 1/10"]),
       index=st.integers(min_value=0), t=st.tuples(fraction, fraction))
def test_box_labels_agree_with_check(path, claim, index, t):
    model, report = _report(path, claim)
    decided = [p for p in report["pieces"] if p["holds"] is not None]
    piece = decided[index % len(decided)]
    point = {}
    for (name, (lo, hi)), s in zip(piece["box"].items(), t):
        lo, hi = Fraction(lo), Fraction(hi)
        point[name] = lo + (hi - lo) * s
    assert _truth(model, point, claim) == piece["holds"], (point, piece)


@settings(max_examples=6, deadline=None)
@given(t=fraction)
def test_invalid_interval_pieces_agree_with_check(t):
    model = load_for_regions("examples/regions/param_invalid.json")
    report = regions(model, "misalignment")
    for piece in report["pieces"]:
        lower, upper = Fraction(piece["lower"]["value"]), Fraction(piece["upper"]["value"])
        points = [lower] if lower == upper else [lower + (upper - lower) * t]
        for point in points:
            assert _truth(model, {"q": point}, "misalignment") == piece["holds"], (point, piece)
