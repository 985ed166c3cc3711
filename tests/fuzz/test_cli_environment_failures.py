"""The environment fails, not the model: one clear line and exit 2, never "internal error".

Red-team cases (issue #17): standard output on a full device, a dask scheduler
address that is malformed.  Each runs the real command in a subprocess.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(args, stdout=subprocess.PIPE):
    return subprocess.run([sys.executable, "-m", "sc_symbolic.cli", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=60, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_standard_output_on_a_full_device(extra):
    with open("/dev/full", "w") as full:
        result = run(["check", "examples/gridworld.json", *extra], stdout=full)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: input/output failed")
    assert "No space left on device" in result.stderr


def test_a_malformed_scheduler_address_is_named():
    pytest.importorskip("distributed")
    result = run(["search", "misalignment", "--scheduler", "bogus::addr", "--budget", "10"])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: --scheduler: cannot connect to")


def test_an_error_line_is_capped_at_a_readable_length(monkeypatch, capsys):
    """The red team saw 180–465 KB single-line errors: every message is cut, with its total size."""
    from sc_symbolic import cli
    from sc_symbolic.errors import ModelError

    def explode(args):
        raise ModelError("states", "x" * 465_000 + "\nsecond line", "a rule")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    monkeypatch.setattr(parser, "parse_args", lambda argv: type("Args", (), {"command": "verify",
                                                                            "run": staticmethod(explode)})())
    assert cli.main(["verify"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < cli.MAX_ERROR_CHARS + 100
    assert "465,0" in err and "characters in all" in err


def test_decimal_exponents_cannot_amplify_a_file_into_memory(tmp_path):
    """Red team (#17): ``1e-9999`` in an ignored ``x-`` key is 8 bytes of text and 33,000 bits of value."""
    from sc_symbolic.errors import ModelError
    from sc_symbolic.exact import loads_json

    text = '{"x-junk": [' + ",".join(["1e-9999"] * 5000) + "]}"
    with pytest.raises(ModelError, match="too large for its size"):
        loads_json(text)
    assert loads_json('{"x-fine": [' + ",".join(["0.125"] * 5000) + "]}")["x-fine"][0] == loads_json("0.125")
