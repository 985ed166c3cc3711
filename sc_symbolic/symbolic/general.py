"""symbolic layer: R = χ² = I for a state with a symbolic number n ≥ 2 of actions (docs/math.md §4, §7).

Over indexed sums Σ_k = Σ_{k=1}^{n}, with π_k > 0, Σ_k π_k = 1 (hypothesis H1),
V = Σ_k π_k Q_k > 0 (H2) and π⁺_k := π_k Q_k / V (the definition of §3):

    R = (Σ_k π⁺_k Q_k − V) / V,   C = Σ_k (π⁺_k − π_k)² / π_k,   I = Σ_k π_k (Q_k − V)² / V²

Each is rewritten, one named rule at a time (``indexed.RULES``), to the same normal
form (Σ_k π_k Q_k² − V²) / V²; every step is re-derived by the checker from its
rule, so a false step is refused.  ``specialise(step, N)`` evaluates a general step
at N actions (the sums written out, π_N = 1 − Σ_{k<N} π_k, V = Σ π_k Q_k): the
fixed-N proofs of ``identity.py`` are the independent check of each general step.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from .indexed import IndexedProof, Rewrite, chained, connected

k, n = sympy.symbols("k n", integer=True, positive=True)
V = sympy.Symbol("V", positive=True)
pi, Q, pi_plus = sympy.IndexedBase("pi"), sympy.IndexedBase("Q"), sympy.IndexedBase("pi_plus")


def Σ(body):
    return sympy.Sum(body, (k, 1, n))


H1 = (Σ(pi[k]), sympy.S.One)
H2 = (Σ(pi[k] * Q[k]), V)
PI_PLUS = (pi_plus, k, pi[k] * Q[k] / V)
HYPOTHESES = (("H1", "Σ_k π_k = 1", H1), ("H2", "Σ_k π_k Q_k = V (V > 0)", H2),
              ("D", "π⁺_k := π_k Q_k / V (definition, §3)", PI_PLUS))

R = (Σ(pi_plus[k] * Q[k]) - V) / V
C = Σ((pi_plus[k] - pi[k]) ** 2 / pi[k])
I = Σ(pi[k] * (Q[k] - V) ** 2) / V ** 2
NORMAL_FORM = (Σ(pi[k] * Q[k] ** 2) - V ** 2) / V ** 2


@dataclass(frozen=True)
class Chain:
    """``name`` = ``start`` rewritten step by step; ``connected`` checks that each step starts where the last ended."""

    name: str
    start: sympy.Expr
    steps: tuple

    @property
    def connected(self) -> bool:
        return connected(self.start, self.steps)

    @property
    def end(self) -> sympy.Expr:
        return self.steps[-1].after if self.steps else self.start


def _chain(name: str, start, moves) -> Chain:
    """Build a chain from (statement, rule, after[, argument]) moves, each starting at the previous end."""
    return Chain(name, start, chained(start, moves))


def _expanded_tail(first_moves) -> list:
    """C's moves once its summand is π_k Q_k²/V² − 2 π_k Q_k/V + π_k."""
    return first_moves + [
        ("Σ of a sum is the sum of the Σs", "linearity",
         Σ(pi[k] * Q[k] ** 2 / V ** 2) + Σ(-2 * pi[k] * Q[k] / V) + Σ(pi[k])),
        ("factors free of k leave the sums", "pull out",
         Σ(pi[k] * Q[k] ** 2) / V ** 2 - 2 * Σ(pi[k] * Q[k]) / V + Σ(pi[k])),
        ("Σ_k π_k Q_k = V (H2)", "hypothesis", Σ(pi[k] * Q[k] ** 2) / V ** 2 - 2 + Σ(pi[k]), H2),
        ("Σ_k π_k = 1 (H1)", "hypothesis", Σ(pi[k] * Q[k] ** 2) / V ** 2 - 1, H1),
        ("common denominator", "algebra", NORMAL_FORM),
    ]


def prove_general_identity() -> IndexedProof:
    """R = C = I for every n ≥ 2, each step checked by its rule."""
    chain_R = _chain("R", R, [
        ("π⁺_k := π_k Q_k / V (D)", "definition", (Σ(pi[k] * Q[k] * Q[k] / V) - V) / V, PI_PLUS),
        ("1/V is free of k", "pull out", (Σ(pi[k] * Q[k] ** 2) / V - V) / V),
        ("common denominator", "algebra", NORMAL_FORM),
    ])
    chain_C = _chain("C", C, _expanded_tail([
        ("π⁺_k := π_k Q_k / V (D)", "definition", Σ((pi[k] * Q[k] / V - pi[k]) ** 2 / pi[k]), PI_PLUS),
        ("expand the square, divide by π_k > 0", "expand summand",
         Σ(pi[k] * Q[k] ** 2 / V ** 2 - 2 * pi[k] * Q[k] / V + pi[k])),
    ]))
    chain_I = _chain("I", I, [
        ("expand the square", "expand summand", Σ(pi[k] * Q[k] ** 2 - 2 * pi[k] * Q[k] * V + pi[k] * V ** 2) / V ** 2),
        ("Σ of a sum is the sum of the Σs", "linearity",
         (Σ(pi[k] * Q[k] ** 2) + Σ(-2 * pi[k] * Q[k] * V) + Σ(pi[k] * V ** 2)) / V ** 2),
        ("factors free of k leave the sums", "pull out",
         (Σ(pi[k] * Q[k] ** 2) - 2 * V * Σ(pi[k] * Q[k]) + V ** 2 * Σ(pi[k])) / V ** 2),
        ("Σ_k π_k Q_k = V (H2)", "hypothesis", (Σ(pi[k] * Q[k] ** 2) - 2 * V * V + V ** 2 * Σ(pi[k])) / V ** 2, H2),
        ("Σ_k π_k = 1 (H1)", "hypothesis", (Σ(pi[k] * Q[k] ** 2) - 2 * V * V + V ** 2) / V ** 2, H1),
        ("collect", "algebra", NORMAL_FORM),
    ])
    return GeneralIdentity(chains=(chain_R, chain_C, chain_I))


@dataclass(frozen=True)
class GeneralIdentity:
    """The three chains; verified iff every step holds, every chain is connected and all end alike."""

    chains: tuple
    claim: str = "identity"

    @property
    def steps(self) -> tuple:
        return tuple(step for chain in self.chains for step in chain.steps)

    @property
    def joined(self) -> bool:
        ends = [chain.end for chain in self.chains]
        return all(sympy.srepr(end) == sympy.srepr(ends[0]) for end in ends[1:])

    @property
    def verified(self) -> bool:
        return (bool(self.steps) and all(step.holds for step in self.steps)
                and all(chain.connected for chain in self.chains) and self.joined)

    def as_proof(self) -> IndexedProof:
        return IndexedProof(self.claim, HYPOTHESES, self.steps)


def specialise(expr: sympy.Expr, actions: int) -> sympy.Expr:
    """``expr`` at n = actions: sums written out over symbols π_1.., Q_1.., π⁺_k replaced by its definition,
    π_N = 1 − Σ_{k<N} π_k and V = Σ_k π_k Q_k (so H1, H2 and D hold by construction)."""
    p = sympy.symbols(f"p1:{actions + 1}", positive=True)
    q = sympy.symbols(f"q1:{actions + 1}", nonnegative=True)
    written = expr.subs(n, actions).doit()
    mapping = {}
    for j in range(1, actions + 1):
        mapping[pi[j]] = p[j - 1]
        mapping[Q[j]] = q[j - 1]
    value = sum(p[j] * q[j] for j in range(actions))
    mapping[V] = value
    written = written.xreplace({pi_plus[j]: pi[j] * Q[j] / V for j in range(1, actions + 1)})
    written = written.xreplace(mapping)
    return written.xreplace({p[-1]: 1 - sum(p[:-1])})


def step_holds_at(step: Rewrite, actions: int) -> bool:
    """The general step, written out at n = actions, is an identity of rational functions."""
    return sympy.cancel(sympy.together(specialise(step.before, actions) - specialise(step.after, actions))) == 0


def hypotheses_respected(proof: GeneralIdentity) -> bool:
    """Every hypothesis or definition a step uses is one of the declared HYPOTHESES (no step may assume
    a fact of its own, such as Σ_k π_k Q_k = 1)."""
    declared = [argument for _, _, argument in HYPOTHESES]
    return all(any(step.argument == allowed for allowed in declared)
               for step in proof.steps if step.rule in ("hypothesis", "definition"))


# -- renderers (no checking happens below this line) -----------------------------


def general_verified(proof: GeneralIdentity) -> bool:
    return proof.verified and hypotheses_respected(proof)


def general_to_dict(proof: GeneralIdentity) -> dict:
    """{"claim", "actions": "n", "hypotheses", "chains": [{"name", "start", "steps": [...]}], "verified"}."""
    return {
        "claim": proof.claim,
        "actions": "n",
        "hypotheses": [{"name": name, "statement": text} for name, text, _ in HYPOTHESES],
        "chains": [{"name": chain.name, "start": sympy.sstr(chain.start), "connected": chain.connected,
                    "steps": [{"statement": step.statement, "rule": step.rule, "before": sympy.sstr(step.before),
                               "after": sympy.sstr(step.after), "holds": step.holds,
                               **({"reason": step.reason} if not step.holds else {})}
                              for step in chain.steps]}
                   for chain in proof.chains],
        "joined": proof.joined,
        "verified": general_verified(proof),
    }


def general_to_text(proof: GeneralIdentity) -> str:
    held = sum(step.holds for step in proof.steps)
    verdict = "verified" if general_verified(proof) else "NOT verified"
    lines = [f"prove {proof.claim} (a state with n ≥ 2 actions, sums over k = 1..n): {verdict}, "
             f"{held}/{len(proof.steps)} steps hold",
             "hypotheses: " + "; ".join(f"{name}: {text}" for name, text, _ in HYPOTHESES)]
    number = 0
    for chain in proof.chains:
        lines.append(f"{chain.name} = {sympy.sstr(chain.start)}")
        for step in chain.steps:
            number += 1
            mark = "✓" if step.holds else "✗"
            lines.append(f"{number:3d}. {mark} [{step.rule}] {step.statement}")
            lines.append(f"       = {sympy.sstr(step.after)}")
            if not step.holds:
                lines.append(f"       refused: {step.reason}")
    lines.append("R = C = I: every chain ends in " + sympy.sstr(NORMAL_FORM) if proof.joined
                 else "the chains do not end in the same expression")
    return "\n".join(lines)


def general_to_latex(proof: GeneralIdentity) -> str:
    held = sum(step.holds for step in proof.steps)
    verdict = "verified" if general_verified(proof) else "NOT verified"
    lines = [f"% sc-symbolic prove {proof.claim} --actions n: {verdict}, {held}/{len(proof.steps)} steps hold",
             r"\begin{align}"]
    body = []
    for chain in proof.chains:
        body.append(f"{sympy.latex(sympy.Symbol(chain.name))} &= {sympy.latex(chain.start)}")
        for step in chain.steps:
            body.append(f"&= {sympy.latex(step.after)} && \\text{{{step.rule}}}")
    lines.append(" \\\\\n".join(body))
    lines.append(r"\end{align}")
    return "\n".join(lines)
