"""PRISM in, PRISM out: sc_symbolic agrees EXACTLY with Storm's exact engine.

Imports real PRISM benchmark models with Storm (exact rationals), checks them
with sc_symbolic, and compares V with Storm's own exact value of
``P=? [F "success"]`` on the DTMC induced by the same policy (exported by
``to_prism(..., induced=True)``), and with the stored exports (Storm indices
``sN``, matched through ``x-prism.storm_index``).
"""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings

stormpy = pytest.importorskip("stormpy")

from sc_symbolic.analysis import analyse  # noqa: E402
from sc_symbolic.checks import run_checks  # noqa: E402
from sc_symbolic.cli import main  # noqa: E402
from sc_symbolic.errors import ModelError  # noqa: E402
from sc_symbolic.exact import parse_number  # noqa: E402
from sc_symbolic.exporters.prism import to_prism  # noqa: E402
from sc_symbolic.importers.prism import import_prism  # noqa: E402
from sc_symbolic.model import build_model, load_model  # noqa: E402
from sc_symbolic.strategies import model_dicts  # noqa: E402

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
PRISM = SHARED / "data" / "prism"
COIN_SUCCESS = '"finished" & "all_coins_equal_1"'

# (file, constants, success, avoid, export stem or None)
CASES = [
    ("coin2.nm", {"K": 2}, COIN_SUCCESS, None, "consensus_coin2_K2"),
    ("csma2_2.nm", {}, "all_delivered", "collision_max_backoff", "csma2_2"),
    ("firewire_abst.nm", {"delay": 3}, "done", None, None),
    ("wlan0.nm", {"COL": 2}, "col=2", None, None),
]


@pytest.fixture(scope="module")
def prism_dir():
    if not PRISM.is_dir():
        pytest.skip("../shared/data/prism is not beside the repository")
    return PRISM


def storm_induced_values(model, tmp_path) -> dict:
    """Storm's exact P=? [F "success"] on the policy-induced DTMC, keyed by state name."""
    path = tmp_path / "induced.nm"
    path.write_text(to_prism(model, induced=True))
    program = stormpy.parse_prism_program(str(path))
    options = stormpy.BuilderOptions()
    options.set_build_all_labels(True)
    options.set_build_state_valuations(True)
    chain = stormpy.build_model[stormpy.Rational](program, options=options)
    prop = stormpy.parse_properties('P=? [F "success"]', program)[0]
    result = stormpy.model_checking(chain, prop, environment=stormpy.environments.exact())
    names = list(model.states)
    values = {}
    for i in range(chain.nr_states):
        valuation = chain.state_valuations.to_string(i).strip("[]").strip()  # "s=5"
        assert valuation.startswith("s=")
        values[names[int(valuation[2:])]] = parse_number(str(result.get_value(i)), "storm")
    return values


@pytest.fixture(scope="module")
def imported(prism_dir):
    """case → (mdp-1 dict, Model, Analysis), each built once per module."""
    cache = {}

    def get(case):
        key = (case[0], tuple(sorted(case[1].items())))
        if key not in cache:
            f, constants, success, avoid, _ = case
            data = import_prism(prism_dir / f, constants, success, avoid=avoid)
            model = load_model(data)
            cache[key] = (data, model, analyse(model))
        return cache[key]

    return get


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_import_check_agrees_exactly_with_storm(case, imported, tmp_path):
    data, model, analysis = imported(case)
    assert all(check.holds for check in run_checks(analysis).values())
    storm = storm_induced_values(model, tmp_path)
    for s in model.nonterminal:
        assert analysis.V[s] == storm[s], s
    J_storm = sum((p * storm[s] for s, p in model.initial.items()), parse_number("0"))
    assert analysis.J == J_storm


EXPORTED = [c for c in CASES if c[4]] + [("coin2.nm", {"K": 4}, COIN_SUCCESS, None, "consensus_coin2_K4")]


@pytest.mark.parametrize("case", EXPORTED, ids=[c[4] for c in EXPORTED])
def test_values_match_the_stored_exports_through_storm_indices(case, imported, prism_dir):
    data, _, analysis = imported(case)
    values = json.loads((prism_dir / "exports" / f"{case[4]}.values.json").read_text())
    index = data["x-prism"]["storm_index"]
    for s in analysis.model.nonterminal:
        assert analysis.V[s] == parse_number(values[f"s{index[s]}"]), s


def test_coin2_shape_and_names(imported):
    data, _, analysis = imported(CASES[0])
    assert data["initial"] == {"counter=6,pc1=0,coin1=0,pc2=0,coin2=0": "1"}
    assert sum(1 for acts in data["states"].values() if acts) == 187  # as the stored export
    first = data["states"]["counter=6,pc1=0,coin1=0,pc2=0,coin2=0"]
    assert first == {"c0": {"counter=6,pc1=1,coin1=0,pc2=0,coin2=0": "1/2",
                            "counter=6,pc1=1,coin1=1,pc2=0,coin2=0": "1/2"},
                     "c1": {"counter=6,pc1=0,coin1=0,pc2=1,coin2=0": "1/2",
                            "counter=6,pc1=0,coin1=0,pc2=1,coin2=1": "1/2"}}
    assert analysis.J == parse_number("347289/716080")


def test_csma_uses_choice_labels(imported):
    data = imported(CASES[1])[0]
    actions = {a for acts in data["states"].values() for a in acts}
    assert {"send1", "send2"} <= actions


def _renamed(data) -> dict:
    """States renamed to their model-order index (what an export/import round trip yields)."""
    index = {s: f"s={i}" for i, s in enumerate(data["states"])}

    def short(outs):
        pairs = outs.items() if isinstance(outs, dict) else ((o["to"], o["p"]) for o in outs)
        return {index[t]: p for t, p in pairs}

    states = {index[s]: {a: short(outs) for a, outs in acts.items()} for s, acts in data["states"].items()}
    return {"states": states, "initial": {index[s]: p for s, p in data["initial"].items()},
            "success": sorted(index[s] for s in data["success"]["states"])}


def _comparable(data) -> dict:
    return {"states": data["states"], "initial": data["initial"], "success": sorted(data["success"]["states"])}


def test_round_trip_import_export_import_is_the_same_exact_model(imported, tmp_path):
    data, model, analysis = imported(CASES[0])
    path = tmp_path / "coin.nm"
    path.write_text(to_prism(model))
    again = import_prism(path, None, "success")
    assert _comparable(again) == _renamed(data)
    assert analyse(load_model(again)).J == analysis.J


def test_round_trip_of_a_hand_made_mdp(tmp_path):
    model = build_model({"s": {"left": {"win": "1/3", "t": "2/3"}, "right": {"t": 1}},
                         "t": {"go": {"win": "1/7", "lose": "5/7", "s": "1/7"}},
                         "win": {}, "lose": {}}, {"s": 1}, success_states=["win"])
    path = tmp_path / "m.nm"
    path.write_text(to_prism(model))
    again = import_prism(path, None, "goal")
    assert _comparable(again) == _renamed(model.to_dict())
    assert again["x-prism"]["model_type"] == "mdp"


def test_dtmc_gets_one_action_step(tmp_path):
    model = build_model({"s": {"go": {"win": "1/3", "s": "2/3"}}, "win": {}}, {"s": 1}, success_states=["win"])
    path = tmp_path / "d.nm"
    text = to_prism(model)
    assert text.splitlines()[model_line(text)] == "dtmc"
    path.write_text(text)
    again = import_prism(path, None, '"success"')
    assert again["states"]["s=0"] == {"step": {"s=1": "1/3", "s=0": "2/3"}} or \
        again["states"]["s=0"] == {"step": {"s=0": "2/3", "s=1": "1/3"}}
    assert analyse(load_model(again)).J == 1


def model_line(text) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if line in ("dtmc", "mdp"))


def test_refusals_name_the_problem(prism_dir, tmp_path):
    with pytest.raises(ModelError, match="undefined constants K"):
        import_prism(prism_dir / "coin2.nm", None, COIN_SUCCESS)
    with pytest.raises(ModelError, match="constants.K"):
        import_prism(prism_dir / "coin2.nm", {"K": "2,N=3"}, COIN_SUCCESS)
    with pytest.raises(ModelError, match="not a state formula"):
        import_prism(prism_dir / "coin2.nm", {"K": 2}, 'P>0.5 [F "finished"]')
    with pytest.raises(ModelError, match="no such PRISM file"):
        import_prism(tmp_path / "missing.nm", None, "goal")


def test_cli_import_check_export(prism_dir, tmp_path, capsys):
    out = tmp_path / "coin.json"
    status = main(["import", "prism", str(prism_dir / "coin2.nm"), "--const", "K=2",
                   "--success", COIN_SUCCESS, "-o", str(out)])
    assert status == 0
    assert main(["check", str(out)]) == 0
    nm = tmp_path / "coin.nm"
    assert main(["export", "prism", str(out), "--induced", "-o", str(nm)]) == 0
    assert "mdp" in nm.read_text().splitlines()
    assert "dtmc" in (tmp_path / "coin.induced.nm").read_text().splitlines()
    capsys.readouterr()
    assert main(["import", "prism", str(prism_dir / "coin2.nm"), "--success", "finished"]) == 2
    assert "undefined constants K" in capsys.readouterr().err
    assert main(["import", "prism", str(prism_dir / "coin2.nm"), "--const", "K=2", "--success", "nolabel"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nolabel" in err


@settings(max_examples=15, deadline=None)
@given(data=model_dicts(max_states=4, max_actions=3, max_outcomes=3))
def test_export_import_preserves_every_success_probability(data, tmp_path_factory):
    """Random MDP → PRISM → Storm → import: V under the same policy is unchanged, state by state."""
    data = dict(data, initial={"s0": "1"})
    model = load_model(data)
    V = analyse(model).V
    path = tmp_path_factory.mktemp("roundtrip") / "m.nm"
    text = to_prism(model)
    path.write_text(text)
    again = import_prism(path, None, "goal")
    names = list(model.states)
    original = {f"s={i}": s for i, s in enumerate(names)}
    kept = {s for s, acts in again["states"].items() if acts}
    if "dtmc" in text.splitlines():  # every state has one action: a DTMC, whose action is "step"
        again["policy"] = "uniform"
        assert all(set(again["states"][s]) == {"step"} for s in kept)
    else:
        again["policy"] = {s: {a: str(p) for a, p in model.policy[original[s]].items()} for s in kept}
        for s in kept:
            assert set(again["states"][s]) == set(model.states[original[s]])
    V_again = analyse(load_model(again)).V
    for s, value in V_again.items():
        assert value == V[original[s]], s
    storm = storm_induced_values(model, tmp_path_factory.mktemp("storm"))
    for s, value in storm.items():
        assert value == V[s], s


def test_several_initial_states_get_the_uniform_distribution(tmp_path):
    model = build_model({"a": {"go": {"w": "1/2", "l": "1/2"}}, "b": {"go": {"w": 1}}, "w": {}, "l": {}},
                        {"a": "1/2", "b": "1/2"}, success_states=["w"])
    path = tmp_path / "two.nm"
    path.write_text(to_prism(model))
    again = import_prism(path, None, "goal")
    assert again["initial"] == {"s=0": "1/2", "s=1": "1/2"}
    assert analyse(load_model(again)).J == analyse(model).J == parse_number("3/4")


def test_a_partially_observable_model_is_refused(tmp_path, capsys):
    path = tmp_path / "pomdp.nm"
    path.write_text("pomdp\nobservables o endobservables\nmodule m\n  s : [0..1] init 0;\n  o : [0..1] init 0;\n"
                    "  [a] s=0 -> 1/2 : (s'=1) + 1/2 : (s'=0);\nendmodule\nlabel \"goal\" = s=1;\n")
    assert main(["import", "prism", str(path), "--success", '"goal"', "-o", "-"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: ") and "POMDP" in err, err


HUGE = """dtmc
module big
  x : [0..2000000000] init 0;
  y : [0..2000000000] init 0;
  [] x < 2000000000 -> 0.5 : (x'=x+1) + 0.5 : (y'=min(y+1, 2000000000));
  [] x = 2000000000 -> true;
endmodule
label "goal" = x = 2000000000;
"""


def test_a_build_that_does_not_end_is_stopped_with_a_clear_error(tmp_path, capsys):
    """Storm would enumerate ~10^18 states; the build runs in a child that --timeout stops."""
    path = tmp_path / "huge.nm"
    path.write_text(HUGE)
    assert main(["import", "prism", str(path), "--success", "goal", "--timeout", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "did not finish building the model within 2 s" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert main(["import", "prism", str(path), "--success", "goal", "--timeout", "-1"]) == 2


def test_the_build_child_keeps_its_own_deadline(tmp_path):
    """Even if the parent is killed and cannot stop it, the child ends itself (SIGALRM) shortly after."""
    import signal
    import subprocess
    import sys

    path = tmp_path / "huge.nm"
    path.write_text(HUGE)
    code = ("import sys; from sc_symbolic.importers.prism import _import_child\n"
            "class Sink:\n    def send(self, message): print(message)\n"
            "_import_child(Sink(), 0.5, (sys.argv[1], [], 'goal'), {})")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGALRM
