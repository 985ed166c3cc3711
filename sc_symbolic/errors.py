"""Every exception class of sc_symbolic (layer 0: imports nothing).

A false mathematical claim is never an exception: it is a ``Check`` with
``holds=False``.  Exceptions are for input we refuse and quantities that do
not exist.  The command line turns any ``ScError`` into one line on stderr
and exit status 2.
"""

from __future__ import annotations


class ScError(Exception):
    """Base class of every error sc_symbolic raises on purpose."""


class ModelError(ScError, ValueError):
    """A model, policy or argument breaks a rule of the sc-symbolic/mdp-1 contract.

    ``where`` locates the offending field (``"states.s0.risky[1].p"``) and
    ``rule`` states the rule that was broken, so the message reads
    ``where: what (rule)``.
    """

    def __init__(self, where: str, what: str, rule: str = ""):
        self.where = where
        self.what = what
        self.rule = rule
        text = f"{where}: {what}" if where else what
        if rule:
            text += f" ({rule})"
        super().__init__(text)


class ExpressionError(ModelError):
    """The restricted expression parser refused a text."""


class UnsupportedModelError(ScError):
    """A valid model that lies outside what sc_symbolic analyses (or a limit it exceeds)."""


class UndefinedQuantityError(ScError, ArithmeticError):
    """A quantity that does not exist, e.g. ``π⁺(·|s)`` where V(s) = 0."""


class SingularSystemError(ScError, ArithmeticError):
    """A linear system that the theory says is non-singular turned out singular.

    Raised by the solver; the checks turn it into a failed claim with the
    offending state as witness.
    """

    def __init__(self, message: str, state: str | None = None):
        self.state = state
        super().__init__(message)


class MissingDependencyError(ScError, ImportError):
    """An optional dependency that a requested feature needs is not installed.

    The message is one line naming the feature, the distribution and the
    pyproject extra that installs it; ``extra`` and ``distribution`` hold them.
    An ``ImportError`` too, so ``except ImportError`` keeps working.
    """

    def __init__(self, message: str, module: str, distribution: str, extra: str):
        self.module = module
        self.distribution = distribution
        self.extra = extra
        super().__init__(message, name=module)
