"""The certificate is a closed contract (issue #17): every forged, added or unknown field is refused.

A certificate written by ``check --certificate`` for real models (a cyclic gridworld with
``--iterate``, a finite-horizon model, a return-threshold model) is accepted by ``verify``;
each red-team forgery — a decreasing ``iterations`` list, a forged threshold or horizon,
``kernel`` claiming ``ok: false``, added ``witnesses``/``parameters``/``proofs``, an unknown
field at the top, in a state or in the embedded model, an unknown check — is refused with
a failure naming the field.  Metadata (``model``, ``route``, ``notes``, ``markov_variant``)
is documented as not covered by ``verified`` and changing it changes nothing.
"""

import copy
import json
from pathlib import Path

import pytest

from sc_symbolic.cli import main
from sc_symbolic.kernel import REPORT_METADATA, REPORT_VERIFIED, verify_certificate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def certificate(tmp_path, name, *extra):
    path = tmp_path / f"{name}.cert.json"
    assert main(["check", str(EXAMPLES / f"{name}.json"), "--certificate", str(path), *extra]) == 0
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("certs")
    return {"gridworld": certificate(tmp, "gridworld", "--iterate", "3"),
            "finite_horizon": certificate(tmp, "finite_horizon"),
            "threshold_misalignment": certificate(tmp, "threshold_misalignment")}


def refused(cert, word):
    failures = verify_certificate(None, cert).failures
    assert failures and any(word in f for f in failures), failures
    return failures


def test_genuine_certificates_are_accepted(certificates):
    for name, cert in certificates.items():
        assert verify_certificate(None, cert).ok, name


def test_a_decreasing_iteration_sequence_is_refused(certificates):
    cert = copy.deepcopy(certificates["gridworld"])
    cert["report"]["iterations"] = list(reversed(cert["report"]["iterations"]))
    refused(cert, "iterations")
    cert = copy.deepcopy(certificates["gridworld"])
    cert["report"]["iterations"][-1] = "0"
    refused(cert, "decreases")
    cert = copy.deepcopy(certificates["gridworld"])
    del cert["report"]["checks"]["iteration"]
    refused(cert, "iterations and checks.iteration")


@pytest.mark.parametrize("name, key, forged", [("threshold_misalignment", "threshold", "2"),
                                               ("finite_horizon", "horizon", 99),
                                               ("gridworld", "threshold", "1"),
                                               ("gridworld", "horizon", 3)])
def test_a_forged_threshold_or_horizon_is_refused(certificates, name, key, forged):
    cert = copy.deepcopy(certificates[name])
    cert["report"][key] = forged
    refused(cert, key)


@pytest.mark.parametrize("kernel", [{"ok": False, "failures": ["x"]}, {"ok": True, "failures": ["x"]}, "yes", None])
def test_the_kernel_verdict_is_recomputed_never_trusted(certificates, kernel):
    cert = copy.deepcopy(certificates["gridworld"])
    cert["report"]["kernel"] = kernel
    refused(cert, "kernel")


@pytest.mark.parametrize("field, value", [("witnesses", {"identity": []}), ("parameters", {"p": ["0", "1"]}),
                                          ("proofs", {}), ("undecided", []), ("surprise", 1)])
def test_an_added_field_is_refused(certificates, field, value):
    cert = copy.deepcopy(certificates["gridworld"])
    cert["report"][field] = value
    refused(cert, "unknown field")


def test_unknown_fields_in_a_state_in_the_model_and_in_checks_are_refused(certificates):
    cert = copy.deepcopy(certificates["gridworld"])
    next(iter(cert["report"]["states"].values()))["secret"] = "1"
    refused(cert, "unknown field")
    cert = copy.deepcopy(certificates["gridworld"])
    cert["model"]["frobnicate"] = True
    refused(cert, "unknown key")
    cert = copy.deepcopy(certificates["gridworld"])
    cert["report"]["checks"]["everything_is_fine"] = True
    refused(cert, "unknown check")
    cert = copy.deepcopy(certificates["gridworld"])
    cert["model"]["x-note"] = "extensions are allowed, as in the engine"
    assert verify_certificate(None, cert).ok


def test_metadata_is_documented_and_not_covered(certificates):
    assert set(REPORT_METADATA).isdisjoint(REPORT_VERIFIED)
    cert = copy.deepcopy(certificates["threshold_misalignment"])
    cert["report"]["model"] = "another name"
    cert["report"]["route"] = "anything"
    cert["report"]["notes"] = ["free text"]
    assert verify_certificate(None, cert).ok
    schema = json.loads((EXAMPLES.parent / "sc_symbolic" / "schemas" / "report-1.schema.json").read_text())
    text = json.dumps(schema)
    assert all(name in text for name in REPORT_METADATA)


def test_the_kernel_bounds_its_work_before_doing_it():
    """Red team: horizon 10⁶ with 1,000 actions grew to 8.7 GB; a model mismatch kept it summing for minutes."""
    states = {"s": {f"a{i}": {"s": "1/2", "w": "1/2"} for i in range(1000)}, "w": {}}
    model = {"format": "sc-symbolic/mdp-1", "initial": {"s": "1"}, "states": states, "success": {"states": ["w"]},
             "policy": "uniform", "horizon": 10 ** 6}
    cert = {"format": "sc-symbolic/certificate-1", "model": model, "report": {"format": "sc-symbolic/report-1"}}
    assert any("horizon" in f for f in verify_certificate(None, cert).failures)
    model["horizon"] = 10_000  # within the engine's limit: 10⁷ outcomes, refused before they are built
    assert any("outcomes" in f for f in verify_certificate(None, cert).failures)


def test_a_model_mismatch_stops_the_kernel_at_once(certificates):
    cert = copy.deepcopy(certificates["gridworld"])
    other = copy.deepcopy(cert["model"])
    other["initial"] = {next(iter(other["states"])): "1"}
    failures = verify_certificate(other, cert).failures
    assert failures and all(f.startswith("model:") for f in failures)
