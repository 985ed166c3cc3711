"""Sphinx configuration of the sc_symbolic documentation site (issue #14).

Build from the repository root (the source directory is the repository, so the
notebooks run where they live and find ``examples/``):

    sphinx-build -W -c docs -b html . docs/_build/html

MyST reads the Markdown guides, MyST-NB executes every notebook at build time,
autodoc renders the API reference, sphinx-argparse the CLI reference from the
argparse parser itself (it cannot drift from ``--help``), MathJax the formulas.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

project = "sc_symbolic"
author = "sc_symbolic developers"
copyright = "2026, sc_symbolic developers"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinxarg.ext",
]

root_doc = "docs/index"
include_patterns = ["docs/*.md", "notebooks/*.ipynb"]
exclude_patterns = ["docs/_build", "**/.ipynb_checkpoints"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True

# MathJax from docs/_static/mathjax when docs/fetch_mathjax.sh has put it there (offline rendering),
# else Sphinx's default CDN copy.
if (ROOT / "docs" / "_static" / "mathjax" / "es5" / "tex-chtml.js").is_file():
    mathjax_path = "mathjax/es5/tex-chtml.js"

html_theme = "furo"
html_title = "sc_symbolic"
html_static_path = ["_static"]

autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "undoc-members": False}



def _draw_gallery(app) -> None:
    """Draw the gallery's figures from the shipped examples with the library's own plotting functions."""
    from sc_symbolic.analysis import analyse
    from sc_symbolic.display import plot_value_curve
    from sc_symbolic.model import load_model_file
    from sc_symbolic.optimum import value_curve
    from sc_symbolic.plots import plot_sweep
    from sc_symbolic.thresholds import achievable_returns, amplification_sweep

    out = ROOT / "docs" / "_static" / "gallery"
    out.mkdir(parents=True, exist_ok=True)
    model = load_model_file(str(ROOT / "examples" / "threshold_misalignment.json"))
    rows = amplification_sweep(model)
    plot_sweep(rows, str(out / "sweep.png"), title=model.name, achievable=achievable_returns(model))
    bandit = load_model_file(str(ROOT / "examples" / "three_armed_bandit.json"))
    analysis = analyse(bandit)
    pi, Q = analysis.policy["s0"], analysis.Q["s0"]
    marker = (analysis.I["s0"], sum((analysis.pi_plus["s0"][a] * Q[a] for a in Q), bandit.domain.zero))
    plot_value_curve(value_curve(pi, Q), marker=marker, path=str(out / "trust_region.png"),
                     title=f"{bandit.name}: state s0")
    from sc_symbolic.region_plot import plot_regions
    from sc_symbolic.regions import regions

    lottery = load_model_file(str(ROOT / "examples" / "param_two_lottery.json"))
    plot_regions(regions(lottery, "misalignment", depth=6), str(out / "regions.png"))


def _root_redirect(app, exception) -> None:
    """``index.html`` at the top of the build, pointing at the root document ``docs/index.html``."""
    if exception is None and app.builder.format == "html":
        (Path(app.outdir) / "index.html").write_text(
            '<!DOCTYPE html><meta charset="utf-8"><title>sc_symbolic</title>'
            '<meta http-equiv="refresh" content="0; url=docs/index.html">'
            '<a href="docs/index.html">sc_symbolic documentation</a>\n', encoding="utf-8")


def setup(app):
    app.connect("builder-inited", _draw_gallery)
    app.connect("build-finished", _root_redirect)
    return {"parallel_read_safe": True}
