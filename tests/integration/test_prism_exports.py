"""Real PRISM models: V agrees exactly with Storm's exact engine at every non-terminal state."""

import json

import pytest

from sc_symbolic.analysis import analyse
from sc_symbolic.checks import run_checks
from sc_symbolic.evaluate import policy_transitions, success_probability
from sc_symbolic.exact import rational_to_str
from sc_symbolic.model import load_model

ALL = ["consensus_coin2_K2", "consensus_coin2_K4", "consensus_coin2_K8", "consensus_coin2_K16", "csma2_2", "csma2_4"]
FULL_CHECK = ["consensus_coin2_K2", "consensus_coin2_K4", "csma2_2", "csma2_4"]


def export(shared_dir, name):
    path = shared_dir / "data" / "prism" / "exports" / f"{name}.json"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


@pytest.mark.parametrize("name", ALL)
def test_success_probability_equals_storm(shared_dir, name):
    model = load_model(export(shared_dir, name))
    storm = json.loads((shared_dir / "data" / "prism" / "exports" / f"{name}.values.json").read_text())
    V = success_probability(model, model.policy, policy_transitions(model, model.policy))
    mismatches = [s for s in model.states if model.states[s] and rational_to_str(V[s]) != storm[s]]
    assert mismatches == []


@pytest.mark.parametrize("name", FULL_CHECK)
def test_every_claim_holds_on_real_models(shared_dir, name):
    analysis = analyse(load_model(export(shared_dir, name)))
    checks = run_checks(analysis)
    assert all(check.holds for check in checks.values()), {n: c.witness[:2] for n, c in checks.items() if not c.holds}
    assert analysis.J_plus >= analysis.J
