"""Exact evaluation: hand-worked values, prob0, visit counts, E[G], the sparse solver."""

import pytest

from sc_symbolic.errors import SingularSystemError
from sc_symbolic.evaluate import (
    expected_return,
    policy_transitions,
    solve_fixed_point,
    success_probability,
    visit_counts,
    zero_set,
)
from sc_symbolic.exact import Rational, domain_for, rational
from sc_symbolic.model import build_model

F = rational
QQ = domain_for()


def retry_model(**kw):
    """s: 'try' reaches goal w.p. 1/2 and loops w.p. 1/2; 'quit' fails. π = (3/4, 1/4)."""
    return build_model({"s": {"try": {"goal": "1/2", "s": "1/2"}, "quit": {"fail": 1}}, "goal": {}, "fail": {}},
                       {"s": 1}, {"s": {"try": "3/4", "quit": "1/4"}}, success_states=["goal"], **kw)


def test_value_of_a_self_loop_solved_on_paper():
    # V = 3/4 (1/2 + 1/2 V)  =>  V (1 - 3/8) = 3/8  =>  V = 3/5
    model = retry_model()
    V = success_probability(model, model.policy)
    assert V["s"] == F(3, 5) and type(V["s"]) is Rational
    assert V["goal"] == 1 and V["fail"] == 0


def test_visit_counts_of_a_self_loop():
    # η = 1 + (3/8) η  =>  η = 8/5
    model = retry_model()
    assert visit_counts(model, model.policy)["s"] == F(8, 5)


def test_prob0_pass_sets_unreachable_region_to_zero_before_solving():
    model = build_model({"s": {"go": {"trap": "1/2", "goal": "1/2"}}, "trap": {"stay": {"trap": 1}}, "goal": {}},
                        {"s": 1}, success_states=["goal"])
    transitions = policy_transitions(model, model.policy)
    assert zero_set(model, transitions) == {"trap"}
    V = success_probability(model, model.policy, transitions)
    assert V["trap"] == 0 and V["s"] == F(1, 2)
    eta = visit_counts(model, model.policy, transitions)
    assert eta["s"] == 1 and eta["trap"] is None  # reachable closed loop: infinitely many visits


def test_unreachable_closed_loop_has_zero_visits():
    model = build_model({"s": {"go": {"goal": 1}}, "loop": {"stay": {"loop": 1}}, "goal": {}}, {"s": 1},
                        success_states=["goal"])
    assert visit_counts(model, model.policy)["loop"] == 0


def test_expected_return_finite_and_not_finite():
    model = build_model({"s": {"go": [{"to": "goal", "p": "1/2", "r": "2"}, {"to": "s", "p": "1/2", "r": "1"}]},
                         "goal": {}}, {"s": 1}, success_states=["goal"])
    eta = visit_counts(model, model.policy)
    assert eta["s"] == 2
    assert expected_return(model, model.policy, eta) == 3  # η · (1/2·2 + 1/2·1)
    looping = build_model({"s": {"go": [{"to": "s", "p": "1", "r": "1"}]}, "goal": {}}, {"s": 1},
                          success_states=["goal"])
    assert expected_return(looping, looping.policy, visit_counts(looping, looping.policy)) is None
    silent = build_model({"s": {"go": [{"to": "t", "p": "1", "r": "5"}]}, "t": {"stay": {"t": 1}}, "goal": {}},
                         {"s": 1}, success_states=["goal"])
    assert expected_return(silent, silent.policy, visit_counts(silent, silent.policy)) == 5


def test_solver_agrees_with_hand_elimination_on_a_cycle():
    # x = 1/2 y + 1/4,  y = 1/3 x + 1/3 z,  z = 1/2 x + 1/2  → x = 19/40? solve: see assertion via substitution
    rows = {"x": ({"y": F(1, 2)}, F(1, 4)), "y": ({"x": F(1, 3), "z": F(1, 3)}, F(0)), "z": ({"x": F(1, 2)}, F(1, 2))}
    x = solve_fixed_point(rows, QQ)
    for u, (coeffs, b) in rows.items():
        assert x[u] == b + sum(c * x[v] for v, c in coeffs.items())


def test_solver_refuses_a_singular_system():
    with pytest.raises(SingularSystemError):
        solve_fixed_point({"x": ({"x": F(1)}, F(0))}, QQ)
    with pytest.raises(SingularSystemError):
        solve_fixed_point({"x": ({"y": F(1)}, F(0)), "y": ({"x": F(1)}, F(0))}, QQ)


def test_dense_and_sparse_paths_agree(monkeypatch):
    import sc_symbolic.evaluate as evaluate

    size = evaluate.DENSE_MIN_SIZE + 6
    rows = {i: ({(i + 1) % size: F(1, 3) + F(1, 2**100), (i + 5) % size: F(1, 3)}, F(1, 3) - F(1, 2**100))
            for i in range(size)}
    dense = evaluate.solve_fixed_point(rows, QQ)
    monkeypatch.setattr(evaluate, "_flint", None)
    sparse = evaluate.solve_fixed_point(rows, QQ)
    assert dense == sparse


def test_a_zero_probability_initial_state_is_not_reached():
    from sc_symbolic.analysis import analyse

    model = build_model({"s0": {"a": {"goal": 1}}, "s1": {"a": [{"to": "s1", "p": 1, "r": 1}]}, "goal": {}},
                        {"s0": 1, "s1": 0}, success_states=["goal"])
    analysis = analyse(model)
    assert analysis.eta["s1"] == 0 and analysis.expected_return == 0
