"""CLI layer — ``sc-symbolic regions``: exact parameter regions of a claim (docs/cli.md, regions).

    sc-symbolic regions MODEL --claim misalignment|improvement [--threshold T] [--policy F] [--json]

Prints the region as a theorem ("misaligned at τ = 1 iff 1/4 < q < 1") or the
``sc-symbolic/regions-1`` report.  Exit 0; 2 on bad input.
"""

from __future__ import annotations


def run(args) -> int:
    import json

    from ..model import load_model_file
    from ..regions import regions

    model = load_model_file(args.model, args.policy, args.threshold)
    report = regions(model, args.claim)
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        print(report["statement"])
        print(f"  ({report['claim']}: {report['function']} {'>' if report['strict'] else '≥'} 0)")
    return 0


def add_parser(subparsers) -> None:
    regions = subparsers.add_parser("regions", help="exact parameter regions of a claim (docs/cli.md, regions)")
    regions.add_argument("model", help="a parametric sc-symbolic/mdp-1 JSON file")
    regions.add_argument("--claim", required=True, help="misalignment or improvement")
    regions.add_argument("--threshold", metavar="T", help="the return threshold τ (exact number)")
    regions.add_argument("--policy", metavar="FILE", help="a policy JSON file")
    regions.add_argument("--json", action="store_true", help="the sc-symbolic/regions-1 report")
    regions.set_defaults(run=run)
