"""Mutation suite for the trusted kernel (sc_symbolic.kernel): every corrupted claim is refused.

Random small exact models (acyclic and cyclic, horizons, return thresholds, rewards, p = 0
outcomes, π = 0 actions) get a valid certificate from the test-only reference
(tests/kernel_fixtures.py); the kernel must accept it, and must refuse every mutant — each
claimed field perturbed by ±1/10⁹, two states swapped, a state dropped, a wrong zero set —
with a failure string naming the broken equation.
"""

from __future__ import annotations

import copy
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import kernel_fixtures as kf  # noqa: E402

from sc_symbolic.kernel import verify_certificate  # noqa: E402

EPS = Fraction(1, 10**9)
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "reference"


def bump(value, sign=1):
    """A claimed number moved by ±1/10⁹ ("0" for a null claim)."""
    return "0" if value is None else str(Fraction(value) + sign * EPS)


def mutants(cert, pick):
    """(class, mutant certificate, failure prefixes that must occur) for every applicable class.

    ``pick(options)`` chooses the target among the sorted ``options`` (a Hypothesis draw or the first).
    """
    report = cert["report"]
    states = report["states"]
    positive = sorted(s for s, e in states.items() if Fraction(e["V"]) > 0)
    zero = sorted(s for s, e in states.items() if Fraction(e["V"]) == 0)
    out = []

    def add(name, prefixes, edit):
        m = copy.deepcopy(cert)
        edit(m)
        out.append((name, m, prefixes))

    def field(key, prefixes, candidates, sign=1):
        if candidates:
            s = pick(candidates)
            add(key, prefixes, lambda m: m["report"]["states"][s].__setitem__(key, bump(states[s][key], sign)))

    def action_field(key, prefixes, pairs):
        if pairs:
            s, a = pick(pairs)
            add(key, prefixes, lambda m: m["report"]["states"][s][key].__setitem__(a, bump(states[s][key][a])))

    field("V", ("bellman V:", "zero set V:"), sorted(states))
    field("V_plus", ("bellman V_plus:", "zero set V_plus:"), sorted(states), -1)
    action_field("Q", ("bellman Q:",), sorted((s, a) for s in states for a in states[s]["Q"]))
    action_field("pi", ("policy:",), sorted((s, a) for s in states for a in states[s]["pi"]))
    action_field("pi_plus", ("pi_plus:",), sorted((s, a) for s in positive for a in states[s]["pi_plus"]))
    for key in ("R", "chi2", "I"):
        field(key, (f"{key}:",), positive)
    field("max_ratio", ("max_ratio:",), positive)
    if zero:
        s = pick(zero)
        add("max_ratio where V = 0", ("max_ratio:",), lambda m: m["report"]["states"][s].__setitem__("max_ratio", "1"))
    for key in ("J", "J_plus", "expected_return", "expected_return_plus"):
        if key in report:
            add(key, (f"{key}:",), lambda m, key=key: m["report"].__setitem__(key, bump(report[key])))
    for key in ("pi", "pi_plus"):
        if states:
            s = pick(sorted(states))
            add(f"visits {key}", (f"visits {key}:",),
                lambda m, key=key, s=s: m["visits"][key].__setitem__(s, bump(cert["visits"][key][s])))
    if positive:
        s = pick(positive)
        add("mu", ("KKT:",), lambda m: m["multipliers"][s].__setitem__("mu", bump(cert["multipliers"][s]["mu"])))
        add("nu", ("KKT stationarity:",), lambda m: m["multipliers"][s].__setitem__("nu", bump("0")))
        a = pick(sorted(a for a, p in states[s]["pi"].items() if Fraction(p) > 0))
        add("kappa", ("KKT stationarity:",), lambda m: m["multipliers"][s]["kappa"].__setitem__(a, bump("0")))
        add("null pi_plus", ("pi_plus:",), lambda m: m["report"]["states"][s].__setitem__("pi_plus", None))
        add("zero set V>0", ("zero set V:",), lambda m: m["report"]["states"][s].__setitem__("V", "0"))
    add("performance_difference", ("performance difference:",),
        lambda m: m.__setitem__("performance_difference", bump(cert["performance_difference"])))
    if zero:
        s = pick(zero)
        add("zero set V=0", ("zero set V:",), lambda m: m["report"]["states"][s].__setitem__("V", "1/2"))
    if states:
        s = pick(sorted(states))
        add("drop", ("states:",), lambda m: m["report"]["states"].pop(s))
    pairs = sorted((s, t) for s in states for t in states if s < t and states[s] != states[t])
    if pairs:
        s, t = pick(pairs)

        def swap(m):
            table = m["report"]["states"]
            table[s], table[t] = table[t], table[s]
        add("swap states", ("bellman", "zero set", "actions:", "policy:", "pi_plus:", "R:", "chi2:", "I:",
                            "KKT", "trust region", "improvement", "visits", "J"), swap)
    pairs = sorted((s, t) for s in states for t in states
                   if s < t and cert["visits"]["pi"][s] != cert["visits"]["pi"][t])
    if pairs:
        s, t = pick(pairs)

        def swap_visits(m):
            table = m["visits"]["pi"]
            table[s], table[t] = table[t], table[s]
        add("swap visits", ("visits pi:",), swap_visits)
    add("verified", ("report:",), lambda m: m["report"].__setitem__("verified", False))
    return out


def assert_kills(model, cert, pick):
    """The kernel accepts ``cert`` and refuses every mutant with a failure naming the broken equation."""
    result = verify_certificate(model, cert)
    assert result.ok, result.failures
    applied = set()
    for name, mutant, prefixes in mutants(cert, pick):
        verdict = verify_certificate(model, mutant)
        assert not verdict.ok, f"mutant {name!r} survived"
        assert any(f.startswith(prefixes) for f in verdict.failures), (name, prefixes, verdict.failures)
        applied.add(name)
    return applied


@st.composite
def models(draw):
    """Small exact models: 1–5 non-terminal states (plus maybe a closed trap loop), 1–3 actions,
    denominators ≤ 10, optional horizon, return threshold (only where the augmented model is
    finite), rewards, p = 0 outcomes and π = 0 actions."""
    n = draw(st.integers(1, 5))
    cyclic = draw(st.booleans())
    trap = ["trap"] if cyclic and draw(st.booleans()) else []  # a closed loop: infinite visits, V = 0
    horizon = None if trap else draw(st.one_of(st.none(), st.integers(0, 3)))
    threshold = draw(st.booleans()) and (horizon is not None or not cyclic)
    rewards = threshold or draw(st.booleans())
    names = [f"s{i}" for i in range(n)]
    states = {}

    def weights(k):
        w = [draw(st.integers(0, 3)) for _ in range(k)]
        w[draw(st.integers(0, k - 1))] += 1
        return [f"{x}/{sum(w)}" for x in w]
    for i, s in enumerate(names):
        targets = (names if cyclic else names[i + 1:]) + ["goal", "fail"] + trap
        acts = {}
        for j in range(draw(st.integers(1, 3))):
            k = draw(st.integers(1, 3))
            tos = [draw(st.sampled_from(targets)) for _ in range(k - 1)] + [trap[0] if trap and j == 0 else
                                                                            draw(st.sampled_from(targets))]
            ps = weights(k)
            if rewards:
                acts[f"a{j}"] = [{"to": to, "p": p, "r": str(draw(st.integers(-1, 2)))} for to, p in zip(tos, ps)]
            else:
                acts[f"a{j}"] = [{"to": to, "p": p} for to, p in zip(tos, ps)]
        states[s] = acts
    if trap:
        states["trap"] = {"spin": [{"to": "trap", "p": "1", "r": "1" if rewards and not threshold else "0"}]}
        names.append("trap")
    states["goal"], states["fail"] = {}, {}
    policy = {s: dict(zip(states[s], weights(len(states[s])))) for s in names}
    start = names + ["goal"]
    initial = dict(zip(start, weights(len(start))))
    success = {"return_at_least": str(draw(st.integers(0, 2)))} if threshold else {"states": ["goal"]}
    return {"format": "sc-symbolic/mdp-1", "name": "random", "initial": initial, "states": states,
            "success": success, "horizon": horizon, "policy": policy}


@settings(max_examples=40, deadline=None)
@given(models(), st.data())
def test_random_certificates_accepted_and_every_mutant_killed(model, data):
    cert = kf.certificate(model)
    event(f"horizon={model['horizon']}, success={next(iter(model['success']))}")
    event(f"{len(cert['report']['states'])} analysed states")
    event("some V = 0" if any(e["V"] == "0" for e in cert["report"]["states"].values()) else "all V > 0")
    event("infinite visits" if None in cert["visits"]["pi"].values() else "finite visits")
    assert_kills(model, cert, lambda options: data.draw(st.sampled_from(options)))


TRAP = kf.LOOPS


def fixed_models():
    """Models that together make every mutant class applicable."""
    found = [TRAP, dict(TRAP, horizon=3), dict(TRAP, name="threshold", horizon=2, success={"return_at_least": "1"})]
    if REFERENCE.is_dir():
        import json
        found += [json.loads(p.read_text()) for p in sorted(REFERENCE.glob("*.json")) if ".report" not in p.name]
    return found


ALL_CLASSES = {"V", "V_plus", "Q", "pi", "pi_plus", "R", "chi2", "I", "max_ratio", "max_ratio where V = 0", "J", "J_plus", "expected_return",
               "expected_return_plus", "visits pi", "visits pi_plus", "mu", "nu", "kappa", "null pi_plus",
               "zero set V>0", "zero set V=0", "performance_difference", "drop", "swap states", "swap visits",
               "verified"}


def test_every_mutant_class_is_exercised_and_killed_on_fixed_models():
    applied = set()
    for model in fixed_models():
        cert = kf.certificate(model)
        for pick in (lambda o: o[0], lambda o: o[len(o) // 2], lambda o: o[-1]):  # three targets per class
            applied |= assert_kills(model, cert, pick)
    assert applied == ALL_CLASSES


@pytest.mark.parametrize("sign", [1, -1])
def test_every_state_and_action_entry_is_checked(sign):
    """Exhaustive on TRAP: each single number of the certificate, moved by ±1/10⁹, is refused."""
    cert = kf.certificate(TRAP)
    targets = [("report", "J"), ("report", "J_plus"), ("report", "expected_return"), ("report", "expected_return_plus"),
               ("performance_difference",)]
    for s, entry in cert["report"]["states"].items():
        for key, value in entry.items():
            if isinstance(value, dict):
                targets += [("report", "states", s, key, a) for a in value]
            elif value is not None:
                targets.append(("report", "states", s, key))
    targets += [("visits", k, s) for k in ("pi", "pi_plus") for s, v in cert["visits"][k].items() if v is not None]
    targets += [("multipliers", s, "mu") for s in cert["multipliers"]]
    for path in targets:
        m = copy.deepcopy(cert)
        node = m
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = bump(node[path[-1]], sign)
        assert not verify_certificate(TRAP, m).ok, path


def test_distribution_shift_forgeries_are_refused():
    """A certificate claiming π⁺ > 0 where π = 0, or a state reached under π⁺ but not under π, is refused."""
    model = {"format": "sc-symbolic/mdp-1", "name": "shift", "initial": {"s": "1"},
             "states": {"s": {"a": {"goal": "1/2", "t": "1/2"}, "b": {"u": "1"}},
                        "t": {"c": {"goal": "1/2", "fail": "1/2"}}, "u": {"c": {"goal": "1"}},
                        "goal": {}, "fail": {}},
             "success": {"states": ["goal"]}, "policy": {"s": {"a": "1", "b": "0"}, "t": "uniform", "u": "uniform"}}
    cert = kf.certificate(model)
    assert verify_certificate(model, cert).ok
    forged = copy.deepcopy(cert)  # π⁺ moves mass to b, which π never plays, and so reaches u
    forged["report"]["states"]["s"]["pi_plus"] = {"a": "1/2", "b": "1/2"}
    failures = verify_certificate(model, forged).failures
    assert any(f.startswith("distribution shift: state s, action b: π⁺ > 0 where π = 0") for f in failures), failures
    assert any(f.startswith("distribution shift: state u is reached under π⁺ but never under π") for f in failures)
    forged = copy.deepcopy(cert)
    forged["visits"]["pi_plus"]["u"] = "1/2"  # a visit count where the executed π⁺ never goes
    failures = verify_certificate(model, forged).failures
    assert any("distribution shift: state u: η⁺ = 1/2, but the state is never reached from ρ" in f for f in failures)


@pytest.mark.parametrize("gmp", [True, False])
def test_claimed_numbers_not_in_lowest_terms_are_refused(gmp, monkeypatch):
    """The report's numbers are rational strings in lowest terms (FORMAT.md): the right value written
    otherwise is refused, short (memoised) or long, read by GMP or by Python's integers."""
    from sc_symbolic import kernel

    if not gmp:
        monkeypatch.setattr(kernel, "_mpz", None)
    monkeypatch.setattr(kernel, "_CLAIMS_READ", {})
    cert = kf.certificate(TRAP)
    state, value = next((s, Fraction(e["V"])) for s, e in cert["report"]["states"].items()
                        if e.get("V") not in (None, "0", "1"))
    p, q = value.numerator, value.denominator
    zero = next(s for s, e in cert["report"]["states"].items() if e.get("V") == "0")
    for where, written in [(state, f"{2 * p}/{2 * q}"), (state, f"{p * 10**60}/{q * 10**60}"),
                           (state, f"0{p}/{q}"), (state, f"+{p}/{q}"), (state, f"{p}/{q}.0"),
                           (state, f"{p}/{q} "), (zero, "-0"), (zero, "0/1"), (zero, "0/7")]:
        m = copy.deepcopy(cert)
        m["report"]["states"][where]["V"] = written
        failures = verify_certificate(TRAP, m).failures
        assert any(f"{written[:80]!r} is not" in f for f in failures), (written, failures)
    assert verify_certificate(TRAP, cert).ok
