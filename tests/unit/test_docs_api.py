"""docs/api.md documents every public module of sc_symbolic (a new module cannot be left out of the API reference)."""

import pkgutil
import re
from pathlib import Path

import sc_symbolic

API = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def public_modules() -> list:
    """Every module and package under sc_symbolic whose dotted name has no part starting with an underscore."""
    return sorted(info.name for info in pkgutil.walk_packages(sc_symbolic.__path__, "sc_symbolic.")
                  if not any(part.startswith("_") for part in info.name.split(".")))


def test_every_public_module_is_in_docs_api():
    documented = set(re.findall(r"^\.\. automodule:: (\S+)\s*$", API.read_text(encoding="utf-8"), re.MULTILINE))
    assert [name for name in public_modules() if name not in documented] == []


def test_docs_api_names_only_modules_that_exist():
    documented = re.findall(r"^\.\. automodule:: (\S+)\s*$", API.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(documented) == len(set(documented))
    assert [name for name in documented if name != "sc_symbolic" and name not in public_modules()] == []


def test_the_walk_finds_the_modules_the_review_named():
    found = set(public_modules())
    for name in ("errors", "exact", "signs", "improvement_certificate", "importers.prism", "importers.gym",
                 "importers.minari", "importers.trajectories", "exporters.prism", "search.engine",
                 "symbolic.identity", "symbolic.trust_region", "latex", "display", "plots", "region_plot"):
        assert f"sc_symbolic.{name}" in found
