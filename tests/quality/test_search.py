"""The counterexample search finds the known smallest exact witness (Hypothesis's minimal() pattern).

Sorted by cost: order and fast path first, then each generator, then the
command line and workers.  Every witness is re-confirmed by the full engine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings

from sc_symbolic.cli import main
from sc_symbolic.exact import Rational, rational
from sc_symbolic.search import Bounds, PROPERTIES, register_property, search, shrink, sort_key, write_witness
from sc_symbolic.search.candidate import END, Candidate, fast_evaluation, risky_bandit
from sc_symbolic.search.generators import candidates_strategy, probability_rows
from sc_symbolic.search.properties import get_property, violates

HALF = rational(1, 2)
#: The smallest misalignment witness under ``sort_key``: 1 state, 2 actions, 3 outcomes,
#: denominators 2, rewards {0} vs {-1, 2}, τ = 0:  E_{π⁺}[G] = 1/6 < 1/4 = E_π[G].
SMALLEST_MISALIGNMENT = Candidate(((((END, rational(1), 0),), ((END, HALF, -1), (END, HALF, 2))),),
                                  ((HALF, HALF),), 0)
TINY = Bounds(1, 2, 2, 2, 2)


# ----------------------------------------------------------- order and fast path


def test_sort_key_orders_by_states_actions_outcomes_denominator_rewards():
    small = SMALLEST_MISALIGNMENT
    assert sort_key(small) < sort_key(risky_bandit())  # same shape and denominators, smaller rewards
    two_states = Candidate(small.actions + ((((END, rational(1), 0),),),), small.policy + ((rational(1),),), 0)
    assert sort_key(small) < sort_key(two_states)
    thirds = Candidate(((((END, rational(1), 0),), ((END, rational(1, 3), 0), (END, rational(2, 3), 0))),),
                       ((HALF, HALF),), 0)
    assert sort_key(small) < sort_key(thirds)


def test_fast_path_reproduces_the_reference_values():
    ev = fast_evaluation(risky_bandit())
    values = (ev.probability, ev.probability_plus, ev.expected_return, ev.expected_return_plus)
    assert values == (rational(3, 4), rational(5, 6), rational(5, 4), rational(7, 6))
    assert all(type(x) is Rational for x in values)


@settings(max_examples=25, deadline=None)
@given(candidates_strategy(Bounds(2, 2, 2, 3, 2)))
def test_fast_screens_agree_with_the_full_engine(candidate):
    model = candidate.to_model()
    for name in ("misalignment", "no-improvement", "markov-variant-degrades", "markov-variant-breaks-identity"):
        prop = get_property(name)
        assert prop.screen(candidate) == (prop.predicate(model) is not None), name


def test_shrink_reaches_the_smallest_witness_from_the_reference_example():
    prop = get_property("misalignment")
    smallest, steps, _ = shrink(risky_bandit(), lambda c: violates(prop, c) is not None)
    assert smallest == SMALLEST_MISALIGNMENT and steps > 0


def test_probability_rows_sum_to_one_within_the_denominator_bound():
    rows = probability_rows(3, 4)
    assert rows and all(sum(row) == 1 and max(p.denominator for p in row) <= 4 for row in rows)


# ----------------------------------------------------------------- generators


def test_exhaustive_finds_the_known_smallest_misalignment():
    result = search("misalignment", "exhaustive", TINY)
    assert result.found and result.exhaustive
    assert result.candidate == SMALLEST_MISALIGNMENT
    w = result.witness
    assert (w.lhs, w.rhs) == (rational(1, 6), rational(1, 4)) and type(w.lhs) is Rational


@pytest.mark.parametrize("method", ["random", "exhaustive", "hypothesis", "smt"])
def test_every_generator_finds_a_misalignment_witness(method):
    if method == "smt":
        pytest.importorskip("z3")
    result = search("misalignment", method, Bounds(2, 2, 2, 3, 3), seed=1, budget=400 if method != "exhaustive" else None)
    assert result.found
    assert result.witness.lhs < result.witness.rhs
    assert violates(get_property("misalignment"), result.candidate) is not None
    assert result.candidate == SMALLEST_MISALIGNMENT  # greedy shrink + polish reach the minimum here


@pytest.mark.parametrize("name", ["no-improvement", "identity-violation"])
def test_sanity_properties_are_never_found(name):
    result = search(name, "exhaustive", TINY)
    assert not result.found and result.exhaustive and result.witness is None


def test_no_improvement_is_not_found_with_two_states():
    result = search("no-improvement", "exhaustive", Bounds(2, 2, 2, 2, 1))
    assert not result.found and result.exhaustive and result.checked > 1000


def test_markov_variant_breaks_the_identity_with_an_exact_witness():
    result = search("markov-variant-breaks-identity", "random", Bounds(2, 2, 2, 2, 1), seed=0, budget=400,
                    minimise=False)
    assert result.found
    w = result.witness
    assert w.lhs != w.rhs


def test_markov_variant_degrades_is_not_found_with_one_state():
    # with a single state there is one accumulated return, so π̄ = π⁺ and P(G ≥ τ) cannot drop
    result = search("markov-variant-degrades", "exhaustive", TINY)
    assert not result.found and result.exhaustive


def test_user_registered_property():
    register_property("always-risky", "a state with a risky action", True,
                      lambda model: None, screen=None)
    try:
        result = search("always-risky", "random", Bounds(1, 1, 1, 1, 1), budget=10)
        assert not result.found and result.checked == 10
    finally:
        PROPERTIES.pop("always-risky")


@pytest.mark.parametrize("budget", [5, 60, 100])
def test_hypothesis_counts_shrinking_against_the_budget(budget):
    result = search("misalignment", "hypothesis", Bounds(1, 2, 2, 2, 3), seed=1, budget=budget, minimise=False)
    assert result.checked <= budget
    if result.found:
        assert violates(get_property("misalignment"), result.raw_candidate) is not None


@pytest.mark.parametrize("method", ["random", "hypothesis"])
def test_same_seed_same_witness(method):
    bounds = Bounds(2, 2, 2, 3, 3)
    first = search("misalignment", method, bounds, seed=7, budget=300, minimise=False)
    again = search("misalignment", method, bounds, seed=7, budget=300, minimise=False)
    assert first.raw_candidate == again.raw_candidate and first.checked == again.checked


def test_workers_do_not_change_the_witness():
    bounds = Bounds(3, 2, 2, 3, 2)
    one = search("misalignment", "random", bounds, seed=11, budget=2000, workers=1)
    two = search("misalignment", "random", bounds, seed=11, budget=2000, workers=2)
    assert one.found and two.found
    assert one.raw_candidate == two.raw_candidate and one.candidate == two.candidate
    assert one.checked == two.checked


@pytest.mark.parametrize("bounds", [TINY, Bounds(2, 2, 2, 2, 1), Bounds(3, 2, 1, 2, 1)])
def test_first_state_slices_are_the_whole_level_in_order(bounds):
    from sc_symbolic.search.generators import exhaustive_candidates, first_state_slices

    for n in range(1, bounds.max_states + 1):
        whole = list(exhaustive_candidates(bounds, n))
        for count in (1, 3, 64, 10**6):
            pieces = first_state_slices(bounds, n, count)
            assert 1 <= len(pieces) <= count
            sliced = [c for first in pieces for c in exhaustive_candidates(bounds, n, first)]
            assert sliced == whole and whole


def test_a_level_lists_each_state_position_s_choices_once():
    """The slices of a level share the lists of state choices (they were once rebuilt per slice:
    7,315 one-choice slices took 12 s instead of 0.3 s)."""
    from sc_symbolic.search.generators import _state_choices

    _state_choices.cache_clear()
    result = search("no-improvement", "exhaustive", Bounds(3, 2, 1, 2, 1))
    assert result.exhaustive and _state_choices.cache_info().misses <= 1 + 2 + 3  # positions of levels 1-3


@pytest.mark.parametrize("name", ["misalignment", "markov-variant-breaks-identity", "no-improvement"])
def test_exhaustive_workers_and_a_budget_do_not_change_the_result(name):
    """Unbudgeted levels are enumerated by the workers in first-state slices, budgeted ones in
    chunks by the parent: the same models, the same smallest witness."""
    bounds = Bounds(2, 2, 2, 2, 1)
    results = [search(name, "exhaustive", bounds, workers=w, budget=b) for w, b in ((1, None), (2, None), (2, 10**6))]
    assert len({(r.found, r.checked, r.exhaustive, r.candidate) for r in results}) == 1, results
    assert results[0].checked == 10_339


@pytest.mark.parametrize("method, budget", [("random", None), ("exhaustive", None), ("exhaustive", 10**6)])
@pytest.mark.parametrize("workers", [1, 2])
def test_time_limit_holds_on_slow_models(method, budget, workers):
    """Each full-engine check of these 8-state models takes milliseconds: the workers read the deadline
    before each candidate, and the parent does not wait for the tasks it already sent."""
    import time

    start = time.monotonic()
    result = search("identity-violation", method, Bounds(8, 4, 4, 1000, 1000) if method == "random"
                    else Bounds(3, 2, 2, 4, 2), time_limit=0.5, workers=workers, budget=budget)
    assert not result.found and not result.exhaustive and result.checked > 0
    assert time.monotonic() - start < 4


def test_exhaustive_stops_at_its_time_limit_in_the_workers():
    result = search("no-improvement", "exhaustive", Bounds(4, 2, 2, 3, 2), time_limit=0.5, workers=2)
    assert not result.found and not result.exhaustive and 0 < result.checked
    assert result.seconds < 10


# ---------------------------------------------------------------- files and CLI


def test_witness_files_reverify_with_check(tmp_path):
    result = search("misalignment", "exhaustive", TINY)
    path = write_witness(result, tmp_path)
    assert main(["check", path]) == 0
    report = json.loads((tmp_path / "witness.report.json").read_text())
    assert report["verified"] and report["property"] == "misalignment"
    assert report["violated"]["lhs"] == "1/6" and report["violated"]["rhs"] == "1/4"
    assert report["expected_return_plus"] == "1/6" and report["expected_return"] == "1/4"


def test_cli_search_json(tmp_path, capsys):
    out = tmp_path / "w"
    status = main(["search", "misalignment", "--max-states", "1", "--max-actions", "2", "--max-outcomes", "2",
                   "--max-denominator", "2", "--max-reward", "2", "--method", "exhaustive", "--out", str(out),
                   "--json", "--quiet"])
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["found"] and summary["exhaustive"] and summary["property"] == "misalignment"
    assert set(summary) == {"property", "found", "checked", "seconds", "exhaustive", "witness"}
    assert main(["check", summary["witness"]]) == 0


def test_cli_search_not_found_exits_zero(tmp_path, capsys):
    status = main(["search", "no-improvement", "--max-states", "1", "--max-denominator", "2", "--max-reward", "1",
                   "--method", "exhaustive", "--out", str(tmp_path), "--json", "--quiet"])
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["found"] is False and summary["witness"] is None and summary["exhaustive"] is True
    assert not (tmp_path / "witness.json").exists()


def test_cli_search_workers_same_witness(tmp_path, capsys):
    texts = []
    for workers in ("1", "2"):
        out = tmp_path / workers
        assert main(["search", "misalignment", "--seed", "3", "--budget", "600", "--workers", workers,
                     "--out", str(out), "--json", "--quiet"]) == 0
        capsys.readouterr()
        texts.append((out / "witness.json").read_text())
    assert texts[0] == texts[1]


@pytest.mark.parametrize("argv", [
    ["search", "no-such-property"],
    ["search", "misalignment", "--method", "annealing"],
    ["search", "misalignment", "--max-states", "0"],
    ["search", "misalignment", "--max-denominator", "-1"],
    ["search", "misalignment", "--budget", "0"],
    ["search", "misalignment", "--workers", "0"],
    ["search", "misalignment", "--time", "inf"],
    ["search", "misalignment", "--time", "nan"],
    ["search", "misalignment", "--time", "1e400"],
])
def test_cli_bad_arguments_exit_2(argv, tmp_path, capsys):
    assert main(argv + ["--out", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_cli_unparsable_number_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["search", "misalignment", "--max-states", "two"])
    assert info.value.code == 2


def test_scheduler_without_dask_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import dask.distributed → ImportError
    assert main(["search", "misalignment", "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path)]) == 2
    assert "dask" in capsys.readouterr().err


def test_dask_local_cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False) as cluster:
        remote = search("misalignment", "random", Bounds(2, 2, 2, 3, 3), seed=4, budget=600,
                        scheduler=cluster.scheduler_address, minimise=False)
    local = search("misalignment", "random", Bounds(2, 2, 2, 3, 3), seed=4, budget=600, minimise=False)
    assert remote.raw_candidate == local.raw_candidate


def test_reference_example_is_a_misalignment_witness():
    shared = Path(__file__).resolve().parents[2].parent / "shared"
    path = shared / "data" / "reference" / "risky_threshold.json"
    if not path.exists():
        pytest.skip("../shared is not beside the repository")
    from sc_symbolic.model import load_model

    witness = get_property("misalignment").predicate(load_model(path))
    assert witness is not None and (witness.lhs, witness.rhs) == (rational(7, 6), rational(5, 4))


@pytest.mark.parametrize("method", ["random", "exhaustive"])
def test_minimised_witness_stays_within_the_bounds(method):
    bounds = Bounds(2, 2, 2, 3, 1)  # folding two states into one would add their rewards up to 2
    result = search("misalignment", method, bounds, seed=1, budget=2000 if method == "random" else None)
    assert result.found and bounds.contains(result.candidate)


def test_hypothesis_stops_at_the_time_limit():
    result = search("no-improvement", "hypothesis", Bounds(3, 2, 2, 3, 2), seed=1, time_limit=1.0)
    assert not result.found and result.seconds < 20


def test_workers_are_bounded():
    from sc_symbolic.errors import ModelError
    from sc_symbolic.search.engine import MAX_WORKERS

    with pytest.raises(ModelError, match="worker processes"):
        search("misalignment", "random", TINY, budget=10, workers=MAX_WORKERS + 1)
    with pytest.raises(ModelError, match="one process"):
        search("misalignment", "hypothesis", TINY, budget=10, workers=2)


@pytest.mark.parametrize("field, value", [("max_states", 1_000_000), ("max_denominator", 10 ** 20),
                                          ("max_reward", 10 ** 41), ("max_actions", 11), ("max_outcomes", 11)])
def test_search_bounds_have_upper_limits(field, value):
    """Red team (issue #17): unbounded --max-* gave MemoryError, OverflowError or runs past 120 s."""
    from sc_symbolic.errors import ModelError

    fields = {"max_states": 1, "max_actions": 1, "max_outcomes": 1, "max_denominator": 1, "max_reward": 1, field: value}
    with pytest.raises(ModelError, match="too large"):
        Bounds(**fields)


def test_an_exhaustive_space_too_large_to_list_is_refused_before_listing_it():
    from sc_symbolic.errors import UnsupportedModelError

    with pytest.raises(UnsupportedModelError, match="exhaustive search: .* per state"):
        search("misalignment", "exhaustive", Bounds(6, 6, 2, 50, 100), time_limit=3)
