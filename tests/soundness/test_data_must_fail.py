"""The kernel re-verifies the report's data section against the model's x-data counts: every
corrupted number, verdict or count is refused with the exact witness."""

import copy
import json

import pytest

from sc_symbolic.cli import main
from sc_symbolic.kernel import verify_certificate

STEPS = [
    {"episode": 0, "state": "s0", "action": "a", "reward": 0, "next_state": "s1"},
    {"episode": 0, "state": "s1", "action": "x", "reward": 0, "next_state": "G", "done": True, "success": True},
    {"episode": 1, "state": "s0", "action": "b", "reward": 0, "next_state": "s1"},
    {"episode": 1, "state": "s1", "action": "x", "reward": 0, "next_state": "F", "done": True, "success": False},
    {"episode": 2, "state": "s0", "action": "a", "reward": 0, "next_state": "s1"},
    {"episode": 2, "state": "s1", "action": "y", "reward": 0, "next_state": "G", "done": True, "success": True},
]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("data")
    (tmp / "e.jsonl").write_text("".join(json.dumps(s) + "\n" for s in STEPS))
    assert main(["import", "trajectories", str(tmp / "e.jsonl"), "-o", str(tmp / "m.json")]) == 0
    assert main(["check", str(tmp / "m.json"), "--certificate", str(tmp / "c.json")]) == 0
    return json.loads((tmp / "c.json").read_text(), parse_float=str), tmp / "m.json"


def test_the_data_section_is_re_verified(certificate):
    cert, model = certificate
    assert "data" in cert["report"] and "x-data" in cert["model"]
    result = verify_certificate(None, cert)
    assert result.ok, result.failures
    assert main(["verify", str(model), str(model.parent / "c.json")]) == 0


def data(cert):
    return cert["report"]["data"]


MUTATIONS = [
    ("pi_filt", lambda c: data(c)["states"]["s0"]["pi_filt"].update(a="1/2"), "data: pi_filt: state s0, action a"),
    ("pi_plus", lambda c: data(c)["states"]["s0"]["pi_plus"].update(a="1"), "data: pi_plus: state s0, action a"),
    ("pi_markov", lambda c: data(c)["states"]["s1"]["pi_markov"].update(x="1"), "data: pi_markov: state s1, action x"),
    ("difference", lambda c: data(c)["states"]["s0"]["filt_minus_plus"].update(b="0"),
     "data: filt_minus_plus: state s0, action b"),
    ("coincide", lambda c: data(c)["states"]["s0"]["coincide"].update(filt_plus=True), "data: state s0: coincide"),
    ("overall coincide", lambda c: data(c)["coincide"].update(filt_plus=True), "data: coincide is not"),
    ("max difference", lambda c: data(c)["max_abs_difference"].update(filt_plus="1/7"), "data: max |difference|"),
    ("visits", lambda c: data(c)["states"]["s0"].update(n=9), "data: state s0: n, n_success are not"),
    ("episodes", lambda c: data(c).update(episodes=4), "data: episodes is not the x-data's"),
    ("pi_filt null", lambda c: data(c)["states"]["s0"].update(pi_filt=None), "data: state s0: pi_filt is null"),
    ("counts", lambda c: c["model"]["x-data"]["counts"]["s0"].update(a=[2, 1], b=[1, 1]), "data: pi_filt: state s0"),
    ("per state", lambda c: data(c).update(pi_plus_per_state=False), "data: pi_plus_per_state must be true"),
    ("no counts", lambda c: c["model"].pop("x-data"), "data: a data section needs the model's x-data counts"),
    ("counts not the policy", lambda c: c["model"]["x-data"]["counts"]["s0"].update(b=[2, 0]),
     "data: π(a|s) = n(s,a)/n(s): state s0, action a"),
]


@pytest.mark.parametrize("name, mutate, witness", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_corrupted_data_section_is_refused(certificate, name, mutate, witness):
    cert = copy.deepcopy(certificate[0])
    mutate(cert)
    result = verify_certificate(None, cert)
    assert not result.ok
    assert any(witness in failure for failure in result.failures), result.failures
