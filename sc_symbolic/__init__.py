"""sc_symbolic — an exact proof checker for success conditioning (Russo 2026, arXiv:2601.18175).

Public API (re-exports only; nothing here imports SymPy):

    model = load_model("examples/gridworld.json")      # validated, exact
    analysis = analyse(model)                           # V, Q, π⁺, R, χ², I, V⁺, η, E[G]
    checks = run_checks(analysis)                       # {claim: Check}: Check.status is the verdict
    report = build_report(analysis, checks)             # sc-symbolic/report-1 dict
"""

from .analysis import Analysis, analyse, iterate
from .checks import CHECKS, Check, Violation, run_checks
from .closeness import ReferenceMismatch, assert_close
from .conditioning import (
    action_influence,
    bayes_conditioned,
    chi2_divergence,
    conditioned_policy,
    executed_policy,
    relative_improvement,
)
from .errors import (
    ExpressionError,
    MissingDependencyError,
    ModelError,
    ScError,
    SingularSystemError,
    UndefinedQuantityError,
    UnsupportedModelError,
)
from .evaluate import action_values, expected_return, success_probability, visit_counts
from .exact import Rational, domain_for, parse_expression, parse_number, rational
from .kernel import verify_certificate, verify_files
from .model import Model, Outcome, build_model, from_dict, load_model
from .reference import ExactReference, exact_reference
from .report import build_certificate, build_report, checked_report, kernel_checked_report, render_table

__version__ = "0.1.0"

__all__ = [
    "Analysis", "CHECKS", "Check", "ExactReference", "ExpressionError", "MissingDependencyError", "Model", "ModelError", "Outcome", "Rational",
    "ReferenceMismatch", "ScError", "assert_close", "exact_reference",
    "SingularSystemError", "UndefinedQuantityError", "UnsupportedModelError", "Violation", "action_influence",
    "action_values", "analyse", "bayes_conditioned", "build_certificate", "build_model", "build_report",
    "chi2_divergence", "conditioned_policy", "domain_for", "executed_policy", "expected_return", "from_dict",
    "iterate", "load_model", "parse_expression", "parse_number", "rational", "relative_improvement",
    "checked_report", "render_table", "run_checks", "success_probability", "verify_certificate", "verify_files", "visit_counts",
]


def check(model, policy=None, kernel: bool = True):
    """Load (if needed), analyse and check a model: ``(report dict, {name: Check})``.

    The report has passed through the trusted kernel when the model is numeric, unless
    ``kernel=False`` (as ``check --no-kernel``: ``verified`` then covers the checks only).
    Under the kernel, the claims it re-verifies relation by relation (``report.KERNEL_VERIFIED``)
    are not run twice: their Check carries ``report.KERNEL_PROOF`` (``report.checked_report``).
    """
    model = load_model(model, policy)
    return checked_report(analyse(model), kernel=kernel)


__all__.append("check")
