"""The repository stands on its own: README, docs, notebooks and --help cite docs/math.md,
never a MATH.md outside the repository."""

from pathlib import Path

import pytest

from sc_symbolic.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
USER_FACING = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "notebooks").glob("*.ipynb"))]
CODE = sorted((REPO / "sc_symbolic").rglob("*.py"))


@pytest.mark.parametrize("path", USER_FACING, ids=lambda p: p.name)
def test_no_reference_to_a_file_outside_the_repository(path):
    assert "MATH.md" not in path.read_text(encoding="utf-8")


#: Paths of the development machine's shared folder: a user's clone has no such folder (tests may read it, docs may not).
OUTSIDE = ("../shared", "/work/shared")


@pytest.mark.parametrize("path", USER_FACING + CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_no_path_into_the_shared_folder(path):
    text = path.read_text(encoding="utf-8")
    assert [where for where in OUTSIDE if where in text] == []


def test_help_names_no_path_into_the_shared_folder():
    parser = build_parser()
    texts = [parser.format_help()] + [sub.format_help() for action in parser._subparsers._group_actions
                                      for sub in action.choices.values()]
    assert not any(where in text for text in texts for where in OUTSIDE)


def test_the_vendored_prism_example_docs_cli_shows_exists():
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "sc-symbolic import prism examples/prism/coin2.nm" in text
    assert (REPO / "examples" / "prism" / "coin2.nm").is_file()
    assert (REPO / "examples" / "prism" / "README.md").is_file()


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_code_cites_docs_math_not_the_spec(path):
    assert "MATH.md" not in path.read_text(encoding="utf-8")


def test_help_cites_docs_math():
    parser = build_parser()
    texts = [parser.format_help()] + [sub.format_help() for action in parser._subparsers._group_actions
                                      for sub in action.choices.values()]
    assert not any("MATH.md" in text for text in texts)
    assert any("docs/math.md" in text for text in texts)


def test_docs_math_covers_every_section():
    text = (REPO / "docs" / "math.md").read_text(encoding="utf-8")
    for section in ("§1", "§2", "§3", "§4", "§5", "§6", "§7", "§8", "§9"):
        assert f"## {section}" in text
    for claim in ("no dangerous distribution shift", "Parameter regions", "filtered imitation", "empirical MDP"):
        assert claim in text


def _is_module(dotted: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package
        return False


def test_every_function_docs_math_names_exists():
    """`module.name` in docs/math.md's tables resolves inside sc_symbolic (the docs cannot drift from the code)."""
    import importlib
    import re

    text = (REPO / "docs" / "math.md").read_text(encoding="utf-8")
    missing = []
    for module, name in set(re.findall(r"`((?:[a-z_]+\.)*[a-z_]+)\.([A-Za-z_]\w*)`", text)):
        try:
            target = importlib.import_module(f"sc_symbolic.{module}")
        except ImportError:
            continue  # e.g. `Analysis.radius`, `SweepRow.misaligned`: attributes, not modules
        if name == "py":
            continue  # a file name such as `display.py`
        if module == "kernel" and not hasattr(target, name):
            target = target._Kernel
        if not hasattr(target, name) and not _is_module(f"sc_symbolic.{module}.{name}"):
            missing.append(f"{module}.{name}")
    assert missing == []


def test_notebooks_cite_only_shipped_json_files():
    """A model file a notebook names by its repository path exists (files a notebook writes have no path)."""
    import re

    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        assert "risky_threshold.json" not in text, path.name
        for name in re.findall(r"`([\w.-]+/[\w./-]+\.json)`", text):
            assert (REPO / name).exists(), (path.name, name)
