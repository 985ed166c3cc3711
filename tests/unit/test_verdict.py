"""One verdict everywhere: the CLI, the ``check`` API, the report and the testing assertions agree.

A claim passes an assertion exactly when ``check`` reports it proved; an inequality that could
only be sampled on the parameter box makes its claim "sampled": not OK, not verified, and every
assertion fails naming the claim, the state and the undecided expression.
"""

import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given, settings

import sc_symbolic
import sc_symbolic.checks as checks_module
import sc_symbolic.signs as signs
from sc_symbolic import testing
from sc_symbolic.checks import CHECKS
from sc_symbolic.improvement_certificate import improvement_certificate, improvement_certificate_gap
from sc_symbolic.cli import main
from sc_symbolic.model import from_dict, load_model
from sc_symbolic.report import render_table

EXAMPLES = sorted(Path(__file__).resolve().parents[2].joinpath("examples").glob("*.json"))


def cli(*argv):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        status = main(list(argv))
    return status, buffer.getvalue()


def assertion_verdicts(model):
    """{claim: passes assert_claims} and whether assert_all_claims passes."""
    verdicts = {}
    for name in CHECKS:
        try:
            testing.assert_claims(model, name)
            verdicts[name] = True
        except testing.ClaimFailed:
            verdicts[name] = False
    try:
        testing.assert_all_claims(model)
        everything = True
    except (testing.ClaimFailed, testing.KernelRefused):
        everything = False
    return verdicts, everything


def assert_one_verdict(model_source, status, report):
    verdicts, everything = assertion_verdicts(model_source)
    assert verdicts == {name: report["checks"][name] for name in CHECKS}
    assert everything == report["verified"] == (status == 0)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_cli_api_report_and_assertions_agree_on_every_example(path):
    status, text = cli("check", str(path), "--json")
    report = json.loads(text)
    api_report, api_checks = sc_symbolic.check(str(path))
    assert api_report["verified"] == report["verified"]
    assert {name: c.proved for name, c in api_checks.items()} == report["checks"]
    assert_one_verdict(str(path), status, report)


def test_the_two_room_model_of_issue_16_is_verified_by_its_certificate():
    path = next(p for p in EXAMPLES if p.stem == "parametric_two_room")
    status, text = cli("check", str(path), "--json")
    report = json.loads(text)
    assert status == 0 and report["verified"] and "undecided" not in report
    assert report["proofs"]["improvement"]["status"] == "proved"
    assert any("improvement certificate" in how for how in report["proofs"]["improvement"]["how"])
    testing.assert_all_claims(str(path))


@pytest.fixture
def only_sampled(monkeypatch):
    """The improvement certificate does not apply and every non-constant sign of a claim is only sampled
    (the loader's own proofs are left alone)."""
    real = signs.nonnegative_in_domain

    def sampled(domain, x):
        verdict = real(domain, x)
        if verdict.holds and verdict.how not in ("constant", "identically zero"):
            return signs.SignVerdict(True, signs.SAMPLED, None, "forced: sampled only")
        return verdict

    def patch():
        monkeypatch.setattr(signs, "nonnegative_in_domain", sampled)
        monkeypatch.setattr(checks_module, "improvement_certificate_gap", lambda analysis: "forced off")
    return patch


def test_a_sampled_inequality_is_never_reported_proved_and_fails_every_assertion(only_sampled):
    model = load_model(next(p for p in EXAMPLES if p.stem == "parametric_two_room"))
    only_sampled()
    report, checks = sc_symbolic.check(model)
    assert checks["improvement"].holds and checks["improvement"].status == "sampled"
    assert report["checks"]["improvement"] is False and report["verified"] is False
    assert report["proofs"]["improvement"]["status"] == "sampled"
    quantities = {(u["claim"], u["state"], u["quantity"]) for u in report["undecided"]}
    assert ("improvement", "s0", "V_plus(s0) - V(s0) >= 0") in quantities
    assert "improvement SAMPLED (not proved)" in render_table(report)
    assert "improvement OK" not in render_table(report)
    assert any(note.startswith("claim 'improvement', state s0: V_plus(s0) - V(s0) >= 0") for note in report["notes"])
    with pytest.raises(testing.ClaimFailed) as info:
        testing.assert_improves(model)
    message = str(info.value)
    assert "'improvement' is not proved" in message and "state s0: V_plus(s0) - V(s0) >= 0" in message
    with pytest.raises(testing.ClaimFailed):
        testing.assert_all_claims(model)


def test_the_cli_exits_1_on_a_sampled_claim(only_sampled, tmp_path):
    path = next(p for p in EXAMPLES if p.stem == "parametric_two_room")
    only_sampled()
    status, text = cli("check", str(path))
    assert status == 1 and "SAMPLED (not proved)" in text and text.rstrip().endswith("NOT verified")


def test_a_claim_name_may_be_one_string_and_unknown_names_list_the_valid_ones():
    model = str(EXAMPLES[0])
    testing.assert_claims(model, "identity")
    with pytest.raises(testing.UnknownClaimError) as info:
        testing.assert_claims(model, "identiy")
    assert "valid names: identity, trust_region" in str(info.value)
    with pytest.raises(testing.UnknownClaimError):
        testing.assert_claims(model, 7)
    assert isinstance(info.value, sc_symbolic.ScError)


def test_a_corrupted_parametric_v_plus_is_refused(monkeypatch):
    """The certificate's identities do not hold for a wrong V⁺, and the claim fails with its witness."""
    model = load_model(next(p for p in EXAMPLES if p.stem == "parametric_two_room"))
    analysis = sc_symbolic.analyse(model)
    d = analysis.domain
    analysis.V_plus["s1"] = analysis.V_plus["s1"] - d.symbol("p") * d.symbol("theta") / 8
    assert not improvement_certificate(analysis)
    result = checks_module.decide(analysis, "improvement", CHECKS["improvement"])
    assert result.status == "failed"
    assert any("Bellman: V_plus" in v.relation and v.state == "s1" for v in result.witness)


def test_the_certificate_refuses_a_flow_that_does_not_match(monkeypatch):
    """Identity (2) is checked, not assumed: a V⁺ shifted consistently with its Bellman row still fails."""
    model = load_model(next(p for p in EXAMPLES if p.stem == "parametric_two_room"))
    analysis = sc_symbolic.analyse(model)
    assert improvement_certificate(analysis)
    analysis.executed["s0"] = dict(analysis.policy["s0"])  # π⁺ replaced by π at a state with V > 0
    assert not improvement_certificate(analysis)


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from parametric_fixtures import parametric_model_dicts  # noqa: E402


@settings(max_examples=8)
@given(parametric_model_dicts())
def test_one_verdict_on_random_parametric_models(data):
    model = from_dict(data)
    report, checks = sc_symbolic.check(model)
    assert report["checks"] == {name: c.proved for name, c in checks.items()}
    assert report["verified"] == all(c.proved for c in checks.values())
    assert report["verified"], report.get("notes")  # every claim is a theorem: proved on the whole box
    verdicts, everything = assertion_verdicts(model)
    assert verdicts == report["checks"] and everything == report["verified"]
