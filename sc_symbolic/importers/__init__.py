"""Import layer — models from other tools into ``sc-symbolic/mdp-1`` dicts (the model edge).

* ``importers.prism.import_prism``: a PRISM program, built exactly by Storm (stormpy).
* ``importers.gym.import_gym``: a Gymnasium toy-text environment (its ``P`` table).
* ``importers.trajectories.import_trajectories``: logged episodes (JSON Lines / CSV) as their empirical MDP.
* ``importers.minari.import_minari``: a Minari dataset of a discrete environment, likewise.

Importers sit beside ``model.py``: they produce plain dicts that
``model.load_model`` validates, and they never analyse anything.  Their
optional dependencies (stormpy, gymnasium, minari) are imported inside the functions.
"""

from __future__ import annotations

__all__ = ["import_prism", "import_gym"]


def import_prism(*args, **kwargs) -> dict:
    """See :func:`sc_symbolic.importers.prism.import_prism`."""
    from .prism import import_prism as _import_prism

    return _import_prism(*args, **kwargs)


def import_gym(*args, **kwargs) -> dict:
    """See :func:`sc_symbolic.importers.gym.import_gym`."""
    from .gym import import_gym as _import_gym

    return _import_gym(*args, **kwargs)
