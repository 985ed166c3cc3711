"""LaTeX output: complete escaping (no name reaches TeX as markup), Greek parameters,
the packages named, and every example (plus hostile names) compiled by pdflatex when installed."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sc_symbolic.cli import main
from sc_symbolic.latex import escape_text, exact_latex, report_table, standalone_document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOSTILE = r'\input^^7c"touch x" ~%&#_{}$|<> a'
requires_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("kpsewhich") is None
                                       or not subprocess.run(["kpsewhich", "booktabs.sty"], capture_output=True,
                                                             text=True).stdout.strip(),
                                       reason="pdflatex with booktabs (texlive-latex-recommended) is not installed")


def _hostile_model(tmp_path) -> Path:
    model = {"format": "sc-symbolic/mdp-1", "name": HOSTILE, "parameters": {"theta": ["0", "1"]},
             "initial": {HOSTILE: "1"},
             "states": {HOSTILE: {HOSTILE: {"win": "theta", "lose": "1 - theta"}, "b^^5c": {"win": "1/2", "lose": "1/2"}},
                        "win": {}, "lose": {}},
             "success": {"states": ["win"]}, "policy": "uniform"}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    return path


def _latex(capsys, *argv) -> str:
    main(["check", *map(str, argv), "--latex"])
    return capsys.readouterr().out


def test_escape_leaves_no_markup():
    escaped = escape_text(HOSTILE + "\n% line break")
    assert "^" not in escaped.replace(r"\textasciicircum{}", "")
    assert "\n" not in escaped
    stripped = escaped
    for command in (r"\textbackslash{}", r"\textasciicircum{}", r"\textasciitilde{}", r"\textbar{}",
                    r"\textless{}", r"\textgreater{}", r"\%", r"\&", r"\#", r"\_", r"\{", r"\}", r"\$"):
        stripped = stripped.replace(command, "")
    assert not set(stripped) & set("\\^~%&#_{}$|<>")


def test_greek_parameters_and_rationals():
    assert exact_latex("theta**2/2", ["theta"]) == r"\frac{\theta^{2}}{2}"
    assert exact_latex("-3/4") == r"-\tfrac{3}{4}"
    assert exact_latex(r"\input x", ["theta"]) == r"\text{\textbackslash{}input x}"


def test_hostile_names_are_inert(tmp_path, capsys):
    out = _latex(capsys, _hostile_model(tmp_path))
    assert r"\input" not in out and "^^" not in out
    assert out.splitlines()[0] == r"% requires: \usepackage{amsmath}, \usepackage{booktabs}"
    assert r"\theta" in out and r"\toprule" in out and r"\arraystretch" in out


def test_standalone_needs_latex(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", str(EXAMPLES / "gridworld.json"), "--standalone"])
    assert exc.value.code == 2
    assert "--standalone only goes with --latex" in capsys.readouterr().err


@requires_pdflatex
@pytest.mark.parametrize("model", sorted(p.name for p in EXAMPLES.glob("*.json")) + ["hostile"])
def test_pdflatex_compiles(model, tmp_path, capsys):
    source = _hostile_model(tmp_path) if model == "hostile" else EXAMPLES / model
    main(["check", str(source), "--latex", "--standalone"])
    document = capsys.readouterr().out
    (tmp_path / "table.tex").write_text(document, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "table.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "table.pdf").exists() and not (tmp_path / "x").exists()


def test_standalone_document_wraps_fragment():
    report = {"model": "m", "J": "1/2", "J_plus": "1", "verified": True, "states": {}}
    document = standalone_document(report_table(report))
    assert document.startswith(r"\documentclass") and document.rstrip().endswith(r"\end{document}")
