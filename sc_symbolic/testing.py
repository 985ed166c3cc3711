"""Assertions for researchers' own test suites; a failure message shows the exact witness.

    from sc_symbolic.testing import assert_identity, assert_improves, assert_all_claims

    def test_my_model():
        assert_all_claims("models/my_mdp.json")

Each function accepts a Model, a path, JSON text or a dict (and an optional policy
override) and raises ``ClaimFailed`` (an ``AssertionError``) naming the claim,
the state, the relation and both exact sides.

One verdict everywhere: an assertion passes exactly when ``sc-symbolic check`` reports
the claim ``OK``.  A claim is judged by ``checks.decide`` — the function behind ``check``
— so on a parametric model an inequality that could only be *sampled* on the parameter
box fails the assertion (``ClaimFailed`` names the claim, the state and the undecided
expression), and ``assert_all_claims`` also asks the trusted kernel on numeric models,
as ``check`` does.
"""

from __future__ import annotations

from .analysis import analyse
from .checks import CHECKS, abbreviated, decide, point_text, record_undecided
from .errors import ScError
from .model import Model, load_model


#: Where a long expression cut short in a failure message is whole.
WHOLE = "the exception's .check has it whole"


class UnknownClaimError(ScError, KeyError):
    """A claim name that ``CHECKS`` does not know; the message lists the valid names."""

    def __str__(self):
        return self.args[0]


class ClaimFailed(AssertionError):
    """A claim does not hold, or is not proved; ``check`` holds the Check with its witness."""

    def __init__(self, check, domain):
        self.check = check
        if check.holds:
            lines = [f"claim {check.name!r} is not proved: these inequalities were only checked at exact "
                     "sample points of the parameter box (a sample is no proof):"]
            for item in check.undecided:
                where = f"state {item.state}: " if item.state is not None else ""
                lines.append(f"  {where}{item.quantity}: {abbreviated(item.expression, 400, WHOLE)} >= 0 ({item.how})")
        else:
            lines = [f"claim {check.name!r} fails:"]
            for item in check.refuted:
                where = f"state {item.state}: " if item.state is not None else ""
                lines.append(f"  {where}{item.quantity} fails at {point_text(item.point)} (exact counterexample)")
            for v in check.witness:
                where = f"state {v.state}: " if v.state is not None else ""
                lines.append(f"  {where}{v.relation}: {abbreviated(_show(domain, v.lhs), 400, WHOLE)} "
                             f"vs {abbreviated(_show(domain, v.rhs), 400, WHOLE)}")
        super().__init__("\n".join(lines))


class KernelRefused(AssertionError):
    """The trusted kernel refused the certificate of a model whose claims the engine accepted."""

    def __init__(self, failures):
        self.failures = list(failures)
        super().__init__("the trusted kernel refused the certificate:\n" + "\n".join(f"  {f}" for f in failures[:20]))


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


def claim_names(names) -> list:
    """``names`` (one name or an iterable of names) as a list of known claims, else ``UnknownClaimError``."""
    if isinstance(names, str):
        names = [names]
    try:
        names = list(names)
    except TypeError:
        raise UnknownClaimError(f"claims must be a name or a list of names, not {type(names).__name__}; "
                                f"valid names: {', '.join(CHECKS)}") from None
    for name in names:
        if not isinstance(name, str) or name not in CHECKS:
            raise UnknownClaimError(f"unknown claim {name!r}; valid names: {', '.join(CHECKS)}")
    return names


def _verdicts(model, names, policy):
    names = claim_names(names)
    analysis = _analysis(model, policy)
    results = {name: decide(analysis, name, CHECKS[name]) for name in names}
    if analysis.domain.parametric:
        record_undecided(analysis, results)
    for check in results.values():
        if not check.proved:
            raise ClaimFailed(check, analysis.domain)
    return analysis, results


def assert_claims(model, names, policy=None):
    """Assert the named claims of ``CHECKS`` (one name or several); returns the Analysis.

    A claim passes only when it is proved (status ``"proved"``), as in ``check``.
    """
    return _verdicts(model, names, policy)[0]


def assert_identity(model, policy=None):
    """R(s) = χ²(π⁺‖π) = I(s) at every state with V(s) > 0 (docs/math.md §4)."""
    return assert_claims(model, ["identity"], policy)


def assert_trust_region(model, policy=None):
    """π⁺ is the certified optimum of the χ² trust region at radius I(s) (docs/math.md §4)."""
    return assert_claims(model, ["trust_region"], policy)


def assert_improves(model, policy=None):
    """V^{π⁺} ≥ V everywhere, J(π⁺) ≥ J(π), and the performance-difference decomposition (docs/math.md §5)."""
    return assert_claims(model, ["improvement", "performance_difference"], policy)


def assert_all_claims(model, policy=None):
    """Every claim of ``CHECKS``, and (numeric models) the trusted kernel's re-verification: ``check``'s verdict."""
    analysis, results = _verdicts(model, list(CHECKS), policy)
    if not analysis.domain.parametric:
        from .report import kernel_checked_report

        report = kernel_checked_report(analysis, results)
        if not report["kernel"]["ok"]:
            raise KernelRefused(report["kernel"]["failures"])
    return analysis
