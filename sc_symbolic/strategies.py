"""Public Hypothesis strategies: random exact models for your own regression tests.

    from hypothesis import given
    from sc_symbolic.strategies import mdps
    from sc_symbolic.testing import assert_identity

    @given(mdps(max_states=4))
    def test_my_claim(model):
        assert_identity(model)

Every generated model is built through the validating loader, so it is a
valid ``sc-symbolic/mdp-1`` model: probabilities are rationals with small
denominators (weights in 0..max_weight, normalised), rows sum to exactly 1.
Strategies raise ``InvalidArgument`` on empty bounds instead of generating
nothing.  Besides ``exact``, this is the only module where numbers are born.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .model import FORMAT, from_dict

TERMINALS = ("goal", "fail")


def _check_bounds(**bounds):
    for name, (lo, hi) in bounds.items():
        if lo < 0 or hi < lo:
            raise InvalidArgument(f"{name}: need 0 <= min <= max, got {lo}..{hi}")


@st.composite
def distributions(draw, keys, max_weight: int = 4, allow_zero: bool = True):
    """A rational distribution over ``keys`` (strings "p/q"), weights in 0..max_weight."""
    keys = list(keys)
    if not keys:
        raise InvalidArgument("distributions() needs at least one key")
    low = 0 if allow_zero else 1
    weights = draw(st.lists(st.integers(low, max_weight), min_size=len(keys), max_size=len(keys))
                   .filter(lambda w: sum(w) > 0))
    total = sum(weights)
    return {k: str(Fraction(w, total)) for k, w in zip(keys, weights)}


@st.composite
def model_dicts(draw, min_states: int = 1, max_states: int = 5, max_actions: int = 3, max_outcomes: int = 3,
                max_weight: int = 4, acyclic: bool | None = None, rewards: bool = False, max_reward: int = 3,
                horizon: bool | int | None = None, threshold: bool = False, parametric: bool = False):
    """A random valid ``sc-symbolic/mdp-1`` dict (see ``mdps`` for the arguments)."""
    _check_bounds(states=(min_states, max_states), actions=(1, max_actions), outcomes=(1, max_outcomes),
                  weight=(1, max_weight))
    if min_states < 1:
        raise InvalidArgument("a model needs at least one non-terminal state")
    n = draw(st.integers(min_states, max_states))
    cyclic = (not draw(st.booleans())) if acyclic is None else (not acyclic)
    names = [f"s{i}" for i in range(n)]
    states = {}
    for i, s in enumerate(names):
        targets = list(TERMINALS) + (names if cyclic else names[i + 1:])
        actions = {}
        for j in range(draw(st.integers(1, max_actions))):
            k = draw(st.integers(1, max_outcomes))
            tos = [draw(st.sampled_from(targets)) for _ in range(k)]
            weights = draw(distributions(range(k), max_weight, allow_zero=False))
            outcomes = []
            for index, to in enumerate(tos):
                outcome = {"to": to, "p": weights[index]}
                if rewards:
                    outcome["r"] = str(draw(st.integers(-max_reward, max_reward)))
                outcomes.append(outcome)
            if parametric and k >= 2:
                other = draw(distributions(range(k), max_weight, allow_zero=False))
                for index, outcome in enumerate(outcomes):
                    outcome["p"] = f"p*({weights[index]}) + (1 - p)*({other[index]})"
            actions[f"a{j}"] = outcomes
        states[s] = actions
    for t in TERMINALS:
        states[t] = {}
    policy = {s: draw(distributions(list(states[s]), max_weight)) for s in names}
    initial = draw(distributions(names[: draw(st.integers(1, min(2, n)))], max_weight, allow_zero=False))
    data = {"format": FORMAT, "name": "generated", "initial": initial, "states": states, "policy": policy}
    if threshold:
        data["success"] = {"return_at_least": str(draw(st.integers(-max_reward, max_reward)))}
    else:
        data["success"] = {"states": ["goal"]}
    if horizon is True:
        data["horizon"] = draw(st.integers(0, 4))
    elif isinstance(horizon, int) and not isinstance(horizon, bool):
        data["horizon"] = horizon
    if parametric:
        data["parameters"] = {"p": ["0", "1"]}
    return data


def mdps(min_states: int = 1, max_states: int = 5, max_actions: int = 3, max_outcomes: int = 3,
         max_weight: int = 4, acyclic: bool | None = None, rewards: bool = False, max_reward: int = 3,
         horizon: bool | int | None = None, threshold: bool = False, parametric: bool = False):
    """Random validated Models.

    ``acyclic`` — True: outcomes only move forward; False: any target
    (self-loops and cycles); None: either.  ``rewards`` puts integer rewards in
    [−max_reward, max_reward] on outcomes; ``threshold`` makes success
    ``return_at_least`` a random integer (needs acyclic or a horizon);
    ``horizon`` True draws a horizon in 0..4, an int fixes it; ``parametric``
    mixes two distributions with a parameter p ∈ (0, 1).
    """
    if threshold and acyclic is not True and horizon in (None, False):
        raise InvalidArgument("threshold models need acyclic=True or a horizon (finite augmented model)")
    return model_dicts(min_states, max_states, max_actions, max_outcomes, max_weight, acyclic, rewards,
                       max_reward, horizon, threshold, parametric).map(from_dict)


def policies(model, max_weight: int = 4):
    """Random rational policies for ``model`` (dicts usable as a policy override)."""
    nonterminal = [s for s in model.states if model.states[s]]
    if not nonterminal:
        raise InvalidArgument("the model has no non-terminal state")
    return st.fixed_dictionaries({s: distributions(list(model.states[s]), max_weight) for s in nonterminal})


def parametric_mdps(**kwargs):
    """Random models whose outcome probabilities are affine in one parameter p ∈ (0, 1)."""
    return mdps(parametric=True, **kwargs)
