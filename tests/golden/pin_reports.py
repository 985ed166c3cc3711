"""Regenerate or check the pinned `check --json` bytes (tests/golden/report_hashes.json).

    python tests/golden/pin_reports.py           # check: exit 1 and list what changed
    python tests/golden/pin_reports.py --update  # rewrite the hashes after an intended report change

Speed work must not change a report (issue #13): the SHA-256 of every numeric example's `check --json`
output is pinned; tests/quality/test_report_bytes.py
runs the check (numeric models: their bytes depend on nothing but this code).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HASHES = Path(__file__).resolve().parent / "report_hashes.json"


def pinned_models() -> list[Path]:
    """Every numeric example (parametric reports print SymPy's text, which a SymPy release may reorder)."""
    return sorted(p for p in (REPO / "examples").glob("*.json")
                  if not json.loads(p.read_text(encoding="utf-8")).get("parameters"))


def report_hash(path: Path) -> str:
    sys.path.insert(0, str(REPO))
    from sc_symbolic.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(["check", str(path), "--json"])
    return f"{status}:{hashlib.sha256(out.getvalue().encode('utf-8')).hexdigest()}"


def current() -> dict:
    return {str(p.relative_to(REPO)): report_hash(p) for p in pinned_models()}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    now = current()
    if "--update" in argv:
        HASHES.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"pinned {len(now)} reports in {HASHES.relative_to(REPO)}")
        return 0
    pinned = json.loads(HASHES.read_text(encoding="utf-8"))
    changed = sorted(k for k in set(now) | set(pinned) if now.get(k) != pinned.get(k))
    for name in changed:
        print(f"changed: {name}")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
