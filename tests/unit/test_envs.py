from fractions import Fraction

import numpy as np
import pytest

from sc_symbolic.envs import _row, draw
from sc_symbolic.model import Outcome

gym = pytest.importorskip("gymnasium")


def test_draw_maps_integers_to_outcomes_exactly_per_counts():
    d, cum, _ = _row([Outcome("a", Fraction(1, 3), 0), Outcome("b", Fraction(1, 2), 0),
                      Outcome("c", Fraction(1, 6), 0)], {"a": 0, "b": 1, "c": 2})
    assert d == 6

    class Fixed:
        def __init__(self, u):
            self.u = u

        def integers(self, lo, hi):
            return self.u
    hits = [draw(Fixed(u), d, cum) for u in range(d)]
    assert [hits.count(k) for k in range(3)] == [2, 3, 1]


def test_passes_gymnasium_env_checker_and_truncates_at_horizon():
    from gymnasium.utils.env_checker import check_env

    from sc_symbolic.envs import make_model_env
    from sc_symbolic.model import load_model_file
    check_env(make_model_env(load_model_file("examples/gridworld.json")), skip_render_check=True)
    env = make_model_env(load_model_file("examples/finite_horizon.json"))
    h = env.model.horizon
    assert h is not None
    obs, info = env.reset(seed=0)
    for t in range(1, h + 1):
        obs, r, term, trunc, info = env.step(info["valid_actions"][0])
        if term:
            assert not trunc
            break
        assert trunc == (t == h)
    bad = next(j for j in range(env.action_space.n) if j not in info["valid_actions"]) if len(info["valid_actions"]) < env.action_space.n else None
    if bad is not None and not term:
        assert env.step(bad)[4]["invalid_action"] is True


def test_gymnasium_make_builds_a_model_env_from_a_file():
    from sc_symbolic.envs import register
    env = gym.make(register(), model_file="examples/gridworld.json")
    obs, info = env.reset(seed=3)
    assert env.unwrapped.state_names[obs] in env.unwrapped.model.initial_support


def test_model_env_is_an_importable_gymnasium_env_class():
    from sc_symbolic.envs import ModelEnv, make_model_env
    env = ModelEnv("examples/gridworld.json")
    assert isinstance(env, gym.Env) and type(make_model_env("examples/gridworld.json")) is ModelEnv
    assert ModelEnv.__module__ == "sc_symbolic.envs"


def test_index_maps_equal_the_exact_reference_maps():
    from sc_symbolic.envs import ModelEnv
    from sc_symbolic.reference import exact_reference
    for path in ("examples/gridworld.json", "examples/finite_horizon.json", "examples/three_armed_bandit.json",
                 "examples/threshold_misalignment.json"):
        env, ref = ModelEnv(path), exact_reference(path)
        assert tuple(env.state_names) == ref.states and tuple(env.action_names) == ref.actions
        assert env.observation_space.n == len(ref.states) and env.action_space.n == len(ref.actions)


def test_huge_denominators_are_drawn_exactly_by_rejection():
    from sc_symbolic.envs import MAX_NUMPY_DRAW, uniform_below
    rng = np.random.default_rng(0)
    d = 3 * MAX_NUMPY_DRAW * MAX_NUMPY_DRAW + 1
    draws = [uniform_below(rng, d) for _ in range(2000)]
    assert all(0 <= u < d for u in draws) and max(draws) > d // 2 > min(draws)
    assert [uniform_below(rng, 3) for _ in range(300)].count(2) > 50


def test_model_with_huge_denominators_samples_every_outcome():
    from sc_symbolic.envs import ModelEnv
    big = 10**40
    model = {"format": "sc-symbolic/mdp-1", "initial": {"s": "1"}, "policy": "uniform",
             "states": {"s": {"go": [{"to": "win", "p": f"1/{big}", "r": "1"},
                                     {"to": "lose", "p": f"{big - 1}/{big}"}],
                              "safe": {"win": "1/2", "lose": "1/2"}},
                        "win": {}, "lose": {}},
             "success": {"states": ["win"]}}
    env = ModelEnv(model)
    env.reset(seed=1)
    go = env.action_names.index("go")
    seen = set()
    for _ in range(50):
        env.reset()
        obs, r, term, trunc, info = env.step(go)
        seen.add(env.state_names[obs])
        assert term and info["success"] == (env.state_names[obs] == "win")
    assert seen == {"lose"}


def test_success_of_a_return_threshold_model_is_the_return_reaching_tau():
    from sc_symbolic.envs import ModelEnv
    env = ModelEnv("examples/threshold_misalignment.json")
    env.reset(seed=5)
    lottery = env.action_names.index("lottery")
    outcomes = set()
    for _ in range(60):
        env.reset()
        obs, reward, terminated, truncated, info = env.step(lottery)
        assert terminated and not truncated and info["return"] == reward
        assert info["success"] == (reward >= 1)
        outcomes.add(reward)
    assert outcomes == {0.0, 4.0}
