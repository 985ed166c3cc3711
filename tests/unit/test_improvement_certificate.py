"""The improvement certificate: every step is checked exactly, and a wrong analysis is refused at its step.

V⁺ ≥ V, J⁺ ≥ J and I ≥ 0 on parametric models are proved from identities in QQ(params)
and π, p, ρ ≥ 0 on the box (docs/checks.md); these tests corrupt one ingredient at a time
and check that the certificate names the step that fails (so it never proves a wrong V⁺).
"""

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sc_symbolic
from sc_symbolic import testing
from sc_symbolic.checks import CHECKS, decide, record_undecided
from sc_symbolic.report import build_report, render_table
from sc_symbolic.signs import value_at
from sc_symbolic.exact import domain_for, rational
from sc_symbolic.improvement_certificate import improvement_certificate_gap, influence_is_sum_of_squares
from sc_symbolic.model import from_dict, load_model
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from parametric_fixtures import parametric_model_dicts  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def two_room():
    return sc_symbolic.analyse(load_model(EXAMPLES / "parametric_two_room.json"))


def test_the_certificate_applies_to_the_two_room_model(two_room):
    assert improvement_certificate_gap(two_room) is None
    assert all(influence_is_sum_of_squares(two_room, s) for s in two_room.positive)


def test_a_policy_negative_somewhere_on_the_box_breaks_the_premises(two_room):
    d = two_room.domain
    half = d.from_rational(rational(1, 2))
    theta = d.symbol("theta")
    two_room.policy["s0"] = {"go": theta - half, "safe": 3 * half - theta}  # still sums to 1
    gap = improvement_certificate_gap(two_room)
    assert gap is not None and "theta - 1/2 >= 0 is not proved" in gap
    assert not influence_is_sum_of_squares(two_room, "s0")


def test_rows_that_do_not_sum_to_one_break_the_premises(two_room):
    two_room.policy["s1"] = {"jump": two_room.domain.one, "walk": two_room.domain.one}
    assert improvement_certificate_gap(two_room) == "pi(s1) does not sum to 1"


def test_a_wrong_v_is_refused_at_step_1(two_room):
    d = two_room.domain
    two_room.V["s1"] = two_room.V["s1"] + d.symbol("p") / 7
    assert improvement_certificate_gap(two_room) in ("(1) Bellman equation of V at s0",  # s0's row holds V(s1)
                                                     "(1) Bellman equation of V at s1")


def test_a_wrong_q_is_refused_at_step_1(two_room):
    two_room.Q["s0"]["safe"] = two_room.domain.from_rational(rational(1, 3))
    assert improvement_certificate_gap(two_room) == "(1) Q(s0, safe) = sum_o p V(to)"


def test_a_wrong_pi_plus_is_refused_at_step_2(two_room):
    two_room.executed["s0"] = dict(two_room.policy["s0"])
    assert improvement_certificate_gap(two_room) == "(2) pi_plus V = pi Q at s0"


def test_a_wrong_v_plus_is_refused_at_step_4_and_the_claim_fails_with_its_witness(two_room):
    d = two_room.domain
    two_room.V_plus["s1"] = two_room.V_plus["s1"] - d.symbol("p") * d.symbol("theta") / 8
    assert improvement_certificate_gap(two_room) in ("(4) (I - P+)(V+ - V) = T+V - V at s0",
                                                     "(4) (I - P+)(V+ - V) = T+V - V at s1")
    result = decide(two_room, "improvement", CHECKS["improvement"])
    assert result.status == "failed" and not result.proved
    assert any(v.state == "s1" and "Bellman: V_plus" in v.relation for v in result.witness)


def test_a_v_plus_below_v_everywhere_is_refused_with_an_exact_point(two_room):
    """V⁺ replaced by V − p·θ/4 at s0: the certificate does not apply and signs refutes V⁺ ≥ V exactly."""
    d = two_room.domain
    two_room.V_plus["s0"] = two_room.V["s0"] - d.symbol("p") * d.symbol("theta") / 4
    assert improvement_certificate_gap(two_room) is not None
    result = decide(two_room, "improvement", CHECKS["improvement"])
    assert result.status == "failed"
    assert any(v.state == "s0" and v.relation.startswith("V_plus >= V") for v in result.witness)
    (refuted,) = result.refuted
    assert (refuted.state, refuted.quantity) == ("s0", "V_plus(s0) - V(s0) >= 0")
    assert all(0 < value < 1 for value in refuted.point.values())
    assert value_at(two_room.V_plus["s0"] - two_room.V["s0"], refuted.point, ("p", "theta")) < 0
    record_undecided(two_room, {"improvement": result})
    note = next(n for n in two_room.notes if n.startswith("claim 'improvement', state s0"))
    assert "V_plus(s0) - V(s0) >= 0 fails at p=" in note and "--set p=" in note and "--set theta=" in note
    table = render_table(build_report(two_room, {"improvement": result}))
    assert "characters; --json has it whole)" in table  # a 289-character J+ is cut short in text
    assert all(len(line) < 400 for line in table.splitlines() if line.startswith("  improvement:"))
    with pytest.raises(testing.ClaimFailed, match=r"state s0: V_plus\(s0\) - V\(s0\) >= 0 fails at p="):
        raise testing.ClaimFailed(result, two_room.domain)


def test_a_wrong_j_plus_is_refused_at_step_5(two_room):
    two_room.J_plus = two_room.J_plus + two_room.domain.symbol("p")
    assert improvement_certificate_gap(two_room) == "(5) J_plus = sum rho V"


@settings(max_examples=6, deadline=None)
@given(parametric_model_dicts(cyclic=True))
def test_the_certificate_proves_improvement_on_random_cyclic_parametric_models(data):
    model = from_dict(data)
    analysis = sc_symbolic.analyse(model)
    assert improvement_certificate_gap(analysis) is None
    result = decide(analysis, "improvement", CHECKS["improvement"])
    assert result.proved and any(how.startswith("improvement certificate") for how in result.proofs)


RATIONALS = st.fractions(min_value=-3, max_value=3, max_denominator=5)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([-2, -1, 1, 3]), st.lists(st.tuples(RATIONALS, RATIONALS, RATIONALS),
                                                                       min_size=1, max_size=3)),
                min_size=1, max_size=4), st.booleans())
def test_products_vanish_agrees_with_the_field(terms, cancel):
    """Σ sign·∏ (a + b p)/(1 + c²·q²) ≡ 0 exactly when the cancelled sum in K is 0."""
    d = domain_for({"p": (rational(0), rational(1)), "q": (rational(0), rational(1))})
    p, q = d.symbol("p"), d.symbol("q")

    def element(a, b, c):
        return (d.from_rational(rational(a)) + d.from_rational(rational(b)) * p) / \
            (d.one + d.from_rational(rational(c * c)) * q * q)

    products = [(sign, tuple(element(*f) for f in factors)) for sign, factors in terms]
    if cancel:  # append the negated sum: the combination is then ≡ 0
        total = d.zero
        for sign, factors in products:
            value = d.from_rational(rational(sign))
            for x in factors:
                value = value * x
            total = total + value
        products.append((-1, (total,)))
    expected = d.is_zero(sum((d.from_rational(rational(sign)) * _product(d, factors) for sign, factors in products),
                             d.zero))
    assert d.products_vanish(products) == expected
    numeric = domain_for({})
    assert numeric.products_vanish([(2, (rational(1, 2), rational(3))), (-3, (rational(1),))])


def _product(d, factors):
    value = d.one
    for x in factors:
        value = value * x
    return value
