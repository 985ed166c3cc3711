"""The pytest plugin (entry point pytest11): options, fixtures, reproducible seeds, failure reports (pytester)."""

import tomllib
from pathlib import Path

import pytest

pytest.importorskip("numpy")

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
PLUGIN = ["-p", "sc_symbolic.pytest_plugin"]


@pytest.fixture
def inner(pytester, monkeypatch):
    """A pytester whose runs load only our plugin (an installed entry point must not register it twice)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("SC_SYMBOLIC_FAILURES", raising=False)
    return pytester


def test_entry_point_is_declared():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {"sc_symbolic": "sc_symbolic.pytest_plugin"}


def test_fixtures_and_the_seed_in_the_header(inner):
    inner.makepyfile(test_user="""
        from fractions import Fraction
        from sc_symbolic.model import Model

        def test_fixtures(sc_seed, sc_random, sc_rng, sc_model_factory, exact_reference, sc_failure_dir):
            assert sc_seed == 7 and sc_failure_dir.name == ".sc_symbolic_failures"
            model = sc_model_factory(max_states=2, horizon=True)
            assert isinstance(model, Model) and model.horizon is not None
            assert exact_reference(model)["J"].item() >= 0
            assert 0 <= sc_random.random() < 1 and 0 <= sc_rng.random() < 1
    """)
    result = inner.runpytest(*PLUGIN, "--sc-seed", "7")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["sc-symbolic: --sc-seed 7; failing models go to *.sc_symbolic_failures"])


def test_streams_depend_on_the_seed_and_the_test_only(inner):
    inner.makepyfile(test_user="""
        import json

        def test_draw(sc_random, sc_rng, sc_model_factory, sc_seed):
            model = sc_model_factory(max_states=3)
            line = json.dumps([sc_random.random(), float(sc_rng.random()), model.to_dict()])
            with open(f"draws-{sc_seed}.txt", "a") as handle:
                handle.write(line + "\\n")
    """)
    for seed in ("1", "1", "2"):
        inner.runpytest(*PLUGIN, "--sc-seed", seed).assert_outcomes(passed=1)
    first, again = (inner.path / "draws-1.txt").read_text().splitlines()
    assert first == again and (inner.path / "draws-2.txt").read_text().strip() != first


def test_a_failure_reports_the_seed_and_the_replay_command(inner):
    inner.makepyfile(test_user="""
        def test_wrong_value_function(sc_model_factory, exact_reference, sc_assert_close):
            ref = exact_reference(sc_model_factory(max_states=2))
            sc_assert_close(ref.floats()["V"] + 0.5, ref, "V")
    """)
    result = inner.runpytest(*PLUGIN, "--sc-seed", "3", "--sc-failures", "dumps")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*V[[]state goal]: actual 1.5 vs exact 1 *",
                                 "*rerun: pytest --sc-seed 3 test_user.py::test_wrong_value_function*",
                                 "*replay the model: sc-symbolic check dumps/generated-*.json*"])
    assert len(list((inner.path / "dumps").iterdir())) == 1


def test_after_hypothesis_shrinks_only_the_smallest_model_is_kept(inner):
    inner.makepyfile(test_user="""
        from hypothesis import given, settings
        from sc_symbolic.closeness import assert_close
        from sc_symbolic.reference import exact_reference
        from sc_symbolic.strategies import mdps

        @settings(database=None, derandomize=True, max_examples=30)
        @given(mdps(max_states=3))
        def test_J_plus_one(model):
            ref = exact_reference(model)
            assert_close({"J": ref.floats()["J"] + 1}, ref)  # wrong on every model
    """)
    result = inner.runpytest(*PLUGIN, "--sc-failures", "shrunk")  # also directs plain assert_close calls
    result.assert_outcomes(failed=1)
    kept = list((inner.path / "shrunk").iterdir())
    assert len(kept) == 1
    result.stdout.fnmatch_lines([f"*replay the model: sc-symbolic check *{kept[0].name}"])
    assert len(kept[0].read_text().splitlines()) < 40  # the shrunk model is small
