"""The assertion API fails with the exact witness on a corrupted claim."""

import pytest

import sc_symbolic.testing as testing
from sc_symbolic.analysis import analyse as real_analyse
from sc_symbolic.exact import rational

BANDIT = {"format": "sc-symbolic/mdp-1", "initial": {"s": "1"},
          "states": {"s": {"a": {"win": "1/2", "lose": "1/2"}, "b": {"win": 1}}, "win": {}, "lose": {}},
          "success": {"states": ["win"]}, "policy": "uniform"}


def test_assertions_pass_on_a_valid_model():
    analysis = testing.assert_all_claims(BANDIT)
    assert analysis.J == rational(3, 4)


def test_assertion_message_names_the_witness(monkeypatch):
    def corrupted(model):
        analysis = real_analyse(model)
        analysis.I["s"] += rational(1, 7)
        return analysis

    monkeypatch.setattr(testing, "analyse", corrupted)
    with pytest.raises(testing.ClaimFailed) as info:
        testing.assert_identity(BANDIT)
    assert "state s: I = Var_pi Q / V^2: 1/9 + " not in str(info.value)
    assert "state s: I = Var_pi Q / V^2: 16/63 vs 1/9" in str(info.value)


def test_policy_override_is_applied():
    analysis = testing.assert_improves(BANDIT, policy={"s": {"a": "0", "b": "1"}})
    assert analysis.J == 1 and analysis.J_plus == 1
