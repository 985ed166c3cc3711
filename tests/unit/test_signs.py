"""signs: polynomials that touch 0 on the boundary of the box are decided, never left to samples."""

import sympy
from sympy.polys.domains import QQ

from sc_symbolic.exact import rational
from sc_symbolic.signs import PROOF, decide_nonnegative, value_at

p, t = sympy.symbols("p theta", real=True)
K = QQ.frac_field(p, t)
BOX = {"p": (rational(0), rational(1)), "theta": (rational(0), rational(1))}
NAMES = ("p", "theta")
# tangent to the edge theta = 1 at the irrational p = (sqrt(5) - 1)/2 and zero at the corner (1, 1):
TANGENT = (p ** 2 + p - 1) ** 2 * (1 - p) + (1 - t) * (2 + p * t)


def decide(expr):
    return decide_nonnegative(K.from_sympy(sympy.expand(expr)), NAMES, BOX)


def test_a_factor_tangent_to_an_edge_is_proved_non_negative():
    verdict = decide(TANGENT * (3 - p - t))
    assert verdict.holds and verdict.method == PROOF, verdict.how


def test_a_zero_at_a_corner_with_a_mixed_taylor_expansion_is_proved():
    u, v = 1 - p, 1 - t
    verdict = decide((2 * u + 2 * v - 2 * u * v + 4 * u ** 2) * (1 + p * t) / (2 + p))
    assert verdict.holds and verdict.method == PROOF, verdict.how


def test_a_polynomial_touching_the_boundary_but_negative_inside_is_refuted_exactly():
    bad = TANGENT - t ** 2 / 100  # below 0 in a thin sliver along the tangency
    verdict = decide(bad)
    assert not verdict.holds and verdict.method == PROOF
    point = verdict.counterexample
    assert all(0 < point[name] < 1 for name in NAMES)
    assert value_at(K.from_sympy(sympy.expand(bad)), point, NAMES) < 0


def test_a_product_of_two_sign_changing_factors_is_refuted():
    verdict = decide((p - t) * (p + t - 1))
    assert not verdict.holds and verdict.method == PROOF
