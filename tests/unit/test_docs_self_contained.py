"""The repository stands on its own: README, docs, notebooks and --help cite docs/math.md,
never a MATH.md outside the repository."""

from pathlib import Path

import pytest

from sc_symbolic.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
USER_FACING = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "notebooks").glob("*.ipynb"))]


@pytest.mark.parametrize("path", USER_FACING, ids=lambda p: p.name)
def test_no_reference_to_a_file_outside_the_repository(path):
    assert "MATH.md" not in path.read_text(encoding="utf-8")


def test_help_cites_docs_math():
    parser = build_parser()
    texts = [parser.format_help()] + [sub.format_help() for action in parser._subparsers._group_actions
                                      for sub in action.choices.values()]
    assert not any("MATH.md" in text for text in texts)
    assert any("docs/math.md" in text for text in texts)


def test_docs_math_covers_every_section():
    text = (REPO / "docs" / "math.md").read_text(encoding="utf-8")
    for section in ("§2", "§3", "§4", "§5", "§6", "§7"):
        assert f"## {section}" in text


def test_notebooks_cite_only_shipped_json_files():
    """A model file a notebook names by its repository path exists (files a notebook writes have no path)."""
    import re

    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        assert "risky_threshold.json" not in text, path.name
        for name in re.findall(r"`([\w.-]+/[\w./-]+\.json)`", text):
            assert (REPO / name).exists(), (path.name, name)
