"""The data route (docs/math.md §9) as theorems over random logged episodes.

* On every empirical MDP, every claim of §3–§5 holds exactly (the kernel agrees).
* On one-step data (prompt → response → reward), filtered imitation π̂_filt = n_Y(s,a)/n_Y(s)
  IS the exact π⁺ of the empirical MDP.
* Without horizon or threshold, the Markov variant π̄ equals π⁺ at every visited state with V̂ > 0.
"""

from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from sc_symbolic.analysis import analyse
from sc_symbolic.checks import run_checks
from sc_symbolic.data_route import add_data_section
from sc_symbolic.importers.trajectories import EmpiricalCounts
from sc_symbolic.model import load_model
from sc_symbolic.report import kernel_checked_report


def empirical(episodes, rule="label"):
    counter = EmpiricalCounts(rule)
    line = 0
    for e, steps in enumerate(episodes):
        for t, (s, a, r, s2, success) in enumerate(steps):
            line += 1
            step = {"episode": e, "t": t, "state": s, "action": a, "reward": r, "next_state": s2}
            if t == len(steps) - 1:
                step["done"] = True
                if rule == "label":
                    step["success"] = success
            counter.add(step, line)
    counter.finish("test")
    return load_model(counter.model("test"))


def report_of(model):
    analysis = analyse(model)
    report = kernel_checked_report(analysis, run_checks(analysis))
    add_data_section(report, analysis)
    return report


bandit_episodes = st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3", "r4", "r5"]), st.booleans(),
                                     st.sampled_from(["0", "1", "1/2"])), min_size=1, max_size=40)


@given(bandit_episodes)
def test_one_step_data_filtered_imitation_is_exact_pi_plus(draws):
    assume(any(ok for _, ok, _ in draws))
    model = empirical([[("prompt", response, reward, "answered", ok)] for response, ok, reward in draws])
    report = report_of(model)
    assert report["verified"] and report["kernel"]["ok"]
    data = report["data"]
    assert data["coincide"] == {"filt_plus": True, "filt_markov": True, "plus_markov": True}
    assert data["max_abs_difference"]["filt_plus"] == "0"
    wins = [response for response, ok, _ in draws if ok]
    assert data["states"]["prompt"]["pi_filt"] == {
        a: str(Fraction(wins.count(a), len(wins))) for a in dict.fromkeys(r for r, _, _ in draws)}


def walks(draw_steps):
    """Random episodes on the chain 0..3 with actions 'l'/'r' (success: reaching 3)."""
    episodes = []
    for moves in draw_steps:
        s, steps = 0, []
        for a, slip in moves:
            s2 = max(0, min(3, s + (1 if (a == "r") != slip else -1)))
            steps.append((str(s), a, "0", str(s2), s2 == 3))
            s = s2
            if s == 3:
                break
        episodes.append(steps)
    return episodes


moves = st.lists(st.lists(st.tuples(st.sampled_from("lr"), st.booleans()), min_size=1, max_size=8),
                 min_size=1, max_size=12)


@given(moves)
def test_every_claim_holds_exactly_on_every_empirical_mdp(draw_steps):
    episodes = walks(draw_steps)
    assume(any(steps[-1][4] for steps in episodes))
    report = report_of(empirical(episodes))
    assert report["verified"] and report["kernel"]["ok"]
    data = report["data"]
    assert data["coincide"]["plus_markov"] is True
    for s, row in data["states"].items():
        if row["pi_filt"] is not None:
            assert sum(Fraction(p) for p in row["pi_filt"].values()) == 1
            assert row["pi_plus"] is not None  # a successful visit means V̂(s) > 0
            assert all(Fraction(row["filt_minus_plus"][a]) == Fraction(row["pi_filt"][a]) - Fraction(row["pi_plus"][a])
                       for a in row["pi_filt"])


@given(moves)
def test_return_threshold_data_reports_the_markov_variant(draw_steps):
    episodes = [[(s, a, "1" if s2 == "3" else "0", s2, ok) for s, a, _, s2, ok in steps] for steps in walks(draw_steps)]
    assume(any(steps[-1][4] for steps in episodes))
    report = report_of(empirical(episodes, ("return_at_least", Fraction(1))))
    assert report["verified"]
    data = report["data"]
    assert data["pi_plus_per_state"] is False
    assert all(row["pi_plus"] is None for row in data["states"].values())
    assert data["states"]["0"]["pi_markov"] is not None
