"""Properties — a parametric analysis, evaluated at a point, IS the numeric analysis there (docs/math.md §7).

Random small acyclic and cyclic models whose transition and policy
probabilities are affine in one or two parameters with rational bounds; at a
random rational point of the open box, substituting into every parametric
result (V, Q, π⁺, R, χ², I, V⁺, J, J⁺) gives exactly the numeric analysis of
the substituted model.  The identity R = χ² = I holds identically (the
differences are the zero rational function), and the sign analysis never
contradicts an exact evaluation.
"""

import sys
from fractions import Fraction
from pathlib import Path

import pytest

pytest.importorskip("sympy")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sc_symbolic.analysis import analyse  # noqa: E402
from sc_symbolic.checks import run_checks  # noqa: E402
from sc_symbolic.exact import Rational, rational  # noqa: E402
from sc_symbolic.model import FORMAT, from_dict  # noqa: E402
from sc_symbolic.signs import PROOF, decide_nonnegative, domain_box, value_at  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from parametric_fixtures import parametric_model_dicts  # noqa: E402


@st.composite
def interior_points(draw, parameters: dict):
    point = {}
    for name, (lo, hi) in parameters.items():
        k = draw(st.integers(1, 15))
        point[name] = lo + (hi - lo) * rational(k, 16)
    return point


def substituted(model, point) -> dict:
    """The numeric mdp-1 dict of ``model`` at ``point`` (exact strings)."""
    d = model.domain
    text = lambda x: str(d.substitute(x, point))  # noqa: E731
    data = {"format": FORMAT, "name": "numeric", "initial": {s: text(x) for s, x in model.initial.items()},
            "success": {"states": sorted(model.success_states)},
            "policy": {s: {a: text(x) for a, x in dist.items()} for s, dist in model.policy.items()},
            "states": {s: {a: [{"to": o.to, "p": text(o.p)} for o in outs] for a, outs in acts.items()}
                       for s, acts in model.states.items()}}
    return data


def at(domain, x, point):
    return None if x is None else domain.substitute(x, point)


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_parametric_results_substitute_to_numeric_results(data):
    model = from_dict(data.draw(parametric_model_dicts()))
    point = data.draw(interior_points(model.parameters))
    a = analyse(model)
    b = analyse(from_dict(substituted(model, point)))
    d = a.domain
    assert at(d, a.J, point) == b.J and at(d, a.J_plus, point) == b.J_plus
    for s in model.states:
        assert at(d, a.V[s], point) == b.V[s], s
        assert at(d, a.V_plus[s], point) == b.V_plus[s], s
    for s in model.nonterminal:
        for act in model.states[s]:
            assert at(d, a.Q[s][act], point) == b.Q[s][act]
        assert (a.pi_plus[s] is None) == (b.pi_plus[s] is None), s
        if a.pi_plus[s] is not None:
            assert {act: at(d, x, point) for act, x in a.pi_plus[s].items()} == b.pi_plus[s]
        for field in ("R", "chi2", "I"):
            assert at(d, getattr(a, field)[s], point) == getattr(b, field)[s], (s, field)
    assert type(b.J) is Rational


@settings(max_examples=15, deadline=None)
@given(parametric_model_dicts(max_states=3))
def test_identity_holds_identically_in_the_parameters(raw):
    a = analyse(from_dict(raw))
    d = a.domain
    for s in a.positive:
        assert d.is_zero(a.R[s] - a.chi2[s]) and d.is_zero(a.chi2[s] - a.I[s])
    checks = run_checks(a)
    assert checks["identity"].holds and checks["improvement"].holds


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_sign_verdicts_never_contradict_exact_evaluation(data):
    model = from_dict(data.draw(parametric_model_dicts(max_states=2)))
    d = model.domain
    box = domain_box(d)
    assert box == model.parameters
    probabilities = [o.p for acts in model.states.values() for outs in acts.values() for o in outs]
    probabilities += [x for dist in model.policy.values() for x in dist.values()]
    factors = data.draw(st.lists(st.sampled_from(probabilities), min_size=1, max_size=3))
    x = d.one
    for factor in factors:  # affine, bilinear or cubic in the parameters
        x = x * factor
    x = x - d.from_rational(rational(data.draw(st.integers(0, 8)), 16))
    verdict = decide_nonnegative(x, d.symbols, box)
    point = data.draw(interior_points(model.parameters))
    value = value_at(x, point, d.symbols)
    if verdict.holds and verdict.method == PROOF:
        assert value >= 0
    if not verdict.holds:
        assert verdict.method == PROOF
        witness = verdict.counterexample
        assert all(lo < witness[k] < hi for k, (lo, hi) in box.items())
        assert value_at(x, witness, d.symbols) < 0
