"""Execute every notebook top to bottom with nbclient; the last cells assert the claims.

Each runs from a copy of the repository with no ``../shared`` beside it (and the
copy's ``sc_symbolic`` first on the path), so a notebook that reads a file the
repository does not ship fails here, as it would in a user's clone.
"""

import importlib.util
import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
SHIPPED = ("notebooks", "examples", "docs", "sc_symbolic", "README.md", "pyproject.toml")
#: Notebooks that draw a figure: it must be displayed (an image in the executed outputs), not only built.
WITH_FIGURES = {"02_trust_region", "04_return_thresholding", "06_real_models"}


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
    if path.stem in WITH_FIGURES:
        images = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
                  if "image/png" in output.get("data", {}) or "image/svg+xml" in output.get("data", {})]
        assert images, f"{name} builds a figure but never displays it"
