"""CLI layer — ``sc-symbolic regions``: parameter regions of a claim (docs/cli.md, regions).

    sc-symbolic regions MODEL --claim CLAIM [--threshold T|all] [--versus T2] [--policy F]
                        [--width W] [--depth D | --time S] [--json | --latex] [--plot FILE]

Prints the region as a theorem ("misaligned at τ = 1 iff 1/4 < q < 1"), the
``sc-symbolic/regions-1`` report (``--json``; with ``--threshold all`` a JSON
array of them, one per achievable τ) or a LaTeX statement.  Exit 0; 2 on bad
input, and then nothing is written.
"""

from __future__ import annotations


#: The largest --time (seconds); a larger value is a typo, and 1e400 would not fit a float.
MAX_SECONDS = 10**9


def run(args) -> int:
    import json
    import time

    from ..errors import ModelError
    from ..region_latex import regions_latex
    from ..regions import load_for_regions, regions, thresholds_for_all

    if args.json and args.latex:
        raise ModelError("--json/--latex", "both given", "choose one output format")
    if args.depth is not None and args.time is not None:
        raise ModelError("--depth/--time", "both given", "give one limit: --depth D or --time S")
    if args.plot is not None:
        from ..region_plot import check_plot_path

        if args.threshold == "all":
            raise ModelError("--plot", "one map per run", "give one threshold with --plot, not --threshold all")
        check_plot_path(args.plot)
    time_limit = None
    if args.time is not None:
        from ..exact import parse_number, rational

        seconds = parse_number(args.time, "--time")
        if not rational(1, 10**6) <= seconds <= MAX_SECONDS:
            raise ModelError("--time", f"{args.time} s", f"a number of seconds from 0.000001 to {MAX_SECONDS:,}")
        time_limit = float(seconds)
    model = load_for_regions(args.model, args.policy, args.threshold)
    options = {"versus": args.versus, "width": args.width, "depth": args.depth, "time_limit": time_limit}
    if args.threshold == "all":
        models = thresholds_for_all(model)
    else:
        models = [model]
    reports = []
    deadline = None if time_limit is None else time.monotonic() + time_limit
    for done, m in enumerate(models):  # one --time for the whole run, whatever the number of thresholds
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ModelError("--time", f"{args.time} s ran out after {done} of {len(models)} thresholds",
                                 "give more time, or one --threshold")
            several = len(m.parameters) > 1
            options["time_limit"] = left / (len(models) - done) if several else left
        reports.append((m, regions(m, args.claim, **options)))
    if args.plot is not None:
        from ..region_plot import plot_regions

        plot_regions(reports[0][1], args.plot)
    if args.json:
        value = [r for _, r in reports] if args.threshold == "all" else reports[0][1]
        print(json.dumps(value, indent=1, ensure_ascii=False))
    elif args.latex:
        print("\n\n".join(regions_latex(m, r) for m, r in reports))
    else:
        for _, report in reports:
            print(report["statement"])
            print(f"  ({report['claim']}: {report['function']} {'>' if report['strict'] else '≥'} 0)")
    return 0


def add_parser(subparsers) -> None:
    regions = subparsers.add_parser("regions", help="parameter regions of a claim (docs/cli.md, regions)")
    regions.add_argument("model", help="a parametric sc-symbolic/mdp-1 JSON file")
    regions.add_argument("--claim", required=True,
                         help="misalignment, improvement, amplification, or an inequality such as \"J_plus - J >= 1/10\"")
    regions.add_argument("--threshold", metavar="T", help="the return threshold τ (exact number), or 'all'")
    regions.add_argument("--versus", metavar="T2", help="amplification: the second threshold τ′")
    regions.add_argument("--policy", metavar="FILE", help="a policy JSON file")
    regions.add_argument("--width", metavar="W", help="one parameter: refine isolating intervals to width ≤ W")
    regions.add_argument("--depth", metavar="D", type=int, help="several parameters: subdivision depth (default 8)")
    regions.add_argument("--time", metavar="S", help="one --time for the whole run (shared by the thresholds of --threshold all); several parameters: stop subdividing (the rest stays undecided); one parameter: refuse a run longer than S seconds (exact or nothing)")
    regions.add_argument("--json", action="store_true", help="the sc-symbolic/regions-1 report")
    regions.add_argument("--latex", action="store_true", help="the region as a LaTeX theorem statement")
    regions.add_argument("--plot", metavar="FILE", help="a region map (PNG) of one or two parameters")
    regions.set_defaults(run=run)
