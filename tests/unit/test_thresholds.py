"""Unit tests of sc_symbolic.thresholds, plots and the ``sweep`` sub-command (docs/math.md §6)."""

import copy
import json
from fractions import Fraction as F
from pathlib import Path

import pytest

from sc_symbolic.cli import main
from sc_symbolic.errors import ModelError, UnsupportedModelError
from sc_symbolic.exact import Rational
from sc_symbolic.model import from_dict, load_model
from sc_symbolic.thresholds import (
    achievable_returns,
    amplification_sweep,
    markov_variant,
    pooled_policy,
    with_threshold,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
EXAMPLE = REPO / "examples" / "threshold_misalignment.json"

# The reference model /work/shared/data/reference/risky_threshold.json, copied.
RISKY_THRESHOLD = {
    "format": "sc-symbolic/mdp-1",
    "name": "risky bandit with a return threshold",
    "initial": {"s0": "1"},
    "states": {
        "s0": {
            "safe": [{"to": "end", "p": "1", "r": "1"}],
            "risky": [{"to": "end", "p": "1/2", "r": "0"}, {"to": "end", "p": "1/2", "r": "3"}],
        },
        "end": {},
    },
    "success": {"return_at_least": "1"},
    "policy": {"s0": {"safe": "1/2", "risky": "1/2"}},
}

# Two routes into s1 with accumulated returns +1 and -1: the Markov variant pools them.
POOLING = {
    "format": "sc-symbolic/mdp-1",
    "name": "two routes, one state",
    "initial": {"s0": "1"},
    "states": {
        "s0": {"up": [{"to": "s1", "p": "1", "r": "1"}], "down": [{"to": "s1", "p": "1", "r": "-1"}]},
        "s1": {"bonus": [{"to": "end", "p": "1", "r": "1"}], "stop": [{"to": "end", "p": "1", "r": "0"}]},
        "end": {},
    },
    "success": {"return_at_least": "0"},
    "policy": "uniform",
}

NO_REWARDS = {
    "format": "sc-symbolic/mdp-1", "name": "no rewards", "initial": {"s": "1"},
    "states": {"s": {"a": {"win": "1/2", "lose": "1/2"}}, "win": {}, "lose": {}},
    "success": {"states": ["win"]}, "policy": "uniform",
}

CYCLIC_REWARD = {
    "format": "sc-symbolic/mdp-1", "name": "rewarded loop", "initial": {"s": "1"},
    "states": {"s": {"loop": [{"to": "s", "p": "1/2", "r": "1"}, {"to": "end", "p": "1/2"}]}, "end": {}},
    "success": {"return_at_least": "1"}, "policy": "uniform",
}


def q(text):
    return F(text)


# ------------------------------------------------------------ building blocks


def test_achievable_returns_sorted_distinct_and_exact():
    returns = achievable_returns(from_dict(RISKY_THRESHOLD))
    assert returns == [0, 1, 3]
    assert all(type(g) is Rational for g in returns)


def test_achievable_returns_leave_out_cut_episodes():
    data = copy.deepcopy(POOLING)
    data["horizon"] = 1  # every episode is cut after one action: nothing terminates
    assert achievable_returns(from_dict(data)) == []
    data["horizon"] = 2
    assert achievable_returns(from_dict(data)) == [-1, 0, 1, 2]


def test_with_threshold_replaces_success_only():
    model = from_dict(RISKY_THRESHOLD)
    other = with_threshold(model, "3/2")
    assert other.threshold == q("3/2") and model.threshold == 1
    assert other.to_dict()["states"] == model.to_dict()["states"]
    assert other.policy == model.policy
    assert with_threshold(from_dict(NO_REWARDS), 0).success_states is None


def test_with_threshold_refuses_non_numbers():
    with pytest.raises(ModelError, match="not a number"):
        with_threshold(from_dict(RISKY_THRESHOLD), "one")


# ---------------------------------------------------------------------- sweep


def test_sweep_on_reference_risky_threshold():
    rows = amplification_sweep(from_dict(RISKY_THRESHOLD))
    assert [row.tau for row in rows] == [0, 1, 3]
    by_tau = {row.tau: row for row in rows}
    row = by_tau[1]
    assert (row.probability, row.probability_plus) == (q("3/4"), q("5/6"))
    assert (row.expected_return, row.expected_return_plus) == (q("5/4"), q("7/6"))
    assert row.influence_initial == row.influence_mean == row.chi2_initial == q("1/9")
    assert row.misaligned
    assert type(row.probability) is Rational and type(row.expected_return_plus) is Rational
    assert not by_tau[0].misaligned and by_tau[0].probability == 1 and by_tau[0].influence_initial == 0
    # τ = 3: only "risky" can succeed; π⁺ takes it and E[G] rises to 3/2
    assert by_tau[3].probability_plus == q("1/2") and by_tau[3].expected_return_plus == q("3/2")
    assert not by_tau[3].misaligned


def test_sweep_json_row_is_exact_strings():
    row = amplification_sweep(from_dict(RISKY_THRESHOLD), ["1"])[0].to_dict()
    assert row == {"tau": "1", "probability": "3/4", "probability_plus": "5/6", "gain": "1/12",
                   "expected_return": "5/4", "expected_return_plus": "7/6", "influence_initial": "1/9",
                   "influence_mean": "1/9", "chi2_initial": "1/9", "misaligned": True}


def test_sweep_eta_weighted_influence_differs_from_initial():
    rows = amplification_sweep(from_dict(POOLING), ["0"])
    row = rows[0]
    # s0: V = 3/4, Q = (1, 1/2): I = 1/9.  s1|G=1: I = 0; s1|G=-1: V = 1/2, I = 1.
    assert row.influence_initial == q("1/9")
    assert row.influence_mean == (1 * q("1/9") + q("1/2") * 0 + q("1/2") * 1) / 2


def test_sweep_example_file_is_a_misalignment_witness():
    rows = {row.tau: row for row in amplification_sweep(load_model(EXAMPLE))}
    assert rows[1].misaligned
    assert (rows[1].expected_return, rows[1].expected_return_plus) == (q("7/6"), q("13/12"))
    assert rows[1].probability_plus > rows[1].probability
    assert not rows[4].misaligned and rows[4].expected_return_plus == q("4/3")
    # amplification: raising τ raises the action-influence at the start
    assert [rows[t].influence_initial for t in (0, 1, 4)] == [0, q("1/4"), 1]


def test_sweep_refuses_models_without_rewards_and_empty_lists():
    with pytest.raises(UnsupportedModelError, match="no outcome carries a non-zero reward"):
        amplification_sweep(from_dict(NO_REWARDS))
    with pytest.raises(ModelError, match="thresholds"):
        amplification_sweep(from_dict(RISKY_THRESHOLD), [])
    with pytest.raises(UnsupportedModelError, match="non-zero"):
        amplification_sweep(from_dict(CYCLIC_REWARD))


# ------------------------------------------------------------- Markov variant


def test_markov_variant_without_pooling_is_pi_plus():
    mv = markov_variant(from_dict(RISKY_THRESHOLD))
    assert mv.equals_pi_plus
    assert mv.policy["s0"] == {"safe": q("2/3"), "risky": q("1/3")}
    assert (mv.probability, mv.probability_bar, mv.probability_plus) == (q("3/4"), q("5/6"), q("5/6"))
    assert mv.identity_holds and mv.trust_region_holds and mv.improves
    assert mv.witnesses == {"identity": None, "trust_region": None, "improves": None, "improves_everywhere": None}


def test_markov_variant_pooling_breaks_identity_and_trust_region_but_improves():
    mv = markov_variant(from_dict(POOLING))
    # π̄(·|s1) pools s1|G=1 (π⁺ = π) and s1|G=-1 (π⁺ = bonus): (2/3, 1/3)
    assert mv.policy["s1"] == {"bonus": q("2/3"), "stop": q("1/3")}
    assert mv.policy["s0"] == {"up": q("2/3"), "down": q("1/3")}
    assert not mv.equals_pi_plus
    assert (mv.probability, mv.probability_bar, mv.probability_plus) == (q("3/4"), q("8/9"), 1)
    assert (mv.expected_return, mv.expected_return_bar, mv.expected_return_plus) == (q("1/2"), 1, 1)
    assert mv.per_state == {"s0|G=0": (q("1/9"), q("1/9"), q("1/9")),
                            "s1|G=1": (0, q("1/9"), 0),
                            "s1|G=-1": (q("1/3"), q("1/9"), 1)}
    assert not mv.identity_holds
    w = mv.witnesses["identity"]
    assert (w.state, w.relation, w.lhs, w.rhs) == ("s1|G=1", "R_bar = chi2(pi_bar||pi)", 0, q("1/9"))
    assert not mv.trust_region_holds
    w = mv.witnesses["trust_region"]
    assert (w.state, w.lhs, w.rhs) == ("s1|G=1", q("1/9"), 0)
    assert w.relation.startswith("chi2(pi_bar||pi) <= I")
    assert mv.improves and mv.witnesses["improves"] is None
    data = mv.to_dict()
    assert data["probability_bar"] == "8/9"
    assert data["per_state"]["s1|G=-1"] == {"R_bar": "1/3", "chi2_bar": "1/9", "I": "1"}
    assert data["witnesses"]["identity"] == {"state": "s1|G=1", "relation": "R_bar = chi2(pi_bar||pi)",
                                             "lhs": "0", "rhs": "1/9"}
    json.dumps(data)


def test_markov_variant_trust_region_fails_on_value_when_feasible():
    """At s1|G=-1 π̄ is feasible (χ² = 1/9 ≤ I = 1) but not optimal: Σ π̄ Q = 2/3 < Σ π⁺ Q = 1."""
    data = copy.deepcopy(POOLING)
    data["states"]["s0"] = {"down": [{"to": "s1", "p": "1", "r": "-1"}],
                            "up": [{"to": "s1", "p": "1", "r": "1"}]}
    data["policy"] = {"s0": {"down": "1/2", "up": "1/2"}, "s1": "uniform"}
    mv = markov_variant(from_dict(data))
    w = mv.witnesses["trust_region"]
    assert w.state == "s1|G=-1" and w.relation.startswith("sum_a pi_bar Q >= sum_a pi_plus Q")
    assert (w.lhs, w.rhs) == (q("2/3"), 1)


def test_markov_variant_undefined_where_no_successful_data():
    data = copy.deepcopy(POOLING)
    data["policy"] = {"s0": {"up": "1", "down": "0"}, "s1": "uniform"}
    model = from_dict(data)
    mv = markov_variant(model)
    # s1|G=-1 is not reached under π: π̄ pools only s1|G=1, where π⁺ = π
    assert mv.policy["s1"] == {"bonus": q("1/2"), "stop": q("1/2")}
    # the unvisited copy s1|G=-1 still shows its numbers, but no claim is judged there
    assert mv.per_state["s1|G=-1"] == (0, 0, 1)
    assert mv.claim_states == ["s0|G=0", "s1|G=1"] and mv.equals_pi_plus
    assert mv.identity_holds and mv.trust_region_holds and mv.improves
    data["success"] = {"return_at_least": "5"}
    mv = markov_variant(from_dict(data))
    assert mv.policy == {"s0": None, "s1": None}
    assert mv.probability == mv.probability_bar == 0 and mv.per_state == {}


def test_markov_variant_takes_tau_and_refuses_plain_models():
    mv = markov_variant(from_dict(POOLING), tau="2")
    # only up-then-bonus reaches G = 2: π̄ = π⁺ is deterministic (the other copies hold no data)
    assert mv.probability == q("1/4") and mv.probability_bar == mv.probability_plus == 1
    assert mv.policy["s1"] == {"bonus": 1, "stop": 0} and mv.equals_pi_plus
    with pytest.raises(UnsupportedModelError, match="nothing to pool"):
        markov_variant(from_dict(NO_REWARDS))


def test_pooled_policy_is_exported_for_the_search_engine():
    from sc_symbolic.augment import analysed_model
    from sc_symbolic.evaluate import action_values, success_probability, visit_counts

    analysed, origin = analysed_model(from_dict(POOLING))
    V = success_probability(analysed, analysed.policy)
    bar = pooled_policy(analysed, origin, analysed.policy, V, action_values(analysed, V),
                        visit_counts(analysed, analysed.policy))
    assert bar["s1"]["bonus"] == q("2/3")


# ------------------------------------------------------------------------ CLI


def _write(tmp_path, data, name="model.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_cli_sweep_text_marks_misaligned_rows(tmp_path, capsys):
    assert main(["sweep", _write(tmp_path, RISKY_THRESHOLD)]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.lstrip().startswith("1 ")]
    assert len(lines) == 1 and lines[0].endswith("↓ misaligned") and "7/6" in lines[0]
    assert "misaligned thresholds (E[G] drops): 1" in out


def test_cli_sweep_json_with_thresholds_and_policy(tmp_path, capsys):
    policy = _write(tmp_path, {"policy": {"s0": {"safe": "1/4", "risky": "3/4"}}}, "policy.json")
    assert main(["sweep", _write(tmp_path, RISKY_THRESHOLD), "--json", "--thresholds", "1,3/2",
                 "--policy", policy]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["tau"] for row in rows] == ["1", "3/2"]
    # π = (1/4, 3/4): P(G ≥ 1) = 1/4 + 3/8 = 5/8
    assert rows[0]["probability"] == "5/8"


def test_cli_sweep_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    target = tmp_path / "sweep.png"
    assert main(["sweep", str(EXAMPLE), "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("data, extra, message", [
    (RISKY_THRESHOLD, ["--thresholds", "1,abc"], "--thresholds[1]"),
    (RISKY_THRESHOLD, ["--thresholds", "1,,2"], "empty entry"),
    (RISKY_THRESHOLD, ["--thresholds", "0.1e"], "not a number"),
    (NO_REWARDS, [], "no outcome carries a non-zero reward"),
    (CYCLIC_REWARD, [], "non-zero total reward"),
    (RISKY_THRESHOLD, ["--max-return-states", "0"], "--max-return-states"),
])
def test_cli_sweep_bad_input_exits_2_with_one_line(tmp_path, capsys, data, extra, message):
    assert main(["sweep", _write(tmp_path, data)] + extra) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and message in captured.err


def test_cli_sweep_missing_file_exits_2(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "absent.json")]) == 2
    assert "cannot read model" in capsys.readouterr().err


def test_reference_file_matches_the_copy():
    path = SHARED / "data" / "reference" / "risky_threshold.json"
    if not path.is_file():
        pytest.skip("../shared is not beside the repository")
    assert json.loads(path.read_text(encoding="utf-8")) == RISKY_THRESHOLD


PARAMETRIC = {
    "format": "sc-symbolic/mdp-1", "name": "parametric risky bandit", "parameters": {"p": ["0", "1"]},
    "initial": {"s0": "1"},
    "states": {"s0": {"safe": [{"to": "end", "p": "1", "r": "1"}],
                      "risky": [{"to": "end", "p": "1 - p", "r": "0"}, {"to": "end", "p": "p", "r": "3"}]},
               "end": {}},
    "success": {"return_at_least": "1"}, "policy": "uniform",
}


def test_parametric_sweep_is_exact_in_the_parameter(tmp_path, capsys):
    pytest.importorskip("sympy")
    row = amplification_sweep(from_dict(PARAMETRIC), ["1"])[0]
    data = row.to_dict()
    assert data["probability"] == "p/2 + 1/2" and data["probability_plus"] == "(p**2 + 1)/(p + 1)"
    assert data["expected_return_plus"] == "(3*p**2 + 1)/(p + 1)"
    assert row.misaligned  # E⁺ − E = (3p − 1)(p − 1)/(2(p + 1)) < 0 for p ∈ (1/3, 1), e.g. p = 1/2
    mv = markov_variant(from_dict(PARAMETRIC))
    assert mv.equals_pi_plus and mv.identity_holds and mv.improves
    path = _write(tmp_path, PARAMETRIC)
    assert main(["sweep", path]) == 0
    assert "parametric model" in capsys.readouterr().out
    assert main(["sweep", path, "--plot", str(tmp_path / "x.png")]) == 2
    assert "non-parametric" in capsys.readouterr().err


def test_markov_variant_can_lower_the_value_of_a_visited_augmented_state():
    """Pooling favours "keep" (right after +1) and hurts the copy reached with 0: V drops 1/4 → 1/5 there."""
    data = {
        "format": "sc-symbolic/mdp-1", "name": "pooling hurts one copy", "initial": {"s0": "1"},
        "states": {
            "s0": {"up": [{"to": "s1", "p": "1", "r": "1"}], "flat": [{"to": "s1", "p": "1", "r": "0"}]},
            "s1": {"keep": [{"to": "end", "p": "1", "r": "0"}],
                   "gamble": [{"to": "end", "p": "1/2", "r": "1"}, {"to": "end", "p": "1/2", "r": "-1"}]},
            "end": {},
        },
        "success": {"return_at_least": "1"},
        "policy": {"s0": {"up": "3/4", "flat": "1/4"}, "s1": "uniform"},
    }
    mv = markov_variant(from_dict(data))
    assert mv.policy["s1"] == {"keep": q("3/5"), "gamble": q("2/5")}
    assert (mv.value["s1|G=0"], mv.value_bar["s1|G=0"]) == (q("1/4"), q("1/5"))
    assert not mv.improves_everywhere
    w = mv.witnesses["improves_everywhere"]
    assert (w.state, w.lhs, w.rhs) == ("s1|G=0", q("1/5"), q("1/4"))
    assert mv.improves and mv.probability_bar > mv.probability == q("5/8")


def test_cli_sweep_says_which_value_is_missing(capsys):
    assert main(["sweep", str(REPO / "examples" / "risky_bandit.json"), "--thresholds", "0,100"]) == 0
    out = capsys.readouterr().out
    assert "∞/undefined" not in out
    row = next(line for line in out.splitlines() if line.lstrip().startswith("100 "))
    assert row.split()[-3:] == ["undefined"] * 3
    assert "undefined: no state with V > 0" in out and "∞:" not in out


def test_sweep_table_marks_an_infinite_expected_return():
    from sc_symbolic.commands.sweep_cmd import render_table
    from sc_symbolic.exact import domain_for
    from sc_symbolic.thresholds import SweepRow

    one = Rational(1)
    row = SweepRow(one, one, one, None, None, one, one, one, False, domain_for(()))
    out = render_table([row])
    assert out.splitlines()[2].split()[3:5] == ["∞", "∞"]
    assert "∞: E[G] is infinite" in out and "undefined:" not in out


def test_a_sweep_over_too_many_thresholds_is_refused_before_the_work(capsys, tmp_path):
    import json

    from sc_symbolic.cli import main
    from sc_symbolic.errors import UnsupportedModelError
    from sc_symbolic.model import load_model
    from sc_symbolic.thresholds import amplification_sweep

    model = {"format": "sc-symbolic/mdp-1", "name": "many returns", "initial": {"s0": "1"},
             "states": {"s0": {"a": [{"to": "s1", "p": "1/8", "r": str(k)} for k in range(8)],
                               "b": [{"to": "s1", "p": "1", "r": "0"}]},
                        "s1": {"a": [{"to": "end", "p": "1/8", "r": str(8 * k)} for k in range(8)],
                               "b": [{"to": "end", "p": "1", "r": "1"}]},
                        "end": {}},
             "success": {"return_at_least": "1"}, "policy": "uniform"}
    with pytest.raises(UnsupportedModelError, match="64 thresholds"):
        amplification_sweep(load_model(model), max_thresholds=10)
    path = tmp_path / "many.json"
    path.write_text(json.dumps(model))
    assert main(["sweep", str(path), "--max-thresholds", "63"]) == 2
    assert "--max-thresholds" in capsys.readouterr().err
