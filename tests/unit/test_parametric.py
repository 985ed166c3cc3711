"""Unit tests — parametric models (docs/math.md §7) and exact sign analysis on the parameter box (signs.py)."""

from pathlib import Path

import pytest

sympy = pytest.importorskip("sympy")

from sympy.polys.domains import QQ  # noqa: E402

from sc_symbolic.analysis import analyse  # noqa: E402
from sc_symbolic.checks import run_checks  # noqa: E402
from sc_symbolic.errors import ModelError  # noqa: E402
from sc_symbolic.exact import Rational, domain_for, parse_number, rational  # noqa: E402
from sc_symbolic.model import build_model, load_model, sample_points  # noqa: E402
from sc_symbolic.signs import (  # noqa: E402
    PROOF,
    SAMPLED,
    SignVerdict,
    bernstein_coefficients,
    box_from_sample_points,
    decide_nonnegative,
    domain_box,
    grid_points,
    inequality_log,
    nonnegative_in_domain,
    probability_violation,
    sampled_inequalities,
    value_at,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "parametric_coin.json"
p, q = sympy.symbols("p q", real=True)
K1 = QQ.frac_field(p)
K2 = QQ.frac_field(p, q)
UNIT = {"p": (rational(0), rational(1))}
UNIT2 = {"p": (rational(0), rational(1)), "q": (rational(0), rational(1))}
R = sympy.Rational


def one(expr, box=UNIT):
    return decide_nonnegative(K1.from_sympy(expr), ("p",), box)


def two(expr, box=UNIT2):
    return decide_nonnegative(K2.from_sympy(expr), ("p", "q"), box)


def assert_counterexample(verdict, expr, names):
    """The counterexample is inside the open box and x < 0 there, exactly."""
    assert verdict.holds is False and verdict.method == PROOF
    point = verdict.counterexample
    assert all(type(v) is Rational for v in point.values())
    value = expr.subs({sympy.Symbol(n, real=True): R(int(point[n].numerator), int(point[n].denominator))
                       for n in names})
    assert value.is_Rational and value < 0


# ---------------------------------------------------------------- one parameter

UNIVARIATE_HOLDS = [
    p * (1 - p),                                   # zero on the boundary only
    (p - R(1, 3)) ** 2,                            # touches zero inside
    (p ** 2 - R(1, 2)) ** 2 * (2 - p),             # irrational double root
    p / (1 - p),                                   # pole on the boundary
    (1 - p) ** 3 * p,
    R(1, 7),
    (4 * p ** 2 + 1) / (4 * p + 2),
]

UNIVARIATE_FAILS = [
    p - R(1, 2),
    p ** 2 - R(1, 2),                              # irrational sign change
    (p - 1) * (p - R(1, 7)) ** 2,
    (2 * p - 1) / (3 * p - 1),
    (p - R(1, 3)) ** 3 * (p - R(1, 3) - R(1, 10 ** 9)),  # a gap of width 1e-9
    -R(1, 5),
]


@pytest.mark.parametrize("expr", UNIVARIATE_HOLDS, ids=str)
def test_univariate_nonnegative_is_proved(expr):
    verdict = one(expr)
    assert verdict == SignVerdict(True, PROOF, None, verdict.how)


@pytest.mark.parametrize("expr", UNIVARIATE_FAILS, ids=str)
def test_univariate_negative_is_refuted_with_exact_point(expr):
    assert_counterexample(one(expr), expr, ("p",))


def test_hand_cases_from_the_brief():
    assert one(p * (1 - p)).holds and one(p * (1 - p)).method == PROOF
    verdict = one(p - R(1, 2))
    assert verdict.counterexample == {"p": rational(1, 4)}


def test_box_bounds_matter():
    assert one(p - R(1, 2), {"p": (rational(1, 2), rational(3))}).holds
    assert not one(p - R(1, 2), {"p": (rational(1, 4), rational(3))}).holds
    assert one(-p, {"p": (rational(-2), rational(0))}).holds


def test_univariate_in_a_two_parameter_field_uses_root_isolation():
    verdict = two(q * (1 - q))
    assert verdict.holds and verdict.method == PROOF and "root isolation in q" in verdict.how
    bad = two(q - R(1, 3))
    assert_counterexample(bad, q - R(1, 3), ("p", "q"))


# ---------------------------------------------------------------- several parameters

MULTIVARIATE_HOLDS = [
    p * q,
    (1 - p) * (p - q) ** 2,
    2 * p * q / (p + q),
    (p - q) ** 2 + (p + q - 1) ** 2,
    p * (1 - q) + q * (1 - p),
]

MULTIVARIATE_FAILS = [
    p - q,
    (p - q) ** 2 + (p + q - 1) ** 2 - R(1, 10 ** 6),
    p * q + (1 - p) * (1 - q) - p * (1 - q) / 2,
    -(p * q),
]


@pytest.mark.parametrize("expr", MULTIVARIATE_HOLDS, ids=str)
def test_multivariate_nonnegative_is_proved(expr):
    verdict = two(expr)
    assert verdict.holds and verdict.method == PROOF, verdict


@pytest.mark.parametrize("expr", MULTIVARIATE_FAILS, ids=str)
def test_multivariate_negative_is_refuted(expr):
    assert_counterexample(two(expr), expr, ("p", "q"))


def test_undecided_multivariate_falls_back_to_sampling():
    verdict = two(p ** 2 - p * q + q ** 2)  # ≥ 0, zero at the corner (0, 0): Bernstein cannot close it
    assert verdict.holds and verdict.method == SAMPLED and not verdict.certain


def test_bernstein_coefficients_bound_the_polynomial():
    # x(1 - x) on [0, 1]: 0, 1/2, 0; and the vertex coefficients are the corner values
    terms = {(1,): rational(1), (2,): rational(-1)}
    assert [bernstein_coefficients(terms, (2,), [(rational(0), rational(1))])[(i,)] for i in range(3)] == \
        [0, rational(1, 2), 0]
    box = [(rational(-1), rational(2)), (rational(1, 3), rational(1))]
    mixed = {(1, 1): rational(3), (0, 2): rational(-2), (0, 0): rational(1, 5)}
    coefficients = bernstein_coefficients(mixed, (1, 2), box)
    for (i, j), corner in {(0, 0): (box[0][0], box[1][0]), (1, 2): (box[0][1], box[1][1])}.items():
        x, y = corner
        assert coefficients[(i, j)] == 3 * x * y - 2 * y * y + rational(1, 5)


def test_value_at_and_grid_points():
    x = K1.from_sympy(p / (1 - p))
    assert value_at(x, {"p": rational(1, 3)}, ("p",)) == rational(1, 2)
    assert value_at(x, {"p": rational(1)}, ("p",)) is None
    points = grid_points(UNIT2, 2)
    assert len(points) == 4 and {"p": rational(1, 3), "q": rational(2, 3)} in points


def test_box_recovered_from_sample_points():
    bounds = {"p": (rational(-1, 3), rational(5)), "q": (rational(0), rational(1, 7))}
    assert box_from_sample_points(("p", "q"), sample_points(bounds)) == bounds
    assert box_from_sample_points(("p",), [{"p": rational(1, 2)}]) is None


def test_without_a_box_only_points_are_tried():
    x = K1.from_sympy(p - R(1, 2))
    verdict = decide_nonnegative(x, ("p",), None, [{"p": rational(3, 4)}])
    assert verdict.holds and verdict.method == SAMPLED
    verdict = decide_nonnegative(x, ("p",), None, [{"p": rational(1, 4)}])
    assert not verdict.holds and verdict.counterexample == {"p": rational(1, 4)}


# ---------------------------------------------------------------- domain and model wiring


def parametric_domain(bounds):
    domain = domain_for(list(bounds))
    domain.points = sample_points(bounds)
    return domain


def test_domain_nonnegative_is_decided_on_the_whole_box():
    domain = parametric_domain({"p": (rational(0), rational(1))})
    x = domain.symbol("p")
    # 1/2 + 100 (p - 1/8)(p - 1/2)(p - 7/8) is 1/2 at every sample point, negative near p = 0
    tricky = domain.from_rational(rational(1, 2)) + 100 * (x - domain.from_rational(rational(1, 8))) * \
        (x - domain.from_rational(rational(1, 2))) * (x - domain.from_rational(rational(7, 8)))
    assert all(domain.substitute(tricky, point) == rational(1, 2) for point in domain.points)
    assert domain.nonnegative(tricky) is False
    assert domain.nonnegative(x * (domain.one - x)) is True
    assert domain_box(domain) == {"p": (rational(0), rational(1))}
    log = dict(inequality_log(domain))
    expected = SignVerdict(True, PROOF, None, "root isolation in p, sign on 1 gap")
    assert log[domain.to_str(x * (domain.one - x))] == expected
    assert log[domain.to_str(tricky)].counterexample is not None
    assert sampled_inequalities(domain) == []


def test_sampled_inequalities_are_listed_for_notes():
    domain = parametric_domain({"p": (rational(0), rational(1)), "q": (rational(0), rational(1))})
    x, y = domain.symbol("p"), domain.symbol("q")
    assert domain.nonnegative(x * x - x * y + y * y)
    assert domain.nonnegative(x * y)
    notes = sampled_inequalities(domain)
    assert len(notes) == 1 and notes[0].startswith("p**2 - p*q + q**2 >= 0 only checked at exact sample points")
    assert nonnegative_in_domain(domain, x * y).certain


def coin(probability: str, bounds=("0", "1")):
    return build_model({"s": {"go": {"win": probability, "lose": f"1 - ({probability})"}}, "win": {}, "lose": {}},
                       {"s": 1}, success_states=["win"], parameters={"p": bounds})


def test_probability_leaving_the_unit_interval_is_refused_with_a_point():
    with pytest.raises(ModelError) as info:
        coin("2*p")
    message = str(info.value)
    assert "states.s.go.win.p" in message and "p=" in message and "[0, 1]" in message


def test_probability_leaving_the_interval_between_sample_points_is_refused():
    # 1/2 at the sample points 1/8, 1/2, 7/8 of (0, 1) but -731/320 at p = 1/20: only signs finds it
    wiggle = "1/2 + 100*(p - 1/8)*(p - 1/2)*(p - 7/8)"
    with pytest.raises(ModelError) as info:
        coin(wiggle)
    message = str(info.value)
    assert "states.s.go.win.p" in message and "probabilities lie in [0, 1]" in message
    name, _, text = message.split(" at ")[1].split(" (")[0].partition("=")
    value = parse_number(text)
    assert name == "p" and 0 < value < 1
    expr = sympy.Rational(1, 2) + 100 * (p - R(1, 8)) * (p - R(1, 2)) * (p - R(7, 8))
    at = expr.subs(p, R(int(value.numerator), int(value.denominator)))
    assert at < 0 or at > 1


def test_probability_valid_on_a_narrow_box_is_accepted():
    model = coin("2*p", ("0", "1/2"))
    assert str(model.domain.to_str(model.states["s"]["go"][0].p)) == "2*p"
    v = probability_violation(model.states["s"]["go"][0].p, model.domain,
                              {"p": (rational(0), rational(1, 2))})
    assert v is None
    bad = probability_violation(model.states["s"]["go"][0].p, model.domain, UNIT)
    assert bad[0] == "<= 1" and bad[2] > 1


# ---------------------------------------------------------------- the example model


@pytest.fixture(scope="module")
def coin_analysis():
    return analyse(load_model(EXAMPLE))


def test_parametric_coin_identity_holds_identically(coin_analysis):
    a, d = coin_analysis, coin_analysis.domain
    assert d.parametric and d.symbols == ("p",)
    assert a.positive == ["s0", "s1"]
    for s in a.positive:
        assert d.is_zero(a.R[s] - a.chi2[s]) and d.is_zero(a.chi2[s] - a.I[s])
    assert d.to_str(a.V["s1"]) == "p/2 + 1/4"
    assert d.to_str(a.R["s1"]) == "(4*p**2 - 4*p + 1)/(4*p**2 + 4*p + 1)"


def test_parametric_coin_checks_are_proved_not_sampled(coin_analysis):
    checks = run_checks(coin_analysis)
    assert all(check.holds for check in checks.values())
    log = inequality_log(coin_analysis.domain)
    assert log and all(verdict.method == PROOF and verdict.holds for _, verdict in log)
    assert sampled_inequalities(coin_analysis.domain) == []


def test_parametric_coin_agrees_with_its_numeric_instances(coin_analysis):
    a, d = coin_analysis, coin_analysis.domain
    data = load_model(EXAMPLE).source
    for value in (rational(1, 3), rational(9, 10)):
        text = str(value)
        numeric = dict(data)
        numeric.pop("parameters")
        numeric["states"] = {s: {act: {to: str(d.substitute(a.source.states[s][act][i].p, {"p": value}))
                                       for i, to in enumerate(outs)}
                                 for act, outs in acts.items()} for s, acts in data["states"].items()}
        b = analyse(load_model(numeric))
        assert b.J == d.substitute(a.J, {"p": value}), text
        assert b.J_plus == d.substitute(a.J_plus, {"p": value}), text
        for s in a.positive:
            assert b.I[s] == d.substitute(a.I[s], {"p": value}), (s, text)


def _one_state(probability, parameters=None):
    return {"format": "sc-symbolic/mdp-1", "name": "vanishing", "parameters": parameters or {"p": ["0", "1"]},
            "initial": {"s0": "1"},
            "states": {"s0": {"a": {"win": probability, "s0": f"1 - ({probability})"}, "b": {"lose": "1"}},
                       "win": {}, "lose": {}},
            "success": {"states": ["win"]}, "policy": "uniform"}


@pytest.mark.parametrize("probability, parameters, word", [
    ("4*(p - 1/2)**2", None, "vanishes inside the parameter box: the factor 2*p - 1 is 0 at p=1/2"),
    ("(p - q)**2", {"p": ["0", "1"], "q": ["0", "1"]}, "vanishes inside"),
    ("(p - 3/7)**2 + (q - 2/11)**2 - 1/100000000", {"p": ["0", "1"], "q": ["0", "1"]}, "cannot prove"),
])
def test_a_probability_that_vanishes_inside_the_box_is_refused(probability, parameters, word):
    # at p = 1/2 the first model loops forever (V = 0), while the closed form off that point is V = 1
    from sc_symbolic.errors import ModelError
    from sc_symbolic.model import from_dict

    with pytest.raises(ModelError, match=word.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        from_dict(_one_state(probability, parameters))


@pytest.mark.parametrize("probability", ["p*q", "1 - p*q", "(p**2 + q**2)/2", "p*(1 - q)"])
def test_a_probability_positive_on_the_open_box_is_accepted(probability):
    from sc_symbolic.model import from_dict

    model = from_dict(_one_state(probability, {"p": ["0", "1"], "q": ["0", "1"]}))
    assert model.domain.parametric


def test_an_inequality_that_was_only_sampled_is_not_verified():
    from sc_symbolic.analysis import analyse
    from sc_symbolic.checks import run_checks
    from sc_symbolic.model import load_model
    from sc_symbolic.report import build_report

    analysis = analyse(load_model(str(Path(__file__).resolve().parents[2] / "examples" / "parametric_coin.json")))
    checks = run_checks(analysis)
    assert build_report(analysis, checks)["verified"] is True
    analysis.undecided.append("p*(1 - p) - 1/5 >= 0 only checked at exact sample points")
    assert build_report(analysis, checks)["verified"] is False


def _many_parameter_model(n: int, last_probability: str) -> dict:
    names = [f"x{k}" for k in range(n)]
    return {"format": "sc-symbolic/mdp-1", "name": f"{n} parameters",
            "parameters": {name: ["0", "1"] for name in names}, "initial": {"s": "1"},
            "states": {"s": {"a": {"win": names[0], "lose": f"1 - {names[0]}"},
                             "b": {"win": last_probability, "lose": f"1 - ({last_probability})"}},
                       "win": {}, "lose": {}},
            "success": {"states": ["win"]}, "policy": "uniform"}


@pytest.mark.parametrize("n", [5, 6])
def test_five_or_more_parameters_are_analysed_on_their_box(n):
    names = [f"x{k}" for k in range(n)]
    model = load_model(_many_parameter_model(n, "*".join(names[1:])))
    analysis = analyse(model)
    assert all(run_checks(analysis).values())


@pytest.mark.parametrize("n", [5, 6])
def test_five_or_more_parameters_still_refuse_a_probability_leaving_the_box(n):
    names = [f"x{k}" for k in range(n)]
    with pytest.raises(ModelError, match="probabilit"):
        load_model(_many_parameter_model(n, f"{names[1]} + {names[2]}"))
