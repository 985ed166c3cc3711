"""The report's data section: π̂_filt vs π⁺ vs π̄ on an imported empirical model, and refusals of x-data."""

import json

import pytest

from sc_symbolic.cli import main


def steps(*episodes):
    lines = []
    for e, episode in enumerate(episodes):
        for t, (s, a, s2) in enumerate(episode[:-1]):
            lines.append({"episode": e, "t": t, "state": s, "action": a, "reward": "0", "next_state": s2})
        lines[-1].update(done=True, success=episode[-1])
    return "".join(json.dumps(line) + "\n" for line in lines)


#: Two steps: which first action led to success is forgotten at s1, where the futures pool.
POOLED = steps([("s0", "a", "s1"), ("s1", "x", "G"), True], [("s0", "b", "s1"), ("s1", "x", "F"), False])


@pytest.fixture
def empirical(tmp_path, capsys):
    def make(text, *options):
        (tmp_path / "e.jsonl").write_text(text)
        out = tmp_path / "m.json"
        assert main(["import", "trajectories", str(tmp_path / "e.jsonl"), "-o", str(out), *options]) == 0
        capsys.readouterr()
        return out
    return make


def report(capsys, *argv):
    status = main(["check", *map(str, argv), "--json"])
    return status, json.loads(capsys.readouterr().out)


def test_two_step_data_filtered_imitation_differs_from_pi_plus_exactly(empirical, capsys):
    status, out = report(capsys, empirical(POOLED))
    assert status == 0 and out["verified"]
    row = out["data"]["states"]["s0"]
    assert row["pi_filt"] == {"a": "1", "b": "0"} and row["pi_plus"] == {"a": "1/2", "b": "1/2"}
    assert row["filt_minus_plus"] == {"a": "1/2", "b": "-1/2"}
    assert row["coincide"] == {"filt_plus": False, "filt_markov": False, "plus_markov": True}
    assert out["data"]["max_abs_difference"] == {"filt_plus": "1/2", "filt_markov": "1/2"}
    assert out["data"]["coincide"]["filt_plus"] is False
    assert (row["n"], row["n_success"]) == (2, 1)


def test_report_with_data_validates_against_the_schema(empirical, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    from importlib.resources import files
    schema = json.loads(files("sc_symbolic").joinpath("schemas/report-1.schema.json").read_text())
    _, out = report(capsys, empirical(POOLED))
    jsonschema.validate(out, schema)
    model_schema = json.loads(files("sc_symbolic").joinpath("schemas/mdp-1.schema.json").read_text())
    jsonschema.validate(json.loads(empirical(POOLED).read_text()), model_schema)


def test_text_report_has_a_data_line(empirical, capsys):
    assert main(["check", str(empirical(POOLED))]) == 0
    assert "data: 2 episodes (1 successful), 4 steps;  filtered imitation vs pi+: differ (max |diff| 1/2)" \
        in capsys.readouterr().out


def test_another_policy_or_success_drops_the_section_with_a_note(empirical, capsys):
    model = empirical(POOLED)
    _, out = report(capsys, model, "--policy", "uniform")
    assert "data" in out  # s1 has one action, s0 was 1/2–1/2 already: uniform is the data's policy
    policy = model.parent / "p.json"
    policy.write_text(json.dumps({"s0": {"a": "1/3", "b": "2/3"}, "s1": {"x": "1"}}))
    _, out = report(capsys, model, "--policy", policy)
    assert "data" not in out and any("pi(a|s0) is not n(s0,a)/n(s0) = 1/2" in n for n in out["notes"])
    _, out = report(capsys, model, "--threshold", "1")
    assert "data" not in out and any("return threshold" in n for n in out["notes"])


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["counts"]["s0"].update(a=[1, 2]), "x-data.counts.s0.'a': n_Y = 2 > n = 1"),
    (lambda d: d["counts"].update(zz={"a": [1, 0]}), "x-data.counts.'zz': not a non-terminal state"),
    (lambda d: d.update(format="other"), "x-data.format"),
    (lambda d: d.update(steps=5), "x-data.steps: 5 steps, the counts hold 4"),
    (lambda d: d.update(episodes=True), "x-data.episodes"),
    (lambda d: d.pop("initial"), "x-data: holds"),
    (lambda d: d["initial"].update(s0=3), "x-data.initial: 3 episode starts, 2 episodes"),
])
def test_malformed_x_data_is_refused_naming_the_field(empirical, capsys, edit, message):
    path = empirical(POOLED)
    model = json.loads(path.read_text())
    edit(model["x-data"])
    path.write_text(json.dumps(model))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


def test_hand_edited_policy_is_not_the_datas(empirical, capsys):
    path = empirical(POOLED)
    model = json.loads(path.read_text())
    model["policy"]["s0"] = {"a": "1/4", "b": "3/4"}
    path.write_text(json.dumps(model))
    _, out = report(capsys, path)
    assert "data" not in out and any("is not n(s0,a)/n(s0) = 1/2" in n for n in out["notes"])


def test_return_threshold_empirical_model_reports_pi_bar(empirical, capsys):
    text = "".join(json.dumps(s) + "\n" for s in [
        {"episode": 0, "state": "s", "action": "safe", "reward": 1, "next_state": "end", "done": True},
        {"episode": 1, "state": "s", "action": "risky", "reward": 0, "next_state": "m"},
        {"episode": 1, "state": "m", "action": "go", "reward": 2, "next_state": "end", "done": True},
        {"episode": 2, "state": "s", "action": "risky", "reward": 0, "next_state": "m"},
        {"episode": 2, "state": "m", "action": "go", "reward": 0, "next_state": "end", "done": True}])
    _, out = report(capsys, empirical(text, "--return-at-least", "1"))
    data = out["data"]
    assert data["pi_plus_per_state"] is False and data["states"]["s"]["pi_plus"] is None
    assert data["states"]["s"]["pi_filt"] == {"safe": "1/2", "risky": "1/2"}
    assert data["states"]["s"]["pi_markov"] == {"safe": "1/2", "risky": "1/2"}
    assert out["verified"]
