"""A numeric model as a Gymnasium environment, sampled exactly in law (docs/envs.md).

``ModelEnv(model)`` (extra ``gym``; ``from sc_symbolic.envs import ModelEnv``) is a
``gymnasium.Env`` with ``Discrete`` spaces.  Index maps (shared with
``reference.exact_reference``): observation ``i`` is ``env.state_names[i]`` (model
order), action ``j`` is ``env.action_names[j]`` (``model.action_order``: first-seen
order over states).

A row ``(s, a)`` with outcomes ``p_k = n_k / D`` (``D`` the common denominator) is
sampled by drawing ``u`` uniform in ``{0, …, D−1}`` from the seeded ``np_random``
and returning the outcome ``k`` with ``n_1 + … + n_{k−1} ≤ u < n_1 + … + n_k``:
P(k) = n_k / D exactly, no float comparison (``D ≥ 2⁶²``: uniform by rejection on
random bytes).  An action not in ``A(s)`` (or any action in a terminal state) is a
no-op: the state stays, reward 0, ``info["invalid_action"] = True``
(``info["valid_actions"]`` lists the valid indices).  With a horizon ``H``, step
``H`` in a non-terminal state returns ``truncated=True``.  gymnasium is imported on
first use of ``ModelEnv`` (module ``__getattr__``), never at import time.
"""

from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction
from math import lcm

#: Largest denominator drawn with one ``Generator.integers`` call (int64 bounds).
MAX_NUMPY_DRAW = 1 << 62


def _gym():
    from .optional_deps import require

    return require("gymnasium", "ModelEnv")


def _row(outcomes, index):
    """(D, cumulative counts, [(next index, outcome)]) of one row; probabilities must be exact numbers."""
    probs = [Fraction(o.p) for o in outcomes]
    d = lcm(*(p.denominator for p in probs))
    cum, total = [], 0
    for p in probs:
        total += p.numerator * (d // p.denominator)
        cum.append(total)
    return d, cum, [(index[o.to], o) for o in outcomes]


def uniform_below(rng, d: int) -> int:
    """An integer uniform in ``{0, …, d−1}`` drawn from the numpy Generator ``rng``, exactly."""
    if d <= MAX_NUMPY_DRAW:
        return int(rng.integers(0, d))
    bits = d.bit_length()
    while True:  # rejection: each try succeeds with probability d / 2^bits > 1/2
        u = int.from_bytes(rng.bytes((bits + 7) // 8), "big") >> (-bits % 8)
        if u < d:
            return u


def draw(rng, d: int, cum: list) -> int:
    """Index k of the outcome hit by an integer u < d drawn from ``rng``: P(k) = (cum[k] − cum[k−1]) / d."""
    return bisect_right(cum, uniform_below(rng, d))


def _model_env_class():
    gym = _gym()
    from gymnasium import spaces

    from .model import action_order, load_model

    class ModelEnv(gym.Env):
        """A numeric sc-symbolic model as a Gymnasium environment (see the module docstring).

        ``model``: a ``Model``, a path, JSON text or a dict (``load_model``).  ``info`` holds
        ``success`` (the episode ended in success), ``return`` (the return so far, a float
        view of the exact sum) and ``valid_actions`` (action indices of ``A(s)``).
        """

        metadata = {"render_modes": []}

        def __init__(self, model, render_mode=None):
            model = load_model(model)
            if model.domain.parametric:
                raise ValueError("ModelEnv needs a numeric model: substitute the parameters first")
            self.model = model
            self.render_mode = render_mode
            self.state_names = list(model.states)
            self.action_names = list(action_order(model))
            s_index = {s: i for i, s in enumerate(self.state_names)}
            a_index = {a: j for j, a in enumerate(self.action_names)}
            self.observation_space = spaces.Discrete(len(self.state_names))
            self.action_space = spaces.Discrete(len(self.action_names))
            terminal = [model.is_terminal(s) for s in self.state_names]
            self._terminal = terminal
            self._valid = [[a_index[a] for a in model.states[s]] for s in self.state_names]
            self._goal = [model.success_states is not None and s in model.success_states for s in self.state_names]
            self._tau = None if model.threshold is None else Fraction(model.threshold)
            self._rows = {}
            self.P = {}
            for s, acts in model.states.items():
                i = s_index[s]
                self.P[i] = {}
                for a, outs in acts.items():
                    d, cum, targets = _row(outs, s_index)
                    rewards = [Fraction(o.r) for _, o in targets]
                    self._rows[(i, a_index[a])] = (d, cum, [(k, r, float(r), terminal[k])
                                                            for (k, _), r in zip(targets, rewards)])
                    self.P[i][a_index[a]] = [(float(Fraction(o.p)), k, float(r), terminal[k])
                                             for (k, o), r in zip(targets, rewards)]
            starts = [(s, Fraction(p)) for s, p in model.initial.items()]
            d = lcm(*(p.denominator for _, p in starts))
            self._init = (d, [sum(p.numerator * (d // p.denominator) for _, p in starts[:k + 1])
                              for k in range(len(starts))], [s_index[s] for s, _ in starts])
            self._state = None

        def _info(self):
            s = self._state
            success = self._terminal[s] and (self._goal[s] if self._tau is None else self._ret >= self._tau)
            return {"success": bool(success), "return": float(self._ret), "valid_actions": list(self._valid[s])}

        def reset(self, *, seed=None, options=None):
            super().reset(seed=seed)
            d, cum, targets = self._init
            self._state = targets[draw(self.np_random, d, cum)]
            self._ret, self._t = 0, 0
            return self._state, self._info()

        def step(self, action):
            if self._state is None:
                raise RuntimeError("call reset() before step()")
            self._t += 1
            h = self.model.horizon
            row = self._rows.get((self._state, int(action)))
            if row is None:
                terminated = self._terminal[self._state]
                info = self._info()
                info["invalid_action"] = True
                return self._state, 0.0, terminated, (not terminated) and h is not None and self._t >= h, info
            d, cum, outs = row
            nxt, reward, reward_float, terminated = outs[0] if d == 1 else outs[draw(self.np_random, d, cum)]
            self._state = nxt
            if reward:
                self._ret += reward
            truncated = (not terminated) and h is not None and self._t >= h
            return nxt, reward_float, terminated, truncated, self._info()

    ModelEnv.__module__ = __name__
    ModelEnv.__qualname__ = "ModelEnv"
    return ModelEnv


def __getattr__(name):
    """``ModelEnv`` is built on first access, so importing this module never imports gymnasium."""
    if name == "ModelEnv":
        if "ModelEnv" not in globals():
            globals()["ModelEnv"] = _model_env_class()
        return globals()["ModelEnv"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def make_model_env(model, render_mode=None):
    """``ModelEnv(model, render_mode)``: the environment of a numeric model (path, dict, text or Model)."""
    return __getattr__("ModelEnv")(model, render_mode=render_mode)


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
