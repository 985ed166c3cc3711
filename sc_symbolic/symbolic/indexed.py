"""symbolic layer: a checked rewrite engine for indexed sums Σ_{k=1}^{n} over a symbolic n.

Terms are SymPy expressions whose sums are ``Sum(f, (k, 1, n))`` with ``n`` a
symbol; ``pi[k]``, ``Q[k]`` (``IndexedBase``) are the per-action quantities and
``V`` a symbol.  A derivation is a list of ``Rewrite(rule, before, after)``.  The
checker never trusts ``after``: it applies the named rule to ``before`` itself
(checking the rule's side conditions) and accepts the step only when the result
equals ``after`` *as a rational function of the atoms*, each sum being an atom
identified by its summand up to a pointwise identity.  Rules (docs/math.md §7):

    linearity        Σ (a + b) = Σ a + Σ b
    pull out         Σ c·g = c·Σ g            side condition: c is free of k (checked)
    expand summand   Σ f = Σ f′               side condition: f − f′ ≡ 0 pointwise (checked)
    definition       x[k] ↦ its definition   (π⁺_k = π_k Q_k / V), a pointwise substitution
    hypothesis       Σ h = value              (Σ π_k = 1, Σ π_k Q_k = V), a named hypothesis
    algebra          before ≡ after            (rational-function identity, sums as atoms)

So a factor that depends on k cannot be pulled out, a wrong normalisation
(Σ π_k Q_k = 1) or a sign error in an expanded square cannot be "proved": each
such step is refused, naming the step and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from ..errors import ModelError

__all__ = ["RULES", "Rewrite", "IndexedProof", "check_rewrite", "canonical_atoms", "same", "connected", "chained"]


def _sums(expr: sympy.Basic) -> list:
    return sorted(expr.atoms(sympy.Sum), key=sympy.default_sort_key)


def _summand_key(term: sympy.Sum) -> tuple:
    """A sum's identity: its limits and its summand in canonical (cancelled, expanded) form."""
    return (term.limits, sympy.expand(sympy.cancel(term.function)))


def canonical_atoms(*exprs: sympy.Basic) -> list:
    """The expressions with every Σ replaced by a symbol shared by sums with pointwise-equal summands."""
    table: dict = {}
    replaced = []
    for expr in exprs:
        mapping = {}
        for term in _sums(expr):
            key = _summand_key(term)
            if key not in table:
                table[key] = sympy.Symbol(f"__sum{len(table)}")
            mapping[term] = table[key]
        replaced.append(expr.xreplace(mapping))
    return replaced


def same(first: sympy.Basic, second: sympy.Basic) -> bool:
    """first ≡ second as rational functions of the atoms (sums as atoms, up to their summands)."""
    a, b = canonical_atoms(first, second)
    return sympy.cancel(sympy.together(a - b)) == 0


def _map_sums(expr: sympy.Basic, transform) -> sympy.Basic:
    """Apply ``transform(Sum) -> expr`` to every sum of ``expr`` (innermost first)."""
    mapping = {term: transform(term) for term in _sums(expr)}
    return expr.xreplace(mapping)


def _linearity(expr, argument=None):
    def split(term):
        body = term.function
        if isinstance(body, sympy.Add):
            return sympy.Add(*(sympy.Sum(part, *term.limits) for part in body.args))
        return term
    return _map_sums(expr, split)


def _pull_out(expr, argument=None):
    def pull(term):
        indices = [limit[0] for limit in term.limits]
        constant, dependent = sympy.S.One, sympy.S.One
        for factor in sympy.Mul.make_args(term.function):
            if any(factor.has(index) for index in indices):
                dependent *= factor
            else:
                constant *= factor
        if any(constant.has(index) for index in indices):  # the side condition, checked on the split made
            raise ModelError("pull out", f"factor {constant} depends on the index", "only factors free of k leave a sum")
        return constant * sympy.Sum(dependent, *term.limits)
    return _map_sums(expr, pull)


def _expand_summand(expr, argument=None):
    def expand(term):
        return sympy.Sum(sympy.expand(term.function), *term.limits)
    return _map_sums(expr, expand)


def _definition(expr, argument):
    """``argument`` = (IndexedBase x, index k, definition of x[k]): substitute it pointwise."""
    base, index, body = argument

    def substitute(term):
        mapping = {base[limit[0]]: body.xreplace({index: limit[0]}) for limit in term.limits}
        return sympy.Sum(term.function.xreplace(mapping), *term.limits)
    return _map_sums(expr, substitute)


def _hypothesis(expr, argument):
    """``argument`` = (Σ-expression, value): replace that sum, wherever it occurs, by its value."""
    total, value = argument
    key = _summand_key(total)
    return _map_sums(expr, lambda term: value if _summand_key(term) == key else term)


#: rule name → (transformation of ``before``, what the rule means)
RULES = {
    "linearity": (_linearity, "Σ (a + b) = Σ a + Σ b"),
    "pull out": (_pull_out, "Σ c·g = c·Σ g for c free of k"),
    "expand summand": (_expand_summand, "Σ f = Σ expand(f) (a pointwise identity)"),
    "definition": (_definition, "substitute a definition x_k := …, pointwise"),
    "hypothesis": (_hypothesis, "a named hypothesis Σ … = value"),
    "algebra": (None, "a rational-function identity, sums as atoms"),
}


@dataclass(frozen=True)
class Rewrite:
    """``before = after`` by ``rule`` (with ``argument`` for definitions and hypotheses); ``holds`` is computed."""

    statement: str
    rule: str
    before: sympy.Expr
    after: sympy.Expr
    argument: object = None
    holds: bool = field(init=False, compare=False)
    reason: str = field(init=False, compare=False)

    def __post_init__(self):
        if self.rule not in RULES:
            raise ModelError("Rewrite.rule", f"unknown rule {self.rule!r}", "rules: " + ", ".join(RULES))
        holds, reason = check_rewrite(self.rule, self.before, self.after, self.argument)
        object.__setattr__(self, "holds", holds)
        object.__setattr__(self, "reason", reason)


def check_rewrite(rule: str, before, after, argument=None) -> tuple[bool, str]:
    """(holds, reason): apply ``rule`` to ``before`` and compare with ``after`` (never trusting it)."""
    if any(side.has(sympy.Float) for side in (before, after)):
        return False, "a float in a step"
    transform, _ = RULES[rule]
    if transform is None:
        return (True, "") if same(before, after) else (False, "before − after is not 0 as a rational function")
    try:
        expected = transform(before, argument)
    except ModelError as exc:
        return False, f"side condition fails: {exc}"
    if same(expected, after):
        return True, ""
    return False, f"the rule gives {sympy.sstr(expected)}, not the claimed {sympy.sstr(after)}"


def connected(start, steps) -> bool:
    """Each step begins exactly (``srepr``) where the previous one ended, the first at ``start``."""
    current = start
    for step in steps:
        if sympy.srepr(step.before) != sympy.srepr(current):
            return False
        current = step.after
    return True


def chained(start, moves, make=None) -> tuple:
    """Steps from ``(statement, rule, after[, argument])`` moves, each beginning at the previous end;
    ``make(statement, rule, before, after, *argument)`` builds one (a ``Rewrite`` by default)."""
    make = make or Rewrite
    steps, current = [], start
    for statement, rule, after, *argument in moves:
        steps.append(make(statement, rule, current, after, *argument))
        current = after
    return tuple(steps)


@dataclass(frozen=True)
class IndexedProof:
    """A derivation over Σ_{k=1}^{n}: named chains of rewrites and the equalities joining their ends."""

    claim: str
    hypotheses: tuple
    steps: tuple

    @property
    def verified(self) -> bool:
        return bool(self.steps) and all(step.holds for step in self.steps)


def nonnegative_by_construction(expr: sympy.Basic) -> bool:
    """True when ``expr`` ≥ 0 is read off its tree: a non-negative number or atom (by its declared
    assumptions), an even power, a product or sum of non-negative parts, a Σ of a non-negative summand
    (an empty Σ is 0).  Sound wherever the expression is defined; False means "no certificate"."""
    if expr.is_Number:
        return bool(expr >= 0)
    if isinstance(expr, (sympy.Symbol, sympy.Indexed)):
        return expr.is_nonnegative is True
    if isinstance(expr, sympy.Pow):
        exponent = expr.exp
        if exponent.is_Integer and int(exponent) % 2 == 0 and expr.base.is_extended_real is not False:
            return True
        return nonnegative_by_construction(expr.base)
    if isinstance(expr, (sympy.Mul, sympy.Add)):
        return all(nonnegative_by_construction(arg) for arg in expr.args)
    if isinstance(expr, sympy.Sum):
        return nonnegative_by_construction(expr.function)
    return False


def _lagrange(expr, argument):
    """Lagrange's identity, for ``argument`` = (a, b, k, j) with a, b expressions in the index k:

        (Σ_k a_k²)(Σ_k b_k²) − (Σ_k a_k b_k)² = ½ Σ_j Σ_k (a_j b_k − a_k b_j)²

    ``expr`` must be the left side (checked as a rational function of its sums); the result is the right."""
    a, b, index, other = argument
    limits = (index, 1, sympy.Symbol("n", integer=True, positive=True))
    left = sympy.Sum(a ** 2, limits) * sympy.Sum(b ** 2, limits) - sympy.Sum(a * b, limits) ** 2
    if not same(expr, left):
        raise ModelError("Lagrange", "the expression is not (Σ a²)(Σ b²) − (Σ a b)²", "apply it to that form")
    inner = (a.xreplace({index: other}) * b - a * b.xreplace({index: other})) ** 2
    return sympy.Rational(1, 2) * sympy.Sum(sympy.Sum(inner, limits), (other, 1, limits[2]))


def _substitute(expr, argument):
    """``argument`` = (symbol, value): a declared definition of a symbol (e.g. the radius ε = Var/V²)."""
    atom, value = argument
    return expr.xreplace({atom: value})


RULES["substitute"] = (_substitute, "replace a symbol by its declared definition")
RULES["Lagrange"] = (_lagrange, "(Σ a²)(Σ b²) − (Σ ab)² = ½ Σ_j Σ_k (a_j b_k − a_k b_j)²")
