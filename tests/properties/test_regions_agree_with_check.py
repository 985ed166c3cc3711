"""Theorem: every piece's label equals the claim on the exactly substituted numeric model."""

import json
import re
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sc_symbolic.analysis import analyse
from sc_symbolic.model import load_model_file
from sc_symbolic.regions import regions


def _numeric(path, name, value, directory, threshold):
    """The model with the parameter replaced by the exact rational ``value``."""
    data = json.loads(open(path, encoding="utf-8").read())
    del data["parameters"]
    exact = f"({value.numerator}/{value.denominator})"
    for actions in data["states"].values():
        for outcomes in actions.values():
            for outcome in outcomes:
                outcome["p"] = re.sub(rf"\b{name}\b", exact, outcome["p"])
    out = directory / "numeric.json"
    out.write_text(json.dumps(data))
    return load_model_file(str(out), None, threshold)


def _bound(endpoint, side):
    """A rational bound of the endpoint on the piece's side (isolating interval end)."""
    if "value" in endpoint:
        return Fraction(endpoint["value"])
    return Fraction(endpoint["interval"][side])


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["examples/param_lottery.json", "examples/param_sqrt2.json"]),
       threshold=st.sampled_from([None, "2", "1/2"]),
       t=st.fractions(min_value=Fraction(1, 100), max_value=Fraction(99, 100)))
def test_labels_agree_with_check(tmp_path, path, threshold, t):
    report = regions(load_model_file(path, None, threshold), "misalignment")
    (name, _), = report["parameters"].items()
    for piece in report["pieces"]:
        points = []
        if piece["lower"] == piece["upper"]:
            if "value" in piece["lower"]:
                points.append(Fraction(piece["lower"]["value"]))
        else:
            lo, hi = _bound(piece["lower"], 1), _bound(piece["upper"], 0)
            points.append(lo + (hi - lo) * t)
        for point in points:
            numeric = analyse(_numeric(path, name, point, tmp_path, threshold))
            misaligned = numeric.expected_return_plus < numeric.expected_return
            assert misaligned == piece["holds"], (point, piece)
