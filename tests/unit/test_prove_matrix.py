"""prove improvement | performance-difference | iteration: the MDP-level theorems in matrix form (docs/math.md §5)."""

import json
import pytest
import sympy
from hypothesis import given, settings

from sc_symbolic.analysis import analyse
from sc_symbolic.cli import main
from sc_symbolic.evaluate import policy_transitions
from sc_symbolic.strategies import mdps
from sc_symbolic.symbolic import matrix as mx
from sc_symbolic.symbolic.matrix import A, MatrixStep, P, P_plus, TV, V, V_plus, _mul, _sub, r_plus, rho


@pytest.mark.parametrize("name", ["improvement", "performance-difference", "iteration"])
def test_each_theorem_is_verified_with_its_lemmas_named(name):
    theorem = mx.PROOFS[name]()
    assert mx.theorem_verified(theorem) and theorem.connected
    statuses = {mx.LEMMAS[lemma][1] for lemma in theorem.lemmas}
    assert statuses <= {"discharged", "cited"} and "discharged" in statuses
    assert mx.lemma_V_I_discharged()


def test_forged_matrix_steps_are_refused():
    assert not MatrixStep("dropped inverse", "inverse", V_plus - V, _mul(A, V_plus - V)).holds
    assert not MatrixStep("P and P⁺ swapped", "distribute", _mul(A.I, _sub(r_plus, _mul(A, V))),
                          _mul(A.I, r_plus + P * V - V)).holds
    assert not MatrixStep("sign error", "distribute", _mul(A.I, _sub(r_plus, _mul(A, V))),
                          _mul(A.I, r_plus - P_plus * V - V)).holds
    assert not MatrixStep("a definition it does not have", "definition V⁺", V_plus, _mul((sympy.Identity(mx.m) - P).I,
                                                                                       r_plus)).holds
    assert not MatrixStep("an unknown rule", "magic", V_plus - V, V_plus - V).holds
    assert not MatrixStep("the theorem misapplied", "theorem improvement", rho.T * (V_plus + V),
                          _mul(rho.T, A.I, TV - V)).holds


def _numeric(analysis):
    """T, and the explicit matrices of the theorem's symbols for one analysed numeric model."""
    model = analysis.model
    T = [s for s in analysis.positive]
    index = {s: i for i, s in enumerate(T)}
    success = model.success_states

    def parts(policy):
        rows = policy_transitions(model, policy)
        Pm = sympy.zeros(len(T), len(T))
        rv = sympy.zeros(len(T), 1)
        for s in T:
            for t, p in rows[s].items():
                q = sympy.Rational(int(p.numerator), int(p.denominator))
                if t in index:
                    Pm[index[s], index[t]] += q
                elif t in success:
                    rv[index[s], 0] += q
        return Pm, rv

    Pm, rv = parts(analysis.policy)
    Pp, rp = parts(analysis.executed)

    def vector(values):
        return sympy.Matrix([sympy.Rational(int(values[s].numerator), int(values[s].denominator)) for s in T])

    initial = {s: analysis.model.initial.get(s) for s in T}
    rho_v = sympy.Matrix([0 if initial[s] is None else sympy.Rational(int(initial[s].numerator),
                                                                       int(initial[s].denominator)) for s in T])
    return T, {P: Pm, P_plus: Pp, mx.r: rv, r_plus: rp, rho: rho_v}, vector


@settings(max_examples=15, deadline=None)
@given(mdps(max_states=3))
def test_every_step_specialises_to_the_numbers_check_computes(model):
    _specialise(analyse(model))


def test_the_cyclic_gridworld_specialises():
    from pathlib import Path

    from sc_symbolic.model import load_model_file

    path = Path(__file__).resolve().parents[2] / "examples" / "gridworld.json"
    assert _specialise(analyse(load_model_file(str(path)))) == 3  # start, mid, side: V > 0


def _specialise(analysis) -> int:
    if not analysis.positive or analysis.model.success_states is None:
        return 0
    T, values, vector = _numeric(analysis)
    n = len(T)
    inv = (sympy.eye(n) - values[P_plus]).inv()
    V_num = (sympy.eye(n) - values[P]).inv() * values[mx.r]
    assert V_num == vector(analysis.V)                                   # V = (I − P)⁻¹ r on T
    V_plus_num = inv * values[r_plus]
    assert V_plus_num == vector(analysis.V_plus)                         # V⁺ = (I − P⁺)⁻¹ r⁺ on T
    concrete = {**values, V: V_num, V_plus: V_plus_num, TV: values[r_plus] + values[P_plus] * V_num,
                mx.eta_plus_T: values[rho].T * inv}
    concrete = {symbol.subs(mx.m, n): value for symbol, value in concrete.items()}
    for name in ("improvement", "performance-difference"):
        for step in mx.PROOFS[name]().steps:
            before = step.before.subs(mx.m, n).xreplace(concrete).doit()
            after = step.after.subs(mx.m, n).xreplace(concrete).doit()
            assert sympy.Matrix(before) == sympy.Matrix(after), step.statement
    J_gap = (values[rho].T * (V_plus_num - V_num))[0, 0]
    assert J_gap == sympy.Rational(int((analysis.J_plus - analysis.J).numerator),
                                   int((analysis.J_plus - analysis.J).denominator))
    eta = values[rho].T * inv                                            # η⁺ᵀ = ρᵀ (I − P⁺)⁻¹
    assert list(eta) == list(vector(analysis.eta_plus))
    return n


def test_cli(capsys):
    for name in ("improvement", "performance-difference", "iteration"):
        assert main(["prove", name]) == 0
        out = capsys.readouterr().out
        assert "verified" in out.splitlines()[0] and "[lemma cited]" in out and "[lemma discharged]" in out
    assert main(["prove", "improvement", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] and {s["kind"] for s in data["steps"]} == {"checked algebra"}
    assert main(["prove", "performance-difference", "--latex"]) == 0
    assert r"\begin{align}" in capsys.readouterr().out
    assert main(["prove", "improvement", "--actions", "3"]) == 2
    assert main(["prove", "identity"]) == 2
