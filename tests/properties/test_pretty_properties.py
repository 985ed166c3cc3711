"""Theorem: every paper form is the canonical rational function, exactly (sc_symbolic/pretty.py).

For x ∈ ℚ(p, q): paper_form(x) = c · ∏ fᵢ^{eᵢ} / ∏ gⱼ^{kⱼ} with every factor a
primitive integer polynomial of positive leading coefficient, and
c · ∏ fᵢ^{eᵢ} / ∏ gⱼ^{kⱼ} − x is the zero of ℚ(p, q) — both as rebuilt in the
field and as the printed text read back by the restricted parser.
"""

import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sc_symbolic.analysis import analyse
from sc_symbolic.exact import domain_for, parse_expression, parse_report_expression
from sc_symbolic.model import from_dict
from sc_symbolic.pretty import paper_form

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from parametric_fixtures import parametric_model_dicts  # noqa: E402

DOMAIN = domain_for(("p", "q"))
monomial = st.tuples(st.integers(-4, 4), st.integers(0, 2), st.integers(0, 2))
polynomials = st.lists(monomial, min_size=1, max_size=4).map(
    lambda terms: " + ".join(f"({c})*p**{i}*q**{j}" for c, i, j in terms))


def assert_paper_form_is_exact(x, domain):
    import sympy

    form = paper_form(x, domain)
    assert form.to_domain(domain) - x == domain.zero
    assert parse_report_expression(form.text(), domain) - x == domain.zero
    for factor, exponent in form.numerator + form.denominator:
        poly = sympy.Poly(factor, *form.symbols)
        assert exponent >= 1 and poly.LC() > 0 and poly.domain.is_ZZ and poly.content() == 1
        assert not poly.is_ground
    assert len({f for f, _ in form.numerator} | {g for g, _ in form.denominator}) == \
        len(form.numerator) + len(form.denominator)  # no factor is on both sides (cancelled)


@given(st.lists(polynomials, min_size=1, max_size=3), st.lists(polynomials, min_size=1, max_size=3),
       st.fractions(max_denominator=12).filter(lambda c: c != 0))
def test_paper_form_of_products_equals_the_canonical_value(tops, bottoms, constant):
    x = parse_expression(f"{constant.numerator}/{constant.denominator}", DOMAIN)
    for text in tops:
        x = x * parse_expression(text, DOMAIN)
    for text in bottoms:
        divisor = parse_expression(text, DOMAIN)
        if divisor:
            x = x / divisor
    assert_paper_form_is_exact(x, DOMAIN)


@given(parametric_model_dicts(max_states=2))
def test_paper_forms_of_every_analysed_quantity_are_exact(data):
    analysis = analyse(from_dict(data))
    d = analysis.domain
    for s in analysis.positive:
        for x in (analysis.V[s], analysis.V_plus[s], analysis.I[s], *analysis.pi_plus[s].values()):
            assert_paper_form_is_exact(x, d)
