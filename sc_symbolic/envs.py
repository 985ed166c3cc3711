"""A numeric model as a Gymnasium environment, sampled exactly in law.

Index maps: observation ``i`` is ``ModelEnv.state_names[i]`` (model order),
action ``j`` is ``ModelEnv.action_names[j]`` (first-seen order over states).
A row ``(s, a)`` with outcomes ``p_k = n_k / D`` (``D`` the common
denominator) is sampled by drawing ``u`` uniform in ``{0, …, D−1}`` from the
seeded ``np_random`` and returning the outcome ``k`` with
``n_1 + … + n_{k−1} ≤ u < n_1 + … + n_k``: P(k) = n_k / D exactly, no float
comparison.  An action not in ``A(s)`` (or any action in a terminal state)
is a no-op: the state stays, reward 0, ``info["invalid_action"] = True``
(``info["valid_actions"]`` lists the valid indices).  With a horizon ``H``,
step ``H`` in a non-terminal state returns ``truncated=True``.
gymnasium is imported inside (extra ``gym``).
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm


def _gym():
    try:
        import gymnasium
    except ImportError:
        raise ImportError("ModelEnv needs gymnasium: pip install 'sc-symbolic[gym]'") from None
    return gymnasium


def _row(outcomes, index):
    """(D, cumulative counts, outcomes) of one row; probabilities must be exact numbers."""
    probs = [Fraction(o.p) for o in outcomes]
    d = lcm(*(p.denominator for p in probs))
    cum, total = [], 0
    for p in probs:
        total += p.numerator * (d // p.denominator)
        cum.append(total)
    return d, cum, [(index[o.to], o) for o in outcomes]


def draw(rng, d: int, cum: list) -> int:
    """Index k of the outcome hit by an integer u < d drawn from ``rng``."""
    u = int(rng.integers(0, d))
    for k, c in enumerate(cum):
        if u < c:
            return k
    raise AssertionError("cumulative counts must end at the denominator")


def make_model_env(model, render_mode=None):
    gym = _gym()
    from gymnasium import spaces

    class ModelEnv(gym.Env):
        metadata = {"render_modes": []}

        def __init__(self):
            self.model = model
            self.state_names = list(model.states)
            self.action_names = list(dict.fromkeys(a for acts in model.states.values() for a in acts))
            self._s = {s: i for i, s in enumerate(self.state_names)}
            self._a = {a: j for j, a in enumerate(self.action_names)}
            self.observation_space = spaces.Discrete(len(self.state_names))
            self.action_space = spaces.Discrete(len(self.action_names))
            self._rows = {(self._s[s], self._a[a]): _row(outs, self._s)
                          for s, acts in model.states.items() for a, outs in acts.items()}
            self._init = _row([type("O", (), {"p": p, "to": s})() for s, p in model.initial.items()], self._s)
            self.P = {self._s[s]: {self._a[a]: [(float(Fraction(o.p)), self._s[o.to], float(Fraction(o.r)),
                                                 model.is_terminal(o.to)) for o in outs]
                                   for a, outs in acts.items()} for s, acts in model.states.items()}
            self._state = None

        def _info(self):
            s = self.state_names[self._state]
            done = self.model.is_terminal(s)
            success = done and (self.model.success_states is not None and s in self.model.success_states
                                or self.model.threshold is not None and self._ret >= Fraction(self.model.threshold))
            return {"success": bool(success), "return": float(self._ret),
                    "valid_actions": [self._a[a] for a in self.model.states[s]]}

        def reset(self, *, seed=None, options=None):
            super().reset(seed=seed)
            d, cum, outs = self._init
            self._state = outs[draw(self.np_random, d, cum)][0]
            self._ret, self._t = Fraction(0), 0
            return self._state, self._info()

        def step(self, action):
            key = (self._state, int(action))
            if key not in self._rows:
                self._t += 1
                terminated = self.model.is_terminal(self.state_names[self._state])
                h = self.model.horizon
                info = {**self._info(), "invalid_action": True}
                return self._state, 0.0, terminated, (not terminated) and h is not None and self._t >= h, info
            d, cum, outs = self._rows[key]
            nxt, o = outs[draw(self.np_random, d, cum)]
            self._state, self._t = nxt, self._t + 1
            self._ret += Fraction(o.r)
            terminated = self.model.is_terminal(self.state_names[nxt])
            h = self.model.horizon
            truncated = (not terminated) and h is not None and self._t >= h
            return nxt, float(Fraction(o.r)), terminated, truncated, self._info()

    return ModelEnv()


ENV_ID = "sc_symbolic/Model-v0"


def env_from_file(model_file, render_mode=None):
    """The ModelEnv of a numeric model file (entry point of ``ENV_ID``)."""
    from .model import load_model_file
    return make_model_env(load_model_file(model_file), render_mode=render_mode)


def register() -> str:
    """Register ``ENV_ID`` so ``gymnasium.make(ENV_ID, model_file=PATH)`` builds a ModelEnv; returns the id."""
    gym = _gym()
    if ENV_ID not in gym.registry:
        gym.register(id=ENV_ID, entry_point="sc_symbolic.envs:env_from_file", disable_env_checker=True)
    return ENV_ID
