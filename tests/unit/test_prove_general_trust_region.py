"""prove trust-region --actions n: π⁺ maximises Σ p Q over χ²(p‖π) ≤ I, for every n ≥ 2 (docs/math.md §4, §7)."""

import json
import random
from dataclasses import replace

import pytest
import sympy

from sc_symbolic.cli import main
from sc_symbolic.symbolic import general_trust_region as tr
from sc_symbolic.symbolic.indexed import Rewrite


@pytest.fixture(scope="module")
def proof():
    return tr.prove_general_trust_region()


def test_the_general_trust_region_is_verified(proof):
    assert tr.trust_region_verified(proof) and proof.assembled
    rules = {getattr(step, "rule", None) for step in proof.steps}
    assert {"Lagrange", "certificate", "substitute", "hypothesis", "pull out"} <= rules


def test_a_forged_lagrange_identity_is_refused():
    a, b = tr._a(tr.k), tr._b(tr.k)
    wrong = Rewrite("Lagrange with a sign error", "Lagrange", tr.CHI2 * tr.VAR - tr.CROSS ** 2,
                    -tr.LAGRANGE_SQUARES, (a, b, tr.k, tr.j))
    assert not wrong.holds
    misapplied = Rewrite("Lagrange on another expression", "Lagrange", tr.CHI2 * tr.VAR + tr.CROSS ** 2,
                         tr.LAGRANGE_SQUARES, (a, b, tr.k, tr.j))
    assert not misapplied.holds and "side condition" in misapplied.reason


def test_a_bound_without_a_valid_certificate_is_refused():
    assert not tr.Bound("no slack", tr.CHI2 * tr.VAR, tr.eps * tr.VAR, -tr.s * tr.VAR, uses=((tr.eps, tr.CHI2 + tr.s),)).holds
    assert not tr.Bound("not a square", tr.CROSS ** 2, tr.CHI2 * tr.VAR, tr.CHI2 * tr.VAR - tr.CROSS ** 2).holds
    assert not tr.Bound("reversed", tr.CHI2 * tr.VAR, tr.CROSS ** 2, tr.LAGRANGE_SQUARES).holds


def test_an_undeclared_hypothesis_or_a_broken_assembly_is_refused(proof):
    forged_hypothesis = dict(proof.parts)
    g = list(proof.parts["G"])
    g[3] = replace(g[3], argument=(tr.Σ(tr.p[tr.k]), sympy.Integer(2)))
    forged_hypothesis["G"] = g
    assert not tr.trust_region_verified(replace(proof, parts=forged_hypothesis))
    swapped = dict(proof.parts)
    swapped["P"], swapped["P2"] = proof.parts["P2"], proof.parts["P"]
    assert not replace(proof, parts=swapped).assembled


def _written_out(expr, actions, values):
    expr = expr.subs(tr.n, actions).doit()
    expr = expr.xreplace({tr.pi_plus[i]: tr.pi[i] * tr.Q[i] / tr.V for i in range(1, actions + 1)})
    return expr.xreplace(values)


@pytest.mark.parametrize("actions", [2, 3, 5])
def test_every_step_holds_on_random_exact_instances(proof, actions):
    rng = random.Random(actions)
    for _ in range(3):
        weights = [rng.randint(1, 9) for _ in range(actions)]
        pi = [sympy.Rational(w, sum(weights)) for w in weights]
        q = [sympy.Rational(rng.randint(0, 12), 12) for _ in range(actions)]
        other = [rng.randint(0, 9) for _ in range(actions)]
        p = [sympy.Rational(w, sum(other) or 1) for w in other] if sum(other) else pi
        V = sum(a * b for a, b in zip(pi, q))
        if V == 0:
            continue
        values = {tr.V: V, **{tr.pi[i + 1]: pi[i] for i in range(actions)}, **{tr.Q[i + 1]: q[i] for i in range(actions)},
                  **{tr.p[i + 1]: p[i] for i in range(actions)}}
        for step in proof.steps:
            if isinstance(step, Rewrite) and step.rule not in ("substitute",):
                assert _written_out(step.before, actions, values) == _written_out(step.after, actions, values)
        chi2 = sum((a - b) ** 2 / b for a, b in zip(p, pi))
        radius = sum(b * (c - V) ** 2 for b, c in zip(pi, q)) / V ** 2
        plus = sum(b * c * c / V for b, c in zip(pi, q))
        if chi2 <= radius:  # the theorem on a feasible p
            assert sum(a * c for a, c in zip(p, q)) <= plus


def test_cli_trust_region_n(capsys):
    assert main(["prove", "trust-region", "--actions", "n"]) == 0
    out = capsys.readouterr().out
    assert "verified" in out.splitlines()[0] and "[lemma cited]" in out
    assert main(["prove", "trust-region", "--actions", "n", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is True and data["conclusion"]["kind"] == "lemma cited"
    assert main(["prove", "trust-region", "--actions", "n", "--latex"]) == 0
    assert r"\le" in capsys.readouterr().out
