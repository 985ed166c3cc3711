"""Benchmark of the counterexample search (sc_symbolic.search): prints a table.

    python benchmarks/bench_search.py [--quick]

Measures, per generator: models checked per second per core (property
``no-improvement``, which is never found, so every model is checked; the
misalignment screen is measured too), the time to the first (shrunk)
misalignment witness, the exhaustive enumeration rate, the rate of the full
``analyse`` + ``run_checks`` path for comparison, and scaling with
``--workers 1, 2``, next to the machine's own ceiling (a plain CPU loop in two processes
against one: the ``--workers 2`` gain cannot exceed it).  Wall-clock numbers depend on the
machine's load.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time


def _rate(checked, seconds):
    return f"{checked / seconds:,.0f}/s" if seconds > 0 else "-"


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def _process_scaling(workers: int, n: int = 2_000_000) -> float:
    """Wall time of ``workers`` CPU loops run one after another over the same loops run in ``workers``
    processes: 2.0 on two free cores; near 1.0 when the machine (a VM's quota, other jobs) gives one.
    The ``--workers`` rows are to be read against it."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(workers) as pool:
        pool.map(_spin, [1] * workers)  # the processes are up before the clock starts
        start = time.perf_counter()
        pool.map(_spin, [n] * workers, chunksize=1)
        parallel = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(workers):
        _spin(n)
    return (time.perf_counter() - start) / parallel


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller budgets")
    args = parser.parse_args(argv)
    from sc_symbolic.analysis import analyse
    from sc_symbolic.checks import run_checks
    from sc_symbolic.search import Bounds, search
    from sc_symbolic.search.generators import random_candidates

    scale = 1 if args.quick else 4
    bounds = Bounds(3, 3, 3, 4, 3)
    rows = []

    # per-generator throughput on a property that is never found
    for method, budget in (("random", 5_000 * scale), ("hypothesis", 300 * scale)):
        r = search("no-improvement", method, bounds, seed=0, budget=budget)
        rows.append((f"{method}: models checked (no-improvement, {bounds.max_states} states)", r.checked,
                     f"{r.seconds:.2f} s", _rate(r.checked, r.seconds)))
    r = search("misalignment", "random", bounds, seed=0, budget=5_000 * scale, minimise=False)
    rows.append(("random: misalignment screen + first hit", r.checked, f"{r.seconds:.2f} s", _rate(r.checked, r.seconds)))
    r = search("markov-variant-degrades", "random", bounds, seed=0, budget=5_000 * scale)
    rows.append(("random: markov-variant-degrades", r.checked, f"{r.seconds:.2f} s", _rate(r.checked, r.seconds)))
    r = search("no-improvement", "exhaustive", Bounds(2, 2, 2, 2, 1))
    rows.append(("exhaustive: enumeration (2,2,2,2,1), complete" if r.exhaustive else "exhaustive (partial)",
                 r.checked, f"{r.seconds:.2f} s", _rate(r.checked, r.seconds)))
    try:
        import z3  # noqa: F401

        r = search("no-improvement", "smt", bounds, seed=0, budget=20 * scale)
        rows.append(("smt: shapes solved (no-improvement, all unsat)", r.checked, f"{r.seconds:.2f} s",
                     _rate(r.checked, r.seconds)))
    except ImportError:
        rows.append(("smt: z3 not installed", 0, "-", "-"))

    # full engine path, for comparison with the fast path
    models = [c.to_model() for c in random_candidates(bounds, random.Random(0), 300 * scale)]
    start = time.perf_counter()
    for model in models:
        run_checks(analyse(model))
    seconds = time.perf_counter() - start
    rows.append(("full analyse + run_checks (same random models)", len(models), f"{seconds:.2f} s",
                 _rate(len(models), seconds)))

    # time to the first shrunk misalignment witness
    for method in ("random", "exhaustive", "hypothesis", "smt"):
        if method == "smt":
            try:
                import z3  # noqa: F401,F811
            except ImportError:
                continue
        r = search("misalignment", method, Bounds(2, 2, 2, 3, 3), seed=0,
                   budget=None if method == "exhaustive" else 5_000)
        size = r.candidate.size if r.candidate is not None else None
        rows.append((f"time to first minimised misalignment witness ({method}) -> size {size}", r.checked,
                     f"{r.seconds:.2f} s", ""))

    # scaling with workers: a few seconds of work each, so that starting the pool does not dominate
    for method, bounds_w, budget in (("random", bounds, 25_000 * scale), ("exhaustive", Bounds(3, 2, 1, 2, 2), None)):
        seconds = {}
        for workers in (1, 2):
            r = search("no-improvement", method, bounds_w, seed=0, budget=budget, workers=workers)
            seconds[workers] = r.seconds
            rows.append((f"{method}, --workers {workers}", r.checked, f"{r.seconds:.2f} s", _rate(r.checked, r.seconds)))
        rows.append((f"{method}: --workers 2 vs 1 (goal >= 1.70)", 0, f"{seconds[1] / seconds[2]:.2f}x", ""))

    # the machine's own ceiling: the same pure-Python CPU loop in one and in two processes
    ceiling = _process_scaling(2)
    rows.append(("machine ceiling: a CPU loop in 2 processes vs 1 (ideal 2.00)", 0, f"{ceiling:.2f}x", ""))

    width = max(len(name) for name, *_ in rows)
    print(f"{'benchmark'.ljust(width)}  {'models':>8}  {'time':>9}  {'rate':>10}")
    for name, count, seconds, rate in rows:
        print(f"{name.ljust(width)}  {count:>8}  {seconds:>9}  {rate:>10}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\ncpus: {os.cpu_count()}  load average (1 min): {load:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
