"""`check --json` reproduces the reference reports of ../shared/data/reference exactly."""

import io
import json
from contextlib import redirect_stdout

import pytest

from sc_symbolic.cli import main

NAMES = ["bandit3", "cyclic_gridworld", "risky_threshold"]


def run_check(path, *extra):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        status = main(["check", str(path), "--json", *extra])
    return status, json.loads(buffer.getvalue())


@pytest.mark.parametrize("name", NAMES)
def test_check_reproduces_reference_report(shared_dir, name):
    reference = json.loads((shared_dir / "data" / "reference" / f"{name}.report.json").read_text())
    status, report = run_check(shared_dir / "data" / "reference" / f"{name}.json")
    assert status == 0
    assert_contains(report, reference, "report")


def assert_contains(report, reference, where):
    """Every field of the reference is in the report with exactly its value; the report may add fields
    the reference predates (e.g. checks.distribution_shift and states.*.max_ratio)."""
    if isinstance(reference, dict):
        assert isinstance(report, dict), where
        for key, value in reference.items():
            assert key in report, f"{where}.{key}"
            assert_contains(report[key], value, f"{where}.{key}")
    else:
        assert report == reference, where


@pytest.mark.parametrize("name", NAMES)
def test_reference_reports_pass_the_kernel(shared_dir, name):
    status, report = run_check(shared_dir / "data" / "reference" / f"{name}.json")
    assert report["kernel"]["ok"] is True
    assert report["verified"] is True
