"""CLI layer — ``sc-symbolic search PROPERTY``: find the smallest exact witness (docs/math.md §6).

    sc-symbolic search PROPERTY --max-states N --max-actions N --max-outcomes N --max-denominator N
        [--max-reward N] --seed S (--budget N | --time T) --method random|exhaustive|hypothesis|smt
        --workers W --out DIR [--force] [--json] [--quiet] [--scheduler ADDRESS]

Exit 0 when the run completes (found or not), 2 on bad arguments.  A found
witness is written as ``DIR/witness.json`` (re-verify with ``sc-symbolic
check``) and ``DIR/witness.report.json``; existing witness files are refused before the
search starts unless ``--force``.  Imports nothing heavy at import
time; the search package is imported inside the handler.
"""

from __future__ import annotations

import json
import os
import sys

from ..output import check_target
from . import writing


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("search", help="search for the smallest exact counterexample to a property")
    parser.add_argument("property", help="misalignment, markov-variant-degrades, markov-variant-breaks-identity, "
                                         "identity-violation, no-improvement (or a registered one)")
    parser.add_argument("--max-states", type=int, default=2, metavar="N", help="non-terminal states (default 2)")
    parser.add_argument("--max-actions", type=int, default=2, metavar="N", help="actions per state (default 2)")
    parser.add_argument("--max-outcomes", type=int, default=2, metavar="N", help="outcomes per action (default 2)")
    parser.add_argument("--max-denominator", type=int, default=3, metavar="N",
                        help="largest probability denominator (default 3)")
    parser.add_argument("--max-reward", type=int, default=3, metavar="N", help="rewards lie in [-N, N] (default 3)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    limit = parser.add_mutually_exclusive_group()
    limit.add_argument("--budget", type=int, default=None, metavar="N",
                       help="models to check (default 5000; exhaustive: unbounded)")
    limit.add_argument("--time", type=float, default=None, metavar="T", help="stop after T seconds")
    parser.add_argument("--method", default="random", help="random (default), exhaustive, hypothesis, smt")
    parser.add_argument("--workers", type=int, default=1, metavar="W", help="worker processes (default 1)")
    parser.add_argument("--out", default="search-out", metavar="DIR", help="directory for witness files")
    parser.add_argument("--force", action="store_true",
                        help="replace witness files already in --out (kept by default: the search stops first)")
    parser.add_argument("--json", action="store_true", help="print a one-line JSON summary")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on a dask.distributed scheduler (needs the 'distributed' extra)")
    parser.set_defaults(run=run_search)


class _Progress:
    """A tqdm bar on stderr (models checked per second, best witness key); silent when unavailable."""

    def __init__(self, enabled: bool):
        self.bar = None
        self.seen = 0
        if not enabled:
            return
        from ..optional_deps import optional

        module = optional("tqdm")
        if module is None:
            return
        self.bar = module.tqdm(total=None, unit=" models", file=sys.stderr, dynamic_ncols=True, desc="search")

    def __call__(self, checked, best_key):
        if self.bar is None:
            return
        self.bar.update(checked - self.seen)
        self.seen = checked
        if best_key is not None:
            self.bar.set_postfix_str(f"best: {best_key[0]} states, {best_key[1]} actions, "
                                     f"{best_key[2]} outcomes, den {best_key[3]}")

    def close(self):
        if self.bar is not None:
            self.bar.close()


def run_search(args) -> int:
    from ..errors import ModelError
    from ..search import Bounds, search, write_witness
    from ..search.engine import METHODS
    from ..search.properties import get_property

    get_property(args.property)
    if args.method not in METHODS:
        raise ModelError("--method", f"unknown method {args.method!r}", "methods: " + ", ".join(METHODS))
    bounds = Bounds(args.max_states, args.max_actions, args.max_outcomes, args.max_denominator, args.max_reward)
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise ModelError("--out", f"{args.out!r} is a file", "--out names a directory for the witness files")
    for name in ("witness.json", "witness.report.json"):  # refuse before the search, not after it
        target = os.path.join(args.out, name)
        if os.path.lexists(target):
            check_target(target, "--out", overwrite=args.force)
    if args.scheduler is not None:
        from ..search.distributed import require_dask

        require_dask()
    progress = _Progress(enabled=not args.quiet and sys.stderr.isatty())
    try:
        result = search(args.property, args.method, bounds, seed=args.seed, budget=args.budget,
                        time_limit=args.time, workers=args.workers, progress=progress,
                        scheduler=args.scheduler)
    finally:
        progress.close()
    if result.witness is not None:
        with writing("--out", args.out):
            write_witness(result, args.out, force=args.force)
    if args.json:
        print(json.dumps(result.to_json()))
        return 0
    scope = "exhaustive" if result.exhaustive else "not exhaustive"
    print(f"property {result.property}: {'FOUND' if result.found else 'not found'} "
          f"({result.checked} models checked in {result.seconds:.2f} s, {scope}, method {result.method})")
    for note in result.notes:
        print(f"note: {note}")
    if result.witness is not None:
        w = result.witness
        from ..exact import rational_to_str

        def text(x):
            return x if x is None or isinstance(x, str) else rational_to_str(x)

        n, actions, outcomes = result.candidate.size
        print(f"witness: {n} states, {actions} actions, {outcomes} outcomes, tau = {result.candidate.threshold}")
        print(f"  {w.inequality}: {text(w.lhs)} vs {text(w.rhs)}")
        print(f"  written to {result.path} (re-verify: sc-symbolic check {result.path})")
    elif result.exhaustive:
        print("no witness within these bounds")
    return 0
