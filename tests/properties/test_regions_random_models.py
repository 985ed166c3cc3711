"""Theorem: on random parametric models (1 and 2 parameters), every decided piece or box of a region
agrees with the substituted numeric model at random rational points inside it (and at rational endpoints)."""

import sys
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parametric_fixtures import parametric_model_dicts  # noqa: E402

from sc_symbolic.analysis import analyse  # noqa: E402
from sc_symbolic.errors import ModelError  # noqa: E402
from sc_symbolic.model import from_dict  # noqa: E402
from sc_symbolic.regions import regions  # noqa: E402

CLAIMS = {"J >= 1/2": lambda a: a.J >= Fraction(1, 2),
          "J_plus - J > 1/50": lambda a: a.J_plus - a.J > Fraction(1, 50)}


def _holds(model, point, claim):
    numeric = model.substitute({k: f"{v.numerator}/{v.denominator}" for k, v in point.items()})
    return CLAIMS[claim](analyse(numeric))


def _inside(lo: Fraction, hi: Fraction, t: Fraction) -> Fraction:
    return lo + (hi - lo) * t


def _bound(endpoint, side):
    return Fraction(endpoint["value"]) if "value" in endpoint else Fraction(endpoint["interval"][side])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=parametric_model_dicts(max_states=2), claim=st.sampled_from(sorted(CLAIMS)),
       t=st.fractions(min_value=Fraction(1, 50), max_value=Fraction(49, 50)), pick=st.integers(0, 1000))
def test_region_labels_agree_with_the_substituted_model(data, claim, t, pick):
    model = from_dict(data)
    try:
        report = regions(model, claim, depth=3)
    except ModelError as exc:  # a model that never succeeds is refused (exit 2), never labelled
        assert "never reached" in str(exc)
        return
    pieces = [p for p in report["pieces"] if p["holds"] in (True, False)]
    if not pieces:
        return
    piece = pieces[pick % len(pieces)]
    if "box" in piece:
        point = {name: _inside(Fraction(lo), Fraction(hi), t) for name, (lo, hi) in piece["box"].items()}
        assert _holds(model, point, claim) == piece["holds"], (point, piece)
        return
    (name, (lo, hi)), = report["parameters"].items()
    if piece["lower"] == piece["upper"]:
        if "value" in piece["lower"]:
            point = {name: Fraction(piece["lower"]["value"])}
            assert _holds(model, point, claim) == piece["holds"], (point, piece)
        return
    point = {name: _inside(_bound(piece["lower"], 1), _bound(piece["upper"], 0), t)}
    assert _holds(model, point, claim) == piece["holds"], (point, piece)
