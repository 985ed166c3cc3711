"""``python -m sc_symbolic …`` behaves exactly like the ``sc-symbolic`` console script.

The console script generated from ``[project.scripts]`` runs
``sys.exit(sc_symbolic.cli.main())``; the reference here runs exactly that.
"""

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from optional import requires_stormpy  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CONSOLE_SCRIPT = "import sys; from sc_symbolic.cli import main; sys.exit(main())"


def both(*argv, cwd=ROOT):
    argv = [str(a) for a in argv]
    as_module = subprocess.run([sys.executable, "-m", "sc_symbolic", *argv], capture_output=True, text=True,
                               cwd=cwd, timeout=300)
    as_script = subprocess.run([sys.executable, "-c", CONSOLE_SCRIPT, *argv], capture_output=True, text=True,
                               cwd=cwd, timeout=300)
    return as_module, as_script


@pytest.mark.parametrize("argv, status", [
    (["check", EXAMPLES / "gridworld.json", "--json"], 0),
    (["check", EXAMPLES / "parametric_coin.json"], 0),
    (["check", EXAMPLES / "gridworld.json", "--threshold", "x"], 2),
    (["check", "/nonexistent/model.json"], 2),
    (["--help"], 0),
    ([], 2),
    (["no-such-command"], 2),
])
def test_python_m_matches_console_script(argv, status):
    as_module, as_script = both(*argv)
    assert as_module.returncode == as_script.returncode == status
    assert as_module.stdout == as_script.stdout
    assert as_module.stderr == as_script.stderr


def test_python_m_failing_claim_exits_1(tmp_path):
    """A certificate that does not re-verify: exit 1 by both routes, the same refusal."""
    certificate = tmp_path / "cert.json"
    subprocess.run([sys.executable, "-m", "sc_symbolic", "check", str(EXAMPLES / "gridworld.json"),
                    "--certificate", str(certificate)], check=True, capture_output=True, cwd=ROOT)
    certificate.write_text(certificate.read_text().replace('"verified": true', '"verified": false', 1))
    as_module, as_script = both("verify", EXAMPLES / "gridworld.json", certificate)
    assert as_module.returncode == as_script.returncode == 1
    assert "certificate REFUSED" in as_module.stdout
    assert (as_module.stdout, as_module.stderr) == (as_script.stdout, as_script.stderr)


@requires_stormpy
def test_python_m_prism_import_spawns_its_build_process(tmp_path):
    """``import prism`` builds in a spawned child, which re-imports ``__main__``: it must not re-run the CLI."""
    program = tmp_path / "coin.nm"
    program.write_text("mdp\nmodule m\n  s : [0..1] init 0;\n  [go] s=0 -> 1/2:(s'=1) + 1/2:(s'=0);\nendmodule\n"
                       'label "goal" = s=1;\n')
    as_module, as_script = both("import", "prism", program, "--success", "goal")
    assert as_module.returncode == as_script.returncode == 0, as_module.stderr
    assert as_module.stdout == as_script.stdout and '"format": "sc-symbolic/mdp-1"' in as_module.stdout
