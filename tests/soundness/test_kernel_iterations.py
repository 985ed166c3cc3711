"""The kernel recomputes the report's ``iterations`` J(π_0), …, J(π_K), π_{k+1} = (π_k)⁺, exactly.

Its own elimination (``kernel._iterated_values``) agrees with the engine's ``analysis.iterate`` on
random models (cyclic, finite-horizon, return-threshold); a genuine ``check --iterate K``
certificate is accepted; one iterate forged by 1/10⁶, or a fake extra iterate (still non-decreasing,
so the order check alone would pass), is refused with the exact claimed and recomputed values.
"""

import copy
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sc_symbolic.analysis import iterate
from sc_symbolic.cli import main
from sc_symbolic.kernel import _analysed, _iterated_values, _model, verify_certificate
from sc_symbolic.model import load_model
from sc_symbolic.strategies import model_dicts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FORGERY = Fraction(1, 10**6)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    tmp, result = tmp_path_factory.mktemp("iterations"), {}
    for name, steps in (("gridworld", "5"), ("threshold_misalignment", "3"), ("finite_horizon", "2"),
                        ("three_armed_bandit", "4")):
        path = tmp / f"{name}.cert.json"
        assert main(["check", str(EXAMPLES / f"{name}.json"), "--certificate", str(path), "--iterate", steps]) == 0
        result[name] = json.loads(path.read_text())
    return result


def failures(cert):
    return verify_certificate(None, cert).failures


def test_genuine_iterations_are_accepted(certificates):
    for name, cert in certificates.items():
        assert not failures(cert), name


@pytest.mark.parametrize("name", ["gridworld", "threshold_misalignment", "three_armed_bandit"])
def test_one_iterate_forged_by_a_millionth_is_refused_with_the_exact_values(certificates, name):
    cert = copy.deepcopy(certificates[name])
    iterations = cert["report"]["iterations"]
    k = len(iterations) - 1  # the last: forging it upward keeps the sequence non-decreasing
    true = Fraction(iterations[k])
    iterations[k] = str(true + FORGERY)
    found = failures(cert)
    assert found == [f"iterations: J(π_{k}), π_(k+1) = (π_k)⁺, solved by the kernel: claimed {true + FORGERY}, "
                     f"right-hand side {true}"]


def test_a_middle_iterate_forged_between_its_neighbours_is_refused(certificates):
    cert = copy.deepcopy(certificates["gridworld"])
    iterations = cert["report"]["iterations"]
    forged = (Fraction(iterations[2]) + Fraction(iterations[3])) / 2  # still monotone
    iterations[2] = str(forged)
    assert any(f.startswith("iterations: J(π_2)") and f"claimed {forged}" in f for f in failures(cert))


def test_a_fake_extra_iterate_is_refused(certificates):
    for extra in (lambda last: last, lambda last: last + FORGERY):
        cert = copy.deepcopy(certificates["gridworld"])
        iterations = cert["report"]["iterations"]
        last = Fraction(iterations[-1])
        iterations.append(str(extra(last)))
        k = len(iterations) - 1
        found = failures(cert)
        assert len(found) == 1 and found[0].startswith(f"iterations: J(π_{k})") and f"claimed {extra(last)}," in found[0]


@given(st.one_of(model_dicts(max_states=5, max_actions=3),
                 model_dicts(max_states=4, rewards=True, horizon=True),
                 model_dicts(max_states=3, acyclic=True, rewards=True, threshold=True)),
       st.integers(0, 3))
def test_kernel_iterates_equal_the_engine_iterates(data, steps):
    engine = [J for J, _ in iterate(load_model(data), steps)]
    kernel = _iterated_values(_analysed(_model(json.loads(json.dumps(data)))), steps)
    assert [Fraction(str(J)) for J in engine] == [Fraction(int(J.numerator), int(J.denominator)) for J in kernel]
