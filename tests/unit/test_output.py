"""Output files (sc_symbolic/output.py): nothing a user owns is touched before the result exists.

Red-team cases (issue #17): a failed ``export prism -o FILE`` truncated FILE; ``--plot P``
wrote ``P.png``; ``search --out DIR`` overwrote ``witness.json`` and followed a symlink there.
"""

import json
import os
from pathlib import Path

import pytest

from sc_symbolic import output
from sc_symbolic.cli import main
from sc_symbolic.errors import ModelError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def leftovers(directory: Path) -> list:
    return [p.name for p in directory.iterdir() if p.name.startswith(".sc-symbolic-")]


def test_write_text_replaces_a_regular_file_atomically(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    output.write_text(target, "new", "-o")
    assert target.read_text() == "new" and oct(target.stat().st_mode & 0o777) == "0o640"
    assert leftovers(tmp_path) == []


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("old")

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", failing_replace)
    with pytest.raises(ModelError, match="No space left"):
        output.write_text(target, "new", "-o")
    assert target.read_text() == "old" and leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
def test_links_pipes_and_directories_are_refused(tmp_path, kind):
    target, pointed = tmp_path / "out", tmp_path / "elsewhere"
    if kind == "symlink":
        os.symlink(pointed, target)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    with pytest.raises(ModelError, match="cannot write"):
        output.write_text(target, "x", "-o")
    assert not pointed.exists() and leftovers(tmp_path) == []


def test_overwrite_false_keeps_an_existing_file(tmp_path):
    target = tmp_path / "w.json"
    target.write_text("mine")
    with pytest.raises(ModelError, match="--force"):
        output.write_text(target, "x", "--out", overwrite=False)
    assert target.read_text() == "mine"


@pytest.mark.parametrize("name, fmt", [("f.png", "png"), ("f.PDF", "pdf"), ("f.svg", "svg"), ("f.jpg", "jpeg")])
def test_the_figure_format_is_the_extension(name, fmt):
    assert output.figure_format(name) == fmt


@pytest.mark.parametrize("name", ["plot", "plot.", "plot.unknown", "/dev/full"])
def test_a_figure_path_without_a_known_extension_is_refused(name):
    with pytest.raises(ModelError, match="extension"):
        output.figure_format(name)


def test_a_failed_export_leaves_the_existing_file_untouched(tmp_path, capsys):
    target = tmp_path / "model.prism"
    target.write_text("precious")
    assert main(["export", "prism", str(EXAMPLES / "parametric_coin.json"), "-o", str(target)]) == 2
    assert "parametric" in capsys.readouterr().err
    assert target.read_text() == "precious" and leftovers(tmp_path) == []


def test_plot_writes_exactly_the_path_given(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    (tmp_path / "P.png").write_text("precious")
    model = str(EXAMPLES / "threshold_misalignment.json")
    assert main(["sweep", model, "--plot", str(tmp_path / "P")]) == 2
    assert "extension" in capsys.readouterr().err
    assert (tmp_path / "P.png").read_text() == "precious" and not (tmp_path / "P").exists()
    assert main(["sweep", model, "--plot", str(tmp_path / "curve.svg")]) == 0
    assert (tmp_path / "curve.svg").read_text().lstrip().startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["P.png", "curve.svg"]


def _search(out, *extra):
    return main(["search", "misalignment", "--method", "exhaustive", "--max-states", "1", "--max-actions", "2",
                 "--max-outcomes", "2", "--max-denominator", "2", "--max-reward", "2", "--out", str(out),
                 "--quiet", *extra])


def test_search_keeps_existing_witness_files_unless_forced(tmp_path, capsys):
    out = tmp_path / "out"
    assert _search(out) == 0 and (out / "witness.json").exists()
    capsys.readouterr()
    (out / "witness.json").write_text("mine")
    assert _search(out) == 2
    assert "--force" in capsys.readouterr().err and (out / "witness.json").read_text() == "mine"
    assert _search(out, "--force") == 0
    assert json.loads((out / "witness.json").read_text())["format"] == "sc-symbolic/mdp-1"


def test_search_never_writes_through_a_symlink(tmp_path, capsys):
    out, victim = tmp_path / "out", tmp_path / "victim.json"
    out.mkdir()
    victim.write_text("precious")
    os.symlink(victim, out / "witness.json")
    assert _search(out, "--force") == 2
    assert "symbolic link" in capsys.readouterr().err and victim.read_text() == "precious"
