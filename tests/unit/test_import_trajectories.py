"""import trajectories: the empirical MDP of docs/math.md §9 from logged episodes (JSON Lines / CSV)."""

import json
from fractions import Fraction

import pytest

from sc_symbolic.cli import main
from sc_symbolic.errors import ModelError
from sc_symbolic.importers.trajectories import import_trajectories
from sc_symbolic.model import load_model


def step(episode, t, s, a, r, s2, **end):
    return {"episode": episode, "t": t, "state": s, "action": a, "reward": r, "next_state": s2, **end}


TWO_EPISODES = [
    step(0, 0, "s0", "a", "0", "s1"), step(0, 1, "s1", "x", "1/2", "G", done=True, success=True),
    step(1, 0, "s0", "b", 0, "s1"), step(1, 1, "s1", "x", 0, "F", done=True, success=False),
    step(2, 0, "s0", "a", "0", "s1"), step(2, 1, "s1", "x", "1/2", "G", done=True, success=True),
]


def write_jsonl(path, steps):
    path.write_text("".join(json.dumps(s) + "\n" for s in steps))
    return path


def test_counts_become_exact_empirical_probabilities(tmp_path):
    data = import_trajectories(write_jsonl(tmp_path / "e.jsonl", TWO_EPISODES))
    model = load_model(data)
    assert data["initial"] == {"s0": "1"}
    assert data["policy"]["s0"] == {"a": "2/3", "b": "1/3"}
    assert data["states"]["s1"]["x"] == [{"to": "G", "p": "2/3", "r": "1/2"}, {"to": "F", "p": "1/3"}]
    assert model.success_states == {"G"} and model.is_terminal("G") and model.is_terminal("F")
    counts = data["x-data"]
    assert (counts["episodes"], counts["successful"], counts["steps"]) == (3, 2, 6)
    assert counts["counts"]["s0"] == {"a": [2, 2], "b": [1, 0]} and counts["counts"]["s1"] == {"x": [3, 2]}


def test_rewards_are_exact_decimals(tmp_path):
    steps = [step(0, 0, "s", "a", 0.1, "G", done=True, success=True),
             step(1, 0, "s", "a", "0.2", "G", done=True, success=True)]
    data = import_trajectories(write_jsonl(tmp_path / "e.jsonl", steps))
    assert sorted(o["r"] for o in data["states"]["s"]["a"]) == ["1/10", "1/5"]


def test_success_states_and_return_threshold_rules(tmp_path):
    path = write_jsonl(tmp_path / "e.jsonl", [{k: v for k, v in s.items() if k != "success"} for s in TWO_EPISODES])
    by_state = import_trajectories(path, success_states=["G"])
    assert by_state["success"] == {"states": ["G"]} and by_state["x-data"]["successful"] == 2
    by_return = import_trajectories(path, return_at_least="1/2")
    assert by_return["success"] == {"return_at_least": "1/2"} and by_return["x-data"]["successful"] == 2
    assert load_model(by_return).threshold == Fraction(1, 2)
    with pytest.raises(ModelError, match="line 2, success: the done step has no success label"):
        import_trajectories(path)


def test_cut_episodes_end_in_their_own_terminal_state(tmp_path):
    steps = [step(0, 0, "s0", "a", 0, "s1", done=True, success=False),
             step(1, 0, "s0", "a", 0, "s1"), step(1, 1, "s1", "a", 0, "G", done=True, success=True)]
    data = import_trajectories(write_jsonl(tmp_path / "e.jsonl", steps))
    assert data["states"]["s0"]["a"] == [{"to": "s1 (failure)", "p": "1/2"}, {"to": "s1", "p": "1/2"}]
    assert data["states"]["s1 (failure)"] == {} and data["success"] == {"states": ["G"]}


def test_csv_with_the_same_columns(tmp_path):
    rows = ["episode,t,state,action,reward,next_state,done,success",
            "0,0,s0,a,0,s1,,", "0,1,s1,x,0.5,G,true,true", "1,0,s0,b,0,s1,false,", "1,1,s1,x,0,F,1,0"]
    path = tmp_path / "e.csv"
    path.write_text("\n".join(rows) + "\n")
    data = import_trajectories(path)
    assert data["states"]["s1"]["x"] == [{"to": "G", "p": "1/2", "r": "1/2"}, {"to": "F", "p": "1/2"}]
    assert data["x-data"]["counts"]["s0"] == {"a": [1, 1], "b": [1, 0]}


BAD = [
    ("unknown column", [dict(step(0, 0, "s", "a", 0, "G", done=True, success=True), colour="red")],
     "line 1, 'colour': unknown column"),
    ("missing column", [{k: v for k, v in step(0, 0, "s", "a", 0, "G", done=True, success=True).items()
                         if k != "reward"}], "line 1, reward: missing column"),
    ("next_state mismatch", [step(0, 0, "s", "a", 0, "u"), step(0, 1, "v", "a", 0, "G", done=True, success=True)],
     "line 2, state: state 'v' is not the previous step's next_state 'u' (episode '0', step 1)"),
    ("non-numeric reward", [step(0, 0, "s", "a", "lots", "G", done=True, success=True)],
     "line 1, reward: 'lots' is not a number"),
    ("non-finite reward", [step(0, 0, "s", "a", "inf", "G", done=True, success=True)], "line 1, reward"),
    ("boolean reward", [step(0, 0, "s", "a", True, "G", done=True, success=True)], "line 1, reward"),
    ("no done", [step(0, 0, "s", "a", 0, "u"), step(1, 0, "s", "a", 0, "G", done=True, success=True)],
     "line 2, episode: episode '0' (from line 1) has no done step"),
    ("no done at the end", [step(0, 0, "s", "a", 0, "G", done=True, success=True), step(1, 0, "s", "a", 0, "u")],
     "episode '1' (from line 2) has no done step"),
    ("no success", [step(0, 0, "s", "a", 0, "G", done=True, success=False)], "none of the 1 episodes succeeded"),
    ("empty", [], "no steps"),
    ("t gap", [step(0, 0, "s", "a", 0, "u"), step(0, 2, "u", "a", 0, "G", done=True, success=True)],
     "line 2, t: t = 2 after t = 0"),
    ("float state", [step(0, 0, 1.5, "a", 0, "G", done=True, success=True)], "line 1, state"),
    ("after done", [step(0, 0, "s", "a", 0, "G", done=True, success=True), step(0, 1, "G", "a", 0, "G", done=True,
                                                                           success=True)],
     "line 2, episode: a step of episode '0' after its done step"),
]


@pytest.mark.parametrize("name, steps, message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_naming_the_line_and_exit_2(tmp_path, capsys, name, steps, message):
    path = write_jsonl(tmp_path / "e.jsonl", steps)
    out = tmp_path / "out.json"
    out.write_text("previous")
    assert main(["import", "trajectories", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err, err
    assert out.read_text() == "previous"  # nothing half-written, OUT untouched


@pytest.mark.parametrize("text, message", [
    ('{"episode": 0, "state": "s", "action": "a", "reward": NaN, "next_state": "G", "done": true}\n', "line 1"),
    ('{"episode": 0, "episode": 1}\n', "line 1, 'episode': duplicate key"),
    ('[1, 2]\n', "line 1: a JSON list, not an object"),
    ('{"episode": 0,\n', "line 1: not valid JSON"),
    ("\ufeff{}\n".encode("utf-8")[:2].decode("latin-1") + "\n", "line 1"),
])
def test_malformed_lines(tmp_path, capsys, text, message):
    path = tmp_path / "e.jsonl"
    path.write_text(text, encoding="latin-1" if "\u00ef" in text else "utf-8")
    assert main(["import", "trajectories", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


def test_a_million_lines_with_an_error_on_the_last_names_it(tmp_path, capsys):
    good = "".join(json.dumps(step(e, 0, "s", "a", 0, "G", done=True, success=e % 2 == 0)) + "\n"
                   for e in range(2))
    path = tmp_path / "big.jsonl"
    line = json.dumps(step(7, 0, "s", "a", 0, "G", done=True, success=True)) + "\n"
    with open(path, "w") as handle:
        handle.write(good)
        for e in range(2, 1_000_000 - 1, 50_000):
            handle.write("".join(line.replace('"episode": 7', f'"episode": {k}') for k in range(e, min(e + 50_000, 999_999))))
        handle.write(json.dumps(step(10**6, 0, "s", "a", "1/0", "G", done=True, success=True)) + "\n")
    assert main(["import", "trajectories", str(path), "-o", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err
    assert "line 1000000, reward" in err and err.count("\n") == 1
    assert not (tmp_path / "out.json").exists()


def test_overlong_line_is_refused_before_parsing(tmp_path, capsys):
    path = tmp_path / "e.jsonl"
    path.write_text('{"episode": "' + "x" * 100_000 + '"}\n')
    assert main(["import", "trajectories", str(path)]) == 2
    assert "line 1: longer than" in capsys.readouterr().err


def test_cli_writes_the_model_atomically_and_check_verifies_it(tmp_path, capsys):
    path = write_jsonl(tmp_path / "e.jsonl", TWO_EPISODES)
    out = tmp_path / "model.json"
    assert main(["import", "trajectories", str(path), "-o", str(out)]) == 0
    assert "3 episodes (2 successful), 6 steps" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sc-symbolic-")] == []
    assert main(["check", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verified"] is True


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
def test_output_that_is_not_a_regular_file_is_refused_and_left_alone(tmp_path, capsys, kind):
    import os

    path = write_jsonl(tmp_path / "e.jsonl", TWO_EPISODES)
    out, target = tmp_path / "out.json", tmp_path / "target.json"
    if kind == "symlink":
        os.symlink(target, out)
    elif kind == "fifo":
        os.mkfifo(out)
    else:
        out.mkdir()
    assert main(["import", "trajectories", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "-o: cannot write" in err
    assert not target.exists() and os.path.lexists(out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sc-symbolic-")] == []


@pytest.mark.parametrize("rows, message", [
    (["episode,state,action,reward,next_state,colour", "0,s,a,0,G,red"], "line 1, column 'colour': unknown column"),
    (["episode,state,action,next_state,done,success", "0,s,a,G,true,true"], "line 2, reward: missing column"),
    (["episode,state,action,reward,next_state,done,success", "0,s,a,0,G,yes,true"], "line 2, done: 'yes'"),
    (["episode,t,state,action,reward,next_state,done,success", "0,-1,s,a,0,G,true,true"], "line 2, t:"),
    (["episode,state,action,reward,next_state,done,success", "0,s,a,0,G,true"], "line 2: 6 fields"),
    (["episode,state,action,reward,next_state,done,success", "0,s,a,nan,G,true,true"], "line 2, reward"),
    (["episode,state,state,action,reward,next_state", "0,s,s,a,0,G"], "line 1: a column is named twice"),
])
def test_bad_csv(tmp_path, capsys, rows, message):
    path = tmp_path / "e.csv"
    path.write_text("\n".join(rows) + "\n")
    assert main(["import", "trajectories", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


def test_counts_keep_distinct_transitions_not_steps():
    from sc_symbolic.importers.trajectories import EmpiricalCounts
    counter = EmpiricalCounts(("states", frozenset({"G"})))
    for e in range(5_000):
        for t in range(3):
            counter.add({"episode": e, "t": t, "state": "s" if t == 0 else "u", "action": "a", "reward": 0,
                         "next_state": "u" if t < 2 else ("G" if e % 3 else "F"), "done": t == 2}, 3 * e + t + 1)
    assert counter.steps == 15_000 and len(counter.transitions) == 4 and counter._local == {}
    assert counter.transitions[("u", "a", "G", 0, True)] == [3_333, 3_333]


def test_import_minari_without_minari_is_one_line(monkeypatch, capsys):
    import sys
    monkeypatch.setitem(sys.modules, "minari", None)
    assert main(["import", "minari", "some/dataset-v0", "--return-at-least", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not installed: pip install \"sc-symbolic[minari]\"" in err


def test_success_options_exclude_each_other(tmp_path, capsys):
    path = write_jsonl(tmp_path / "e.jsonl", TWO_EPISODES)
    with pytest.raises(SystemExit) as exit_status:
        main(["import", "trajectories", str(path), "--success-states", "G", "--return-at-least", "1"])
    assert exit_status.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_csv_from_a_spreadsheet_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes("\ufeffepisode,state,action,reward,next_state,done,success\r\n0,s,a,1,G,true,true\r\n".encode())
    assert import_trajectories(path)["x-data"]["successful"] == 1


def _primes(count):
    found, n = [], 2
    while len(found) < count:
        if all(n % p for p in found if p * p <= n):
            found.append(n)
        n += 1
    return found


def test_distinct_reward_values_are_bounded_in_bits(tmp_path, capsys, monkeypatch):
    """A hostile log of huge distinct rewards is refused at the line that crosses the bound (gap 9);
    repeated rewards cost nothing and share one exact object."""
    from sc_symbolic.importers import trajectories

    monkeypatch.setattr(trajectories, "MAX_REWARD_BITS", 250_000)
    huge = ["9" * 9_000 + str(e) for e in range(10)]  # ~29,900 bits each
    steps = [step(e, 0, "s", "a", huge[e], "G", done=True, success=True) for e in range(10)]
    path = write_jsonl(tmp_path / "e.jsonl", steps)
    assert main(["import", "trajectories", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == "error: " + str(path) + ": line 9, reward: distinct rewards need more than 250000 bits " \
        "(see docs/limits.md)\n", err
    repeated = write_jsonl(tmp_path / "r.jsonl", [step(e, 0, "s", "a", huge[0], "G", done=True, success=True)
                                                   for e in range(100)])
    data = import_trajectories(repeated)
    assert data["states"]["s"]["a"][0]["r"] == huge[0]
    counter = trajectories.EmpiricalCounts()
    for e in range(3):
        counter.add(step(e, 0, "s", "a", "7/3", "G", done=True, success=True), e + 1)
    assert len(counter._rewards) == 1 and counter._reward_bits == 5


def test_an_episode_return_is_bounded_in_bits(tmp_path, capsys):
    """Rewards 1/p over distinct primes make the exact return grow by a factor p per step: refused
    under the return rule, naming the episode and the step; the other rules never sum rewards."""
    from sc_symbolic.importers.trajectories import MAX_RETURN_BITS

    primes = _primes(12_000)
    steps = [step(0, t, "s", "a", f"1/{p}", "s", done=t == len(primes) - 1) for t, p in enumerate(primes)]
    path = write_jsonl(tmp_path / "e.jsonl", steps)
    assert main(["import", "trajectories", str(path), "--return-at-least", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: " + str(path) + ": line ") and err.count("\n") == 1
    assert f"line {len(primes)}, reward: the return of episode '0' needs more than {MAX_RETURN_BITS} bits " \
        f"({len(primes)} steps)" in err, err
    assert import_trajectories(path, success_states=["s"])["x-data"]["episodes"] == 1


def test_the_return_sums_distinct_steps_exactly(tmp_path):
    """G = Σ n·r over an episode's distinct steps: long episodes of repeated tiny rewards decide the
    return rule exactly (G = 1e-9999 > 0 here, G = 0 in the second episode)."""
    steps, line = [], 0
    for e, extra in ((0, ["1e-9999"]), (1, [])):
        rewards = ["1e-9999", "-1e-9999"] * 2_000 + extra + ["0"]
        steps += [step(e, t, "s", "a", r, "s" if t < len(rewards) - 1 else "G", done=t == len(rewards) - 1)
                  for t, r in enumerate(rewards)]
    data = import_trajectories(write_jsonl(tmp_path / "e.jsonl", steps), return_at_least="1e-9999")
    assert data["x-data"]["episodes"] == 2 and data["x-data"]["successful"] == 1


def test_distinct_transitions_are_bounded_inside_one_episode(tmp_path, capsys, monkeypatch):
    """A single never-ending episode of new steps is refused when it crosses MAX_TRANSITIONS, not at
    its done line (it held every new key in memory until then)."""
    from sc_symbolic.importers import trajectories

    monkeypatch.setattr(trajectories, "MAX_TRANSITIONS", 1_000)
    steps = [step(0, t, "s", "a", str(t), "s", done=t == 4_999) for t in range(5_000)]
    path = write_jsonl(tmp_path / "e.jsonl", steps)
    assert main(["import", "trajectories", str(path), "--success-states", "s"]) == 2
    assert capsys.readouterr().err == f"error: {path}: line 1001: more than 1000 distinct transitions " \
        "(see docs/limits.md)\n"
    repeated = write_jsonl(tmp_path / "r.jsonl", [step(0, t, "s", "a", str(t % 999), "s", done=t == 4_999)
                                                   for t in range(5_000)])
    assert len(import_trajectories(repeated, success_states=["s"])["states"]["s"]["a"]) == 1_000
