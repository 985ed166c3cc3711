"""Integration — parametric V agrees exactly with Storm's parametric engine (docs/math.md §2, §7).

Knuth–Yao's die driven by a biased coin (heads with probability p, or p on
the first three flips and q after), written here both in PRISM and in our
``sc-symbolic/mdp-1`` format.  Storm (``build_model[RationalFunction]`` +
``model_checking``) gives ``P(F "d=k")`` at the initial state as a rational
function; we parse its text with SymPy IN THIS TEST ONLY (trusted input
produced by Storm) and require ``ours − storm`` to cancel to 0.
"""

import pytest

stormpy = pytest.importorskip("stormpy")
sympy = pytest.importorskip("sympy")

from sc_symbolic.analysis import analyse  # noqa: E402
from sc_symbolic.checks import run_checks  # noqa: E402
from sc_symbolic.model import build_model  # noqa: E402
from sc_symbolic.signs import sampled_inequalities  # noqa: E402

# state s: (heads target, tails target); "dk" is the terminal face k
DIE = {0: ("s1", "s2"), 1: ("s3", "s4"), 2: ("s5", "s6"), 3: ("s1", "d1"), 4: ("d2", "d3"),
       5: ("d4", "d5"), 6: ("s2", "d6")}


def coin_of(state: int, parameters: int) -> str:
    return "q" if parameters == 2 and state >= 3 else "p"


def prism_die(parameters: int) -> str:
    lines = ["dtmc", "const double p;"] + (["const double q;"] if parameters == 2 else [])
    lines += ["module die", "  s : [0..7] init 0;", "  d : [0..6] init 0;"]

    def update(target):
        return f"(s'={target[1:]})" if target.startswith("s") else f"(s'=7) & (d'={target[1:]})"

    for state, (heads, tails) in DIE.items():
        c = coin_of(state, parameters)
        lines.append(f"  [] s={state} -> {c} : {update(heads)} + (1-{c}) : {update(tails)};")
    lines += ["  [] s=7 -> (s'=7);", "endmodule"]
    return "\n".join(lines) + "\n"


def our_die(parameters: int, face: int):
    states = {}
    for state, (heads, tails) in DIE.items():
        c = coin_of(state, parameters)
        states[f"s{state}"] = {"flip": [{"to": heads, "p": c}, {"to": tails, "p": f"1 - {c}"}]}
    for k in range(1, 7):
        states[f"d{k}"] = {}
    bounds = {"p": ("0", "1")} if parameters == 1 else {"p": ("0", "1"), "q": ("0", "1")}
    return build_model(states, {"s0": 1}, success_states=[f"d{face}"], parameters=bounds, name="die")


def storm_values(parameters: int, tmp_path) -> dict:
    path = tmp_path / f"die{parameters}.pm"
    path.write_text(prism_die(parameters), encoding="utf-8")
    program = stormpy.parse_prism_program(str(path))
    formulas = ";".join(f'P=? [F s=7 & d={k}]' for k in range(1, 7))
    properties = stormpy.parse_properties(formulas, program)
    model = stormpy.build_model[stormpy.RationalFunction](program, properties)
    assert sorted(v.name for v in model.collect_probability_parameters()) == ["p", "q"][:parameters]
    initial = model.initial_states[0]
    return {k: str(stormpy.model_checking(model, prop).get_value(initial))
            for k, prop in zip(range(1, 7), properties)}


def from_storm_text(text: str, names):
    """Storm prints ``p^2``; trusted test input, parsed by SymPy here only."""
    return sympy.parse_expr(text.replace("^", "**"), local_dict={n: sympy.Symbol(n, real=True) for n in names})


@pytest.mark.parametrize("parameters", [1, 2])
def test_parametric_die_matches_storm_exactly(parameters, tmp_path):
    names = ("p", "q")[:parameters]
    storm = storm_values(parameters, tmp_path)
    total = 0
    for face in range(1, 7):
        model = our_die(parameters, face)
        analysis = analyse(model)
        ours = model.domain.to_sympy(analysis.V["s0"])
        assert sympy.cancel(ours - from_storm_text(storm[face], names)) == 0, (face, ours, storm[face])
        total += ours
    assert sympy.cancel(total - 1) == 0  # the die always stops


def test_fair_coin_instance_is_the_fair_die(tmp_path):
    storm = storm_values(1, tmp_path)
    for face in range(1, 7):
        value = from_storm_text(storm[face], ("p",)).subs(sympy.Symbol("p", real=True), sympy.Rational(1, 2))
        assert value == sympy.Rational(1, 6)


def test_parametric_die_claims_hold_on_the_whole_box():
    model = our_die(2, 1)
    checks = run_checks(analyse(model))
    assert all(check.holds for check in checks.values())
    assert sampled_inequalities(model.domain) == []
