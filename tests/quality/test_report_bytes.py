"""`check --json` output is pinned byte for byte on every example (issue #13: speed work must not change it).

After an intended change of the report, regenerate: ``python tests/golden/pin_reports.py --update``.
"""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))
import pin_reports  # noqa: E402

PINNED = json.loads(pin_reports.HASHES.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(PINNED))
def test_report_bytes_are_pinned(name):
    assert pin_reports.report_hash(pin_reports.REPO / name) == PINNED[name], (
        f"{name}: check --json changed; if intended, run python tests/golden/pin_reports.py --update")


def test_every_example_is_pinned():
    assert sorted(str(p.relative_to(pin_reports.REPO)) for p in pin_reports.pinned_models()) == sorted(PINNED)
