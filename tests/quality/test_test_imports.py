"""The suite runs as CI runs it: plain ``pytest`` from a clean clone, with no ``PYTHONPATH``.

``tests`` is not a package, so ``from tests.x import y`` works only when the
repository root happens to be on ``sys.path`` (``python -m pytest``, or an
exported ``PYTHONPATH``) and breaks collection in CI.  Shared test helpers live
in ``tests/*_fixtures.py`` and are imported by path.
"""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE_IMPORT = re.compile(r"^\s*(from\s+tests(\.|\s)|import\s+tests(\.|\s|$))", re.MULTILINE)


def test_no_module_imports_the_tests_directory_as_a_package():
    offenders = []
    for path in sorted(REPO.glob("**/*.py")):
        if any(part.startswith(".") or part in {"build", "dist"} for part in path.relative_to(REPO).parts):
            continue
        if PACKAGE_IMPORT.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == [], f"import tests.* breaks plain `pytest` in CI: {offenders}"


def test_the_rule_catches_a_package_import():
    assert PACKAGE_IMPORT.search("x = 1\nfrom tests.properties.test_a import b\n")
    assert PACKAGE_IMPORT.search("import tests.kernel_fixtures as kf\n")
    assert not PACKAGE_IMPORT.search("from parametric_fixtures import parametric_model_dicts\n")
