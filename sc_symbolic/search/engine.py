"""Search layer — the counterexample search loop, its deterministic partition and witness files (docs/math.md §6).

``search(property, method, bounds, seed, budget | time_limit, workers)``
returns a ``SearchResult`` whose witness (if any) is the ``sort_key``-smallest
model the method found, greedily shrunk, and confirmed by the full engine
(``analysis.analyse`` / ``thresholds.markov_variant``).  Seeds are partitioned
into batches ``Random(f"{seed}:{batch}")``; batches are consumed in index
order and the run stops at the first batch holding a witness, so the result
does not depend on the number of workers (with a time limit instead of a
budget, how far the run gets depends on the machine).  ``write_witness`` writes
``DIR/witness.json`` (mdp-1) and ``DIR/witness.report.json``.  Never prints:
progress goes to a caller-supplied callback.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import deque
from dataclasses import dataclass, field

from ..errors import ModelError, UnsupportedModelError
from ..output import check_target, write_text
from .generators import Bounds, exhaustive_candidates, first_state_slices, random_candidates
from .properties import get_property, violates
from .shrink import normalise, shrink, sort_key

METHODS = ("random", "exhaustive", "hypothesis", "smt")
BATCH_SIZE = 200
DEFAULT_BUDGET = 5_000


@dataclass
class SearchResult:
    """The outcome of one search.  ``exhaustive``: every model within the bounds was examined
    (or every model up to the first size level holding a witness, so the witness is the smallest)."""

    property: str
    method: str
    found: bool
    checked: int
    seconds: float
    exhaustive: bool
    witness: object = None
    candidate: object = None
    raw_candidate: object = None
    shrink_steps: int = 0
    path: str | None = None
    notes: list = field(default_factory=list)

    def to_json(self) -> dict:
        """The ``--json`` summary of the command line."""
        return {"property": self.property, "found": self.found, "checked": self.checked,
                "seconds": round(self.seconds, 3), "exhaustive": self.exhaustive, "witness": self.path}


def _holds(prop, candidate) -> bool:
    return violates(prop, candidate) is not None


def _best(prop, candidates, deadline=None) -> tuple:
    """(number checked, smallest witness candidate or None, every candidate checked) over an iterable
    of candidates, stopping at ``deadline`` (``time.time()``; read before each candidate) when one is given.

    With a fast screen, only the ``sort_key``-smallest screened candidate is
    confirmed by the full predicate; a disagreement is an engine bug and raises.
    """
    checked = 0
    best = best_key = None
    complete = True
    for candidate in candidates:
        if deadline is not None and time.time() >= deadline:
            complete = False
            break
        checked += 1
        if prop.screen is not None:
            hit = prop.screen(candidate)
        else:
            hit = prop.predicate(candidate.to_model(f"{prop.name} witness")) is not None
        if hit:
            candidate = normalise(candidate)
            key = sort_key(candidate)
            if best is None or key < best_key:
                best, best_key = candidate, key
    if best is not None and prop.screen is not None and violates(prop, best) is None:
        raise FastPathMismatch(f"property {prop.name!r}: the fast path flags a candidate that the full "
                               f"engine does not confirm: {best.to_dict()}")
    return checked, best, complete


class FastPathMismatch(AssertionError):
    """The search's exact fast path and the full engine disagree (a bug in one of them)."""


def _random_batch(job, deadline=None) -> tuple:
    """Worker entry point: (batch index, checked, smallest witness or None); a batch cut short by
    ``deadline`` counts only the candidates it checked."""
    name, bounds, seed, index, size = job
    prop = get_property(name)
    rng = random.Random(f"{seed}:{index}")
    checked, best, _ = _best(prop, random_candidates(bounds, rng, size), deadline)
    return index, checked, best


#: Pieces an unbudgeted exhaustive level is cut into (by the first state's choice) for the workers.
SLICES_PER_LEVEL = 64

#: Random batches sent to a worker in one task: a message per ~50 ms of work rather than per ~6 ms
#: (each task costs the parent's pool threads ~0.7 ms of CPU here, taken from the workers' cores).
BATCHES_PER_TASK = 8


def _random_batches(task) -> list:
    """Worker entry point: the results of consecutive batches, up to the first one holding a witness
    or the deadline (``task`` = (batches, deadline))."""
    jobs, deadline = task
    results = []
    for job in jobs:
        if deadline is not None and time.time() >= deadline:
            break
        results.append(_random_batch(job, deadline))
        if results[-1][2] is not None:
            break
    return results


def _exhaustive_chunk(job) -> tuple:
    """Worker entry point of a budgeted exhaustive level: the parent's chunk of models, up to the
    deadline; (checked, best, complete)."""
    name, chunk, deadline = job
    return _best(get_property(name), chunk, deadline)


def _exhaustive_slice(job) -> tuple:
    """Worker entry point of an unbudgeted exhaustive level: the worker enumerates the candidates whose
    first state's choice lies in the slice ``first`` itself (the parent sends a few numbers, not models),
    stopping at ``deadline`` (``time.time()``, shared by forked workers); (checked, best, complete)."""
    name, bounds, n, first, deadline = job
    return _best(get_property(name), exhaustive_candidates(bounds, n, first), deadline)


def _pool(workers: int):
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return context.Pool(workers, initializer=_ignore_interrupts)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (``pool.terminate``): no traceback each."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: The largest time limit (seconds): a larger one is a typo (and ``inf`` is no limit at all).
MAX_SECONDS = 10**9

#: More processes than this only thrash: four per core.
MAX_WORKERS = 4 * (os.cpu_count() or 1)


class _Clock:
    def __init__(self, budget, time_limit):
        self.start = time.perf_counter()
        self.budget = budget
        self.time_limit = time_limit

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def over_time(self) -> bool:
        return self.time_limit is not None and self.elapsed() >= self.time_limit


def _validate(prop_name, method, bounds, budget, time_limit, workers):
    prop = get_property(prop_name)
    if method not in METHODS:
        raise ModelError("--method", f"unknown method {method!r}", "methods: " + ", ".join(METHODS))
    if not isinstance(bounds, Bounds):
        raise ModelError("bounds", "not a Bounds", "give sc_symbolic.search.Bounds(...)")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int) or budget < 1):
        raise ModelError("--budget", f"{budget!r} is not a positive integer", "the budget counts models to check")
    if time_limit is not None and not 0 < time_limit <= MAX_SECONDS:
        raise ModelError("--time", f"{time_limit!r} seconds",
                         f"the time limit is a positive number of seconds, at most {MAX_SECONDS:,}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ModelError("--workers", f"{workers!r} is not a positive integer", "workers are processes, at least 1")
    if workers > MAX_WORKERS:
        raise ModelError("--workers", f"{workers} workers",
                         f"at most {MAX_WORKERS} worker processes (4 per core here; use --scheduler for a cluster)")
    if workers > 1 and method in ("hypothesis", "smt"):
        raise ModelError("--workers", f"{workers} workers with --method {method}",
                         "the hypothesis and smt methods run in one process (random and exhaustive use workers)")
    return prop


def search(property_name: str, method: str = "random", bounds: Bounds | None = None, seed: int = 0,
           budget: int | None = None, time_limit: float | None = None, workers: int = 1,
           progress=None, scheduler: str | None = None, minimise: bool = True) -> SearchResult:
    """Search for the smallest exact witness of ``property_name`` (see the module docstring).

    ``budget`` caps the number of models checked (default 5,000 when neither
    it nor ``time_limit`` is given; the exhaustive method is unbounded by default).  ``progress(checked, best_key)`` is
    called now and then.  ``scheduler``: address of a dask.distributed
    scheduler (random method).

    >>> r = search("misalignment", "exhaustive", Bounds(1, 2, 2, 2, 2))
    >>> r.found, r.exhaustive, r.candidate.size
    (True, True, (1, 2, 3))
    """
    bounds = bounds or Bounds()
    prop = _validate(property_name, method, bounds, budget, time_limit, workers)
    if budget is None and time_limit is None and method != "exhaustive":
        budget = DEFAULT_BUDGET
    clock = _Clock(budget, time_limit)
    progress = progress or (lambda checked, best: None)
    exhaustive = False
    notes = []
    if scheduler is not None:
        from .distributed import run_random_distributed

        checked, raw = run_random_distributed(scheduler, _random_batch, prop.name, bounds, seed, clock,
                                              BATCH_SIZE, progress)
    elif method == "random":
        checked, raw = _run_random(prop, bounds, seed, clock, workers, progress)
    elif method == "exhaustive":
        checked, raw, exhaustive = _run_exhaustive(prop, bounds, clock, workers, progress)
    elif method == "hypothesis":
        checked, raw = _run_hypothesis(prop, bounds, seed, clock)
    else:
        from .smt import run_smt

        checked, raw, smt_notes = run_smt(prop, bounds, seed, clock, progress)
        notes.extend(smt_notes)
    result = SearchResult(prop.name, method, raw is not None, checked, 0.0, exhaustive, notes=notes)
    if raw is not None:
        result.raw_candidate = raw
        best = raw
        if minimise:
            best = raw
            while True:  # shrink, polish, and again while polishing finds something smaller
                best, steps, _ = shrink(best, lambda c: bounds.contains(c) and _holds(prop, c))
                result.shrink_steps += steps
                polished = _polish(prop, best, clock)
                if polished == best:
                    break
                best = polished
        result.candidate = best
        result.witness = violates(prop, best)
        assert result.witness is not None, "a shrunk witness must still violate the property"
    result.seconds = clock.elapsed()
    return result


POLISH_LIMIT = 20_000


def bounds_of(candidate) -> Bounds:
    """The tightest ``Bounds`` containing ``candidate``."""
    return Bounds(candidate.n_states, max(len(acts) for acts in candidate.actions),
                  max(len(outs) for acts in candidate.actions for outs in acts),
                  max(int(p.denominator) for p in candidate.probabilities()),
                  max([abs(int(r)) for r in candidate.rewards()] + [1]))


def _polish(prop, candidate, clock):
    """After greedy shrinking: when the witness's own bounds are tiny, walk them exhaustively
    (levels of fewer states first) and return the ``sort_key``-smallest witness there."""
    from .generators import exhaustive_count

    try:
        own = bounds_of(candidate)
        if sum(exhaustive_count(own, n) for n in range(1, own.max_states + 1)) > POLISH_LIMIT:
            return candidate
        for n in range(1, own.max_states + 1):
            _, best, _ = _best(prop, exhaustive_candidates(own, n))
            if best is not None:
                return min(best, candidate, key=sort_key)
    except (ModelError, UnsupportedModelError):
        pass
    return candidate


def _rounds(jobs, worker, workers, pool):
    """Results of ``worker`` over ``jobs`` in job order, with at most ``4 × workers`` jobs in flight:
    a new job is sent as soon as the oldest one's result is taken, so no worker waits for a round."""
    if pool is None:
        for job in jobs:
            yield worker(job)
        return
    pending = deque()
    for job in jobs:
        pending.append(pool.apply_async(worker, (job,)))
        if len(pending) == 4 * workers:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _run_random(prop, bounds, seed, clock, workers, progress) -> tuple:
    def jobs():
        index = 0
        issued = 0
        while (clock.budget is None or issued < clock.budget) and not clock.over_time():
            size = BATCH_SIZE if clock.budget is None else min(BATCH_SIZE, clock.budget - issued)
            yield (prop.name, bounds, seed, index, size)
            issued += size
            index += 1

    checked = 0
    deadline = None if clock.time_limit is None else time.time() + clock.time_limit - clock.elapsed()
    pool = _pool(workers) if workers > 1 else None
    if pool is None:
        results = (_random_batch(job, deadline) for job in jobs())
    else:
        tasks = _rounds(((chunk, deadline) for chunk in _chunks(jobs(), BATCHES_PER_TASK)), _random_batches,
                        workers, pool)
        results = (result for task in tasks for result in task)
    try:
        for _, n, best in results:
            checked += n
            progress(checked, None if best is None else sort_key(best))
            if best is not None:
                return checked, best
            if clock.over_time():  # the workers stop at the deadline too: no waiting for sent tasks
                break
        return checked, None
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run_exhaustive(prop, bounds, clock, workers, progress) -> tuple:
    """Levels by number of states; stop after the first level holding a witness (it holds the smallest)."""
    checked = 0
    pool = _pool(workers) if workers > 1 else None
    deadline = None if clock.time_limit is None else time.time() + clock.time_limit - clock.elapsed()
    try:
        for n in range(1, bounds.max_states + 1):
            best = best_key = None
            stopped = False

            def chunks():
                """A budget is counted in the parent: it sends the models themselves, in chunks."""
                nonlocal stopped
                remaining = clock.budget - checked
                for chunk in _chunks(exhaustive_candidates(bounds, n), BATCH_SIZE):
                    if clock.over_time() or remaining == 0:
                        stopped = True
                        return
                    if len(chunk) > remaining:
                        chunk = chunk[:remaining]
                        stopped = True
                    remaining -= len(chunk)
                    yield (prop.name, chunk, deadline)

            def slices():
                """No budget: each worker enumerates one first-state slice of the level itself."""
                nonlocal stopped
                for first in first_state_slices(bounds, n, SLICES_PER_LEVEL):
                    if clock.over_time():
                        stopped = True
                        return
                    yield (prop.name, bounds, n, first, deadline)

            jobs, worker = (slices(), _exhaustive_slice) if clock.budget is None else (chunks(), _exhaustive_chunk)
            for count, found, complete in _rounds(jobs, worker, workers, pool):
                stopped = stopped or not complete
                checked += count
                if found is not None and (best is None or sort_key(found) < best_key):
                    best, best_key = found, sort_key(found)
                progress(checked, best_key)
            if stopped:
                return checked, best, False
            if best is not None:
                return checked, best, True
        return checked, None, True
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


class _Stop(Exception):
    """Raised inside Hypothesis's search when the budget or the time limit is used up."""


def _run_hypothesis(prop, bounds, seed, clock) -> tuple:
    from ..optional_deps import require

    require("hypothesis", "--method hypothesis")
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample

    from .generators import candidates_strategy

    checked = 0
    budget = clock.budget if clock.budget is not None else 10**9
    latest = None  # the shrinker's current best: the last candidate that held

    def condition(candidate) -> bool:
        """Shrinking calls count against the budget too; past the budget or the time limit, stop."""
        nonlocal checked, latest
        if checked >= budget or clock.over_time():
            raise _Stop
        checked += 1
        if _holds(prop, candidate):
            latest = candidate
            return True
        return False

    config = settings(max_examples=budget, deadline=None, database=None, derandomize=False,
                      phases=[Phase.generate, Phase.shrink],
                      suppress_health_check=list(HealthCheck))
    try:
        found = find(candidates_strategy(bounds), condition, settings=config, random=random.Random(seed))
    except (NoSuchExample, _Stop):
        found = latest
    return checked, None if found is None else normalise(found)


# ------------------------------------------------------------------ files


def write_witness(result: SearchResult, directory, force: bool = False) -> str:
    """Write ``DIR/witness.json`` and ``DIR/witness.report.json``; the path of the first.

    Existing witness files are kept (a ModelError naming ``--out``) unless ``force``; links,
    devices and directories in their place are never written through (``output.write_text``).

    The report is the ``check`` report of the witness (``report.checked_report``)
    plus ``property``, the violated inequality with both exact sides, and the
    search's statistics.
    """
    from ..analysis import analyse
    from ..model import from_dict
    from ..report import checked_report

    if result.witness is None:
        raise ModelError("witness", "no witness to write", "write_witness needs a search that found one")
    os.makedirs(directory, exist_ok=True)
    data = dict(result.witness.model)
    data["name"] = f"{result.property} witness"
    data["description"] = f"{result.witness.inequality}: {_text(result.witness.lhs)} vs {_text(result.witness.rhs)}"
    model = from_dict(data)
    analysis = analyse(model)
    report, _ = checked_report(analysis)
    report["property"] = result.property
    report["violated"] = {"inequality": result.witness.inequality, "lhs": _text(result.witness.lhs),
                          "rhs": _text(result.witness.rhs),
                          "details": {k: _text(v) for k, v in result.witness.details.items()}}
    report["search"] = {"method": result.method, "checked": result.checked, "exhaustive": result.exhaustive,
                        "shrink_steps": result.shrink_steps}
    path = os.path.join(os.fspath(directory), "witness.json")
    report_path = os.path.join(os.fspath(directory), "witness.report.json")
    for target in (path, report_path):
        check_target(target, "--out", overwrite=force)
    write_text(path, json.dumps(data, indent=1, ensure_ascii=False), "--out", overwrite=force)
    write_text(report_path, json.dumps(report, indent=1, ensure_ascii=False), "--out", overwrite=force)
    result.path = path
    return path


def _text(value):
    from ..exact import rational_to_str

    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return str(value)
    return rational_to_str(value)
