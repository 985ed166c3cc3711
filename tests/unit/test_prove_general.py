"""prove identity --actions n: R = χ² = I over indexed sums, each step checked by its rule (docs/math.md §7)."""

import json
from dataclasses import replace

import pytest
import sympy

from sc_symbolic.cli import main
from sc_symbolic.symbolic import general
from sc_symbolic.symbolic.general import (H1, H2, Q, V, Σ, general_to_dict, general_verified, k, pi,
                                          prove_general_identity, step_holds_at)
from sc_symbolic.symbolic.indexed import Rewrite


@pytest.fixture(scope="module")
def proof():
    return prove_general_identity()


def test_the_general_identity_is_verified_step_by_step(proof):
    assert general_verified(proof)
    assert all(chain.connected for chain in proof.chains) and proof.joined
    assert {step.rule for step in proof.steps} == {"definition", "pull out", "algebra", "expand summand",
                                                  "linearity", "hypothesis"}


@pytest.mark.parametrize("actions", range(2, 6))
def test_every_general_step_specialises_to_an_identity_at_N_actions(proof, actions):
    """The fixed-N check of each general step: sums written out, π_N = 1 − Σ π_k, V = Σ π_k Q_k."""
    assert all(step_holds_at(step, actions) for step in proof.steps)


@pytest.mark.parametrize("actions", range(6, 13))
def test_every_general_step_holds_at_exact_random_points_for_larger_N(proof, actions):
    """N = 6..12: both sides of every step, written out, agree exactly at random rational points."""
    import random

    rng = random.Random(actions)
    for step in proof.steps:
        before, after = general.specialise(step.before, actions), general.specialise(step.after, actions)
        symbols = sorted(before.free_symbols | after.free_symbols, key=str)
        for _ in range(2):
            point = {x: sympy.Rational(rng.randint(1, 9), rng.randint(10 * actions, 20 * actions)) for x in symbols}
            assert before.xreplace(point) == after.xreplace(point), step.statement


def test_a_factor_depending_on_k_cannot_be_pulled_out():
    forged = Rewrite("Q_k leaves the sum", "pull out", Σ(pi[k] * Q[k] ** 2), Q[k] * Σ(pi[k] * Q[k]))
    assert not forged.holds and "rule gives" in forged.reason


def test_a_wrong_normalisation_is_refused():
    forged = Rewrite("Σ π_k Q_k = 1", "hypothesis", Σ(pi[k] * Q[k]) / V, 1 / V, H2)
    assert not forged.holds
    invented = Rewrite("an invented hypothesis", "hypothesis", Σ(pi[k] * Q[k]) / V, 1 / V, (Σ(pi[k] * Q[k]), 1))
    assert invented.holds  # the rule applies it, but the proof refuses any hypothesis it did not declare:
    proof = prove_general_identity()
    chain = proof.chains[1]
    bad_chain = replace(chain, steps=chain.steps[:4] + (replace(chain.steps[4], argument=(Σ(pi[k] * Q[k]), V)),))
    assert general.hypotheses_respected(replace(proof, chains=(proof.chains[0], bad_chain, proof.chains[2])))
    forged_proof = replace(proof, chains=(proof.chains[0], replace(chain, steps=chain.steps[:4] + (
        replace(chain.steps[4], argument=(Σ(pi[k] * Q[k]), sympy.S.One)),)), proof.chains[2]))
    assert not general.hypotheses_respected(forged_proof) and not general_verified(forged_proof)


def test_a_sign_error_in_an_expanded_square_is_refused():
    before = Σ((pi[k] * Q[k] / V - pi[k]) ** 2 / pi[k])
    forged = Rewrite("expand", "expand summand", before, Σ(pi[k] * Q[k] ** 2 / V ** 2 + 2 * pi[k] * Q[k] / V + pi[k]))
    assert not forged.holds


def test_a_false_algebra_step_and_a_float_are_refused():
    assert not Rewrite("wrong", "algebra", Σ(pi[k]) / V - 1, (Σ(pi[k]) - 2 * V) / V).holds
    assert not Rewrite("float", "algebra", Σ(pi[k]) / 2, sympy.Float(0.5) * Σ(pi[k])).holds


def test_a_broken_chain_is_not_verified(proof):
    chain = proof.chains[0]
    skipped = replace(chain, steps=chain.steps[1:])  # starts from a step that does not begin at R
    assert not skipped.connected
    assert not replace(proof, chains=(skipped,) + proof.chains[1:]).verified


def test_cli_text_json_latex_and_bad_input(capsys):
    assert main(["prove", "identity", "--actions", "n"]) == 0
    assert "16/16 steps hold" in capsys.readouterr().out
    assert main(["prove", "identity", "--actions", "n", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is True and data["actions"] == "n" and len(data["chains"]) == 3
    assert data == general_to_dict(prove_general_identity())
    assert main(["prove", "identity", "--actions", "n", "--latex"]) == 0
    assert r"\sum_{k=1}^{n}" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["prove", "identity", "--actions", "m"])
    assert exit_info.value.code == 2
