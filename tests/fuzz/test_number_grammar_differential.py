"""Differential: the engine's number parser and the trusted kernel's read the same language.

The kernel imports nothing from the engine, so it carries its own small parser
(kernel.py, "exact numbers").  A model number that one accepts and the other
refuses breaks the contract both ways: ``check`` verifies a model whose
certificate ``verify`` then refuses (the red team's ``"0.5e-10000"``), or
``verify`` reads a certificate whose model ``check`` would refuse.  Here random
texts from the grammar, and near misses around every limit, must get the same
answer from both: the same exact value, or a refusal from both.
"""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sc_symbolic import kernel
from sc_symbolic.errors import ScError
from sc_symbolic.exact import MAX_DECIMAL_EXPONENT, MAX_NUMBER_CHARS, parse_expression


def engine(text):
    try:
        return parse_expression(text, where="x")
    except ScError:
        return None


def trusted(text):
    try:
        return kernel._number(text, "x")
    except kernel._Refused:
        return None


NEAR = [1, 2, 3, 39, 40, 41, MAX_NUMBER_CHARS - 1, MAX_NUMBER_CHARS, MAX_NUMBER_CHARS + 1]
EXPONENTS = [0, 1, 5, MAX_DECIMAL_EXPONENT - 1, MAX_DECIMAL_EXPONENT, MAX_DECIMAL_EXPONENT + 1, 99999, 100000]


@st.composite
def digits(draw):
    n = draw(st.sampled_from(NEAR) | st.integers(1, 60))
    first = draw(st.sampled_from("0123456789"))
    return first + draw(st.sampled_from(["0", "9", "1"])) * (n - 1)


@st.composite
def literals(draw):
    kind = draw(st.sampled_from(["int", "fraction", "decimal", "exponent"]))
    sign = draw(st.sampled_from(["", "-", "+"]))
    if kind == "int":
        return sign + draw(digits())
    if kind == "fraction":
        return f"{sign}{draw(digits())}/{draw(digits())}"
    whole, frac = draw(digits()), draw(digits())
    mantissa = draw(st.sampled_from([f"{whole}.{frac}", f"{whole}.", f".{frac}", whole]))
    if kind == "decimal":
        return sign + mantissa
    e = draw(st.sampled_from(EXPONENTS) | st.integers(0, 20))
    return f"{sign}{mantissa}{draw(st.sampled_from('eE'))}{draw(st.sampled_from(['', '-', '+']))}{e}"


@st.composite
def expressions(draw):
    parts = draw(st.lists(literals() | st.sampled_from(["1/3", "0.1", "2"]), min_size=1, max_size=4))
    ops = draw(st.lists(st.sampled_from([" + ", " - ", "*", "/"]), min_size=len(parts) - 1, max_size=len(parts) - 1))
    text = parts[0] + "".join(op + part for op, part in zip(ops, parts[1:]))
    if draw(st.booleans()):
        text = f"({text})**{draw(st.sampled_from([0, 1, 2, 32, 33]))}"
    return text


@settings(max_examples=300, deadline=None)
@given(literals())
@example("0.5e-10000")
@example("1 - 0.5e-10000")
@example("5e-10001")
@example("0." + "0" * 9999 + "5")
def test_plain_literals_get_the_same_answer(text):
    assert engine(text) == trusted(text), text[:120]


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_expressions_get_the_same_answer(text):
    assert engine(text) == trusted(text), text[:120]


NEAR_MISSES = ["1/0", "0/0", "00/5", "1.e3", ".5e-3", "+.5", "1e+5", "1E5", "٣", "１", "1_000", " 3 ", "\t1/2\n",
               "1/-2", "--1", "-+1", "1**33", "(1/2)**032", "2**-1", "2**1.0", "2**(1)", "1e", "e5", ".", "1..2",
               "1/2/3", "(1", "1)", "", " ", "nan", "inf", "0x10", "1e100000", "1e-100000", "1.5e99999",
               "3/8 ", "-0", "-0.0", "0e0", "(((((1)))))", "1 - 0.5e-10000", "0.5e-9999",
               "(" * 51 + "1" + ")" * 51, "(" * 50 + "1" + ")" * 50]


def test_near_misses_get_the_same_answer():
    for text in NEAR_MISSES:
        assert engine(text) == trusted(text), text
