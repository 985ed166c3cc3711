"""Every claim in CHECKS refuses a corrupted input, naming the exact witness; `check` then exits 1."""

import copy
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

import sc_symbolic.analysis as analysis_module
from sc_symbolic.analysis import analyse
from sc_symbolic.checks import CHECKS, check_iteration
from sc_symbolic.cli import main
from sc_symbolic.exact import rational, rational_to_str
from sc_symbolic.model import from_dict
from sc_symbolic.report import checked_report

TINY = rational(1, 10**9)

BANDIT = {"format": "sc-symbolic/mdp-1", "name": "three-armed bandit", "initial": {"s0": "1"},
          "states": {"s0": {"a": {"win": "9/10", "lose": "1/10"}, "b": {"win": "1/2", "lose": "1/2"},
                            "c": {"win": "1/5", "lose": "4/5"}}, "win": {}, "lose": {}},
          "success": {"states": ["win"]}, "policy": {"s0": {"a": "1/6", "b": "1/3", "c": "1/2"}}}

GRID = {"format": "sc-symbolic/mdp-1", "name": "small cyclic gridworld", "initial": {"a": "1"},
        "states": {"a": {"right": {"b": "3/4", "a": "1/4"}, "down": {"pit": "1/2", "c": "1/2"}, "wait": {"a": "1"}},
                   "b": {"right": {"goal": "2/3", "a": "1/3"}, "left": {"a": "1"}},
                   "c": {"loop": {"c": "1"}, "back": {"a": "1/5", "c": "4/5"}}, "goal": {}, "pit": {}},
        "success": {"states": ["goal"]},
        "policy": {"a": {"right": "1/2", "down": "1/4", "wait": "1/4"}, "b": {"right": "1/3", "left": "2/3"},
                   "c": {"loop": "1/2", "back": "1/2"}}}


SHIFT = {"format": "sc-symbolic/mdp-1", "name": "an action pi never plays", "initial": {"s0": "1"},
         "states": {"s0": {"a": {"win": "1/2", "t": "1/2"}, "b": {"u": "1"}},
                    "t": {"c": {"win": "1/2", "lose": "1/2"}}, "u": {"c": {"win": "1"}}, "win": {}, "lose": {}},
         "success": {"states": ["win"]}, "policy": {"s0": {"a": "1", "b": "0"}, "t": "uniform", "u": "uniform"}}


def shift():
    return analyse(from_dict(copy.deepcopy(SHIFT)))


def bandit():
    return analyse(from_dict(copy.deepcopy(BANDIT)))


def grid():
    return analyse(from_dict(copy.deepcopy(GRID)))


def corrupt_pi_plus(a):
    a.pi_plus["s0"] = dict(a.pi_plus["s0"], a=a.pi_plus["s0"]["a"] + TINY, b=a.pi_plus["s0"]["b"] - TINY)
    a.executed["s0"] = a.pi_plus["s0"]


def corrupt_R(a):
    a.R["s0"] += TINY


def corrupt_I(a):
    a.I["s0"] = a.I["s0"] * 2


def corrupt_radius(a):
    a.radius["s0"] += TINY


def corrupt_mu(a):
    a.multipliers["s0"] = dict(a.multipliers["s0"], mu=a.multipliers["s0"]["mu"] + TINY)


def corrupt_nu(a):
    a.multipliers["s0"] = dict(a.multipliers["s0"], nu=TINY)


def corrupt_trajectory(a):
    a.trajectory_pi_plus["s0"] = dict(a.trajectory_pi_plus["s0"], c=a.trajectory_pi_plus["s0"]["c"] + TINY)


def corrupt_Q(a):
    a.Q["s0"] = dict(a.Q["s0"], b=a.Q["s0"]["b"] + TINY)


def corrupt_V_plus(a):
    a.V_plus["s0"] -= TINY


def corrupt_J_plus(a):
    a.J_plus -= TINY


def corrupt_eta_plus(a):
    a.eta_plus["b"] += TINY


def corrupt_sum(a):
    a.performance_difference += TINY


def corrupt_max_ratio(a):
    a.max_ratio["s0"] += TINY


def charge_an_unplayed_action(a):
    a.pi_plus["s0"] = {"a": rational(1, 2), "b": rational(1, 2)}


def run_an_unplayed_action(a):
    a.executed["s0"] = {"a": rational(1, 2), "b": rational(1, 2)}


def claim_no_improvement(a):
    a.J_plus = a.J


#: check name → [(corruption, analysis factory, relation the witness must name)]
MUST_FAIL = {
    "identity": [(corrupt_R, bandit, "R = (sum pi+ Q - V)/V"), (corrupt_I, bandit, "I = Var_pi Q / V^2"),
                 (corrupt_pi_plus, bandit, "R = chi2")],
    "trust_region": [(corrupt_radius, bandit, "radius = I(s) (set by the data)"),
                     (corrupt_mu, bandit, "KKT: stationarity at a: Q - 2 mu p/pi - nu + kappa = 0"),
                     (corrupt_nu, bandit, "KKT: stationarity at a: Q - 2 mu p/pi - nu + kappa = 0"),
                     (corrupt_pi_plus, bandit, "Cauchy-Schwarz: gain = Var/V")],
    "trajectory_route": [(corrupt_pi_plus, bandit, "pi_plus(a) = pi Q / V (Bayes)"),
                         (corrupt_trajectory, bandit, "pi_plus(c) Bayes = trajectory route")],
    "improvement": [(corrupt_V_plus, bandit, "Bellman: V_plus(s) = sum_a pi(a|s) sum_o p V(to)"),
                    (corrupt_Q, bandit, "Q(b) = sum_o p V(to)"), (corrupt_J_plus, bandit, "J_plus = sum rho V")],
    "performance_difference": [(corrupt_eta_plus, grid, "flow: eta_plus(s) = rho(s) + sum eta_plus P"),
                               (corrupt_J_plus, bandit, "J_plus - J = sum eta_plus V I"),
                               (corrupt_sum, bandit, "reported sum = sum eta_plus V I"),
                               (claim_no_improvement, grid,
                                "observable failure: J_plus = J only if I = 0 where pi+ visits")],
    "distribution_shift": [(corrupt_max_ratio, bandit, "max_ratio = max_a Q(s,a)/V(s) (attained)"),
                           (charge_an_unplayed_action, shift, "support: pi_plus(b) > 0 only where pi(b) > 0"),
                           (run_an_unplayed_action, shift, "a state reached under pi_plus is reached under pi")],
}


CASES = [(name, corruption, factory, relation) for name, cases in MUST_FAIL.items()
         for corruption, factory, relation in cases]


@pytest.mark.parametrize("name,corruption,factory,relation", CASES,
                         ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_check_refuses_corruption_with_exact_witness(name, corruption, factory, relation):
    analysis = factory()
    assert CHECKS[name](analysis).holds
    corruption(analysis)
    check = CHECKS[name](analysis)
    assert not check.holds
    relations = [v.relation for v in check.witness]
    assert relation in relations
    violation = check.witness[relations.index(relation)]
    assert violation.lhs != violation.rhs
    assert violation.lhs is not None and violation.rhs is not None


@pytest.mark.parametrize("name,corruption,factory,relation", CASES,
                         ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_check_report_refuses_corruption_with_exact_witness(name, corruption, factory, relation):
    """One verdict: check's report (the kernel re-verifying what it can, the engine the rest) refuses
    every corruption the engine's claim refuses, with the same witness."""
    analysis = factory()
    corruption(analysis)
    report, checks = checked_report(analysis)
    assert report["verified"] is False and report["checks"][name] is False and not checks[name].holds
    assert relation in [w["relation"] for w in report["witnesses"][name]]


def test_corrupted_R_witness_carries_exact_sides():
    analysis = bandit()
    corrupt_R(analysis)
    (violation, *_) = CHECKS["identity"](analysis).witness
    assert violation.state == "s0"
    assert violation.lhs == rational(233, 625) + TINY
    assert violation.rhs == rational(233, 625)


def test_every_check_has_a_must_fail_test_and_a_docs_entry():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "checks.md").read_text()
    for name in CHECKS:
        assert MUST_FAIL.get(name), f"no must-fail test for {name}"
        assert f"`{name}`" in docs, f"docs/checks.md does not document {name}"


def test_cli_exits_1_and_names_the_witness_on_a_corrupted_analysis(monkeypatch, tmp_path):
    path = tmp_path / "bandit.json"
    path.write_text(json.dumps(BANDIT))
    real = analysis_module.analyse

    def corrupted(model, *args):
        result = real(model, *args)
        corrupt_radius(result)
        return result

    monkeypatch.setattr(analysis_module, "analyse", corrupted)
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        status = main(["check", str(path), "--json"])
    report = json.loads(buffer.getvalue())
    assert status == 1
    assert report["verified"] is False and report["checks"]["trust_region"] is False
    witness = report["witnesses"]["trust_region"][0]
    assert witness == {"state": "s0", "relation": "radius = I(s) (set by the data)",
                       "lhs": rational_to_str(rational(233, 625) + TINY), "rhs": "233/625"}


@pytest.mark.parametrize("values,relation", [
    (lambda a: [a.J, a.J_plus, a.J_plus - TINY], "J(pi_1) <= J(pi_2)"),
    (lambda a: [a.J + TINY, a.J_plus], "J(pi_0) = J"),
    (lambda a: [a.J, a.J_plus + TINY, a.J_plus + TINY], "J(pi_1) = J_plus"),
])
def test_iteration_check_refuses_a_decreasing_or_detached_sequence(values, relation):
    analysis = grid()
    assert check_iteration(analysis, [analysis.J, analysis.J_plus]).holds
    check = check_iteration(analysis, values(analysis))
    assert not check.holds and relation in [v.relation for v in check.witness]


def test_iterate_adds_the_iteration_check_to_the_report(tmp_path):
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(GRID))
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        status = main(["check", str(path), "--json", "--iterate", "3"])
    report = json.loads(buffer.getvalue())
    assert status == 0 and report["checks"]["iteration"] is True and len(report["iterations"]) == 4
