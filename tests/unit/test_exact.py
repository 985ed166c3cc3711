"""Unit tests of sc_symbolic.exact: exact numbers, the restricted parser, strict JSON, limits.

Sorted by purpose: numbers that must stay exact, numbers that must be refused,
expressions that try to run code (nothing may run), size limits, strict JSON.
Every refusal is a ``ModelError`` (``ExpressionError`` for the parser) with a
``where`` and a ``rule``: never a bare ValueError/TypeError/RecursionError.
"""

import time
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sc_symbolic import exact
from sc_symbolic.errors import ExpressionError, ModelError, ScError
from sc_symbolic.exact import (
    MAX_EXPRESSION_CHARS,
    MAX_EXPRESSION_DEPTH,
    MAX_JSON_DEPTH,
    MAX_NUMBER_CHARS,
    Rational,
    describe_value,
    domain_for,
    int_to_str,
    loads_json,
    parse_expression,
    parse_number,
    rational,
    rational_to_str,
    to_rational,
)


class NoFloat(Fraction):
    """A Fraction whose float conversion raises (after SymPy's DummyRational)."""

    def __float__(self):
        raise AssertionError("converted to float")


def assert_typed_equal(value, expected):
    assert type(value) is Rational
    assert value == expected


# ------------------------------------------------------------ exact numbers

EXACT_NUMBERS = [
    ("0.1", Fraction(1, 10)),
    ("1e-3", Fraction(1, 1000)),
    ("-1E-3", Fraction(-1, 1000)),
    ("3/8", Fraction(3, 8)),
    ("-3/6", Fraction(-1, 2)),
    ("-2", Fraction(-2)),
    ("+5", Fraction(5)),
    (" 0.25 ", Fraction(1, 4)),
    (".5", Fraction(1, 2)),
    ("2.", Fraction(2)),
    ("1e+3", Fraction(1000)),
    ("0.000", Fraction(0)),
    ("-0", Fraction(0)),
    (7, Fraction(7)),
    (Fraction(2, 4), Fraction(1, 2)),
    (NoFloat(3, 9), Fraction(1, 3)),
]


@pytest.mark.parametrize("text, expected", EXACT_NUMBERS, ids=[repr(t) for t, _ in EXACT_NUMBERS])
def test_parse_number_is_exact(text, expected):
    assert_typed_equal(parse_number(text, "x"), expected)


@pytest.mark.parametrize("text, expected", EXACT_NUMBERS, ids=[repr(t) for t, _ in EXACT_NUMBERS])
def test_parse_expression_takes_numbers_exactly(text, expected):
    assert_typed_equal(parse_expression(text), expected)


def test_json_decimals_and_exponents_are_exact():
    data = loads_json('{"a": 0.1, "b": 1e-3, "c": "1e-3", "d": 1E5, "e": -0.0, "f": 1e400, "g": 12}')
    assert_typed_equal(data["a"], Fraction(1, 10))
    assert_typed_equal(data["b"], Fraction(1, 1000))
    assert data["c"] == "1e-3" and parse_number(data["c"]) == Fraction(1, 1000)
    assert_typed_equal(data["d"], Fraction(100000))
    assert_typed_equal(data["e"], Fraction(0))
    assert_typed_equal(data["f"], Fraction(10**400))
    assert type(data["g"]) is int and data["g"] == 12


def test_json_decimal_is_a_valid_probability_in_expressions():
    value = loads_json("0.5")
    assert_typed_equal(parse_expression(value), Fraction(1, 2))


def test_three_thousand_digit_probability_stays_exact():
    denominator = "1" + "0" * 3000
    text = "1/" + denominator
    assert len(text) > MAX_EXPRESSION_CHARS  # a plain fraction is a number, not an expression
    p = parse_expression(text, where="p")
    assert p.denominator == 10**3000 and p.numerator == 1
    assert rational_to_str(p) == text
    assert rational_to_str(1 - p) == "9" * 3000 + "/" + denominator


def test_nine_thousand_digit_denominator_stays_exact():
    denominator = "7" * 9000
    q = parse_number("2/" + denominator)
    assert q == Fraction(2, int_from_text(denominator))
    assert rational_to_str(q) == "2/" + denominator  # 7…7 is odd: already in lowest terms


def int_from_text(text):
    return sum(int(text[i:i + 1000]) * 10 ** (len(text) - i - len(text[i:i + 1000]))
               for i in range(0, len(text), 1000))


def test_big_integers_print_beyond_the_4300_digit_limit():
    big = 10**5000 + 1
    assert int_to_str(big) == "1" + "0" * 4999 + "1"
    assert int_to_str(-big).startswith("-1000")
    assert rational_to_str(rational(1, big)).endswith("0001")


def test_fraction_subclass_whose_float_raises_passes_through():
    value = NoFloat(1, 3)
    assert_typed_equal(to_rational(value), Fraction(1, 3))
    assert_typed_equal(parse_number(value), Fraction(1, 3))
    assert_typed_equal(parse_expression(value), Fraction(1, 3))


# ------------------------------------------------------------ refused numbers

REFUSED_NUMBERS = [
    "nan", "NaN", "inf", "-Infinity", "1e99999", "1/0", "0x10", "1_000", "1j", "", "   ",
    "\u0661", "\uff11", "\u0663/\u0664", "1" * (MAX_NUMBER_CHARS + 1), "1/" + "1" * (MAX_NUMBER_CHARS + 1),
    "0." + "1" * MAX_NUMBER_CHARS, "1" * 30_000, "1." * 3, "--1", "1/-2", "1/2/3",
]


@pytest.mark.parametrize("text", REFUSED_NUMBERS, ids=[repr(t[:12]) for t in REFUSED_NUMBERS])
def test_parse_number_refuses_with_location(text):
    with pytest.raises(ModelError) as info:
        parse_number(text, "states.s0.a[0].p")
    assert info.value.where == "states.s0.a[0].p" and info.value.rule
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value", [0.5, float("nan"), float("inf"), True, None, [1], {"a": 1}, 1j, b"1"],
                         ids=repr)
def test_parse_number_refuses_non_exact_values(value):
    with pytest.raises(ModelError) as info:
        parse_number(value, "p")
    assert info.value.where == "p" and info.value.rule


def test_to_rational_refuses_floats_decimals_and_zero_denominators():
    import decimal

    class ZeroDen:
        numerator, denominator = 1, 0

    for value in (0.5, decimal.Decimal("0.5"), ZeroDen(), "1/2", True):
        with pytest.raises(TypeError):
            to_rational(value)


def test_huge_python_integers_are_refused_not_crashed():
    with pytest.raises(ModelError) as info:
        parse_number(10**100_000, "p")
    assert "bits" in info.value.rule


# ---------------------------------------------------- expressions that try to run code

def hostile_expressions(marker):
    return [
        f"__import__('os').system('touch {marker}')",
        f"__import__(\"os\").system(\"touch {marker}\")",
        "().__class__", "().__class__.__bases__[0].__subclasses__()", "lambda: 1", "lambda p: p",
        "eval('1')", f"exec('open(\"{marker}\", \"w\")')", f"open('{marker}', 'w')", "p.__dict__",
        "p.real", "f'{p}'", "1 if 1 else 0", "[1]", "p[0]", "{1: 2}", "p(1)", "abs(p)", "p, p", "p; p",
        "p @ p", "p % 2", "p // 2", "p ^ 2", "p & 1", "~p", "not p", "p == p", "p < 1", "p := 1",
        "2**2**2**2", "9**999999", "p**-1", "p**p", "p**(1)", "p**1.5", "2**33",
        "(" * 10_000 + "1" + ")" * 10_000, "(" * (MAX_EXPRESSION_DEPTH + 1) + "p" + ")" * (MAX_EXPRESSION_DEPTH + 1),
        "-" * (MAX_EXPRESSION_DEPTH + 2) + "p", "p+" * 400_000 + "p", "1" * 1_000_000 + "+p",
        "\u0661", "p+\u0661", "\uff11+p", "1\x00", "p\x00+1", "\x00", "q", "P", "p\u0307", "\u2028",
        "1/0", "p/(p-p)", "(", ")", "p)", "(p", "+", "p+", "*p", "1 2", "1e99999+p", "", " ",
    ]


@pytest.mark.parametrize("parametric", [False, True], ids=["QQ", "QQ(p)"])
def test_hostile_expressions_raise_and_run_nothing(tmp_path, parametric):
    if parametric:
        pytest.importorskip("sympy")
    domain = domain_for(["p"] if parametric else [])
    marker = tmp_path / "pwned"
    for text in hostile_expressions(marker):
        started = time.perf_counter()
        with pytest.raises(ExpressionError) as info:
            parse_expression(text, domain, "states.s0.a.win")
        assert time.perf_counter() - started < 2, text[:40]
        assert isinstance(info.value, ModelError)
        assert info.value.where == "states.s0.a.win" and info.value.rule
        assert "\n" not in str(info.value) and len(str(info.value)) < 2_000
    assert not marker.exists()


@pytest.mark.parametrize("value", [None, True, 0.5, float("nan"), [], {}, ["p"], b"p"], ids=repr)
def test_non_expression_values_raise_expression_error(value):
    with pytest.raises(ExpressionError) as info:
        parse_expression(value, where="p")
    assert info.value.where == "p"


def test_allowed_expressions():
    assert_typed_equal(parse_expression("1/2 + 1/4"), Fraction(3, 4))
    assert_typed_equal(parse_expression("(1 - 1/3) * 3/4"), Fraction(1, 2))
    assert_typed_equal(parse_expression("2**10 / 4**5"), Fraction(1))
    assert_typed_equal(parse_expression("--1/2"), Fraction(1, 2))
    assert_typed_equal(parse_expression("(" * MAX_EXPRESSION_DEPTH + "1" + ")" * MAX_EXPRESSION_DEPTH), Fraction(1))


def test_numeric_intermediate_results_are_bounded():
    with pytest.raises(ExpressionError) as info:
        parse_expression("(1e9000)**32")
    assert "bits" in info.value.rule


def test_parametric_expressions_are_bounded():
    pytest.importorskip("sympy")
    domain = domain_for(["p", "q"])
    assert domain.to_str(parse_expression("p * q / 2", domain)) == "p*q/2"
    cases = {"((p+1)**32)**32": "degree", "((p+q+1)**32)**8": "terms", "(1e9000*p+1)**32": "bits"}
    for text, rule in cases.items():
        started = time.perf_counter()
        with pytest.raises(ExpressionError) as info:
            parse_expression(text, domain, "x")
        assert rule in info.value.rule
        assert time.perf_counter() - started < 5


def test_parametric_text_of_huge_coefficients():
    pytest.importorskip("sympy")
    domain = domain_for(["p"])
    x = domain.from_rational(rational(10**5000)) * domain.symbol("p")
    assert domain.to_str(x) == "1" + "0" * 5000 + "*p"


# ---------------------------------------------------------------- strict JSON

@pytest.mark.parametrize("text, words", [
    ('{"a": 1, "a": 2}', "duplicate key"),
    ('{"s": {"x": 1, "x": 1}}', "duplicate key"),
    ("[NaN]", "NaN"), ("[Infinity]", "Infinity"), ("[-Infinity]", "Infinity"),
    ("", "not valid JSON"), (" " * 1000, "not valid JSON"), ("[1,]", "not valid JSON"),
    ("{'a': 1}", "not valid JSON"), ('{"a": "\x00"}', "not valid JSON"), ("[1] [2]", "not valid JSON"),
    ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "nested too deeply"),
    ("[" * 10_000, "nested too deeply"),
    ("[" + "1" * 50_000 + "]", "digits"),
    ("[1." + "1" * 50_000 + "]", "digits"),
    ("[1e-99999]", "exponent"),
])
def test_loads_json_refusals(text, words):
    with pytest.raises(ModelError) as info:
        loads_json(text, "model.json")
    assert words in str(info.value)
    assert info.value.where.startswith("model.json") and info.value.rule
    assert "\n" not in str(info.value)


def test_json_depth_limit_is_exact_and_ignores_brackets_in_strings():
    deep = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert loads_json(deep) is not None
    text = '{"a": "' + "[" * 500 + '", "b\\"[": [1]}'
    assert loads_json(text)["b\"["] == [1]


def test_json_container_limit(monkeypatch):
    monkeypatch.setattr(exact, "MAX_JSON_CONTAINERS", 100)
    with pytest.raises(ModelError) as info:
        loads_json("[" + ",".join(["[]"] * 200) + "]")
    assert "arrays and objects" in info.value.rule


def test_loads_json_bytes_must_be_utf8():
    assert loads_json(b'{"a": 1}') == {"a": 1}
    with pytest.raises(ModelError) as info:
        loads_json(b'{"a": "\xff"}', "f")
    assert info.value.where == "f" and "UTF-8" in info.value.rule
    with pytest.raises(ModelError):
        loads_json(12)


def test_loads_json_is_cheap_on_big_hostile_texts():
    started = time.perf_counter()
    for text in (" " * 10_000_000, "[" * 5_000_000, "[]" * 2_000_000 + "x"):
        with pytest.raises(ModelError):
            loads_json(text)
    assert time.perf_counter() - started < 10


def test_every_loads_json_error_is_an_sc_error():
    for text in ['"\\ud800"', '"\\u12"', "\ufeff{}", "nul", "-", "1e", '{"a" 1}', "[-]"]:
        try:
            loads_json(text)
        except ScError:
            pass


# ---------------------------------------------------------------- messages

def test_describe_value_is_short_single_line_and_safe():
    for value in [10**100_000, "x" * 1_000_000, "a\nb\u2028c", "\ud800", None, True, 0.5, [1, 2], {"a": 1},
                  Fraction(1, 3), object()]:
        text = describe_value(value)
        assert len(text) < 200 and text.isprintable(), text
    assert describe_value(Fraction(1, 3)) == "1/3"
    assert describe_value(12) == "12"


wide = st.integers(min_value=1, max_value=2**400)


@given(st.lists(st.tuples(st.fractions(max_denominator=50), st.tuples(st.integers(-2**400, 2**400), wide,
                                                                     st.sampled_from([1, 2, 3, 6]))),
                max_size=8))
def test_numeric_dot_is_the_exact_sum(terms):
    """Σ c·x with x = n/(D/k): wide values that share a denominator up to small factors."""
    pairs = [(exact.rational(c.numerator, c.denominator), exact.rational(n * k, d * 6)) for c, (n, d, k) in terms]
    expected = sum((c * x for c, x in pairs), exact.rational(0))
    got = domain_for().dot(pairs)
    assert got == expected and type(got) is exact.Rational


def test_parametric_dot_is_the_sum():
    domain = domain_for(["p"])
    p = domain.symbol("p")
    assert domain.dot([(p, p), (domain.one, domain.one)]) == p * p + domain.one
