"""report.checked_report: the claims the kernel re-verifies are not run twice, and the report is byte for
byte the one of run_checks + kernel_checked_report (issue #13), on passing and on refused analyses."""

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis.strategies import integers

from sc_symbolic.analysis import analyse, iterate
from sc_symbolic.checks import CHECKS, check_iteration, decide, run_checks
from sc_symbolic.exact import rational
from sc_symbolic.model import from_dict
from sc_symbolic.report import KERNEL_PROOF, KERNEL_VERIFIED, checked_report, kernel_checked_report
from sc_symbolic.strategies import model_dicts


def two_pass(analysis, iterations=None, extra=None):
    """The report as check built it before issue #13: every claim by the engine, then the kernel."""
    checks = {**run_checks(analysis), **(extra or {})}
    return kernel_checked_report(analysis, checks, iterations=iterations)


def text(report) -> str:
    return json.dumps(report, indent=1, ensure_ascii=False)


GRID = {"format": "sc-symbolic/mdp-1", "name": "two steps",
        "initial": {"s": "1"},
        "states": {"s": {"a": {"t": "1/2", "fail": "1/2"}, "b": {"goal": "1/3", "t": "2/3"}},
                   "t": {"a": {"goal": "3/4", "fail": "1/4"}, "b": {"goal": "1/4", "fail": "3/4"}},
                   "goal": {}, "fail": {}},
        "success": {"states": ["goal"]},
        "policy": {"s": {"a": "1/2", "b": "1/2"}, "t": {"a": "2/3", "b": "1/3"}}}


def test_the_kernel_claims_carry_its_proof_and_the_rest_are_run_by_the_engine():
    report, checks = checked_report(analyse(from_dict(GRID)))
    assert report["verified"] and report["kernel"]["ok"]
    assert set(KERNEL_VERIFIED) < set(CHECKS)
    for name in CHECKS:
        assert checks[name].proved
        assert (KERNEL_PROOF in checks[name].proofs) == (name in KERNEL_VERIFIED)


@settings(max_examples=40, deadline=None)
@given(model_dicts(max_states=4), integers(0, 2))
def test_same_bytes_as_two_passes(data, steps):
    model = from_dict(data)
    analysis = analyse(model)
    iterations = iterate(model, steps) if steps else None
    extra = ({"iteration": decide(analysis, "iteration", check_iteration, [J for J, _ in iterations])}
             if iterations else None)
    assert text(checked_report(analysis, iterations, extra)[0]) == text(two_pass(analysis, iterations, extra))


@settings(max_examples=25, deadline=None)
@given(model_dicts(max_states=4, rewards=True, acyclic=True))
def test_same_bytes_with_rewards(data):
    analysis = analyse(from_dict(data))
    assert text(checked_report(analysis)[0]) == text(two_pass(analysis))


def corrupted(field_name, state, value):
    analysis = analyse(from_dict(GRID))
    table = dict(getattr(analysis, field_name))
    table[state] = value
    return dataclasses.replace(analysis, **{field_name: table})


@pytest.mark.parametrize("field_name, value", [("R", rational(1, 7)), ("V_plus", rational(99, 100)),
                                               ("chi2", rational(0)), ("I", rational(1, 10**6))])
def test_a_corrupted_analysis_is_refused_with_the_engine_witnesses(field_name, value):
    """Must fail: the kernel refuses the optimistic draft, so every claim is run by the engine and the
    refused report is exactly the two-pass one, witnesses and kernel failures included."""
    analysis = corrupted(field_name, "t", value)
    report, checks = checked_report(analysis)
    assert not report["verified"] and not report["kernel"]["ok"]
    assert report["witnesses"], "a refused report names the violated relations"
    assert not any(KERNEL_PROOF in check.proofs for check in checks.values())
    assert text(report) == text(two_pass(analysis))


def test_without_the_kernel_every_claim_is_run_by_the_engine():
    report, checks = checked_report(analyse(from_dict(GRID)), kernel=False)
    assert "kernel" not in report
    assert not any(KERNEL_PROOF in check.proofs for check in checks.values())
