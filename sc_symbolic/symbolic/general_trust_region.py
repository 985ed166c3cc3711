"""symbolic layer: π⁺ solves the χ² trust region, for a symbolic number n ≥ 2 of actions (docs/math.md §4, §7).

Over Σ_k = Σ_{k=1}^{n}, with π_k > 0, Σ_k π_k = 1 (H1), V = Σ_k π_k Q_k > 0 (H2), a
feasible p (p_k ≥ 0, Σ_k p_k = 1 (H3), χ²(p‖π) ≤ ε (H4: ε = χ²(p‖π) + s with a
slack s ≥ 0)), the radius set by the data ε = I = Var/V² (D2, Var = Σ_k π_k (Q_k − V)²)
and π⁺_k := π_k Q_k / V (D):

    (G)  Σ_k p_k Q_k − V = Σ_k (p_k − π_k)(Q_k − V)
    (L)  (Σ_k (p_k−π_k)²/π_k)(Σ_k π_k (Q_k−V)²) − (Σ_k (p_k−π_k)(Q_k−V))² = ½ Σ_j Σ_k (a_j b_k − a_k b_j)²
    (CS) (Σ_k (p_k − π_k)(Q_k − V))² ≤ χ²(p‖π)·Var            certificate: (L), a sum of squares
    (F)  χ²(p‖π)·Var ≤ ε·Var                                  certificate: s·Var (H4)
    (E)  ε·Var = Var²/V²                                      (D2)
    (P)  Σ_k π⁺_k Q_k − V = Var/V ≥ 0                          (D, H1, H2)

so (Σ p Q − V)² ≤ (Σ π⁺ Q − V)² with Σ π⁺ Q − V ≥ 0, hence Σ_k p_k Q_k ≤ Σ_k π⁺_k Q_k
(the elementary lemma x² ≤ y², y ≥ 0 ⇒ x ≤ y, cited), with a_k = (p_k − π_k)/√π_k and
b_k = √π_k (Q_k − V).  Equalities are rewrites re-derived by the checker (``indexed``);
each inequality carries a certificate that is checked equal to its gap and read
non-negative off its tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .indexed import Rewrite, chained, connected, nonnegative_by_construction, same

k, j = sympy.symbols("k j", integer=True, positive=True)
n = sympy.Symbol("n", integer=True, positive=True)
V = sympy.Symbol("V", positive=True)
s = sympy.Symbol("s", nonnegative=True)
eps = sympy.Symbol("epsilon", positive=True)
pi = sympy.IndexedBase("pi", positive=True)
p = sympy.IndexedBase("p", nonnegative=True)
Q = sympy.IndexedBase("Q", real=True)
pi_plus = sympy.IndexedBase("pi_plus", nonnegative=True)


def Σ(body, index=k):
    return sympy.Sum(body, (index, 1, n))


CHI2 = Σ((p[k] - pi[k]) ** 2 / pi[k])
VAR = Σ(pi[k] * (Q[k] - V) ** 2)
GAIN_P = Σ(p[k] * Q[k]) - V
GAIN_PLUS = Σ(pi_plus[k] * Q[k]) - V
CROSS = Σ((p[k] - pi[k]) * (Q[k] - V))
H1, H2, H3 = (Σ(pi[k]), sympy.S.One), (Σ(pi[k] * Q[k]), V), (Σ(p[k]), sympy.S.One)
PI_PLUS = (pi_plus, k, pi[k] * Q[k] / V)
HYPOTHESES = (
    ("H1", "Σ_k π_k = 1, π_k > 0", H1), ("H2", "Σ_k π_k Q_k = V > 0", H2), ("H3", "Σ_k p_k = 1, p_k ≥ 0", H3),
    ("H4", "χ²(p‖π) ≤ ε: ε = χ²(p‖π) + s, s ≥ 0", (eps, CHI2 + s)),
    ("D2", "ε = I = Var/V² (the radius set by the data, §4)", (eps, VAR / V ** 2)),
    ("D", "π⁺_k := π_k Q_k / V (§3)", PI_PLUS),
)


@dataclass(frozen=True)
class Bound:
    """``lhs ≤ rhs`` because rhs − lhs ≡ certificate (a rational function of the sums; or through ``via``,
    a chain of checked rewrites from the gap to the certificate) and the certificate is non-negative by
    construction; ``uses`` names the hypothesis substituted first (ε ↦ …), if any."""

    statement: str
    lhs: sympy.Expr
    rhs: sympy.Expr
    certificate: sympy.Expr
    uses: tuple = ()
    via: tuple = ()
    holds: bool = field(init=False, compare=False)

    def __post_init__(self):
        gap = self.rhs - self.lhs
        for atom, value in self.uses:
            gap = gap.xreplace({atom: value})
        if self.via:
            start, end = self.via[0].before, self.via[-1].after
            equal = (same(gap, start) and all(step.holds for step in self.via) and connected(start, self.via)
                     and sympy.srepr(end) == sympy.srepr(self.certificate))
        else:
            equal = same(gap, self.certificate)
        object.__setattr__(self, "holds", equal and nonnegative_by_construction(self.certificate))

    rule = "certificate"


def _chain(start, moves) -> list:
    return list(chained(start, moves))


def _a(i):
    return (p[i] - pi[i]) / sympy.sqrt(pi[i])


def _b(i):
    return sympy.sqrt(pi[i]) * (Q[i] - V)


LAGRANGE_SQUARES = sympy.Rational(1, 2) * Σ(Σ((_a(j) * _b(k) - _a(k) * _b(j)) ** 2), j)


@dataclass(frozen=True)
class GeneralTrustRegion:
    """Named parts G, L, CS, F, E, P and the assembled conclusion (checked by ``verified``)."""

    parts: dict
    claim: str = "trust-region"

    @property
    def steps(self) -> tuple:
        out = []
        for value in self.parts.values():
            out.extend(value if isinstance(value, list) else [value])
        return tuple(out)

    def _ends(self, name):
        steps = self.parts[name]
        return steps[0].before, steps[-1].after

    @property
    def assembled(self) -> bool:
        """The conclusion's chain fits: (Σ p Q − V)² = CROSS² ≤ χ²·Var ≤ ε·Var = Var²/V² = (Σ π⁺ Q − V)²,
        and Σ π⁺ Q − V = Var/V is non-negative by construction."""
        def equal(x, y):
            return sympy.srepr(x) == sympy.srepr(y)

        g_start, g_end = self._ends("G")
        p_start, p_end = self._ends("P")
        q_start, q_end = self._ends("P2")
        e_start, e_end = self._ends("E")
        cs, f = self.parts["CS"], self.parts["F"]
        links = [
            equal(g_start, CROSS) and equal(g_end, GAIN_P),                 # Σ p Q − V = CROSS
            equal(cs.lhs, CROSS ** 2) and equal(cs.rhs, CHI2 * VAR),         # CROSS² ≤ χ²·Var
            equal(f.lhs, cs.rhs) and equal(f.rhs, eps * VAR),                # ≤ ε·Var
            equal(e_start, f.rhs) and equal(e_end, (VAR / V) ** 2),          # = (Var/V)²
            equal(p_start, GAIN_PLUS) and equal(q_start, VAR / V) and equal(p_end, q_end),  # Σ π⁺Q − V = Var/V
            nonnegative_by_construction(q_start),                          # Var/V ≥ 0
        ]
        return all(links)

    @property
    def verified(self) -> bool:
        return bool(self.steps) and all(step.holds for step in self.steps) and self.assembled


def prove_general_trust_region() -> GeneralTrustRegion:
    parts = {
        "G": _chain(CROSS, [
            ("expand the product", "expand summand",
             Σ(p[k] * Q[k] - p[k] * V - pi[k] * Q[k] + pi[k] * V)),
            ("Σ of a sum is the sum of the Σs", "linearity",
             Σ(p[k] * Q[k]) + Σ(-p[k] * V) + Σ(-pi[k] * Q[k]) + Σ(pi[k] * V)),
            ("factors free of k leave the sums", "pull out",
             Σ(p[k] * Q[k]) - V * Σ(p[k]) - Σ(pi[k] * Q[k]) + V * Σ(pi[k])),
            ("Σ_k p_k = 1 (H3)", "hypothesis", Σ(p[k] * Q[k]) - V - Σ(pi[k] * Q[k]) + V * Σ(pi[k]), H3),
            ("Σ_k π_k Q_k = V (H2)", "hypothesis", Σ(p[k] * Q[k]) - 2 * V + V * Σ(pi[k]), H2),
            ("Σ_k π_k = 1 (H1)", "hypothesis", Σ(p[k] * Q[k]) - V, H1),
        ]),
        "L": _chain(CHI2 * VAR - CROSS ** 2, [
            ("Lagrange's identity, a_k = (p_k − π_k)/√π_k, b_k = √π_k (Q_k − V)", "Lagrange", LAGRANGE_SQUARES,
             (_a(k), _b(k), k, j)),
        ]),
    }
    parts["CS"] = Bound("Cauchy–Schwarz: the gap is the sum of squares of (L)", CROSS ** 2, CHI2 * VAR,
                        parts["L"][-1].after, via=tuple(parts["L"]))
    parts["F"] = Bound("feasibility χ²(p‖π) ≤ ε (H4), times Var ≥ 0", CHI2 * VAR, eps * VAR, s * VAR,
                       uses=((eps, CHI2 + s),))
    parts["E"] = _chain(eps * VAR, [
        ("the radius set by the data, ε = Var/V² (D2)", "substitute", (VAR / V ** 2) * VAR, (eps, VAR / V ** 2)),
        ("collect", "algebra", (VAR / V) ** 2),
    ])
    normal_form = (Σ(pi[k] * Q[k] ** 2) - V ** 2) / V
    parts["P"] = _chain(GAIN_PLUS, [
        ("π⁺_k := π_k Q_k / V (D)", "definition", Σ(pi[k] * Q[k] * Q[k] / V) - V, PI_PLUS),
        ("1/V is free of k", "pull out", Σ(pi[k] * Q[k] ** 2) / V - V),
        ("common denominator", "algebra", normal_form),
    ])
    parts["P2"] = _chain(VAR / V, [
        ("expand the square", "expand summand",
         Σ(pi[k] * Q[k] ** 2 - 2 * pi[k] * Q[k] * V + pi[k] * V ** 2) / V),
        ("Σ of a sum is the sum of the Σs", "linearity",
         (Σ(pi[k] * Q[k] ** 2) + Σ(-2 * pi[k] * Q[k] * V) + Σ(pi[k] * V ** 2)) / V),
        ("factors free of k leave the sums", "pull out",
         (Σ(pi[k] * Q[k] ** 2) - 2 * V * Σ(pi[k] * Q[k]) + V ** 2 * Σ(pi[k])) / V),
        ("Σ_k π_k Q_k = V (H2)", "hypothesis", (Σ(pi[k] * Q[k] ** 2) - 2 * V * V + V ** 2 * Σ(pi[k])) / V, H2),
        ("Σ_k π_k = 1 (H1)", "hypothesis", (Σ(pi[k] * Q[k] ** 2) - 2 * V * V + V ** 2) / V, H1),
        ("collect", "algebra", normal_form),
    ])
    return GeneralTrustRegion(parts)


def hypotheses_respected(proof: GeneralTrustRegion) -> bool:
    """Every hypothesis, definition or substitution a step uses is a declared one (HYPOTHESES)."""
    declared = [argument for _, _, argument in HYPOTHESES]
    used = [step.argument for step in proof.steps
            if isinstance(step, Rewrite) and step.rule in ("hypothesis", "definition", "substitute")]
    used += [pair for step in proof.steps if isinstance(step, Bound) for pair in step.uses]
    return all(any(u == d for d in declared) for u in used)


def trust_region_verified(proof: GeneralTrustRegion) -> bool:
    return proof.verified and hypotheses_respected(proof)


# -- renderers (no checking happens below this line) -----------------------------

PART_TITLES = {"G": "(G) the gain of a feasible p", "L": "(L) Lagrange's identity",
               "CS": "(CS) Cauchy–Schwarz", "F": "(F) feasibility", "E": "(E) the radius set by the data",
               "P": "(P) the gain of π⁺", "P2": "(P) Var/V in the same normal form"}
CONCLUSION = ("(Σ_k p_k Q_k − V)² ≤ (Σ_k π⁺_k Q_k − V)² and Σ_k π⁺_k Q_k − V = Var/V ≥ 0, so "
              "Σ_k p_k Q_k ≤ Σ_k π⁺_k Q_k for every feasible p (lemma cited: x² ≤ y², y ≥ 0 ⇒ x ≤ y)")


def _entry(step) -> dict:
    if isinstance(step, Bound):
        return {"statement": step.statement, "rule": "certificate", "lhs": sympy.sstr(step.lhs), "relation": "<=",
                "rhs": sympy.sstr(step.rhs), "certificate": sympy.sstr(step.certificate), "kind": "checked inequality",
                "holds": step.holds}
    return {"statement": step.statement, "rule": step.rule, "before": sympy.sstr(step.before),
            "after": sympy.sstr(step.after), "kind": "checked algebra", "holds": step.holds}


def trust_region_to_dict(proof: GeneralTrustRegion) -> dict:
    return {"claim": proof.claim, "actions": "n",
            "hypotheses": [{"name": name, "statement": text} for name, text, _ in HYPOTHESES],
            "parts": [{"name": name, "title": PART_TITLES[name],
                       "steps": [_entry(step) for step in (value if isinstance(value, list) else [value])]}
                      for name, value in proof.parts.items()],
            "conclusion": {"statement": CONCLUSION, "kind": "lemma cited", "assembled": proof.assembled},
            "verified": trust_region_verified(proof)}


def trust_region_to_text(proof: GeneralTrustRegion) -> str:
    held = sum(step.holds for step in proof.steps)
    verdict = "verified" if trust_region_verified(proof) else "NOT verified"
    lines = [f"prove trust-region (a state with n ≥ 2 actions, sums over k = 1..n): {verdict}, "
             f"{held}/{len(proof.steps)} steps hold",
             "hypotheses: " + "; ".join(f"{name}: {text}" for name, text, _ in HYPOTHESES)]
    number = 0
    for name, value in proof.parts.items():
        lines.append(PART_TITLES[name])
        for step in value if isinstance(value, list) else [value]:
            number += 1
            mark = "✓" if step.holds else "✗"
            if isinstance(step, Bound):
                lines.append(f"{number:3d}. {mark} [checked inequality] {step.statement}")
                lines.append(f"       {sympy.sstr(step.lhs)}  ≤  {sympy.sstr(step.rhs)}")
                lines.append(f"       certificate, non-negative by construction: {sympy.sstr(step.certificate)}")
            else:
                lines.append(f"{number:3d}. {mark} [{step.rule}] {step.statement}")
                lines.append(f"       = {sympy.sstr(step.after)}")
    lines.append(("✓ " if proof.assembled else "✗ ") + "[lemma cited] " + CONCLUSION)
    return "\n".join(lines)


def trust_region_to_latex(proof: GeneralTrustRegion) -> str:
    held = sum(step.holds for step in proof.steps)
    verdict = "verified" if trust_region_verified(proof) else "NOT verified"
    lines = [f"% sc-symbolic prove trust-region --actions n: {verdict}, {held}/{len(proof.steps)} steps hold",
             r"\begin{align}"]
    body = []
    for value in proof.parts.values():
        for step in value if isinstance(value, list) else [value]:
            if isinstance(step, Bound):
                body.append(f"{sympy.latex(step.lhs)} &\\le {sympy.latex(step.rhs)} && \\text{{certificate}}")
            else:
                body.append(f"{sympy.latex(step.before)} &= {sympy.latex(step.after)} && \\text{{{step.rule}}}")
    lines.append(" \\\\\n".join(body))
    lines.append(r"\end{align}")
    return "\n".join(lines)
