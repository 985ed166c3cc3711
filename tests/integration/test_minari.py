"""import minari: a FrozenLake dataset made locally with Minari's DataCollector (no download)."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from optional import requires_minari  # noqa: E402

from sc_symbolic.cli import main  # noqa: E402

pytestmark = [requires_minari, pytest.mark.filterwarnings("ignore::UserWarning")]


@pytest.fixture(scope="module")
def lake_dataset(tmp_path_factory):
    """40 episodes of a random policy on FrozenLake 4x4 (not slippery), in a private Minari store."""
    import os

    import gymnasium as gym
    import minari

    store = tmp_path_factory.mktemp("minari")
    old = os.environ.get("MINARI_DATASETS_PATH")
    os.environ["MINARI_DATASETS_PATH"] = str(store)
    env = minari.DataCollector(gym.make("FrozenLake-v1", map_name="4x4", is_slippery=False), record_infos=False)
    env.action_space.seed(3)
    episodes, successes = [], 0
    for e in range(40):
        obs, _ = env.reset(seed=e)
        steps, done = [], False
        while not done:
            action = env.action_space.sample() if e % 4 else [2, 2, 1, 1, 1, 2][len(steps)]
            nxt, r, term, trunc, _ = env.step(action)
            steps.append((int(obs), int(action), r, int(nxt)))
            obs, done = nxt, term or trunc
        successes += r > 0
        episodes.append(steps)
    env.create_dataset(dataset_id="sc_symbolic/frozenlake-test-v0", algorithm_name="random and a fixed path",
                       description="sc-symbolic test data")
    yield "sc_symbolic/frozenlake-test-v0", episodes, successes
    if old is None:
        del os.environ["MINARI_DATASETS_PATH"]
    else:
        os.environ["MINARI_DATASETS_PATH"] = old


def test_minari_dataset_becomes_the_same_empirical_mdp_as_its_logged_steps(lake_dataset, tmp_path, capsys):
    dataset, episodes, successes = lake_dataset
    out = tmp_path / "lake.json"
    assert main(["import", "minari", dataset, "--return-at-least", "1", "-o", str(out)]) == 0
    model = json.loads(out.read_text())
    assert model["x-data"]["episodes"] == 40 and model["x-data"]["successful"] == successes >= 10
    assert model["x-data"]["steps"] == sum(len(e) for e in episodes)
    logged = tmp_path / "lake.jsonl"
    logged.write_text("".join(json.dumps({"episode": e, "t": t, "state": s, "action": a, "reward": repr(r),
                                          "next_state": s2, "done": t == len(steps) - 1}) + "\n"
                              for e, steps in enumerate(episodes) for t, (s, a, r, s2) in enumerate(steps)))
    again = tmp_path / "again.json"
    assert main(["import", "trajectories", str(logged), "--return-at-least", "1", "-o", str(again)]) == 0
    assert json.loads(again.read_text())["states"] == model["states"]
    assert main(["check", str(out)]) == 0


def test_minari_needs_a_success_rule_and_a_local_dataset(lake_dataset, capsys):
    dataset, _, _ = lake_dataset
    assert main(["import", "minari", dataset]) == 2
    assert "no success rule given" in capsys.readouterr().err
    assert main(["import", "minari", "nobody/nothing-v0", "--success-states", "15"]) == 2
    err = capsys.readouterr().err
    assert "cannot load" in err and err.count("\n") == 1
