"""The check/verify command line: exit statuses, overrides, certificates, one-line errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sc_symbolic.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_check_text_and_json(capsys):
    status, out, _ = run(capsys, "check", str(EXAMPLES / "gridworld.json"))
    assert status == 0 and "verified" in out and "state t1" in out
    status, out, _ = run(capsys, "check", str(EXAMPLES / "gridworld.json"), "--json")
    report = json.loads(out)
    assert status == 0 and report["format"] == "sc-symbolic/report-1"
    assert report["states"]["t1"]["pi_plus"] is None and report["states"]["t1"]["V"] == "0"


def test_policy_override_file(capsys, tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"policy": {"s0": {"a": "1", "b": "0", "c": "0"}}}))
    status, out, _ = run(capsys, "check", str(EXAMPLES / "three_armed_bandit.json"), "--policy", str(policy), "--json")
    report = json.loads(out)
    assert status == 0 and report["J"] == "9/10" and report["J_plus"] == "9/10"
    assert report["states"]["s0"]["I"] == "0"


def test_threshold_override_analyses_the_augmented_model(capsys):
    status, out, _ = run(capsys, "check", str(EXAMPLES / "risky_bandit.json"), "--threshold", "2", "--json")
    report = json.loads(out)
    assert status == 0 and list(report["states"]) == ["s0|G=0"] and report["threshold"] == "2"


def test_iterate_reports_monotone_values(capsys):
    status, out, _ = run(capsys, "check", str(EXAMPLES / "gridworld.json"), "--iterate", "3", "--json")
    values = json.loads(out)["iterations"]
    assert status == 0 and len(values) == 4


def test_certificate_round_trip_and_tampering(capsys, tmp_path):
    certificate = tmp_path / "cert.json"
    model = str(EXAMPLES / "gridworld.json")
    assert run(capsys, "check", model, "--certificate", str(certificate))[0] == 0
    assert run(capsys, "verify", model, str(certificate))[0] == 0
    data = json.loads(certificate.read_text())
    data["report"]["states"]["mid"]["V"] = "1/3"
    certificate.write_text(json.dumps(data))
    status, out, _ = run(capsys, "verify", model, str(certificate))
    assert status == 1 and "mid" in out


@pytest.mark.parametrize("content,fragment", [
    ("{", "not valid JSON"),
    (json.dumps({"format": "sc-symbolic/mdp-1"}), "states"),
    ('{"a": 1, "a": 2}', "duplicate key"),
])
def test_invalid_input_exits_2_with_one_line(capsys, tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_text(content)
    status, out, err = run(capsys, "check", str(path))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err


def test_missing_file_exits_2(capsys):
    status, _, err = run(capsys, "check", "/nonexistent/model.json")
    assert status == 2 and "cannot read" in err


def test_fraction_fallback_reproduces_the_same_report(tmp_path):
    env = dict(os.environ, SC_SYMBOLIC_RATIONAL="fraction")
    outputs = []
    for extra in ({}, env):
        result = subprocess.run([sys.executable, "-m", "sc_symbolic.cli", "check", str(EXAMPLES / "gridworld.json"),
                                 "--json"], capture_output=True, text=True, env=extra or None, check=True)
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1]


def test_prove_through_the_main_cli(capsys):
    status, out, _ = run(capsys, "prove", "identity", "--actions", "3", "--json")
    assert status == 0 and json.loads(out)["verified"] is True
    status, _, err = run(capsys, "prove", "identity", "--actions", "20")
    assert status == 2 and err.startswith("error: --actions")


def test_check_of_a_small_model_imports_neither_sympy_nor_flint():
    """Startup: a small numeric check needs no SymPy and no FLINT (a dense solve imports it)."""
    code = ("import sys; from sc_symbolic.cli import main; main(['check', sys.argv[1], '--json']); "
            "print('sympy' in sys.modules, 'flint' in sys.modules, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "gridworld.json")],
                            capture_output=True, text=True, check=True)
    assert result.stderr.strip() == "False False"


def test_certificate_of_a_threshold_check_is_verified_with_the_same_threshold(capsys, tmp_path):
    certificate = tmp_path / "cert.json"
    model = str(EXAMPLES / "risky_bandit.json")
    assert run(capsys, "check", model, "--threshold", "3", "--certificate", str(certificate))[0] == 0
    assert run(capsys, "verify", model, str(certificate), "--threshold", "3")[0] == 0
    status, out, _ = run(capsys, "verify", model, str(certificate))
    assert status == 1 and "differs from the given model in 'goal'" in out and "--threshold" in out
    status, out, _ = run(capsys, "verify", model, str(certificate), "--threshold", "2")
    assert status == 1 and "'tau'" in out


def test_verify_unreadable_input_exits_2(capsys, tmp_path):
    status, out, err = run(capsys, "verify", "/nonexistent/model.json", str(EXAMPLES / "gridworld.json"))
    assert status == 2 and out == "" and "cannot read" in err and err.count("\n") == 1
    broken = tmp_path / "cert.json"
    broken.write_text("{")
    status, out, err = run(capsys, "verify", str(EXAMPLES / "gridworld.json"), str(broken))
    assert status == 2 and out == "" and "certificate: cannot read" in err


def test_json_and_latex_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(EXAMPLES / "gridworld.json"), "--json", "--latex"])
    assert exit_info.value.code == 2


def test_threshold_report_carries_the_markov_variant(capsys):
    status, out, _ = run(capsys, "check", str(EXAMPLES / "risky_bandit.json"), "--threshold", "2", "--json")
    mv = json.loads(out)["markov_variant"]
    assert status == 0 and {"identity_holds", "trust_region_holds", "improves", "policy"} <= set(mv)
    status, out, _ = run(capsys, "check", str(EXAMPLES / "gridworld.json"), "--json")
    assert "markov_variant" not in json.loads(out)


def test_markov_variant_breaking_the_identity_is_shown_by_check(capsys, tmp_path):
    # at s1 the return so far is 0 or -1: pooling over it, π̄ differs from π⁺
    model = {"format": "sc-symbolic/mdp-1", "name": "markov witness", "initial": {"s0": "1"},
             "states": {"s0": {"a": {"s1": "1"}, "b": [{"to": "s1", "p": "1", "r": "-1"}]},
                        "s1": {"a": [{"to": "end", "p": "1", "r": "-1"}], "b": {"end": "1"}}, "end": {}},
             "success": {"return_at_least": "-1"}, "policy": "uniform"}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model))
    status, out, _ = run(capsys, "check", str(path), "--json")
    report = json.loads(out)
    mv = report["markov_variant"]
    assert status == 0 and report["verified"] is True
    assert mv["identity_holds"] is False and mv["witnesses"]["identity"]["lhs"] != mv["witnesses"]["identity"]["rhs"]
    status, out, _ = run(capsys, "check", str(path))
    assert "identity FAILS" in out


def test_threshold_on_a_model_without_rewards_is_analysed_with_a_note(capsys):
    # G = 0 on every episode: success iff 0 ≥ τ (the sweep refuses such a model: nothing to sweep)
    status, out, _ = run(capsys, "check", str(EXAMPLES / "three_armed_bandit.json"), "--threshold", "1", "--json")
    report = json.loads(out)
    assert status == 0 and report["J"] == "0" and "expected_return" not in report
    assert any("every return is 0" in note for note in report["notes"])
    status, out, _ = run(capsys, "check", str(EXAMPLES / "three_armed_bandit.json"), "--threshold", "0", "--json")
    assert status == 0 and json.loads(out)["J"] == "1"


def test_certificate_of_a_policy_check_is_verified_with_the_same_policy(capsys, tmp_path):
    certificate, policy = tmp_path / "cert.json", tmp_path / "policy.json"
    model = str(EXAMPLES / "risky_bandit.json")
    policy.write_text(json.dumps({"policy": {"s0": {"safe": "1/2", "risky": "1/2"}}}))
    assert run(capsys, "check", model, "--policy", str(policy), "--certificate", str(certificate))[0] == 0
    assert run(capsys, "verify", model, str(certificate), "--policy", str(policy))[0] == 0
    status, out, _ = run(capsys, "verify", model, str(certificate))
    assert status == 1 and "differs from the given model in 'policy'" in out and "--policy FILE" in out
    status, out, _ = run(capsys, "verify", model, str(certificate), "--policy", "uniform")
    assert status == 0  # the same policy: uniform over {safe, risky}
