"""pytest plugin of the testing kit (entry point ``pytest11``: ``sc_symbolic``) — loaded when sc-symbolic is installed.

Options: ``--sc-seed N`` (default 0) seeds every random fixture, reproducibly;
``--sc-failures DIR`` is where ``assert_close`` writes failing models (default
``.sc_symbolic_failures`` in the rootdir; also ``$SC_SYMBOLIC_FAILURES``).
Fixtures: ``exact_reference`` (the function), ``sc_assert_close`` (``assert_close``
writing to that directory), ``sc_failure_dir``, ``sc_seed``, ``sc_random`` (a
``random.Random``), ``sc_rng`` (a numpy ``Generator``) and ``sc_model_factory``
(seeded random models from the generator behind ``strategies.mdps``).  A test's
streams depend on the seed and its node id only, so ``pytest --sc-seed N
path::test`` replays it alone.  A failing test that used them is reported with
its seed and, for a ``ReferenceMismatch``, the ``sc-symbolic check`` command;
when Hypothesis shrank the failure, only the final (smallest) model's file is kept.
Imports nothing heavy until a fixture is used.
"""

from __future__ import annotations

import functools
import os
import sys
import zlib
from pathlib import Path

import pytest

SEED_FIXTURES = {"sc_seed", "sc_random", "sc_rng", "sc_model_factory"}
_FINAL = pytest.StashKey()


def pytest_addoption(parser):
    group = parser.getgroup("sc-symbolic", "sc-symbolic testing kit")
    group.addoption("--sc-seed", type=int, default=None, metavar="N",
                    help="seed of the sc_random / sc_rng / sc_model_factory fixtures (default 0)")
    group.addoption("--sc-failures", default=None, metavar="DIR",
                    help="directory where assert_close writes failing models (default .sc_symbolic_failures)")


def _seed(config) -> int:
    seed = config.getoption("sc_seed", None)
    return 0 if seed is None else seed


def _failure_dir(config) -> Path:
    chosen = config.getoption("sc_failures", None) or os.environ.get("SC_SYMBOLIC_FAILURES")
    return Path(chosen) if chosen else Path(config.rootpath) / ".sc_symbolic_failures"


def pytest_configure(config):
    """``--sc-failures`` also directs plain ``assert_close`` calls (through ``$SC_SYMBOLIC_FAILURES``)."""
    chosen = config.getoption("sc_failures", None)
    if chosen:
        previous = os.environ.get("SC_SYMBOLIC_FAILURES")
        os.environ["SC_SYMBOLIC_FAILURES"] = str(Path(chosen).resolve())
        config.add_cleanup(lambda: _restore("SC_SYMBOLIC_FAILURES", previous))


def _restore(name, previous):
    if previous is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = previous


def pytest_report_header(config):
    return f"sc-symbolic: --sc-seed {_seed(config)}; failing models go to {_failure_dir(config)}"


def _stream_seed(seed: int, nodeid: str) -> list:
    return [seed, zlib.crc32(nodeid.encode())]


@pytest.fixture
def sc_seed(request) -> int:
    """The run's seed (``--sc-seed``, default 0)."""
    return _seed(request.config)


@pytest.fixture
def sc_random(request):
    """A ``random.Random`` seeded by (seed, test node id)."""
    import random

    return random.Random(str(_stream_seed(_seed(request.config), request.node.nodeid)))


@pytest.fixture
def sc_rng(request):
    """A numpy ``Generator`` seeded by (seed, test node id)."""
    np = pytest.importorskip("numpy")
    return np.random.default_rng(_stream_seed(_seed(request.config), request.node.nodeid))


@pytest.fixture
def sc_failure_dir(request) -> Path:
    """Where failing models are written (``--sc-failures``)."""
    return _failure_dir(request.config)


@pytest.fixture
def exact_reference():
    """``sc_symbolic.reference.exact_reference``."""
    from .reference import exact_reference as reference

    return reference


@pytest.fixture
def sc_assert_close(sc_failure_dir):
    """``sc_symbolic.closeness.assert_close`` writing failing models to ``sc_failure_dir``."""
    from .closeness import assert_close

    return functools.partial(assert_close, directory=sc_failure_dir)


@pytest.fixture
def sc_model_factory(request):
    """``factory(**options)`` → a random validated Model; options as ``strategies.mdps``; seeded per call."""
    import random

    from .model import from_dict
    from .strategies import random_model_dict

    base = _stream_seed(_seed(request.config), request.node.nodeid)
    calls = iter(range(1 << 62))

    def factory(**options):
        return from_dict(random_model_dict(random.Random(str(base + [next(calls)])), **options))

    return factory


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    closeness = sys.modules.get("sc_symbolic.closeness")
    start = len(closeness.WRITTEN) if closeness else 0
    outcome = yield
    closeness = sys.modules.get("sc_symbolic.closeness")
    error = outcome.excinfo[1] if outcome.excinfo else None
    final = error.path if closeness and isinstance(error, closeness.ReferenceMismatch) else None
    if final is not None:  # Hypothesis tried bigger failing models first: keep only the one reported
        for path in set(closeness.WRITTEN[start:]) - {final}:
            path.unlink(missing_ok=True)
    item.stash[_FINAL] = final


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    lines = []
    if SEED_FIXTURES & set(getattr(item, "fixturenames", ())):
        lines.append(f"rerun: pytest --sc-seed {_seed(item.config)} {item.nodeid}")
    final = item.stash.get(_FINAL, None)
    if final is not None:
        lines.append(f"replay the model: sc-symbolic check {final}")
    if lines:
        report.sections.append(("sc-symbolic", "\n".join(lines)))
