"""symbolic layer: the MDP-level theorems for a general finite MDP, in matrix form (docs/math.md §5).

On the transient set T = {s : V(s) > 0} (m states, m symbolic), with P, P⁺ the
sub-stochastic transition matrices of π and of the executed π⁺ restricted to T,
r, r⁺ their one-step success vectors and ρ the initial distribution on T:

    V = (I − P)⁻¹ r,   V⁺ = (I − P⁺)⁻¹ r⁺,   T⁺V = r⁺ + P⁺ V,   η⁺ᵀ = ρᵀ (I − P⁺)⁻¹,   J = ρᵀ V,   J⁺ = ρᵀ V⁺

    improvement             V⁺ − V = (I − P⁺)⁻¹ (T⁺V − V)
    performance difference  J⁺ − J = η⁺ᵀ (T⁺V − V),   (T⁺V − V)(s) = V(s)·I(s)
    order                   (I − P⁺)⁻¹ = Σ_t (P⁺)ᵗ ≥ 0, V·I ≥ 0  ⇒  V⁺ ≥ V, J⁺ ≥ J, and J(π_k) ↑ under iteration

Each equality is a chain of steps; a step holds when ``before − after``, with the
declared definitions substituted, is the zero matrix expression after SymPy's
expansion (products expanded, X·X⁻¹ cancelled where they stand side by side): a
sound but incomplete identity test, so a false step (a dropped inverse, P and P⁺
swapped, a sign error) is refused.  The order facts are lemmas, each marked
**discharged** (checked here or by another proof of the tool) or **cited** (a
named textbook fact with its side condition), never silently assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .indexed import chained, connected

m = sympy.Symbol("m", integer=True, positive=True)
P = sympy.MatrixSymbol("P", m, m)
P_plus = sympy.MatrixSymbol("P_plus", m, m)
r = sympy.MatrixSymbol("r", m, 1)
r_plus = sympy.MatrixSymbol("r_plus", m, 1)
rho = sympy.MatrixSymbol("rho", m, 1)
V = sympy.MatrixSymbol("V", m, 1)
V_plus = sympy.MatrixSymbol("V_plus", m, 1)
TV = sympy.MatrixSymbol("TV", m, 1)  # T⁺V, π⁺'s Bellman operator applied to V
eta_plus_T = sympy.MatrixSymbol("eta_plus_T", 1, m)  # the row vector η⁺ᵀ
Id = sympy.Identity(m)
A = Id - P_plus  # I − P⁺
A0 = Id - P

#: name → (symbol, definition, text)
DEFINITIONS = {
    "V": (V, A0.I * r, "V = (I − P)⁻¹ r (the least solution of V = r + P V on T, §2)"),
    "V⁺": (V_plus, A.I * r_plus, "V⁺ = (I − P⁺)⁻¹ r⁺ (π⁺ executed, §5)"),
    "T⁺V": (TV, r_plus + P_plus * V, "T⁺V = r⁺ + P⁺ V (π⁺'s one-step look-ahead on V)"),
    "η⁺": (eta_plus_T, rho.T * A.I, "η⁺ᵀ = ρᵀ (I − P⁺)⁻¹ (expected visits under π⁺, §2)"),
}

LEMMAS = {
    "invertible": ("I − P⁺ and I − P are invertible on T: π and π⁺ leave T almost surely (spectral radius < 1; "
                   "§5: π⁺ leaves {V > 0} a.s.)", "cited"),
    "neumann": ("(I − P⁺)⁻¹ = Σ_t (P⁺)ᵗ ≥ 0 entrywise for a sub-stochastic P⁺ of spectral radius < 1 "
                "(Neumann series)", "cited"),
    "V·I": ("(T⁺V − V)(s) = Σ_a π⁺(a|s) Q(s,a) − V(s) = V(s)·R(s) = V(s)·I(s) ≥ 0: the identity R = I for every n "
            "(prove identity --actions n) and I a sum of squares over V² > 0", "discharged"),
    "non-negative product": ("a non-negative matrix times a non-negative vector is non-negative", "cited"),
    "induction": ("J(π_{k+1}) ≥ J(π_k): the improvement theorem applied to π_k, for every k", "cited"),
}


def is_zero_expression(expr) -> bool:
    """``expr`` is the zero matrix expression after products are expanded and X·X⁻¹ pairs cancelled."""
    expr = expr.doit()
    if expr == 0 or isinstance(expr, sympy.ZeroMatrix):
        return True
    expanded = sympy.expand(expr).doit()
    return expanded == 0 or isinstance(expanded, sympy.ZeroMatrix)


def ring_identity(before, after, substitution=None) -> bool:
    """before = after in the free ring of the matrix atoms, every inverse an opaque atom (no cancellation);
    ``substitution`` = (symbol, value) is applied to both sides after the inverses are made opaque."""
    atoms = {}

    def opaque(expr):
        for inverse in sorted(expr.atoms(sympy.Inverse), key=sympy.default_sort_key):
            if inverse not in atoms:
                atoms[inverse] = sympy.MatrixSymbol(f"Inv{len(atoms)}", *inverse.shape)
        return expr.xreplace(atoms)

    left, right = opaque(before), opaque(after)
    if substitution is not None:
        symbol, value = substitution
        value = opaque(value)
        left, right = left.xreplace({symbol: value}), right.xreplace({symbol: value})
    difference = sympy.expand(left - right)
    return difference == 0 or isinstance(difference, sympy.ZeroMatrix)


#: The rules a matrix step may name, and what the checker does for each:
#:   inverse           X⁻¹X = XX⁻¹ = I, inserted or cancelled where the two stand side by side (invertible: lemma)
#:   distribute        before − after expands to 0 (a ring identity: products over sums, no other fact)
#:   definition NAME   one declared definition substituted on both sides, then the ring identity
#:   theorem NAME      a proved theorem's left side replaced by its right side, then the ring identity
MATRIX_RULES = ("inverse", "distribute", "definition", "theorem")


def _check(rule: str, before, after) -> bool:
    if any(side.has(sympy.Float) for side in (before, after)):
        return False
    kind, _, name = rule.partition(" ")
    if kind == "inverse":
        return is_zero_expression(before.doit() - after.doit())
    if kind == "distribute":
        return ring_identity(before, after)
    if kind == "definition" and name in DEFINITIONS:
        symbol, definition, _ = DEFINITIONS[name]
        return ring_identity(before, after, (symbol, definition))
    if kind == "theorem" and name in PROOFS and name != "iteration":
        theorem = PROOFS[name]()
        if not theorem.verified:
            return False
        return ring_identity(before.xreplace({theorem.start: theorem.end}), after)
    return False


@dataclass(frozen=True)
class MatrixStep:
    """``before = after`` by ``rule`` (one of MATRIX_RULES, with a name for definitions and theorems)."""

    statement: str
    rule: str
    before: sympy.Basic
    after: sympy.Basic
    holds: bool = field(init=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "holds", _check(self.rule, self.before, self.after))


@dataclass(frozen=True)
class Theorem:
    """``claim``: ``start`` = ... = ``end`` by checked steps, then the lemmas it rests on."""

    name: str
    claim: str
    start: sympy.Basic
    steps: tuple
    lemmas: tuple = ()

    @property
    def connected(self) -> bool:
        return connected(self.start, self.steps)

    @property
    def end(self):
        return self.steps[-1].after if self.steps else self.start

    @property
    def verified(self) -> bool:
        return bool(self.steps) and all(s.holds for s in self.steps) and self.connected and all(
            name in LEMMAS for name in self.lemmas)


def _chain(name, claim, start, moves, lemmas=()) -> Theorem:
    return Theorem(name, claim, start, chained(start, moves, MatrixStep), tuple(lemmas))


def _mul(*factors):
    """A product kept as written (SymPy would otherwise cancel X·X⁻¹ on construction)."""
    return sympy.MatMul(*factors, evaluate=False)


def _sub(left, right):
    """left − right kept as written (no evaluation of either side)."""
    return sympy.MatAdd(left, sympy.MatMul(-1, right, evaluate=False), evaluate=False)


def prove_improvement() -> Theorem:
    """V⁺ − V = (I − P⁺)⁻¹ (T⁺V − V), hence V⁺ ≥ V."""
    return _chain("improvement", "V⁺ − V = (I − P⁺)⁻¹ (T⁺V − V) ≥ 0, so V⁺ ≥ V on T (and V⁺ = V = 0 off T)",
                  V_plus - V, [
                      ("insert (I − P⁺)⁻¹(I − P⁺) = I (lemma: invertible)", "inverse", _mul(A.I, A, V_plus - V)),
                      ("distribute (I − P⁺) over V⁺ − V", "distribute", _mul(A.I, _sub(_mul(A, V_plus), _mul(A, V)))),
                      ("V⁺ = (I − P⁺)⁻¹ r⁺", "definition V⁺", _mul(A.I, _sub(_mul(A, A.I, r_plus), _mul(A, V)))),
                      ("(I − P⁺)(I − P⁺)⁻¹ = I", "inverse", _mul(A.I, _sub(r_plus, _mul(A, V)))),
                      ("(I − P⁺) V = V − P⁺ V", "distribute", _mul(A.I, r_plus + P_plus * V - V)),
                      ("r⁺ + P⁺ V = T⁺V", "definition T⁺V", _mul(A.I, TV - V)),
                  ], lemmas=("invertible", "neumann", "V·I", "non-negative product"))


def prove_performance_difference() -> Theorem:
    """J⁺ − J = η⁺ᵀ (T⁺V − V) = Σ_{s ∈ T} η⁺(s) V(s) I(s) ≥ 0."""
    return _chain("performance-difference",
                  "J(π⁺) − J(π) = η⁺ᵀ (T⁺V − V) = Σ_{V(s)>0} η⁺(s) V(s) I(s) ≥ 0",
                  rho.T * V_plus - rho.T * V, [
                      ("ρᵀ is linear", "distribute", _mul(rho.T, V_plus - V)),
                      ("the improvement theorem", "theorem improvement", _mul(rho.T, A.I, TV - V)),
                      ("η⁺ᵀ = ρᵀ (I − P⁺)⁻¹", "definition η⁺", _mul(eta_plus_T, TV - V)),
                  ], lemmas=("invertible", "V·I", "neumann", "non-negative product"))


def prove_iteration() -> Theorem:
    """J(π_{k+1}) − J(π_k) = η_{k+1}ᵀ (T_{k+1} V_k − V_k) ≥ 0 for every k: the performance difference at π_k."""
    theorem = prove_performance_difference()
    return Theorem("iteration", "J(π_0) ≤ J(π_1) ≤ …: the performance difference, applied to π_k for every k",
                   theorem.start, theorem.steps, ("invertible", "V·I", "neumann", "non-negative product", "induction"))


PROOFS = {"improvement": prove_improvement, "performance-difference": prove_performance_difference,
          "iteration": prove_iteration}


def lemma_V_I_discharged() -> bool:
    """The lemma (T⁺V − V)(s) = V(s)·I(s) ≥ 0 rests on R = I for every n, proved by this tool."""
    from .general import I as influence
    from .general import general_verified, prove_general_identity
    from .indexed import nonnegative_by_construction

    return general_verified(prove_general_identity()) and nonnegative_by_construction(
        influence.xreplace({sympy.IndexedBase("pi")[sympy.Symbol("k", integer=True, positive=True)]:
                            sympy.IndexedBase("pi", positive=True)[sympy.Symbol("k", integer=True, positive=True)]}))


def theorem_verified(theorem: Theorem) -> bool:
    return theorem.verified and ("V·I" not in theorem.lemmas or lemma_V_I_discharged())


# -- renderers (no checking happens below this line) -----------------------------


def theorem_to_dict(theorem: Theorem) -> dict:
    return {"claim": theorem.name, "statement": theorem.claim,
            "definitions": [{"name": name, "statement": text} for name, (_, _, text) in DEFINITIONS.items()],
            "steps": [{"statement": s.statement, "rule": s.rule, "before": sympy.sstr(s.before),
                       "after": sympy.sstr(s.after), "kind": "checked algebra", "holds": s.holds}
                      for s in theorem.steps],
            "lemmas": [{"name": name, "statement": LEMMAS[name][0], "kind": f"lemma {LEMMAS[name][1]}"}
                       for name in theorem.lemmas],
            "verified": theorem_verified(theorem)}


def theorem_to_text(theorem: Theorem) -> str:
    verdict = "verified" if theorem_verified(theorem) else "NOT verified"
    lines = [f"prove {theorem.name} (a general finite MDP, matrix form on T = {{V > 0}}): {verdict}",
             theorem.claim, "definitions: " + "; ".join(text for _, _, text in DEFINITIONS.values()),
             f"{sympy.sstr(theorem.start)}"]
    for number, step in enumerate(theorem.steps, 1):
        lines.append(f"{number:3d}. {'✓' if step.holds else '✗'} [checked algebra: {step.rule}] {step.statement}")
        lines.append(f"       = {sympy.sstr(step.after)}")
    for name in theorem.lemmas:
        text, status = LEMMAS[name]
        lines.append(f"  • [lemma {status}] {name}: {text}")
    return "\n".join(lines)


def theorem_to_latex(theorem: Theorem) -> str:
    verdict = "verified" if theorem_verified(theorem) else "NOT verified"
    lines = [f"% sc-symbolic prove {theorem.name}: {verdict}", r"\begin{align}"]
    body = [f"{sympy.latex(theorem.start)}"]
    for step in theorem.steps:
        body.append(f"&= {sympy.latex(step.after)} && \\text{{{step.rule}}}")
    lines.append(" \\\\\n".join(body))
    lines.append(r"\end{align}")
    lines += [f"% lemma {LEMMAS[name][1]}: {name}: {LEMMAS[name][0]}" for name in theorem.lemmas]
    return "\n".join(lines)
