"""Import layer — a Gymnasium toy-text environment (``env.unwrapped.P``) as an ``sc-symbolic/mdp-1`` dict.

``P[s][a]`` is a list of ``(prob, next, reward, done)`` with float
probabilities such as ``0.33333333333333337``.  This module is the parsing
edge where floats are allowed: each float ``x`` is recovered as the rational
``q = Fraction(x).limit_denominator(MAX_DENOMINATOR)``, accepted only when
``|x − q| ≤ TOLERANCE`` (so ``q`` is the intended number, ``x`` its rounding),
and every row is then PROVED to sum to exactly 1 in rationals (docs/math.md §1);
otherwise ``ModelError`` names the state and action.  Outcomes with the same
next state and reward are merged.  A ``done`` outcome leads to a terminal
state: ``goal`` (success) when it is a success by the environment's rule
(reward > 0, or — CliffWalking, whose goal reward is −1 — every ``done``),
``hole`` (failure) otherwise.  Rewards stay on the outcomes (for
``return_at_least`` thresholds, docs/math.md §6).  States are ``s<k>``, actions
the environment's meanings.  Only states reachable from the initial
distribution are listed.  Never analyses; gymnasium is imported inside.
"""

from __future__ import annotations

from collections import deque
from fractions import Fraction

from ..errors import ModelError, UnsupportedModelError
from ..optional_deps import require

FORMAT = "sc-symbolic/mdp-1"
MAX_DENOMINATOR = 1000
TOLERANCE = Fraction(1, 2 ** 40)
ACTION_NAMES = {
    "FrozenLake": ("left", "down", "right", "up"),
    "CliffWalking": ("up", "right", "down", "left"),
    "CliffWalkingSlippery": ("up", "right", "down", "left"),
    "Taxi": ("south", "north", "east", "west", "pickup", "dropoff"),
}
SUCCESS_RULES = ("positive-reward", "done")
SUCCESS_RULE = {"CliffWalking": "done", "CliffWalkingSlippery": "done"}


def recover_rational(x, where: str) -> Fraction:
    """The rational with denominator ≤ 1000 that the float ``x`` rounds, or ModelError.

    >>> recover_rational(0.33333333333333337, "P[0][0][0].prob")
    Fraction(1, 3)
    >>> recover_rational(0.1, "p")
    Fraction(1, 10)
    >>> recover_rational(0.123456789, "p")
    Traceback (most recent call last):
    ...
    sc_symbolic.errors.ModelError: p: 0.123456789 is not a rational with denominator ≤ 1000 (gym floats must round a small-denominator rational)
    """
    if isinstance(x, bool):
        raise ModelError(where, f"{x!r} is not a number", "probabilities and rewards are numbers")
    try:
        exact = Fraction(x)
    except (TypeError, ValueError, OverflowError):
        raise ModelError(where, f"{x!r} is not a finite number", "probabilities and rewards are finite") from None
    q = exact.limit_denominator(MAX_DENOMINATOR)
    if abs(exact - q) > TOLERANCE:
        raise ModelError(where, f"{x!r} is not a rational with denominator ≤ {MAX_DENOMINATOR}",
                         "gym floats must round a small-denominator rational")
    return q


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _family(env_id: str) -> str:
    return env_id.split("/")[-1].split("-")[0].replace("8x8", "")


def resolve_env_id(env_id: str) -> str:
    """``env_id`` if registered, else the registered id with the same name and another version."""
    registry = require("gymnasium.envs.registration", "Gymnasium import").registry

    if env_id in registry:
        return env_id
    base = env_id.rsplit("-v", 1)[0]
    candidates = sorted(k for k in registry if k.rsplit("-v", 1)[0] == base)
    if not candidates:
        raise ModelError("env", f"unknown Gymnasium environment {env_id!r}",
                         "give a toy-text id such as FrozenLake-v1, CliffWalking-v1, Taxi-v3")
    return candidates[-1]


def make_env(env_id: str, **kwargs):
    """The unwrapped Gymnasium environment (``render_mode=None``)."""
    gymnasium = require("gymnasium", "Gymnasium import")
    resolved = resolve_env_id(env_id)
    try:
        env = gymnasium.make(resolved, **kwargs)
    except (TypeError, KeyError, ValueError) as exc:  # map_name="13x13" is a KeyError in FrozenLake
        raise ModelError("env", f"{resolved} refuses options {kwargs}: {type(exc).__name__}: {exc}",
                         "give options the environment accepts (FrozenLake maps: 4x4, 8x8)") from None
    return env.unwrapped, resolved


def from_transition_table(P, initial, action_names, success_rule="positive-reward", name="gym",
                          horizon=None, policy="uniform", where="P") -> dict:
    """The mdp-1 dict of a ``P[s][a] = [(prob, next, reward, done), …]`` table (floats recovered exactly).

    >>> P = {0: {0: [(0.5, 1, 0.0, False), (0.5, 0, 1.0, True)]}, 1: {0: [(1.0, 1, 0.0, True)]}}
    >>> d = from_transition_table(P, {0: 1.0}, ("go",))
    >>> d["states"]["s0"]["go"], d["success"]
    ([{'to': 's1', 'p': '1/2'}, {'to': 'goal', 'p': '1/2', 'r': '1'}], {'states': ['goal']})
    """
    if success_rule not in SUCCESS_RULES:
        raise ModelError("success", f"unknown rule {success_rule!r}", f"one of {', '.join(SUCCESS_RULES)}")
    rho = {}
    for s, x in initial.items():
        q = recover_rational(x, f"initial[{s}]")
        if q < 0:
            raise ModelError(f"initial[{s}]", f"probability {q}", "probabilities are ≥ 0")
        if q:
            rho[s] = q
    if sum(rho.values(), Fraction(0)) != 1:
        raise ModelError("initial", f"initial probabilities sum to {sum(rho.values(), Fraction(0))}, not 1",
                         "the initial distribution sums to exactly 1")
    rows, order, seen = {}, [], set(rho)
    queue = deque(sorted(rho))
    while queue:
        s = queue.popleft()
        order.append(s)
        if s not in P:
            raise ModelError(f"{where}[{s}]", f"state {s} has no entry", "every reachable state has a row")
        actions = {}
        for a, outcomes in P[s].items():
            label = action_names[a] if isinstance(a, int) and 0 <= a < len(action_names) else f"a{a}"
            here = f"{where}[{s}][{a}] (state s{s}, action {label})"
            merged, total = {}, Fraction(0)
            for k, outcome in enumerate(outcomes):
                try:
                    prob, nxt, reward, done = outcome
                except (TypeError, ValueError):
                    raise ModelError(f"{here}[{k}]", f"{outcome!r} is not (prob, next, reward, done)",
                                     "gym transitions are 4-tuples") from None
                p = recover_rational(prob, f"{here}[{k}].prob")
                r = recover_rational(reward, f"{here}[{k}].reward")
                if p < 0:
                    raise ModelError(f"{here}[{k}].prob", f"probability {_text(p)}", "probabilities are ≥ 0")
                total += p
                if p == 0:
                    continue
                if done:
                    success = r > 0 if success_rule == "positive-reward" else True
                    target = "goal" if success else "hole"
                else:
                    target = int(nxt)
                    if target not in seen:
                        seen.add(target)
                        queue.append(target)
                merged[(target, r)] = merged.get((target, r), Fraction(0)) + p
            if total != 1:
                raise ModelError(here, f"outcome probabilities sum to {_text(total)}, not 1",
                                 "each action's outcomes must sum to exactly 1")
            actions[label] = merged
        if not actions:
            raise ModelError(f"{where}[{s}]", "state with no actions", "every state has an action")
        rows[s] = actions

    def state_name(target):
        return target if isinstance(target, str) else f"s{target}"

    states = {}
    for s in order:
        states[f"s{s}"] = {a: [{"to": state_name(t), "p": _text(p)} | ({"r": _text(r)} if r else {})
                               for (t, r), p in merged.items()] for a, merged in rows[s].items()}
    terminals = sorted({t for acts in rows.values() for merged in acts.values() for (t, _) in merged
                        if isinstance(t, str)})
    for t in terminals:
        states[t] = {}
    if "goal" not in states:
        states["goal"] = {}
    return {
        "format": FORMAT,
        "name": name,
        "initial": {f"s{s}": _text(p) for s, p in rho.items()},
        "states": states,
        "success": {"states": ["goal"]},
        "horizon": horizon,
        "policy": policy,
    }


def import_gym(env_id: str, map_name: str | None = None, is_slippery: bool | None = None,
               horizon: int | None = None, policy="uniform", success_rule: str | None = None,
               **env_kwargs) -> dict:
    """The exact mdp-1 dict of a Gymnasium toy-text environment (FrozenLake, CliffWalking, Taxi).

    ``map_name`` / ``is_slippery`` are passed to the environment when given;
    ``success_rule`` defaults to the environment's (``"done"`` for CliffWalking,
    ``"positive-reward"`` otherwise).  The dict records ``x-gym`` (the
    resolved id and options).
    """
    kwargs = dict(env_kwargs)
    if map_name is not None:
        kwargs["map_name"] = map_name
    if is_slippery is not None:
        kwargs["is_slippery"] = is_slippery
    env, resolved = make_env(env_id, **kwargs)
    P = getattr(env, "P", None)
    if not isinstance(P, dict):
        raise UnsupportedModelError(f"{resolved} has no transition table P (only toy-text environments are imported)")
    family = _family(resolved)
    n_actions = int(getattr(env.action_space, "n", 0))
    names = ACTION_NAMES.get(family, tuple(f"a{k}" for k in range(n_actions)))
    isd = getattr(env, "initial_state_distrib", None)
    if isd is None:
        raise UnsupportedModelError(f"{resolved} exposes no initial_state_distrib")
    initial = {k: float(x) for k, x in enumerate(isd) if x != 0}
    rule = success_rule or SUCCESS_RULE.get(family, "positive-reward")
    shown = ",".join(f"{k}={v}" for k, v in sorted(kwargs.items()))
    data = from_transition_table(P, initial, names, rule, name=f"{resolved}" + (f"[{shown}]" if shown else ""),
                                 horizon=horizon, policy=policy, where=f"{resolved}.P")
    data["x-gym"] = {"env": resolved, "options": {k: v for k, v in sorted(kwargs.items())}, "success_rule": rule}
    return data
