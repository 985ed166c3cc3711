"""Trust-region optimum at any radius (docs/math.md §4 "General radius"): hand-worked values,
edge cases, random instances against random feasible policies, must-fail certificates
and the ``trust-region`` sub-command."""

import json
from fractions import Fraction
from math import isqrt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sc_symbolic.errors import ModelError, UnsupportedModelError
from sc_symbolic.exact import Rational, rational
from sc_symbolic.optimum import (
    QuadraticNumber,
    optimum_violations,
    trust_region_optimum,
    value_curve,
)

sympy = pytest.importorskip("sympy")

r = rational
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
BANDIT = {"format": "sc-symbolic/mdp-1", "name": "three-armed bandit", "initial": {"s0": "1"},
          "states": {"s0": {"a": {"win": "9/10", "lose": "1/10"}, "b": {"win": "1/2", "lose": "1/2"},
                            "c": {"win": "1/5", "lose": "4/5"}}, "win": {}, "lose": {}},
          "success": {"states": ["win"]}, "policy": {"s0": {"a": "1/6", "b": "1/3", "c": "1/2"}}}


def S(text):
    """An exact SymPy number from trusted test text."""
    return sympy.Rational(text)


def Q_(x):
    return QuadraticNumber.from_sympy(x)


def chi2(p, pi):
    return sum((Q_(p[a]) - pi[a]) * (Q_(p[a]) - pi[a]) / pi[a] for a in pi if pi[a] != 0)


# ---------------------------------------------------------------- hand-worked values

def test_two_actions_interior_by_hand():
    # π = (1/2, 1/2), Q = (1, 0): Var = 1/4, p(a) = π(a)(1 + √(δ/Var)(Q(a) − V)) = (3/4, 1/4) at δ = 1/4
    opt = trust_region_optimum({"a": r(1, 2), "b": r(1, 2)}, {"a": r(1), "b": r(0)}, r(1, 4))
    assert opt.policy == {"a": S("3/4"), "b": S("1/4")}
    assert opt.value == S("3/4") and opt.nu == S("-1/2")
    assert opt.multipliers["mu"] == S("1/2") and opt.multipliers["nu"] == S("-1/2")
    assert opt.active == ("a", "b") and opt.regime == "interior" and opt.verified


def test_two_actions_irrational_by_hand():
    # δ = 1/2: p(a) = 1/2 (1 + √2 / 2), value = 1/2 + √2/4, ν = 1/2 − √2/2
    opt = trust_region_optimum({"a": r(1, 2), "b": r(1, 2)}, {"a": r(1), "b": r(0)}, "1/2")
    root2 = sympy.sqrt(2)
    assert sympy.expand(opt.policy["a"] - (S("1/2") + root2 / 4)) == 0
    assert sympy.expand(opt.value - (S("1/2") + root2 / 4)) == 0
    assert sympy.expand(opt.nu - (S("1/2") - root2 / 2)) == 0
    assert opt.verified


def test_three_actions_with_a_cut_action_by_hand():
    # π uniform, Q = (1, 1/2, 0), δ = 1: c is cut; on {a, b}: P = 2/3, m = 3/4, v = 1/16,
    # t = √((P(1+δ) − 1)/v) = 4/√3, p = (1/2 + √3/6, 1/2 − √3/6, 0), value = 3/4 + √3/12,
    # ν = 3/4 − √3/4 ∈ [0, 1/2), μ = P/(2t) = √3/12, κ_c = ν − 0.
    third = r(1, 3)
    opt = trust_region_optimum({"a": third, "b": third, "c": third}, {"a": r(1), "b": r(1, 2), "c": r(0)}, 1)
    root3 = sympy.sqrt(3)
    expected = {"a": S("1/2") + root3 / 6, "b": S("1/2") - root3 / 6, "c": 0}
    assert all(sympy.expand(opt.policy[a] - expected[a]) == 0 for a in expected)
    assert sympy.expand(opt.value - (S("3/4") + root3 / 12)) == 0
    assert sympy.expand(opt.nu - (S("3/4") - root3 / 4)) == 0
    assert sympy.expand(opt.multipliers["mu"] - root3 / 12) == 0
    assert sympy.expand(opt.multipliers["kappa"]["c"] - opt.nu) == 0
    assert opt.active == ("a", "b") and opt.regime == "cut" and opt.verified
    assert chi2(opt.policy, opt.pi) == 1


# ---------------------------------------------------------------- edge cases

PI3 = {"a": r(1, 6), "b": r(1, 3), "c": r(1, 2)}
Q3 = {"a": r(9, 10), "b": r(1, 2), "c": r(1, 5)}


def _pi_plus(pi, Q):
    V = sum(pi[a] * Q[a] for a in pi)
    return {a: pi[a] * Q[a] / V for a in pi}, V


def _influence(pi, Q):
    V = sum(pi[a] * Q[a] for a in pi)
    return sum(pi[a] * (Q[a] - V) ** 2 for a in pi) / (V * V)


@pytest.mark.parametrize("pi, Q", [
    (PI3, Q3),
    ({"a": r(1, 3), "b": r(1, 3), "c": r(1, 3)}, {"a": r(1), "b": r(1, 2), "c": r(0)}),   # min Q = 0
    ({"a": r(1, 4), "b": r(1, 4), "c": r(1, 2)}, {"a": r(1), "b": r(0), "c": r(0)}),      # tie at 0
    ({"a": r(1, 2), "b": r(0), "c": r(1, 2)}, {"a": r(2, 3), "b": r(1), "c": r(1, 3)}),   # π(b) = 0
])
def test_radius_I_gives_pi_plus_exactly(pi, Q):
    pi_plus, V = _pi_plus(pi, Q)
    opt = trust_region_optimum(pi, Q, _influence(pi, Q))
    assert opt.verified
    assert all(p.is_rational for p in opt.exact_policy.values())
    assert {a: opt.exact_policy[a].rational for a in pi} == pi_plus
    assert all(type(opt.exact_policy[a].rational) is Rational for a in pi)
    if opt.regime != "greedy":  # π⁺ greedy (I = D_1): the slack multipliers μ = 0, ν = max Q are reported
        assert opt.nu == 0 and opt.multipliers["mu"] == sympy.Rational(int(V.numerator), int(V.denominator)) / 2
    else:
        assert opt.multipliers["mu"] == 0 and opt.nu == sympy.Rational(int(max(Q.values()).numerator),
                                                                       int(max(Q.values()).denominator))


def test_radius_zero_returns_pi_without_multipliers():
    opt = trust_region_optimum(PI3, Q3, 0)
    assert opt.policy == {a: sympy.Rational(int(p.numerator), int(p.denominator)) for a, p in PI3.items()}
    assert opt.multipliers is None and opt.nu is None and opt.regime == "unchanged" and opt.verified


@pytest.mark.parametrize("delta", ["0", "1/100", "1", "1000"])
def test_zero_variance_keeps_pi_for_every_radius(delta):
    pi = {"a": r(1, 4), "b": r(3, 4), "z": r(0)}
    opt = trust_region_optimum(pi, {"a": r(2, 5), "b": r(2, 5), "z": r(1)}, delta)
    assert opt.policy == {"a": S("1/4"), "b": S("3/4"), "z": 0}
    assert opt.multipliers == {"mu": 0, "nu": S("2/5"), "kappa": {"a": 0, "b": 0, "z": 0}}
    assert opt.verified and opt.active == ("a", "b")


def test_all_Q_zero_is_zero_variance():
    opt = trust_region_optimum({"a": r(1, 2), "b": r(1, 2)}, {"a": r(0), "b": r(0)}, 5)
    assert opt.policy == {"a": S("1/2"), "b": S("1/2")} and opt.value == 0 and opt.verified


def test_ties_in_Q_share_the_mass_in_proportion_to_pi():
    pi = {"a": r(1, 6), "b": r(1, 3), "c": r(1, 2)}
    Q = {"a": r(1), "b": r(1), "c": r(0)}
    for delta in ("1/10", "1/2", "1", "3"):
        opt = trust_region_optimum(pi, Q, delta)
        assert opt.verified
        assert Q_(opt.policy["b"]) == 2 * Q_(opt.policy["a"])


def test_greedy_limit_is_pi_on_argmax_renormalised_with_slack_constraint():
    # D_1 = 1/π(argmax) − 1 = 5 for the bandit; at and past it the constraint is slack
    for delta in ("5", "6", "1000"):
        opt = trust_region_optimum(PI3, Q3, delta)
        assert opt.policy == {"a": 1, "b": 0, "c": 0}
        assert opt.multipliers["mu"] == 0 and opt.multipliers["nu"] == S("9/10")
        assert opt.multipliers["kappa"] == {"a": 0, "b": S("2/5"), "c": S("7/10")}
        assert opt.regime == "greedy" and opt.verified
    below = trust_region_optimum(PI3, Q3, "4999/1000")
    assert below.regime == "cut" and below.verified and Q_(below.policy["b"]) > 0


def test_breakpoints_are_reached_continuously():
    # at the no-cut limit δ = Var/(V − min Q)² the formula cuts c with ν = min Q exactly
    V = sum(PI3[a] * Q3[a] for a in PI3)
    var = sum(PI3[a] * (Q3[a] - V) ** 2 for a in PI3)
    limit = var / (V - r(1, 5)) ** 2
    opt = trust_region_optimum(PI3, Q3, limit)
    assert opt.nu == S("1/5") and opt.policy["c"] == 0 and opt.verified
    assert all(p.is_rational for p in opt.exact_policy.values())


def test_interior_formula_matches_math_md():
    V = sum(PI3[a] * Q3[a] for a in PI3)
    var = sum(PI3[a] * (Q3[a] - V) ** 2 for a in PI3)
    delta = r(1, 5)
    opt = trust_region_optimum(PI3, Q3, delta)
    root = QuadraticNumber.sqrt(delta / var)
    assert opt.regime == "interior"
    assert all(opt.exact_policy[a] == PI3[a] * (1 + root * (Q3[a] - V)) for a in PI3)


# ---------------------------------------------------------------- value curve

def test_value_curve_bandit_pieces_and_consistency():
    curve = value_curve(PI3, Q3)
    assert [c.active for c in curve] == [("a", "b", "c"), ("a", "b"), ("a",)]
    assert curve[0].lower == 0 and curve[-1].upper is None and curve[-1].lower == 5
    assert all(x.upper == y.lower for x, y in zip(curve, curve[1:]))
    delta = sympy.Symbol("delta", nonnegative=True)
    for piece in curve:
        ends = [piece.lower] + ([piece.upper] if piece.upper is not None else [piece.lower + 3])
        for d in ends + [(ends[0] + ends[1]) / 2]:
            assert piece.value_at(d) == trust_region_optimum(PI3, Q3, d).exact_value
            assert Q_(piece.expression(delta).subs(delta, sympy.Rational(int(d.numerator), int(d.denominator)))) \
                == piece.value_at(d)


def test_value_curve_zero_variance_is_flat():
    (piece,) = value_curve({"a": r(1, 2), "b": r(1, 2)}, {"a": r(1, 3), "b": r(1, 3)})
    assert piece.lower == 0 and piece.upper is None and piece.expression() == S("1/3")


# ---------------------------------------------------------------- random instances

@st.composite
def instances(draw):
    n = draw(st.integers(2, 4))
    actions = "abcd"[:n]
    weights = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n).filter(lambda w: sum(x > 0 for x in w) >= 2))
    total = sum(weights)
    pi = {a: r(w, total) for a, w in zip(actions, weights)}
    Q = {a: r(draw(st.integers(0, 6)), draw(st.integers(1, 6))) for a in actions}
    delta = draw(st.one_of(st.builds(r, st.integers(0, 12), st.integers(1, 24)),    # mostly interior / cut
                           st.builds(r, st.integers(0, 60), st.integers(1, 6))))    # up to greedy
    return pi, Q, delta


def _shrunk_feasible(pi, q, delta):
    """π + λ(q − π) with a rational λ ≤ √(δ / χ²(q‖π)): a feasible rational policy."""
    c = sum((q[a] - pi[a]) ** 2 / pi[a] for a in pi if pi[a] != 0)
    if c <= delta:
        return q
    scale = 10**6
    ratio = delta / c * scale * scale
    lam = r(isqrt(int(ratio.numerator) // int(ratio.denominator)), scale)
    return {a: pi[a] + lam * (q[a] - pi[a]) for a in pi}


@settings(max_examples=60, deadline=None)
@given(instances(), st.data())
def test_random_optimum_is_certified_and_unbeaten(instance, data):
    _assert_certified_and_unbeaten(*instance, data)


@settings(max_examples=30, deadline=None)
@given(instances(), st.data())
def test_random_radius_inside_a_cut_piece_is_certified_and_unbeaten(instance, data):
    pi, Q, _ = instance
    curve = value_curve(pi, Q)
    bounded = [c for c in curve if c.upper is not None]
    if not bounded:
        return
    piece = data.draw(st.sampled_from(bounded))
    lam = data.draw(st.builds(r, st.integers(0, 12), st.just(12)))
    delta = piece.lower + lam * (piece.upper - piece.lower)
    _assert_certified_and_unbeaten(pi, Q, delta, data)


def _assert_certified_and_unbeaten(pi, Q, delta, data):
    opt = trust_region_optimum(pi, Q, delta)
    assert opt.verified, opt.violations
    assert chi2(opt.policy, pi) <= delta
    assert sum((Q_(opt.policy[a]) for a in pi), QuadraticNumber.of(0)) == 1
    assert all(Q_(opt.policy[a]) >= 0 for a in pi)
    value = Q_(opt.value)
    support = [a for a in pi if pi[a] != 0]
    for _ in range(5):
        weights = data.draw(st.lists(st.integers(0, 7), min_size=len(support), max_size=len(support)).filter(any))
        total = sum(weights)
        q = {a: r(0) for a in pi}
        q.update({a: r(w, total) for a, w in zip(support, weights)})
        p = _shrunk_feasible(pi, q, delta)
        assert sum((p[a] - pi[a]) ** 2 / pi[a] for a in support) <= delta
        assert value >= sum(p[a] * Q[a] for a in pi)


@settings(max_examples=25, deadline=None)
@given(instances())
def test_random_value_curve_agrees_with_optimum(instance):
    pi, Q, delta = instance
    curve = value_curve(pi, Q)
    piece = next(c for c in curve if c.upper is None or delta <= c.upper)
    assert piece.value_at(delta) == trust_region_optimum(pi, Q, delta).exact_value


@settings(max_examples=40, deadline=None)
@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(1, 12), st.integers(2, 30))
def test_quadratic_sign_is_exact(a, b, den, n):
    x = QuadraticNumber.of(r(a, den)) + b * QuadraticNumber.sqrt(r(n))
    # independent oracle: den·x = a + b·den·√n; b·den·√n is bracketed by integer square roots
    # at scale 10^20, far finer than any non-zero |a + b·den·√n| with these small integers
    scale = 10**20
    magnitude = isqrt(b * b * den * den * n * scale * scale)
    surd_scaled = magnitude if b >= 0 else -magnitude
    total = a * scale + surd_scaled
    want = 0 if (a == 0 and b == 0) or (isqrt(n) ** 2 == n and a * scale + surd_scaled == 0) else (
        1 if total > 0 else -1)
    assert x.sign() == want
    assert (x * x - x * x).sign() == 0
    if want != 0:
        assert x / x == 1 and (x * x).sign() == 1


# ---------------------------------------------------------------- must fail

def _cut_optimum():
    third = r(1, 3)
    return trust_region_optimum({"a": third, "b": third, "c": third}, {"a": r(1), "b": r(1, 2), "c": r(0)}, 1)


def test_certificate_refuses_a_corrupted_multiplier():
    opt = _cut_optimum()
    for key, bad in [("mu", opt.multipliers["mu"] + S("1/100")), ("nu", opt.multipliers["nu"] - S("1/100")),
                     ("mu", 0)]:
        multipliers = dict(opt.multipliers, **{key: bad})
        assert optimum_violations(opt.pi, opt.Q, opt.radius, opt.policy, multipliers)
    kappa = dict(opt.multipliers["kappa"], c=-opt.multipliers["kappa"]["c"])
    violations = optimum_violations(opt.pi, opt.Q, opt.radius, opt.policy, dict(opt.multipliers, kappa=kappa))
    assert any("kappa(c) >= 0" in v[0] for v in violations)


def test_certificate_refuses_a_corrupted_policy_entry():
    opt = _cut_optimum()
    shifted = dict(opt.policy, a=opt.policy["a"] + S("1/100"), b=opt.policy["b"] - S("1/100"))
    assert any("stationarity" in v[0] for v in optimum_violations(opt.pi, opt.Q, 1, shifted, opt.multipliers))
    unnormalised = dict(opt.policy, a=opt.policy["a"] + S("1/100"))
    assert any("sum of p" in v[0] for v in optimum_violations(opt.pi, opt.Q, 1, unnormalised, opt.multipliers))
    other_field = dict(opt.policy, a=S("1/2") + sympy.sqrt(2) / 6)
    assert optimum_violations(opt.pi, opt.Q, 1, other_field, opt.multipliers)
    floating = dict(opt.policy, c=sympy.Float("0.0"))
    assert optimum_violations(opt.pi, opt.Q, 1, floating, opt.multipliers)
    assert optimum_violations(opt.pi, opt.Q, 1, opt.policy, opt.multipliers, value=opt.value + S("1/1000"))
    assert optimum_violations(opt.pi, opt.Q, 1, opt.policy, None)
    # the uncorrupted certificate passes, and an infeasible radius is caught
    assert optimum_violations(opt.pi, opt.Q, 1, opt.policy, opt.multipliers, value=opt.value) == []
    assert optimum_violations(opt.pi, opt.Q, r(99, 100), opt.policy, opt.multipliers)


def test_certificate_refuses_pi_kept_when_the_radius_allows_more():
    pi = {"a": r(1, 2), "b": r(1, 2)}
    Q = {"a": r(1), "b": r(0)}
    assert optimum_violations(pi, Q, 0, {"a": S("1/2"), "b": S("1/2")}, None) == []
    assert optimum_violations(pi, Q, r(1, 4), {"a": S("1/2"), "b": S("1/2")}, None)


@pytest.mark.parametrize("pi, Q, radius", [
    ({"a": r(1, 2), "b": r(1, 2)}, {"a": r(1), "b": r(0)}, "-1/2"),
    ({"a": r(1, 2), "b": r(1, 3)}, {"a": r(1), "b": r(0)}, "1"),
    ({"a": r(1, 2), "b": r(1, 2)}, {"a": r(1)}, "1"),
    ({"a": r(1, 2), "b": r(1, 2)}, {"a": r(1), "b": r(0)}, 0.5),
    ({"a": r(3, 2), "b": r(-1, 2)}, {"a": r(1), "b": r(0)}, "1"),
])
def test_bad_input_is_refused_with_a_location(pi, Q, radius):
    with pytest.raises(ModelError):
        trust_region_optimum(pi, Q, radius)


def test_two_unrelated_square_roots_are_refused():
    with pytest.raises(UnsupportedModelError):
        QuadraticNumber.sqrt(r(2)) + QuadraticNumber.sqrt(r(3))
    assert QuadraticNumber.sqrt(r(8)) == 2 * QuadraticNumber.sqrt(r(2))


# ---------------------------------------------------------------- command line

def _run(argv, capsys):
    from sc_symbolic.cli import main

    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def bandit_file(tmp_path):
    path = tmp_path / "bandit3.json"
    path.write_text(json.dumps(BANDIT))
    return str(path)


def test_cli_json_at_the_data_radius_is_pi_plus(bandit_file, capsys):
    I = _influence(PI3, Q3)
    status, out, _ = _run(["trust-region", bandit_file, "--state", "s0", "--radius", f"{I.numerator}/{I.denominator}",
                           "--json"], capsys)
    result = json.loads(out)
    pi_plus, V = _pi_plus(PI3, Q3)
    assert status == 0 and result["verified"] is True
    assert result["policy"] == {a: f"{p.numerator}/{p.denominator}" for a, p in pi_plus.items()}
    assert result["nu"] == "0" and result["multipliers"]["mu"] == f"{(V / 2).numerator}/{(V / 2).denominator}"
    assert set(result) == {"policy", "value", "nu", "active", "multipliers", "verified"}


def test_cli_text_and_plot(bandit_file, capsys, tmp_path):
    pytest.importorskip("matplotlib")
    plot = tmp_path / "curve.png"
    status, out, _ = _run(["trust-region", bandit_file, "--state", "s0", "--radius", "2", "--plot", str(plot)],
                          capsys)
    assert status == 0 and "verified exactly" in out and "(cut)" in out
    assert plot.stat().st_size > 1000


@pytest.mark.parametrize("argv, fragment", [
    (["--state", "nowhere", "--radius", "1"], "known states: s0"),
    (["--state", "win", "--radius", "1"], "known states: s0"),
    (["--state", "s0", "--radius", "-1"], "must be ≥ 0"),
    (["--state", "s0", "--radius", "0.1.2"], "--radius"),
])
def test_cli_bad_input_exits_2(bandit_file, capsys, argv, fragment):
    status, out, err = _run(["trust-region", bandit_file] + argv, capsys)
    assert status == 2 and out == "" and fragment in err and len(err.strip().splitlines()) == 1


def test_cli_refuses_parametric_models(tmp_path, capsys):
    model = dict(BANDIT, parameters={"x": ["0", "1"]})
    model["states"] = dict(BANDIT["states"], s0=dict(BANDIT["states"]["s0"], a={"win": "x", "lose": "1 - x"}))
    path = tmp_path / "param.json"
    path.write_text(json.dumps(model))
    status, _, err = _run(["trust-region", str(path), "--state", "s0", "--radius", "1"], capsys)
    assert status == 2 and "numeric model" in err


def test_cli_on_the_shared_reference_bandit(capsys):
    path = SHARED / "data" / "reference" / "bandit3.json"
    if not path.is_file():
        pytest.skip("../shared is not beside the repository")
    status, out, _ = _run(["trust-region", str(path), "--state", "s0", "--radius", "1/4", "--json"], capsys)
    assert status == 0 and json.loads(out)["active"] == ["a", "b", "c"]


def test_cli_policy_override(bandit_file, tmp_path, capsys):
    policy = tmp_path / "uniform.json"
    policy.write_text(json.dumps({"policy": {"s0": {"a": "1/3", "b": "1/3", "c": "1/3"}}}))
    status, out, _ = _run(["trust-region", bandit_file, "--state", "s0", "--radius", "0", "--json",
                           "--policy", str(policy)], capsys)
    result = json.loads(out)
    assert status == 0 and result["policy"] == {"a": "1/3", "b": "1/3", "c": "1/3"}
    assert result["multipliers"] is None and result["nu"] is None


def test_no_heavy_import_at_module_import_time():
    import subprocess
    import sys

    code = ("import sys, sc_symbolic.commands.trust_region_cmd, sc_symbolic.optimum, sc_symbolic.display; "
            "print(sorted(m for m in ('sympy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


class DummyRational(Fraction):
    """A Fraction whose float conversion raises: no verified path may call it."""

    def __float__(self):
        raise AssertionError("float() called on an exact number")


def test_exact_numbers_never_pass_through_float():
    pi = {"a": DummyRational(1, 3), "b": DummyRational(1, 3), "c": DummyRational(1, 3)}
    Q = {"a": DummyRational(1), "b": DummyRational(1, 2), "c": DummyRational(0)}
    opt = trust_region_optimum(pi, Q, DummyRational(1))
    assert opt.verified and opt.regime == "cut"
    assert optimum_violations(pi, Q, DummyRational(1), opt.policy, opt.multipliers, opt.value) == []
    assert [c.active for c in value_curve(pi, Q)] == [("a", "b", "c"), ("a", "b"), ("a",)]


def test_cli_prints_the_piecewise_value_curve(bandit_file, capsys):
    status, out, _ = _run(["trust-region", bandit_file, "--state", "s0", "--radius", "1/2", "--json", "--curve"],
                          capsys)
    curve = json.loads(out)["curve"]
    assert status == 0 and [(c["from"], c["to"]) for c in curve] == [("0", "233/169"), ("233/169", "5"), ("5", None)]
    assert curve[-1]["value"] == "9/10" and curve[-1]["active"] == ["a"]
    status, out, _ = _run(["trust-region", bandit_file, "--state", "s0", "--radius", "1/2"], capsys)
    assert "δ ∈ [233/169, 5)" in out
