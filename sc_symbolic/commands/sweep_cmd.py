"""CLI layer — ``sc-symbolic sweep``: the return-threshold amplification sweep (docs/math.md §6).

    sc-symbolic sweep MODEL [--thresholds T1,T2,...] [--json] [--plot FILE.png]
                            [--policy FILE] [--max-return-states N] [--max-thresholds N]

Per τ: P(G ≥ τ) under π and π⁺_τ, E[G] under both, the action-influence at ρ
and its η-weighted mean, χ² at ρ; rows where E[G] drops are marked
"↓ misaligned".  Exit 0; 2 on bad input.  Imports nothing heavy at import
time (matplotlib only inside the handler, when ``--plot`` is given).
"""

from __future__ import annotations

from . import decimal_digits, writing

MARK = "↓ misaligned"
COLUMNS = (("τ", "tau"), ("P_π(G≥τ)", "probability"), ("P_π⁺(G≥τ)", "probability_plus"),
           ("E_π[G]", "expected_return"), ("E_π⁺[G]", "expected_return_plus"),
           ("I(ρ)", "influence_initial"), ("η-mean I", "influence_mean"), ("χ²(ρ)", "chi2_initial"))

MISSING = {"expected_return": "∞", "expected_return_plus": "∞"}
LEGEND = {"∞": "E[G] is infinite (a reachable closed class of states carries a reward)",
          "undefined": "no state with V > 0 to average over (P(G≥τ) = 0 there, so π⁺ is undefined)"}


def parse_thresholds(text: str) -> list:
    """``"1,3/2,-2"`` → exact Rationals; ModelError naming the bad entry otherwise.

    >>> [str(t) for t in parse_thresholds("1, 3/2,-0.5")]
    ['1', '3/2', '-1/2']
    """
    from ..errors import ModelError
    from ..thresholds import threshold_value

    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in items):
        raise ModelError("--thresholds", f"{text!r} has an empty entry",
                         "give comma-separated exact numbers such as 1,3/2,0.5")
    return [threshold_value(item, f"--thresholds[{i}]") for i, item in enumerate(items)]


def render_table(rows, name: str = "", decimal: int | None = None) -> str:
    """The sweep as a text table of exact values (parametric ones in paper form); misaligned rows end with
    "↓ misaligned".  ``decimal``: digits of the ``≈`` shown beside values longer than a screen line."""
    from ..decimals import beside
    from ..pretty import paper_text

    domain = rows[0].domain if rows else None
    parameters = domain.symbols if domain is not None and domain.parametric else ()
    table = [[header for header, _ in COLUMNS] + [""]]
    used = set()
    for row in rows:
        data = row.to_dict()
        cells = [MISSING.get(key, "undefined") if data[key] is None else beside(paper_text(data[key], parameters), decimal)
                 for _, key in COLUMNS]
        used.update(cell for cell in cells if cell in LEGEND)
        table.append(cells + [MARK if row.misaligned else ""])
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = [f"amplification sweep: {name}" if name else "amplification sweep"]
    for line in table:
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(line, widths)) + "  " + line[-1])
    lines += [f"{cell}: {LEGEND[cell]}" for cell in sorted(used)]
    bad = [row.to_dict()["tau"] for row in rows if row.misaligned]
    lines.append(f"misaligned thresholds (E[G] drops): {', '.join(bad)}" if bad else
                 "no threshold lowers E[G]")
    if rows and rows[0].domain is not None and rows[0].domain.parametric:
        lines.append("parametric model: values are exact in the parameters; \"misaligned\" means E[G] drops "
                     "at some exact sample point of the parameter box")
    return "\n".join(line.rstrip() for line in lines)


def run(args) -> int:
    import json

    from ..errors import ModelError
    from ..model import load_model_file
    from ..thresholds import amplification_sweep

    if args.max_return_states is not None and args.max_return_states < 1:
        raise ModelError("--max-return-states", f"{args.max_return_states}", "a positive integer")
    if args.plot:
        from ..display import matplotlib_canvas

        matplotlib_canvas()  # without matplotlib: the install hint before any work
    thresholds = parse_thresholds(args.thresholds) if args.thresholds is not None else None
    model = load_model_file(args.model, args.policy)
    if args.max_thresholds < 1:
        raise ModelError("--max-thresholds", f"{args.max_thresholds}", "a positive integer")
    rows = amplification_sweep(model, thresholds, args.max_return_states, args.max_thresholds)
    if args.plot:
        from ..plots import plot_sweep
        from ..thresholds import achievable_returns

        achievable = achievable_returns(model, args.max_return_states)
        with writing("--plot", args.plot):
            plot_sweep(rows, args.plot, title=model.name, achievable=achievable)
    if args.json:
        print(json.dumps([row.to_dict() for row in rows], indent=1, ensure_ascii=False))
    else:
        print(render_table(rows, model.name, args.decimal))
    return 0


def add_parser(subparsers) -> None:
    sweep = subparsers.add_parser("sweep", help="amplification sweep over return thresholds τ (docs/math.md §6)")
    sweep.add_argument("model", help="a sc-symbolic/mdp-1 JSON file with rewards")
    sweep.add_argument("--thresholds", metavar="T1,T2,...",
                       help="comma-separated exact thresholds (default: every achievable return); "
                            "write --thresholds=-1,2 when the first one is negative")
    sweep.add_argument("--json", action="store_true", help="print a JSON list of rows (exact strings)")
    sweep.add_argument("--plot", metavar="FILE.png", help="plot P(G≥τ), E[G] and I against τ into FILE.png")
    sweep.add_argument("--policy", help="a policy file (bare policy or {\"policy\": ...}) overriding the model's")
    sweep.add_argument("--max-return-states", type=int, default=None, metavar="N",
                       help="bound on the number of return-augmented states")
    sweep.add_argument("--max-thresholds", type=int, default=256, metavar="N",
                       help="refuse to analyse more than N thresholds (default 256; each is one full analysis)")
    sweep.add_argument("--decimal", type=decimal_digits, default=None, metavar="N",
                       help="show ≈ an N-digit decimal beside exact values longer than a screen line "
                            "(text only; --json stays exact)")
    sweep.set_defaults(run=run)
