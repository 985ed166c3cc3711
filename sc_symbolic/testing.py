"""Assertions for researchers' own test suites; a failure message shows the exact witness.

    from sc_symbolic.testing import assert_identity, assert_improves, assert_all_claims

    def test_my_model():
        assert_all_claims("models/my_mdp.json")

Each function accepts a Model, a path, JSON text or a dict (and an optional policy
override) and raises ``ClaimFailed`` (an ``AssertionError``) naming the claim,
the state, the relation and both exact sides.
"""

from __future__ import annotations

from .analysis import analyse
from .checks import CHECKS
from .model import Model, load_model


class ClaimFailed(AssertionError):
    """A claim of MATH.md does not hold; ``check`` holds the Check with its witness."""

    def __init__(self, check, domain):
        self.check = check
        lines = [f"claim {check.name!r} fails:"]
        for v in check.witness:
            where = f"state {v.state}: " if v.state is not None else ""
            lines.append(f"  {where}{v.relation}: {_show(domain, v.lhs)} vs {_show(domain, v.rhs)}")
        super().__init__("\n".join(lines))


def _show(domain, value):
    if value is None or isinstance(value, str):
        return "null" if value is None else value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(domain, v)}" for k, v in value.items()) + "}"
    return domain.to_str(value)


def _analysis(model, policy=None):
    if not isinstance(model, Model):
        model = load_model(model, policy)
    elif policy is not None:
        model = load_model(model.to_dict(), policy)
    return analyse(model)


def assert_claims(model, names, policy=None):
    """Assert the named claims of ``CHECKS``; returns the Analysis for further assertions."""
    analysis = _analysis(model, policy)
    for name in names:
        check = CHECKS[name](analysis)
        if not check.holds:
            raise ClaimFailed(check, analysis.domain)
    return analysis


def assert_identity(model, policy=None):
    """R(s) = χ²(π⁺‖π) = I(s) at every state with V(s) > 0 (MATH.md §4)."""
    return assert_claims(model, ["identity"], policy)


def assert_trust_region(model, policy=None):
    """π⁺ is the certified optimum of the χ² trust region at radius I(s) (MATH.md §4)."""
    return assert_claims(model, ["trust_region"], policy)


def assert_improves(model, policy=None):
    """V^{π⁺} ≥ V everywhere, J(π⁺) ≥ J(π), and the performance-difference decomposition (MATH.md §5)."""
    return assert_claims(model, ["improvement", "performance_difference"], policy)


def assert_all_claims(model, policy=None):
    """Every claim of ``CHECKS``."""
    return assert_claims(model, list(CHECKS), policy)
