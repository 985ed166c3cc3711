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
