"""symbolic layer: imports sympy and sc_symbolic.errors only — Step, Derivation, the checker.

A step claims ``lhs R rhs`` with R one of =, ≤, ≥, <, >.  ``check_step``::

  equality    lhs − rhs reduces to 0 exactly (reduction.reduces_to_zero);
  inequality  d = lhs − rhs (for ≥, >) or rhs − lhs (for ≤, <); the step names a
              certificate c (default d), d − c reduces to 0 exactly and c is
              non-negative (positive for strict) by construction;
  lemma       a named inequality from the literature, checked the same way.

``given`` substitutions (π_N = 1 − Σ_{k<N} π_k, …) restrict the check to the
simplex; ``index`` makes the step a claim for every value of free indices.
``holds`` is computed here, never by the author; renderers never re-check.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import product

import sympy

from ..errors import ModelError
from .reduction import reduces_to_zero, sign_by_construction

__all__ = [
    "KINDS",
    "RELATIONS",
    "Step",
    "Derivation",
    "check_step",
    "check_derivation",
    "to_dict",
    "to_text",
    "to_latex",
]

KINDS = ("equality", "lemma", "inequality")

#: relation → (text symbol, LaTeX symbol, orientation of d, strict)
RELATIONS = {
    "=": ("=", "=", 0, False),
    ">=": ("≥", r"\ge", 1, False),
    ">": (">", ">", 1, True),
    "<=": ("≤", r"\le", -1, False),
    "<": ("<", "<", -1, True),
}


@dataclass(frozen=True)
class Step:
    """One claim ``lhs relation rhs``; ``holds`` is computed by ``check_step`` on construction.

    ``kind`` is "equality" (relation "="), "inequality" or "lemma" (relation
    one of <=, <, >=, >).  ``certificate`` (inequalities) is an expression
    equal to the gap that is signed by construction, e.g. a sum of squares.
    ``given`` is a tuple of (atom, value) substitutions under which the claim
    is checked (the simplex: π_N = 1 − Σ_{k<N} π_k); a derivative is not
    allowed under them.  ``index`` is a tuple of (i, lo, hi): the claim is
    checked for every integer value of each free index.  Sides are sympy
    expressions, ints or Fractions (never strings, never floats).

    >>> from sympy import symbols
    >>> x = symbols('x', positive=True)
    >>> Step("a fraction", 1/x + 1/(2*x), 3/(2*x)).holds
    True
    >>> Step("a wrong fraction", 1/x + 1/(2*x), 2/x).holds
    False
    >>> Step("a positive term", 2/x, sympy.Integer(0), "inequality", ">").holds
    True
    """

    statement: str
    lhs: sympy.Expr
    rhs: sympy.Expr
    kind: str = "equality"
    relation: str = "="
    certificate: sympy.Expr | None = None
    given: tuple = ()
    index: tuple = ()
    holds: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("lhs", "rhs", "certificate"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _as_expr(value, f"Step.{name}"))
        if self.kind not in KINDS:
            raise ModelError("Step.kind", f"{self.kind!r} is not a kind", f"one of {', '.join(KINDS)}")
        if self.relation not in RELATIONS:
            raise ModelError("Step.relation", f"{self.relation!r} is not a relation", f"one of {', '.join(RELATIONS)}")
        for entry in self.index:
            if not (
                len(entry) == 3
                and isinstance(entry[0], sympy.Symbol)
                and all(isinstance(v, int) and not isinstance(v, bool) for v in entry[1:])
            ):
                raise ModelError("Step.index", f"{entry!r} is not (symbol, lo, hi)", "free indices range over integers")
        for entry in self.given:
            if not (len(entry) == 2 and isinstance(entry[0], (sympy.Symbol, sympy.Indexed))):
                raise ModelError("Step.given", f"{entry!r} is not (atom, value)", "given substitutes values for atoms")
        object.__setattr__(self, "given", tuple((a, _as_expr(v, "Step.given")) for a, v in self.given))
        object.__setattr__(self, "index", tuple(tuple(entry) for entry in self.index))
        if (self.kind == "equality") != (self.relation == "="):
            raise ModelError(
                "Step.relation",
                f"{self.kind} with relation {self.relation!r}",
                "an equality uses '=', a lemma or inequality one of <=, <, >=, >",
            )
        object.__setattr__(self, "holds", check_step(self))


def _as_expr(value: object, where: str) -> sympy.Basic:
    """sympy expressions pass; int and Fraction become exact sympy numbers; nothing else (no strings)."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool):
        raise ModelError(where, f"{value!r} is a bool", "a side of a step is a sympy expression or an exact number")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    raise ModelError(where, f"{type(value).__name__} {value!r}", "a side of a step is a sympy expression or an exact number")


def _assignments(index: tuple):
    """Every assignment {i: 1..N, j: 1..N, …} of the free indices."""
    names = [name for name, _, _ in index]
    ranges = [range(int(lo), int(hi) + 1) for _, lo, hi in index]
    for values in product(*ranges):
        yield dict(zip(names, values))


def _holds_at(step: Step, env: dict) -> bool:
    _, _, orientation, strict = RELATIONS[step.relation]
    if orientation == 0:
        return reduces_to_zero(step.lhs - step.rhs, env, step.given)
    difference = step.lhs - step.rhs if orientation > 0 else step.rhs - step.lhs
    certificate = difference if step.certificate is None else step.certificate
    if step.certificate is not None and not reduces_to_zero(difference - certificate, env, step.given):
        return False
    sign = sign_by_construction(certificate, env)
    return sign == "positive" if strict else sign in ("positive", "nonnegative")


def check_step(step: Step) -> bool:
    """Re-verify one step exactly, for every value of its free indices.

    A step that mentions a Float anywhere never holds (sympy would otherwise
    let ``0.5*x - x/2`` collapse to 0 before the check sees it).

    >>> from sympy import symbols
    >>> x, y = symbols('x y', positive=True)
    >>> step = Step("AM-GM", x**2 + y**2, 2*x*y, "inequality", ">=", certificate=(x - y)**2)
    >>> check_step(step), check_step(replace(step, rhs=3*x*y))
    (True, False)
    """
    sides = [step.lhs, step.rhs] + ([step.certificate] if step.certificate is not None else [])
    sides += [value for pair in step.given for value in pair]
    if any(side.has(sympy.Float) for side in sides):
        return False
    return all(_holds_at(step, env) for env in _assignments(step.index))


@dataclass(frozen=True)
class Derivation:
    """A checked proof of ``claim`` for a state with ``actions`` actions.

    ``verified`` is True iff there is at least one step and every step holds.
    """

    claim: str
    actions: int
    steps: tuple[Step, ...]

    @property
    def verified(self) -> bool:
        return bool(self.steps) and all(step.holds for step in self.steps)

    def to_dict(self) -> dict:
        return to_dict(self)

    def to_text(self) -> str:
        return to_text(self)

    def to_latex(self) -> str:
        return to_latex(self)


def check_derivation(derivation: Derivation) -> Derivation:
    """The same derivation with every ``holds`` recomputed from scratch by ``check_step``."""
    return Derivation(derivation.claim, derivation.actions, tuple(replace(step) for step in derivation.steps))


# -- renderers (no checking happens below this line) -----------------------------


def to_dict(derivation: Derivation) -> dict:
    """{"claim", "actions", "steps": [{"statement", "lhs", "rhs", "kind", "holds"}], "verified"}."""
    return {
        "claim": derivation.claim,
        "actions": derivation.actions,
        "steps": [
            {
                "statement": step.statement,
                "lhs": sympy.sstr(step.lhs),
                "rhs": sympy.sstr(step.rhs),
                "kind": step.kind,
                "holds": step.holds,
            }
            for step in derivation.steps
        ],
        "verified": derivation.verified,
    }


def _index_text(step: Step) -> str:
    return ", ".join(f"{name} = {lo}..{hi}" for name, lo, hi in step.index)


def _summary(derivation: Derivation) -> str:
    held = sum(step.holds for step in derivation.steps)
    verdict = "verified" if derivation.verified else "NOT verified"
    return f"{verdict}, {held}/{len(derivation.steps)} steps hold"


def to_text(derivation: Derivation) -> str:
    """Numbered steps, ✓ / ✗, each with its statement and ``lhs R rhs``."""
    lines = [f"prove {derivation.claim} (a state with {derivation.actions} actions): {_summary(derivation)}"]
    for number, step in enumerate(derivation.steps, 1):
        mark = "✓" if step.holds else "✗"
        lines.append(f"{number:3d}. {mark} [{step.kind}] {step.statement}")
        symbol = RELATIONS[step.relation][0]
        lines.append(f"       {sympy.sstr(step.lhs)}  {symbol}  {sympy.sstr(step.rhs)}")
        if step.certificate is not None:
            lines.append(f"       certificate, a sign by construction: {sympy.sstr(step.certificate)}")
        if step.index:
            lines.append(f"       for {_index_text(step)}")
        if step.given:
            given = ", ".join(f"{sympy.sstr(a)} = {sympy.sstr(b)}" for a, b in step.given)
            lines.append(f"       on the simplex: {given}")
    return "\n".join(lines)


def to_latex(derivation: Derivation) -> str:
    r"""An ``align`` block, one line per step; statements and verdicts as ``%`` comments.

    Each line is ``lhs &R rhs``, with ``&& 1 \le i \le N`` for steps over free indices.
    """
    lines = [
        f"% sc-symbolic prove {derivation.claim} --actions {derivation.actions}: {_summary(derivation)}",
        r"\begin{align}",
    ]
    body = []
    for number, step in enumerate(derivation.steps, 1):
        verdict = "holds" if step.holds else "FAILS"
        line = f"{sympy.latex(step.lhs)} &{RELATIONS[step.relation][1]} {sympy.latex(step.rhs)}"
        if step.index:
            ranges = r",\ ".join(rf"{lo} \le {sympy.latex(name)} \le {hi}" for name, lo, hi in step.index)
            line += rf" && {ranges}"
        comment = f"% {number}. [{step.kind}, {verdict}] {step.statement}"
        if step.certificate is not None:
            comment += f"\n% certificate, a sign by construction: {sympy.latex(step.certificate)}"
        body.append((comment, line))
    for position, (comment, line) in enumerate(body):
        lines.append(comment)
        lines.append(line + (r" \\" if position < len(body) - 1 else ""))
    lines.append(r"\end{align}")
    return "\n".join(lines)
