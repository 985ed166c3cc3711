"""Every optional dependency, hidden in turn: a one-line install hint and exit 2, never an internal error.

Each case runs a fresh interpreter whose ``sys.meta_path`` refuses the hidden
top-level modules (as if they were not installed), calls ``cli.main`` for
every command that can reach them and the public API entry points, and
reports (exit status, stdout, stderr) or (exception class, message).
Accelerators and decorations (gmpy2, python-flint, tqdm) must fall back
silently: the same output as with them.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SECONDS = re.compile(r"in \d+\.\d+ s")

RUNNER = r'''
import contextlib, io, json, sys

spec = json.loads(sys.argv[1])
hidden = set(spec["hide"])


class Hide:
    """A meta-path finder that makes the hidden modules uninstallable."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in hidden:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


for name in list(sys.modules):
    if name.split(".")[0] in hidden:
        del sys.modules[name]
sys.meta_path.insert(0, Hide())

from sc_symbolic.cli import main

results = {"cli": [], "api": []}
for argv in spec["cli"]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    results["cli"].append([code, out.getvalue(), err.getvalue()])
for snippet in spec["api"]:
    try:
        exec(snippet, {})
        results["api"].append(["ok", ""])
    except BaseException as exc:
        results["api"].append([type(exc).__name__, str(exc), isinstance(exc, ImportError),
                               getattr(exc, "extra", None)])
print(json.dumps(results))
'''


def run_hidden(hide, cli=(), api=()):
    spec = json.dumps({"hide": list(hide), "cli": [list(map(str, argv)) for argv in cli], "api": list(api)})
    done = subprocess.run([sys.executable, "-c", RUNNER, spec], capture_output=True, text=True, timeout=300,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_hint(result, extra):
    code, out, err = result
    lines = err.splitlines()
    assert code == 2, result
    assert len(lines) == 1, err
    assert "internal error" not in err and "Traceback" not in err
    assert lines[0].startswith("error: ") and f'pip install "sc-symbolic[{extra}]"' in lines[0], err
    assert out == ""


def assert_api_hint(result, extra):
    name, message, is_import_error, found_extra = result
    assert name == "MissingDependencyError" and is_import_error and found_extra == extra, result
    assert len(message.splitlines()) == 1 and f'pip install "sc-symbolic[{extra}]"' in message


@pytest.fixture(scope="module")
def prism_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("prism") / "coin.nm"
    path.write_text('mdp\nmodule m\n  s : [0..1] init 0;\n  [go] s=0 -> 1/2:(s\'=1) + 1/2:(s\'=0);\nendmodule\n'
                    'label "goal" = s=1;\n')
    return path


def feature_cases(tmp, prism_file):
    """(hidden modules, extra, CLI argvs, API snippets) for every feature dependency."""
    sweep = ["sweep", EXAMPLES / "threshold_misalignment.json", "--plot", tmp / "sweep.png"]
    trust = ["trust-region", EXAMPLES / "three_armed_bandit.json", "--state", "s0", "--radius", "1",
             "--plot", tmp / "trust.png"]
    region_map = ["regions", EXAMPLES / "param_lottery.json", "--claim", "misalignment", "--plot", tmp / "map.png"]
    search = ["search", "misalignment", "--budget", "20", "--quiet", "--out", tmp / "search"]
    model = str(EXAMPLES / "gridworld.json")
    return [
        (["matplotlib"], "plot", [sweep, trust, region_map],
         ["from sc_symbolic.plots import plot_sweep; plot_sweep([])",
          "from sc_symbolic.display import plot_value_curve; plot_value_curve([])"]),
        (["stormpy"], "prism", [["import", "prism", prism_file, "--success", "goal", "-o", tmp / "p.json"]],
         [f"from sc_symbolic.importers import import_prism; import_prism({str(prism_file)!r})"]),
        (["gymnasium"], "gym", [["import", "gym", "FrozenLake-v1", "-o", tmp / "g.json"]],
         ["from sc_symbolic.importers import import_gym; import_gym('FrozenLake-v1')",
          f"from sc_symbolic.envs import make_model_env; make_model_env({model!r})",
          "from sc_symbolic.envs import register; register()"]),
        (["minari"], "minari", [["import", "minari", "D4RL/door/human-v2", "--success-states", "1"]], []),
        (["z3"], "smt", [search + ["--method", "smt"]],
         ["from sc_symbolic.search.smt import require_z3; require_z3()"]),
        (["dask", "distributed"], "distributed", [search + ["--scheduler", "tcp://127.0.0.1:1"]], []),
        (["hypothesis"], "testing", [search + ["--method", "hypothesis"]], ["import sc_symbolic.strategies"]),
        (["numpy"], "testing", [],
         [f"from sc_symbolic import exact_reference; exact_reference({model!r})",
          f"from sc_symbolic import assert_close; assert_close({{'V': [0]}}, {model!r})"]),
    ]


CASES = ["matplotlib", "stormpy", "gymnasium", "minari", "z3", "dask", "hypothesis", "numpy"]


@pytest.mark.parametrize("module", CASES)
def test_hidden_feature_dependency_gives_one_line_hint(module, tmp_path, prism_file):
    hide, extra, cli, api = next(case for case in feature_cases(tmp_path, prism_file) if case[0][0] == module)
    results = run_hidden(hide, cli, api)
    for result in results["cli"]:
        assert_hint(result, extra)
    for result in results["api"]:
        assert_api_hint(result, extra)
    assert not any(path.suffix in (".png", ".json") for path in tmp_path.iterdir())


def test_no_extras_at_all(tmp_path, prism_file):
    """A fresh environment with no extras: every feature command gives its own hint, core commands work."""
    every = sorted({name for case in feature_cases(tmp_path, prism_file) for name in case[0]}
                   | {"tqdm", "gmpy2", "flint"})
    feature = [(argv, extra) for _, extra, cli, _ in feature_cases(tmp_path, prism_file) for argv in cli]
    core = [["check", EXAMPLES / "gridworld.json", "--json"],
            ["check", EXAMPLES / "parametric_coin.json"],
            ["check", EXAMPLES / "gridworld.json", "--certificate", tmp_path / "cert.json"],
            ["verify", EXAMPLES / "gridworld.json", tmp_path / "cert.json"],
            ["prove", "identity", "--actions", "2"],
            ["sweep", EXAMPLES / "threshold_misalignment.json", "--json"],
            ["trust-region", EXAMPLES / "three_armed_bandit.json", "--state", "s0", "--radius", "1"],
            ["regions", EXAMPLES / "parametric_coin.json", "--claim", "improvement"],
            ["search", "misalignment", "--budget", "20", "--out", tmp_path / "search"],
            ["export", "prism", EXAMPLES / "three_armed_bandit.json"]]
    hidden = run_hidden(every, [argv for argv, _ in feature] + core)
    plain = run_hidden([], core)
    for (argv, extra), result in zip(feature, hidden["cli"]):
        assert_hint(result, extra)
    for argv, without, with_all in zip(core, hidden["cli"][len(feature):], plain["cli"]):
        assert without[0] in (0, 1) and "error" not in without[2], (argv, without)
        assert without[0] == with_all[0], argv  # same exit status, same output (but for the search's time)
        assert SECONDS.sub("", without[1]) == SECONDS.sub("", with_all[1]), argv


def test_progress_bar_without_tqdm_is_silent():
    """tqdm only decorates a search: without it the bar is skipped, the search runs."""
    snippet = ("from sc_symbolic.commands.search_cmd import _Progress\n"
               "bar = _Progress(enabled=True)\nassert bar.bar is None\nbar(5, None)\nbar.close()")
    assert run_hidden(["tqdm"], api=[snippet])["api"] == [["ok", ""]]


def test_missing_dependency_error_is_an_import_error_and_an_sc_error():
    from sc_symbolic.errors import MissingDependencyError, ScError
    from sc_symbolic.optional_deps import require

    with pytest.raises(MissingDependencyError) as caught:
        require("matplotlib.no_such_submodule_here", "plotting (--plot)")
    assert isinstance(caught.value, ScError) and isinstance(caught.value, ImportError)
    assert caught.value.extra == "plot"
    assert str(caught.value).startswith("plotting (--plot) needs matplotlib, which ")
