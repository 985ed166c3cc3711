"""`check --json` output is pinned byte for byte on every numeric example, reference model and small export (issue #13: speed work must not change it).

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
    path = pin_reports.pinned_path(name)
    if not path.is_file():
        pytest.skip(f"{name} is not here (../shared absent)")
    assert pin_reports.report_hash(path) == PINNED[name], (
        f"{name}: check --json changed; if intended, run python tests/golden/pin_reports.py --update")


def test_every_model_here_is_pinned():
    assert set(map(pin_reports.pinned_name, pin_reports.pinned_models())) <= set(PINNED)
    assert {name for name in PINNED if pin_reports.pinned_path(name).is_file()} == set(
        map(pin_reports.pinned_name, pin_reports.pinned_models()))
