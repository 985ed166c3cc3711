"""Properties — the FLINT backend of parametric solves returns SymPy's canonical elements exactly.

For random small parametric models (one or two parameters, acyclic and
cyclic, up to 5 states) and for random dense linear systems over QQ(p, q),
``solve_fixed_point`` with ``PARAMETRIC_BACKEND = "flint"`` (python-flint's
ZZ[params] fractions) and with ``"sympy"`` (SymPy's fraction field) give
identical elements of K: the same reduced numerator and denominator.
"""

import sys
from pathlib import Path

import pytest

pytest.importorskip("sympy")
pytest.importorskip("flint")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sc_symbolic import evaluate  # noqa: E402
from sc_symbolic.errors import SingularSystemError  # noqa: E402
from sc_symbolic.exact import domain_for  # noqa: E402
from sc_symbolic.model import from_dict  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from parametric_fixtures import parametric_model_dicts  # noqa: E402


def solved_with(backend, function, *args):
    saved = evaluate.PARAMETRIC_BACKEND
    evaluate.PARAMETRIC_BACKEND = backend
    try:
        return function(*args)
    finally:
        evaluate.PARAMETRIC_BACKEND = saved


def same_elements(x: dict, y: dict) -> bool:
    return x.keys() == y.keys() and all(
        x[k] is None and y[k] is None or (x[k].numer == y[k].numer and x[k].denom == y[k].denom) for k in x)


@settings(max_examples=25, deadline=None)
@given(parametric_model_dicts(max_states=5, cyclic=True))
def test_flint_and_sympy_backends_give_identical_values(data):
    model = from_dict(data)
    flint_values = solved_with("flint", evaluate.success_probability, model, model.policy)
    sympy_values = solved_with("sympy", evaluate.success_probability, model, model.policy)
    assert same_elements(flint_values, sympy_values)
    flint_eta = solved_with("flint", evaluate.visit_counts, model, model.policy)
    sympy_eta = solved_with("sympy", evaluate.visit_counts, model, model.policy)
    assert same_elements(flint_eta, sympy_eta)


COEFFICIENT = st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3), st.integers(1, 4))


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 4).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.lists(COEFFICIENT, min_size=n + 1, max_size=n + 1), min_size=n, max_size=n))))
def test_backends_agree_on_dense_systems_over_two_parameters(system):
    """x = C x + b with c = (a + b·p + c·q)/d in every place: the same solution or the same refusal."""
    n, table = system
    domain = domain_for(("p", "q"))
    p, q = domain.symbol("p"), domain.symbol("q")

    def element(a, b, c, d):
        return (domain.one * a + p * b + q * c) / (domain.one * d)

    rows = {f"x{i}": ({f"x{j}": element(*table[i][j]) for j in range(n) if any(table[i][j][:3])},
                      element(*table[i][n])) for i in range(n)}
    outcomes = []
    for backend in ("flint", "sympy"):
        try:
            outcomes.append(solved_with(backend, evaluate.solve_fixed_point, rows, domain))
        except SingularSystemError as error:
            outcomes.append(str(error))
    if isinstance(outcomes[0], str) or isinstance(outcomes[1], str):
        assert outcomes[0] == outcomes[1]
    else:
        assert same_elements(*outcomes)
