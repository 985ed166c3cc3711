"""Execute every notebook top to bottom with nbclient; the last cells assert the claims.

Each runs from a copy of the repository with no ``../shared`` beside it (and the
copy's ``sc_symbolic`` first on the path), so a notebook that reads a file the
repository does not ship fails here, as it would in a user's clone.
"""

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
SHIPPED = ("notebooks", "examples", "docs", "sc_symbolic", "README.md", "pyproject.toml")
#: Source that draws a figure: matplotlib itself, or one of the library's plotting functions (plot_*).
DRAWS = re.compile(r"\bmatplotlib\b|\bplt\.|\bplot_[a-z]\w*|\.savefig\s*\(")


def draws_a_figure(notebook) -> bool:
    """True when a code cell of ``notebook`` draws a figure (read from its source, no hand list)."""
    return any(DRAWS.search(cell.source) for cell in notebook.cells if cell.cell_type == "code")


def displayed_images(notebook) -> list:
    """The image outputs (PNG or SVG) of the executed ``notebook``."""
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {}) or "image/svg+xml" in output.get("data", {})]


@pytest.fixture(scope="module")
def standalone_repository(tmp_path_factory):
    root = tmp_path_factory.mktemp("clone") / "repository"
    for name in SHIPPED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif source.is_file():
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / name)
    assert not any((folder / "shared").exists() for folder in [root, *root.parents])
    return root


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS], ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(name, monkeypatch, standalone_repository):
    path = standalone_repository / "notebooks" / name
    monkeypatch.setenv("PYTHONPATH", str(standalone_repository))
    notebook = nbformat.read(path, as_version=4)
    required = notebook.metadata.get("sc_symbolic", {}).get("requires", [])
    missing = [name for name in required if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    if draws_a_figure(notebook):
        assert displayed_images(notebook), f"{name} builds a figure but never displays it"
    figure_reprs = [text for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
                    for text in [output.get("data", {}).get("text/plain", "")] if text.startswith("<Figure")]
    assert not figure_reprs, f"{name} shows a Figure's repr instead of the figure: {figure_reprs}"


def test_the_notebooks_that_draw_are_recognised():
    """The figure rule reads the sources: every notebook with a figure today is found, one without is not."""
    drawing = {path.stem for path in NOTEBOOKS if draws_a_figure(nbformat.read(path, as_version=4))}
    assert {"02_trust_region", "03_three_way_identity", "04_return_thresholding", "06_real_models",
            "07_parameter_regions", "08_from_data_to_exact"} <= drawing
    assert "01_success_conditioning" not in drawing


def test_a_figure_repr_is_not_a_displayed_image():
    """The check that failed on notebook 07: a bare ``figure`` cell gives text/plain '<Figure ...>', no image."""
    cell = nbformat.v4.new_code_cell("figure = plot_regions(report)\nfigure")
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "<Figure size 550x460 with 1 Axes>"},
                                           execution_count=1)]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert draws_a_figure(notebook)
    assert displayed_images(notebook) == []
