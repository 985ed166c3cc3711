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


def test_a_parametric_max_is_typeset_as_sympy_prints_max():
    """max_ratio of a parametric state without a dominating action is the text ``Max(f_1, ..., f_k)``."""
    import sympy

    assert exact_latex("Max(2*p, 1/2)", ["p"]) == r"\max\left(2 p, \tfrac{1}{2}\right)"
    assert exact_latex("Max(4*p/(2*p + 1), 2/(2*p + 1))", ["p"]) == (
        r"\max\left(\frac{4 p}{2 p + 1}, \frac{2}{2 p + 1}\right)")
    inner = exact_latex("1 - theta", ["theta"])  # each argument in paper form
    assert exact_latex("Max(theta, Max(1 - theta, 1/3))", ["theta"]) == (
        r"\max\left(\theta, \max\left(" + inner + r", \tfrac{1}{3}\right)\right)")
    p = sympy.Symbol("p")
    assert sympy.latex(sympy.Max(2 * p, sympy.Rational(1, 2), evaluate=False)).startswith(r"\max\left(")


@pytest.mark.parametrize("text", [r"Max(\input x)", "Max(p, q)", "Max(p))(p", "Max()", "Max(p,)", "Max(p"])
def test_a_max_that_does_not_read_stays_escaped_text(text):
    typeset = exact_latex(text, ["p"])
    assert typeset.startswith(r"\text{") and r"\max" not in typeset
    assert r"\input" not in typeset


def test_check_latex_prints_max_ratio_as_max(capsys):
    out = _latex(capsys, EXAMPLES / "parametric_coin.json")
    assert r"\max\left(\frac{4 p}{2 p + 1}, \frac{2}{2 p + 1}\right)" in out
    assert "Max(" not in out and r"\text{Max" not in out


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
