"""The documentation site renders in a browser: its title, a formula and a figure (issue #14).

``.ci/run`` builds the site (``sphinx-build -W -c docs -b html . docs/_build/html``, warnings
are errors, so a broken cross-reference, a notebook that raises or invalid docstring markup
fails CI) and installs Debian's chromium where it can; here a headless chromium loads the
built ``index.html`` and one notebook page.  Skips cleanly when the site is not built or no
browser is installed.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "docs" / "_build" / "html"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no headless browser installed (Debian: apt-get install chromium)")


def _rendered(page: Path) -> str:
    result = subprocess.run([_browser(), "--headless", "--no-sandbox", "--disable-gpu",
                             "--allow-file-access-from-files", "--virtual-time-budget=20000", "--dump-dom",
                             page.as_uri()], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    return result.stdout


@pytest.fixture(scope="module")
def site():
    if not (SITE / "docs" / "index.html").is_file():
        pytest.skip("site not built: sphinx-build -W -c docs -b html . docs/_build/html")
    return SITE


def _formula_rendered(dom: str, site: Path) -> bool:
    if (site / "_static" / "mathjax" / "es5" / "tex-chtml.js").is_file():
        return "<mjx-container" in dom  # typeset by the vendored MathJax, offline
    return 'class="math' in dom  # MathJax from its CDN: only the TeX source can be checked offline


def test_index_renders_title_and_formula(site):
    dom = _rendered(site / "index.html")  # the top-level redirect leads to docs/index.html
    assert re.search(r"<title>sc_symbolic", dom)
    assert _formula_rendered(dom, site)


def test_a_notebook_page_renders_its_outputs_a_formula_and_a_figure(site):
    page = site / "notebooks" / "04_return_thresholding.html"
    dom = _rendered(page)
    assert "Return thresholding" in re.search(r"<title>([^<]*)</title>", dom).group(1)
    assert _formula_rendered(dom, site)
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', dom)
    assert images and all((page.parent / src).resolve().is_file() for src in images)


def test_every_notebook_and_guide_is_a_page(site):
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        assert (site / "notebooks" / f"{notebook.stem}.html").is_file(), notebook.name
    for guide in ("quickstart", "math", "checks", "format", "cli", "limits", "cli-reference", "api", "schemas",
                  "gallery"):
        assert (site / "docs" / f"{guide}.html").is_file(), guide
