"""--decimal N: exact decimal approximations beside long exact values (display only)."""

import decimal
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sc_symbolic.cli import main
from sc_symbolic.decimals import SCREEN_CHARS, approximate, beside

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@given(st.integers(-10 ** 60, 10 ** 60).filter(bool), st.integers(1, 10 ** 60), st.integers(1, 30))
def test_approximation_is_within_half_a_unit_in_the_last_place(p, q, digits):
    context = decimal.Context(prec=200)
    exact = context.divide(decimal.Decimal(p), decimal.Decimal(q))
    shown = decimal.Decimal(approximate(p, q, digits))
    unit = decimal.Decimal(1).scaleb(exact.adjusted() - digits + 1)
    assert abs(shown - exact) <= unit / 2 + decimal.Decimal(10) ** -190
    assert len(approximate(p, q, digits).lstrip("-").split("e")[0].replace(".", "").lstrip("0")) <= digits


def test_ties_round_half_to_even_and_carries_add_a_digit():
    assert approximate(25, 10, 1) == "2" and approximate(35, 10, 1) == "4"
    assert approximate(9999, 1000, 3) == "10.0" and approximate(-1, 8, 2) == "-0.12"


def test_beside_only_touches_long_plain_rationals():
    long_text = "1/" + "7" * SCREEN_CHARS
    assert beside(long_text, 3).endswith("≈ 1.29e-80")  # 1/7.77…e79 = 1.2857…e-80
    assert beside("1/3", 3) == "1/3" and beside(long_text, None) == long_text
    assert beside("p**2/" + "3" * SCREEN_CHARS, 3).startswith("p**2/")
    assert "≈" not in beside("p**2/" + "3" * SCREEN_CHARS, 3)


def _long_chain(tmp_path, n=60):
    states = {f"s{i}": {"go": {f"s{i + 1}" if i + 1 < n else "win": "9/10", "lose": "1/10"},
                        "stay": {f"s{i + 1}" if i + 1 < n else "win": "1/2", "lose": "1/2"}} for i in range(n)}
    states.update(win={}, lose={})
    path = tmp_path / "chain.json"
    path.write_text(json.dumps({"format": "sc-symbolic/mdp-1", "name": "chain", "initial": {"s0": "1"},
                                "states": states, "success": {"states": ["win"]}, "policy": "uniform"}))
    return path


def test_check_shows_decimals_in_text_and_keeps_json_exact(tmp_path, capsys):
    path = _long_chain(tmp_path)
    assert main(["check", str(path), "--decimal", "5"]) == 0
    text = capsys.readouterr().out
    assert "J = " in text and "≈ 5.0802e-10" in text.splitlines()[1]
    assert main(["check", str(path), "--json"]) == 0
    assert "≈" not in capsys.readouterr().out


def test_sweep_accepts_decimal_and_refuses_bad_digit_counts(capsys):
    model = str(EXAMPLES / "threshold_misalignment.json")
    assert main(["sweep", model, "--decimal", "4"]) == 0
    capsys.readouterr()
    for bad in ("0", "101", "x"):
        try:
            main(["sweep", model, "--decimal", bad])
        except SystemExit as exc:
            assert exc.code == 2
        assert "--decimal" in capsys.readouterr().err
