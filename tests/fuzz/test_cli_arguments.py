"""Hostile command-line arguments: pipes, odd file names, unwritable outputs, usage errors.

Each is invalid input: exit 2, one line on stderr starting ``error:``, nothing on stdout.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sc_symbolic.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
GRID = str(EXAMPLES / "gridworld.json")
BANDIT = str(EXAMPLES / "three_armed_bandit.json")


def refused(capsys, argv, word):
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 2 and out == "", err
    assert err.startswith("error: ") and err.count("\n") == 1 and word in err, err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("place", ["model", "policy", "certificate"])
def test_a_named_pipe_is_refused_without_blocking(tmp_path, place):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    argv = {"model": ["check", str(fifo)], "policy": ["check", GRID, "--policy", str(fifo)],
            "certificate": ["verify", GRID, str(fifo)]}[place]
    result = subprocess.run([sys.executable, "-m", "sc_symbolic.cli", *argv], capture_output=True, text=True,
                            timeout=60, cwd=REPO)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert "not a" in result.stderr


def test_a_file_name_that_looks_like_json_is_a_file(capsys, tmp_path, monkeypatch):
    shutil.copy(GRID, tmp_path / "[draft] model.json")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "[draft] model.json"]) == 0
    capsys.readouterr()
    refused(capsys, ["check", '{"format": "sc-symbolic/mdp-1"}'], "cannot read model")


def test_an_empty_policy_path_is_refused(capsys):
    refused(capsys, ["check", GRID, "--policy", ""], "empty path")


@pytest.mark.parametrize("argv, word", [
    (["check", GRID, "--certificate", "/nonexistent-dir/c.json"], "--certificate: cannot write"),
    (["check", GRID, "--certificate", "."], "--certificate: cannot write"),
    (["trust-region", BANDIT, "--state", "s0", "--radius", "1", "--plot", "curve.unknownformat"], "--plot"),
    (["export", "prism", BANDIT, "-o", "/nonexistent-dir/m.nm"], "-o: cannot write"),
    (["export", "prism", BANDIT, "-o", "/dev/full"], "not a regular file"),
    (["sweep", str(EXAMPLES / "threshold_misalignment.json"), "--plot", "sweep"], "has no extension"),
    (["sweep", str(EXAMPLES / "threshold_misalignment.json"), "--plot", "/dev/full"], "--plot"),
])
def test_unwritable_outputs_are_invalid_input(capsys, argv, word):
    if "--plot" in argv:
        pytest.importorskip("matplotlib")
    refused(capsys, argv, word)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_device_is_never_written_through(capsys):
    refused(capsys, ["check", GRID, "--certificate", "/dev/full"], "not a regular file")
    assert not os.path.isfile("/dev/full")


@pytest.mark.parametrize("argv", [["check", GRID, "--iterate", "abc"], ["bogus"], ["check", GRID, "--frobnicate"],
                                  ["prove", "identity", "--actions", "x"], []])
def test_usage_errors_are_one_line(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2 and out == ""
    assert err.startswith("error: sc-symbolic") and err.count("\n") == 1 and "--help" in err, err


@pytest.mark.parametrize("name", ["I", "E", "S", "oo", "gamma", "lambda", "None"])
def test_parameter_names_that_sympy_would_misread_are_refused(capsys, tmp_path, name):
    model = json.loads((EXAMPLES / "parametric_coin.json").read_text())
    model["parameters"] = {name: model["parameters"].pop("p")}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model))
    refused(capsys, ["check", str(path)], "SymPy name")


def test_verify_refuses_an_invalid_model_as_invalid_input(capsys, tmp_path):
    certificate = tmp_path / "c.json"
    assert main(["check", GRID, "--certificate", str(certificate)]) == 0
    capsys.readouterr()
    model = json.loads(Path(GRID).read_text())
    model["initial"] = {"start": "2"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(model))
    refused(capsys, ["verify", str(bad), str(certificate)], "initial")


@pytest.mark.parametrize("name", ["print", "exec", "eval", "open", "__import__", "sum", "max", "vars"])
def test_builtin_parameter_names_are_refused(tmp_path, capsys, name):
    """The red team's names were accepted, then their report strings failed sympy.sympify."""
    model = {"format": "sc-symbolic/mdp-1", "parameters": {name: ["0", "1"]}, "initial": {"s": "1"},
             "states": {"s": {"a": {"w": name, "l": f"1 - {name}"}, "b": {"w": "1/2", "l": "1/2"}}, "w": {}, "l": {}},
             "success": {"states": ["w"]}, "policy": "uniform"}
    path = tmp_path / "builtin.json"
    path.write_text(json.dumps(model))
    refused(capsys, ["check", str(path)], "builtin")


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True))
def test_every_accepted_parameter_name_reads_back_as_a_symbol(name):
    """sympify here reads only the tool's own report text (a test oracle, not user input)."""
    import sympy

    from sc_symbolic.errors import ScError
    from sc_symbolic.model import load_model

    model = {"format": "sc-symbolic/mdp-1", "parameters": {name: ["0", "1"]}, "initial": {"s": "1"},
             "states": {"s": {"a": {"w": name, "l": f"1 - {name}"}, "b": {"w": "1/2", "l": "1/2"}}, "w": {}, "l": {}},
             "success": {"states": ["w"]}, "policy": "uniform"}
    try:
        load_model(model)
    except ScError:
        return
    assert sympy.sympify(f"{name}/2 + 1/4").free_symbols == {sympy.Symbol(name)}
