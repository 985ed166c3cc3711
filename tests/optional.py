"""Skip markers for optional dependencies (after stormpy's configurations.py)."""

import importlib.util

import pytest


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


requires_stormpy = pytest.mark.skipif(not _has("stormpy"), reason="stormpy (extra 'prism') is not installed")
requires_gymnasium = pytest.mark.skipif(not _has("gymnasium"), reason="gymnasium (extra 'gym') is not installed")
requires_z3 = pytest.mark.skipif(not _has("z3"), reason="z3-solver (extra 'smt') is not installed")
requires_matplotlib = pytest.mark.skipif(not _has("matplotlib"), reason="matplotlib (extra 'plot') is not installed")
requires_minari = pytest.mark.skipif(not (_has("minari") and _has("h5py") and _has("jax")),
                                     reason="minari with h5py and jax (extra 'minari') is not installed")
