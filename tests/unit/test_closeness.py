"""assert_close: passes within tolerance, fails naming quantity/state/action/values, dumps a replayable model."""

import json
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")

from sc_symbolic.cli import main  # noqa: E402
from sc_symbolic.closeness import ReferenceMismatch, assert_close, dump_model, failure_dir  # noqa: E402
from sc_symbolic.reference import exact_reference  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BANDIT = {"format": "sc-symbolic/mdp-1", "name": "bandit", "initial": {"s": "1"}, "policy": "uniform",
          "states": {"s": {"a": {"win": "1/2", "lose": "1/2"}, "b": {"win": 1}}, "win": {}, "lose": {}},
          "success": {"states": ["win"]}}


def test_the_float_view_passes_and_nan_at_undefined_entries_is_ignored(tmp_path):
    ref = exact_reference(EXAMPLES / "finite_horizon.json")
    assert assert_close(ref.floats(), ref, directory=tmp_path) is ref
    assert not list(tmp_path.iterdir())


def test_a_wrong_entry_is_named_with_both_values_and_the_replay_command(tmp_path, capsys):
    ref = exact_reference(EXAMPLES / "finite_horizon.json")
    pi_plus = ref.floats()["pi_plus"]
    pi_plus[2, ref.states.index("c1"), ref.actions.index("dash")] += 0.01
    with pytest.raises(ReferenceMismatch) as info:
        assert_close(pi_plus, ref, "pi_plus", atol=1e-3, directory=tmp_path)
    message = str(info.value)
    assert "pi_plus[t=2, state c1, action dash]" in message
    exact = ref["pi_plus"][2, ref.states.index("c1"), ref.actions.index("dash")]
    assert f"vs exact {exact} (≈ {float(exact)!r})" in message
    assert len(info.value.mismatches) == 1
    path = info.value.path
    assert path.parent == tmp_path and f"replay: sc-symbolic check {path}" in message
    assert main(["check", str(path)]) == 0  # the dumped model replays: the claims hold on it
    assert json.loads(path.read_text())["horizon"] == 4


def test_dicts_by_name_missing_values_and_nan_fail(tmp_path):
    ref = exact_reference(BANDIT)
    assert_close({"s": {"a": 1 / 3, "b": 2 / 3}}, ref, "pi_plus", directory=tmp_path)
    with pytest.raises(ReferenceMismatch, match=r"pi_plus\[state s, action b\]: actual nan"):
        assert_close({"s": {"a": 1 / 3}}, ref, "pi_plus", directory=tmp_path)
    with pytest.raises(AssertionError, match="unknown action 'c'"):
        assert_close({"s": {"c": 1.0}}, ref, "pi_plus", directory=tmp_path)
    with pytest.raises(ReferenceMismatch, match=r"J: actual 0.7 vs exact 3/4"):
        assert_close({"J": 0.7}, ref, directory=tmp_path)
    with pytest.raises(AssertionError, match=r"shape \(2,\), but the reference has shape \(3,\)"):
        assert_close([0.75, 1.0], ref, "V", directory=tmp_path)
    with pytest.raises(KeyError, match="unknown quantity"):
        assert_close({"W": 1.0}, ref)


def test_per_entry_tolerances_broadcast(tmp_path):
    ref = exact_reference(BANDIT)
    noisy = np.array([[0.30, 0.70], [np.nan, np.nan], [np.nan, np.nan]])
    assert_close(noisy, ref, "pi_plus", atol=np.array([[0.05], [0], [0]]), directory=tmp_path)
    with pytest.raises(ReferenceMismatch, match="atol=per entry"):
        assert_close(noisy, ref, "pi_plus", atol=np.array([[0.01], [0], [0]]), directory=tmp_path)


def test_infinite_visits_must_be_inf(tmp_path):
    loop = {"format": "sc-symbolic/mdp-1", "initial": {"s": 1}, "policy": "uniform", "success": {"states": ["g"]},
            "states": {"s": {"go": {"g": "1/2", "t": "1/2"}}, "t": {"stay": {"t": 1}}, "g": {}}}
    eta = exact_reference(loop).floats()["eta"]
    assert_close(eta, loop, "eta", directory=tmp_path)
    eta[1] = 1e300
    with pytest.raises(ReferenceMismatch, match="vs exact ∞"):
        assert_close(eta, loop, "eta", directory=tmp_path)


def test_failure_dir_defaults_and_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("SC_SYMBOLIC_FAILURES", raising=False)
    assert failure_dir() == Path(".sc_symbolic_failures")
    monkeypatch.setenv("SC_SYMBOLIC_FAILURES", str(tmp_path / "here"))
    path = dump_model(exact_reference(BANDIT).model)
    assert path.parent == tmp_path / "here" and path.name.startswith("bandit-")
    assert dump_model(exact_reference(BANDIT).model) == path  # named by content: one file per model
