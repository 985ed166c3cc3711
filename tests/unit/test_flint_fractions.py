"""Unit tests — FLINT fractions: canonical form, round trip to SymPy's QQ(params), refusals."""

import pytest

flint = pytest.importorskip("flint")

from sc_symbolic import evaluate  # noqa: E402
from sc_symbolic.errors import SingularSystemError  # noqa: E402
from sc_symbolic.exact import domain_for  # noqa: E402
from sc_symbolic.flint_fractions import FlintFractionDomain  # noqa: E402


@pytest.fixture
def domains():
    domain = domain_for(("p", "q"))
    return domain, FlintFractionDomain(flint, domain)


def test_round_trip_is_sympys_canonical_element(domains):
    domain, fast = domains
    p, q = domain.symbol("p"), domain.symbol("q")
    x = (p * 3 - q / 2) / (domain.one * 4 - p * p * 6)
    back = fast.from_flint(fast.to_flint(x))
    assert back == x and back.numer == x.numer and back.denom == x.denom


def test_arithmetic_cancels_to_lowest_terms(domains):
    domain, fast = domains
    p = domain.symbol("p")
    a = fast.to_flint(p * p - 1)
    b = fast.to_flint(p - 1)
    quotient = a / b
    assert quotient.den.is_one() and fast.from_flint(quotient) == p + 1
    assert fast.is_zero(a - a) and not fast.is_zero(a)
    assert fast.from_flint(fast.one / fast.to_flint(-(p + 1))) == -1 / (p + 1)
    assert quotient.den.leading_coefficient() > 0


def test_inverse_of_zero_is_refused(domains):
    _, fast = domains
    with pytest.raises(ZeroDivisionError):
        fast.one / fast.zero


def test_closed_loop_is_singular_on_the_flint_path():
    """Must fail: x = p·y + (1 − p)·x, y = x has 1 − c = 0 after elimination; refused, not divided by zero."""
    domain = domain_for(("p",))
    p = domain.symbol("p")
    rows = {"x": ({"y": p, "x": domain.one - p}, domain.zero), "y": ({"x": domain.one}, domain.zero)}
    assert evaluate.PARAMETRIC_BACKEND == "flint"
    with pytest.raises(SingularSystemError):
        evaluate.solve_fixed_point(rows, domain)
