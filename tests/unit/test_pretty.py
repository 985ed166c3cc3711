"""Paper forms of closed forms (sc_symbolic/pretty.py): factored over ℚ, positive leading denominator."""

from pathlib import Path

import pytest

from sc_symbolic.analysis import analyse
from sc_symbolic.exact import domain_for, parse_expression
from sc_symbolic.model import load_model
from sc_symbolic.pretty import PaperForm, paper_form, paper_latex, paper_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def coin():
    return analyse(load_model(EXAMPLES / "parametric_coin.json"))


def test_coin_s1_identity_reads_like_a_paper(coin):
    d = coin.domain
    assert d.to_str(coin.R["s1"]) == "(4*p**2 - 4*p + 1)/(4*p**2 + 4*p + 1)"  # the JSON contract, unchanged
    for field in ("R", "chi2", "I"):
        form = paper_form(getattr(coin, field)["s1"], d)
        assert form.text() == "(2*p - 1)**2/(2*p + 1)**2"
        assert form.latex() == r"\frac{\left(2 p - 1\right)^{2}}{\left(2 p + 1\right)^{2}}"


def test_coin_j_plus_has_a_positive_leading_denominator(coin):
    d = coin.domain
    assert d.to_str(coin.J_plus) == "(-20*p**4 + 80*p**3 - 245*p**2 + 20*p - 20)/(44*p**2 - 242*p - 44)"
    form = paper_form(coin.V_plus["s0"], d)
    assert form.text() == "-5*(4*p**4 - 16*p**3 + 49*p**2 - 4*p + 4)/(22*(2*p**2 - 11*p - 2))"
    assert form.constant < 0 and all(factor.as_poly().LC() > 0 for factor, _ in form.denominator)
    assert form.to_domain(d) == coin.V_plus["s0"]


@pytest.mark.parametrize("canonical, paper", [
    ("-p**2/10 + 11*p/20 + 1/10", "-(2*p**2 - 11*p - 2)/20"),
    ("1 - p**2", "-(p + 1)*(p - 1)"),
    ("p/2 + 1/4", "(2*p + 1)/4"),
    ("1/(2*p + 1)", "1/(2*p + 1)"),
    ("(p**2 - q**2)/(q - p)", "-(p + q)"),
    ("(p + q)/(3*p - 3*q)", "(p + q)/(3*(p - q))"),
    ("2*p*q/(-4*p*q - 2)", "-p*q/(2*p*q + 1)"),
    ("p", "p"), ("-p", "-p"), ("0", "0"), ("-3/4", "-3/4"), ("5", "5"),
])
def test_paper_text(canonical, paper):
    assert paper_text(canonical, ["p", "q"]) == paper
    d = domain_for(("p", "q"))
    assert parse_expression(paper, d) == parse_expression(canonical, d)


def test_numbers_and_unreadable_text_are_kept():
    assert paper_text("3/4") == "3/4" and paper_text(None, ["p"]) is None
    assert paper_text("Max(p, 1/2)", ["p"]) == "Max(p, 1/2)"
    assert paper_latex("Max(p, 1/2)", ["p"]) is None


def test_latex_of_a_greek_parameter_and_a_negative_constant():
    assert paper_latex("-theta/2 - 1/2", ["theta"]) == r"-\frac{\theta + 1}{2}"
    assert paper_latex("-1/3", ["theta"]) == r"-\frac{1}{3}"


def test_text_and_latex_tables_show_paper_forms(capsys):
    from sc_symbolic.cli import main

    assert main(["check", str(EXAMPLES / "parametric_coin.json")]) == 0
    out = capsys.readouterr().out
    assert "R = chi2 = I = (2*p - 1)**2/(2*p + 1)**2" in out
    assert "(44*p**2 - 242*p - 44)" not in out
    assert main(["check", str(EXAMPLES / "parametric_coin.json"), "--latex"]) == 0
    assert r"\frac{\left(2 p - 1\right)^{2}}{\left(2 p + 1\right)^{2}}" in capsys.readouterr().out
    assert main(["check", str(EXAMPLES / "parametric_coin.json"), "--json"]) == 0
    assert '"I": "(4*p**2 - 4*p + 1)/(4*p**2 + 4*p + 1)"' in capsys.readouterr().out  # the contract


def test_large_polynomials_are_made_primitive_not_factored(monkeypatch):
    import sc_symbolic.pretty as pretty

    monkeypatch.setattr(pretty, "MAX_FACTOR_TERMS", 2)
    d = domain_for(("p",))
    x = parse_expression("(4*p**2 - 4*p + 2)/(-6*p**2 - 3)", d)
    form = paper_form(x, d)
    assert form.text() == "-2*(2*p**2 - 2*p + 1)/(3*(2*p**2 + 1))"
    assert form.to_domain(d) == x


def test_paper_form_of_a_number():
    from sc_symbolic.exact import rational

    form = paper_form(rational(-6, 4), domain_for(()))
    assert form == PaperForm(form.constant, (), (), ()) and form.text() == "-3/2" and form.latex() == r"-\frac{3}{2}"


def test_long_canonical_strings_are_shown_in_paper_form():
    """Beyond the 1,000 characters of model text: report strings are the package's own, read back for display."""
    d = domain_for(("p",))
    x = parse_expression("(p + 3)**20", d) ** 2 * parse_expression("(2*p - 3)**9", d) / parse_expression("(p**2 + 7)**3", d)
    canonical = d.to_str(x)
    assert len(canonical) > 1000
    assert paper_text(canonical, ["p"]) == "(2*p - 3)**9*(p + 3)**40/(p**2 + 7)**3"
