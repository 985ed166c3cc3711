"""Fuzzing the regions claim text: any string is a ModelError (one line, exit 2) or a region, never code."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sc_symbolic.errors import ModelError
from sc_symbolic.regions import load_for_regions, regions

MODEL = load_for_regions(str(Path(__file__).resolve().parents[2] / "examples" / "param_lottery.json"))
PIECES = ["J", "J_plus", "q", "I[s0|G=0]", "Q[s0|G=0, lottery]", "pi[s0|G=0,salary]", "V[", "]", "__import__",
          "(", ")", "**", "2", "1/10", "+", "-", "*", "/", ">=", "<", ">", "<=", "≤", ".", "'", "os", "lambda", " "]


@given(st.one_of(st.lists(st.sampled_from(PIECES), max_size=9).map("".join), st.text(max_size=40)))
def test_any_claim_text_is_a_region_or_a_model_error(text):
    try:
        report = regions(MODEL, text)
    except ModelError as exc:
        assert "\n" not in str(exc)
        return
    assert report["format"] == "sc-symbolic/regions-1"
