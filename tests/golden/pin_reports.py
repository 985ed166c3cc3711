"""Regenerate or check the pinned `check --json` bytes (tests/golden/report_hashes.json).

    python tests/golden/pin_reports.py           # check: exit 1 and list what changed
    python tests/golden/pin_reports.py --update  # rewrite the hashes after an intended report change

Speed work must not change a report (issue #13): the SHA-256 of the `check --json` output of every
numeric example, every reference model of ../shared/data/reference and the smaller PRISM exports of
../shared/data/prism/exports is pinned; tests/quality/test_report_bytes.py runs the check (numeric
models: their bytes depend on nothing but this code).  Models under ../shared are pinned as
``shared/...`` and skipped when ../shared is absent.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
HASHES = Path(__file__).resolve().parent / "report_hashes.json"
#: Exports small enough for the test suite (csma2_4: 7,958 states, about 2 s).
EXPORTS = ("consensus_coin2_K2", "consensus_coin2_K4", "csma2_2", "csma2_4")


def _numeric(path: Path) -> bool:
    """Parametric reports print SymPy's text, which a SymPy release may reorder: only numeric ones are pinned."""
    return not json.loads(path.read_text(encoding="utf-8")).get("parameters")


def pinned_models() -> list[Path]:
    """Every numeric example, reference model and small export that exists here."""
    models = [p for p in (REPO / "examples").glob("*.json") if _numeric(p)]
    models += [p for p in (SHARED / "data" / "reference").glob("*.json")
               if not p.name.endswith(".report.json") and _numeric(p)]
    models += [p for name in EXPORTS if (p := SHARED / "data" / "prism" / "exports" / f"{name}.json").is_file()]
    return sorted(models)


def pinned_name(path: Path) -> str:
    """``examples/x.json`` inside the repository, ``shared/data/...`` beside it."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else "shared/" + str(path.relative_to(SHARED))


def pinned_path(name: str) -> Path:
    return SHARED / name.removeprefix("shared/") if name.startswith("shared/") else REPO / name


def report_hash(path: Path) -> str:
    sys.path.insert(0, str(REPO))
    from sc_symbolic.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(["check", str(path), "--json"])
    return f"{status}:{hashlib.sha256(out.getvalue().encode('utf-8')).hexdigest()}"


def current() -> dict:
    return {pinned_name(p): report_hash(p) for p in pinned_models()}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    now = current()
    if "--update" in argv:
        HASHES.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"pinned {len(now)} reports in {HASHES.relative_to(REPO)}")
        return 0
    pinned = json.loads(HASHES.read_text(encoding="utf-8"))
    changed = sorted(k for k in set(now) | set(pinned)
                     if now.get(k) != pinned.get(k) and pinned_path(k).is_file())
    for name in changed:
        print(f"changed: {name}")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
