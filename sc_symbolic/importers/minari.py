"""Import layer — a Minari dataset of a discrete environment as its empirical MDP (docs/math.md §9).

Each episode ``(o_0, a_0, r_0, o_1, …, o_n)`` of the dataset becomes the steps
``(o_t, a_t, r_t, o_{t+1})``, the last one ``done``, and is counted by
``importers.trajectories.EmpiricalCounts`` (same empirical MDP, same ``x-data``
counts, same refusals).  States and actions are the integers of the dataset's
``Discrete`` spaces, named by their decimal text.  A Minari reward is a binary
float: it is read as the shortest decimal that prints it (``repr``: ``0.1`` → 1/10,
``1.0`` → 1), exactly; NaN and infinities are refused.  Minari stores no success
label, so success is ``success_states`` or ``return_at_least``.  The dataset is
read from the local store (``MINARI_DATASETS_PATH``), never downloaded.
minari is imported inside (extra ``minari``).
"""

from __future__ import annotations

import math

from ..errors import ModelError
from ..exact import describe_value
from .trajectories import EmpiricalCounts, success_rule


def _minari():
    from ..optional_deps import require

    return require("minari", "import minari")


def _integer(value, where: str) -> int:
    try:
        number = value.item() if hasattr(value, "item") else value
    except (TypeError, ValueError):
        number = value
    if type(number) is bool or not isinstance(number, int):
        raise ModelError(where, f"{describe_value(number)} is not an integer",
                         "import minari needs Discrete observation and action spaces")
    return number


def _reward(value, where: str) -> str:
    number = value.item() if hasattr(value, "item") else value
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise ModelError(where, f"{describe_value(number)} is not a number", "rewards are finite numbers")
    if isinstance(number, float) and not math.isfinite(number):
        raise ModelError(where, f"{number!r} is not finite", "rewards are finite numbers")
    return repr(number)


def import_minari(dataset_id: str, success_states=None, return_at_least=None, dataset=None) -> dict:
    """The empirical MDP (``sc-symbolic/mdp-1`` dict) of a local Minari dataset (or of ``dataset``)."""
    rule = success_rule(success_states, return_at_least)
    if rule == "label":
        raise ModelError("import minari", "no success rule given",
                         "Minari datasets carry no success label: give --success-states or --return-at-least")
    if dataset is None:
        minari = _minari()
        try:
            dataset = minari.load_dataset(dataset_id, download=False)
        except Exception as exc:  # minari raises several types for a missing or broken dataset
            raise ModelError(f"minari dataset {describe_value(dataset_id)}", f"cannot load: {exc}".splitlines()[0],
                             "create it locally first (MINARI_DATASETS_PATH); nothing is downloaded") from None
    from ..optional_deps import require

    spaces = require("gymnasium.spaces", "import minari")

    for name, space in (("observation", dataset.observation_space), ("action", dataset.action_space)):
        if not isinstance(space, spaces.Discrete):
            raise ModelError(f"minari dataset {describe_value(dataset_id)}", f"{name} space {space}",
                             "import minari needs Discrete observation and action spaces")
    counter = EmpiricalCounts(rule)
    for number, episode in enumerate(dataset.iterate_episodes()):
        where = f"episode {getattr(episode, 'id', number)}"
        observations, actions, rewards = episode.observations, episode.actions, episode.rewards
        steps = len(actions)
        if len(observations) != steps + 1 or len(rewards) != steps:
            raise ModelError(where, f"{len(observations)} observations, {steps} actions, {len(rewards)} rewards",
                             "an episode of n steps has n + 1 observations and n rewards")
        for t in range(steps):
            at = f"{where}, step {t}"
            counter.add({"episode": number, "t": t, "state": _integer(observations[t], f"{at}, observation"),
                         "action": _integer(actions[t], f"{at}, action"), "reward": _reward(rewards[t], f"{at}, reward"),
                         "next_state": _integer(observations[t + 1], f"{at + ', next observation'}"),
                         "done": t == steps - 1}, at)
    counter.finish(f"minari dataset {describe_value(dataset_id)}")
    return counter.model(f"empirical MDP of minari dataset {dataset_id}")
