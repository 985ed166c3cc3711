"""`prove`: general-state derivations (docs/math.md §7) — they verify, render, and refuse mutations."""

import argparse
import json
from dataclasses import replace

import pytest
import sympy
from sympy import Rational, Sum, log

from sc_symbolic.errors import ModelError, ScError
from sc_symbolic.symbolic import (
    PROOFS,
    Derivation,
    Step,
    check_derivation,
    check_step,
    prove_identity,
    prove_trust_region,
    to_dict,
    to_latex,
    to_text,
)
from sc_symbolic.commands import prove_cmd as cli
from sc_symbolic.symbolic.notation import Q, State, k, l, pi
from sc_symbolic.symbolic.reduction import reduces_to_zero, sign_by_construction

SMALL = [2, 3, 4, 5]
PROOF_NAMES = sorted(PROOFS)


@pytest.fixture(scope="module")
def proofs():
    """Every proof for N = 2..5, built once (each build checks every step)."""
    return {(name, n): PROOFS[name](n) for name in PROOF_NAMES for n in SMALL}


# -- the proofs verify ----------------------------------------------------------------


@pytest.mark.parametrize("n", SMALL)
@pytest.mark.parametrize("name", PROOF_NAMES)
def test_every_proof_verifies(proofs, name, n):
    derivation = proofs[name, n]
    assert derivation.claim == name and derivation.actions == n
    assert derivation.verified
    assert all(step.holds is True for step in derivation.steps)


def test_proofs_verify_for_eight_actions():
    assert prove_identity(8).verified
    assert prove_trust_region(8).verified


def test_registry_and_step_kinds(proofs):
    assert PROOFS == {"identity": prove_identity, "trust-region": prove_trust_region}
    trust = proofs["trust-region", 3]
    kinds = [step.kind for step in trust.steps]
    assert kinds.count("lemma") == 1 and "inequality" in kinds
    lemma = next(step for step in trust.steps if step.kind == "lemma")
    assert "Cauchy" in lemma.statement and lemma.relation == "<=" and lemma.certificate is not None
    assert {step.kind for step in proofs["identity", 3].steps} == {"equality"}


def test_check_derivation_recomputes(proofs):
    derivation = proofs["identity", 3]
    again = check_derivation(derivation)
    assert isinstance(again, Derivation) and again.verified
    assert [s.holds for s in again.steps] == [s.holds for s in derivation.steps]
    # a forged verdict does not survive a re-check
    forged = replace(derivation.steps[3], rhs=derivation.steps[3].rhs / 2)
    assert forged.holds is False
    object.__setattr__(forged, "holds", True)
    rechecked = check_derivation(Derivation("identity", 3, (forged,)))
    assert not rechecked.verified


# -- mutations are refused ------------------------------------------------------------


def _mutations(step):
    yield replace(step, rhs=step.rhs + Rational(1, 7))
    if step.rhs != 0:
        yield replace(step, rhs=step.rhs * 2)


@pytest.mark.parametrize("name", PROOF_NAMES)
def test_every_mutated_step_is_refused(proofs, name):
    derivation = proofs[name, 2]
    for number, step in enumerate(derivation.steps):
        for mutated in _mutations(step):
            assert mutated.holds is False, (number + 1, step.statement)
            assert check_step(mutated) is False
            steps = derivation.steps[:number] + (mutated,) + derivation.steps[number + 1 :]
            assert not Derivation(name, 2, steps).verified


def test_a_changed_coefficient_is_refused():
    s = State(3)
    variance = s.variance(k, l)
    wrong_variance = s.sum(pi[k] * (Q[k] - s.V(l)) ** 2 * Rational(3, 2), k)
    good = Step("R = I", s.relative_improvement(), variance / s.V(l) ** 2, given=s.simplex_constraints(pi))
    assert good.holds
    assert not replace(good, rhs=wrong_variance / s.V(l) ** 2).holds


def test_false_identities_are_refused():
    s = State(3)
    on_simplex = s.simplex_constraints(pi)
    R, I = s.relative_improvement(), s.influence()
    assert not Step("R = I/2", R, I / 2, given=on_simplex).holds
    kl = s.sum(s.pi_plus(k, l) * log(s.pi_plus(k, l) / pi[k]), k)  # KL(π⁺‖π) in place of χ²
    assert not Step("KL = I", kl, I, given=on_simplex).holds
    assert not Step("R = KL", R, kl, given=on_simplex).holds
    # the variance identity needs Σπ = 1: without the constraint it is refused
    assert not Step("Var = ΣπQ² − V²", s.variance(k, l), s.sum(pi[k] * Q[k] ** 2) - s.V(l) ** 2).holds


def test_inequalities_need_a_sign_certificate():
    x = sympy.Symbol("x", positive=True)
    y = sympy.Symbol("y", real=True)
    assert Step("pos", 2 / x, 0, "inequality", ">").holds
    assert not Step("not provably positive", x - 1, 0, "inequality", ">").holds
    assert not Step("only non-negative", (x - y) ** 2, 0, "inequality", ">").holds
    assert Step("square", (x - y) ** 2, 0, "inequality", ">=").holds
    amgm = Step("AM-GM", x**2 + y**2, 2 * x * y, "lemma", ">=", certificate=(x - y) ** 2)
    assert amgm.holds
    assert not replace(amgm, certificate=(x + y) ** 2).holds  # wrong certificate
    assert not replace(amgm, certificate=-((x - y) ** 2)).holds  # certificate of the wrong sign


def test_step_validation():
    x = sympy.Symbol("x")
    with pytest.raises(ModelError):
        Step("bad kind", x, x, kind="theorem")
    with pytest.raises(ModelError):
        Step("equality with <=", x, x, kind="equality", relation="<=")
    with pytest.raises(ModelError):
        Step("strings are not expressions", "x", x)


# -- the reduction itself --------------------------------------------------------------


def test_reduction_is_exact_and_refuses_non_rational_input():
    x, y = sympy.symbols("x y")
    assert reduces_to_zero((x + y) ** 3 - x**3 - 3 * x**2 * y - 3 * x * y**2 - y**3)
    assert reduces_to_zero(1 / (x - y) + 1 / (y - x))
    assert not reduces_to_zero(x / 3 - x * Rational(333, 1000))
    # floats are refused, not rounded: by the reduction, and by the step before sympy can cancel them
    assert not reduces_to_zero(sympy.Add(sympy.Float(0.5) * x, -x / 2, evaluate=False))
    assert not Step("a float", sympy.Float(0.5) * x, x / 2).holds
    assert not reduces_to_zero(sympy.sqrt(x**2) - x)  # a root is not a rational operation
    assert not reduces_to_zero(1 / (x - x + 0 * y) - 1)  # 1/0 (sympy: zoo) is not a rational function


def test_sums_shadow_and_bind_indices():
    a = sympy.IndexedBase("a")
    i, kk = sympy.symbols("i kk", integer=True)
    shadowed = Sum(a[kk] * Sum(a[kk], (kk, 1, 2)), (kk, 1, 2))
    assert reduces_to_zero(shadowed - (a[1] + a[2]) ** 2)
    assert reduces_to_zero(a[i] - a[3], {i: 3})
    assert not reduces_to_zero(a[i] - a[3], {i: 2})
    assert sign_by_construction(Sum(a[kk] ** 2, (kk, 1, 3))) is None  # a is not declared real
    b = sympy.IndexedBase("b", positive=True)
    assert sign_by_construction(Sum(b[kk], (kk, 1, 3))) == "positive"


def test_actions_out_of_range():
    for bad in (1, 13, 0, True, "3"):
        with pytest.raises(ModelError) as error:
            prove_identity(bad)
        assert error.value.where == "--actions"
    with pytest.raises(ScError):
        prove_trust_region(13)


# -- renderers ----------------------------------------------------------------------------


def test_json_shape(proofs):
    derivation = proofs["identity", 2]
    data = to_dict(derivation)
    assert list(data) == ["claim", "actions", "steps", "verified"]
    assert data["claim"] == "identity" and data["actions"] == 2 and data["verified"] is True
    for step in data["steps"]:
        assert list(step) == ["statement", "lhs", "rhs", "kind", "holds"]
        assert isinstance(step["lhs"], str) and isinstance(step["rhs"], str) and step["holds"] is True
    assert json.loads(json.dumps(data)) == data
    assert derivation.to_dict() == data


def test_latex_shape(proofs):
    derivation = proofs["trust-region", 2]
    latex = to_latex(derivation)
    lines = latex.splitlines()
    assert lines[1] == r"\begin{align}" and lines[-1] == r"\end{align}"
    body = [line for line in lines[2:-1] if not line.startswith("%")]
    assert len(body) == len(derivation.steps)
    assert all("&" in line for line in body)
    assert all(line.endswith(r"\\") for line in body[:-1]) and not body[-1].endswith(r"\\")
    assert r"\le" in latex and r"\sum_{k=1}^{2}" in latex and r"\frac{\partial}{\partial {p}_{i}}" in latex


def test_text_shape(proofs):
    text = to_text(proofs["identity", 2])
    assert text.splitlines()[0].startswith("prove identity") and "verified" in text
    assert text.count("✓") == len(proofs["identity", 2].steps) and "✗" not in text
    broken = Derivation("identity", 2, (replace(proofs["identity", 2].steps[0], rhs=Rational(2)),))
    assert "✗" in to_text(broken) and "NOT verified" in to_text(broken)


# -- the subcommand ------------------------------------------------------------------------


def _parse(*argv):
    parser = argparse.ArgumentParser(prog="sc-symbolic")
    cli.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(list(argv))


def test_run_prints_json_and_returns_zero(capsys):
    status = cli.run(_parse("prove", "identity", "--actions", "3", "--json"))
    data = json.loads(capsys.readouterr().out)
    assert status == 0 and data["verified"] is True and data["actions"] == 3


def test_run_text_and_latex(capsys):
    assert cli.run(_parse("prove", "trust-region", "--actions", "2")) == 0
    assert "✓" in capsys.readouterr().out
    assert cli.run(_parse("prove", "identity", "--actions", "2", "--latex")) == 0
    assert r"\begin{align}" in capsys.readouterr().out


def test_run_returns_one_when_a_step_fails(capsys, monkeypatch):
    def broken(n):
        step = prove_identity(n).steps[3]
        return Derivation("identity", n, (replace(step, rhs=step.rhs / 2),))

    monkeypatch.setitem(PROOFS, "identity", broken)
    assert cli.run(_parse("prove", "identity", "--actions", "2", "--json")) == 1
    assert json.loads(capsys.readouterr().out)["verified"] is False


def test_run_refuses_bad_actions_and_options():
    with pytest.raises(ModelError):
        cli.run(_parse("prove", "identity", "--actions", "20"))
    with pytest.raises(SystemExit):
        _parse("prove", "identity", "--actions", "2", "--json", "--latex")
    with pytest.raises(SystemExit):
        _parse("prove", "no-such-claim", "--actions", "2")
