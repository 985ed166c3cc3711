"""A researcher's regression test of their own claim, with sc_symbolic's strategies and assertions.

Run it with:  pytest examples/test_my_claim.py

Claim under test (our own conjecture, stated as a theorem): on every model, one
step of success conditioning never lowers the success probability of ANY state,
and the improvement at the initial distribution equals Σ η⁺ V I exactly.
"""

from hypothesis import given, settings

from sc_symbolic.strategies import mdps
from sc_symbolic.testing import assert_all_claims, assert_improves


@settings(max_examples=25, deadline=None)
@given(mdps(max_states=4, max_actions=3))
def test_success_conditioning_never_hurts(model):
    analysis = assert_improves(model)
    assert analysis.J_plus - analysis.J == analysis.performance_difference


def test_the_bandit_of_our_paper():
    assert_all_claims({
        "format": "sc-symbolic/mdp-1", "name": "paper bandit", "initial": {"s": "1"},
        "states": {"s": {"left": {"win": "0.9", "lose": "0.1"}, "right": {"win": "0.2", "lose": "0.8"}},
                   "win": {}, "lose": {}},
        "success": {"states": ["win"]}, "policy": "uniform"})
