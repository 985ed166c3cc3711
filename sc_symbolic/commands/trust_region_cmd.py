"""CLI layer — ``sc-symbolic trust-region``: the χ² trust-region optimum at one state and radius (docs/math.md §4).

    sc-symbolic trust-region MODEL --state S --radius δ [--json] [--plot FILE.png] [--policy FILE]

Prints the exact optimum p, its value, the threshold ν and the KKT
multipliers (exact SymPy expression strings; floats only as a "≈" column
from ``display``).  Exit 0 when the certificate verifies exactly, 1 when it
does not, 2 on invalid input.  Imports nothing heavy at module import time.
"""

from __future__ import annotations

import json

from . import writing


def add_parser(subparsers) -> None:
    """Register ``trust-region`` on an argparse sub-parser collection."""
    parser = subparsers.add_parser(
        "trust-region",
        help="the exact optimum of max Σ pQ s.t. χ²(p‖π) ≤ δ at one state, with its KKT certificate")
    parser.add_argument("model", help="a sc-symbolic/mdp-1 JSON file")
    parser.add_argument("--state", required=True, help="an analysed non-terminal state (e.g. s0, s0|t=0, s0|G=0)")
    parser.add_argument("--radius", required=True, metavar="DELTA",
                        help="the radius δ ≥ 0, exact (\"1/4\", \"0.25\")")
    parser.add_argument("--policy", help="a policy file (bare policy or {\"policy\": ...}) overriding the model's")
    parser.add_argument("--set", action="append", metavar="NAME=VALUE",
                        help="for a parametric model: the exact point to analyse (repeat for every parameter)")
    parser.add_argument("--json", action="store_true", help="print one JSON object with exact expression strings")
    parser.add_argument("--curve", action="store_true",
                        help='with --json, add "curve": the optimal value δ ↦ max as exact pieces (the text output always shows it)')
    parser.add_argument("--plot", metavar="FILE.png", help="draw the value curve δ ↦ max value, π⁺ marked")
    parser.set_defaults(run=run_trust_region)


def _state_quantities(analysis, state: str):
    from ..errors import ModelError

    known = list(analysis.model.nonterminal)
    if state not in known:
        shown = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
        raise ModelError("--state", f"{state!r} is not a non-terminal state of the analysed model",
                         f"known states: {shown}")
    return analysis.policy[state], analysis.Q[state]


def optimum_to_json(optimum) -> dict:
    """The JSON object of the command: exact SymPy expression strings, null where undefined."""
    def text(x):
        return None if x is None else str(x)

    multipliers = None
    if optimum.multipliers is not None:
        multipliers = {"mu": text(optimum.multipliers["mu"]), "nu": text(optimum.multipliers["nu"]),
                       "kappa": {str(a): text(k) for a, k in optimum.multipliers["kappa"].items()}}
    return {"policy": {str(a): text(p) for a, p in optimum.policy.items()}, "value": text(optimum.value),
            "nu": text(optimum.nu), "active": [str(a) for a in optimum.active],
            "multipliers": multipliers, "verified": bool(optimum.verified)}


def curve_to_json(pieces) -> list:
    """The optimal-value curve as ``[{"from", "to", "value", "active"}]``: on [from, to) (``to`` null = ∞)
    the optimum is ``value``, an exact expression in ``delta``."""
    from ..exact import rational_to_str

    return [{"from": rational_to_str(piece.lower), "to": None if piece.upper is None else rational_to_str(piece.upper),
             "value": str(piece.expression()), "active": [str(a) for a in piece.active]} for piece in pieces]


def _render_text(optimum, state: str, model_name: str) -> str:
    from ..display import as_float
    from ..exact import rational_to_str

    rows = [("action", "pi", "Q", "p (exact)", "p ≈")]
    for a in optimum.pi:
        rows.append((str(a), rational_to_str(optimum.pi[a]), rational_to_str(optimum.Q[a]),
                     str(optimum.policy[a]), f"{as_float(optimum.policy[a]):.6g}"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [f"trust region at state {state} of {model_name}: radius δ = {rational_to_str(optimum.radius)}"
             f" ({optimum.regime})"]
    lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"value  = {optimum.value}  ≈ {as_float(optimum.value):.6g}")
    lines.append(f"nu     = {'undefined (δ = 0)' if optimum.nu is None else optimum.nu}")
    lines.append(f"active = {', '.join(map(str, optimum.active))}")
    if optimum.multipliers is None:
        lines.append("multipliers: none (δ = 0: the feasible set is {π})")
    else:
        kappa = ", ".join(f"{a}: {k}" for a, k in optimum.multipliers["kappa"].items())
        lines.append(f"multipliers: mu = {optimum.multipliers['mu']}, nu = {optimum.multipliers['nu']}, "
                     f"kappa = {{{kappa}}}")
    if optimum.verified and optimum.multipliers is None:
        lines.append("certificate: verified exactly (χ²(p‖π) = 0 forces p = π on the support of π)")
    elif optimum.verified:
        lines.append("certificate: verified exactly (KKT: stationarity, feasibility, slackness)")
    else:
        lines.append("certificate: NOT verified:")
        lines += [f"  {relation}: {lhs} vs {rhs}" for relation, lhs, rhs in optimum.violations]
    return "\n".join(lines)


def run_trust_region(args) -> int:
    """Handler of ``sc-symbolic trust-region``: prints, returns 0 (verified) or 1."""
    from ..analysis import analyse
    from ..errors import ModelError, UnsupportedModelError
    from ..exact import parse_number
    from ..model import load_model_file, parse_settings
    from ..optimum import trust_region_optimum, value_curve

    if args.plot:
        from ..display import matplotlib_canvas

        matplotlib_canvas()  # without matplotlib: the install hint before any work
    radius = parse_number(args.radius, "--radius")
    if radius < 0:
        raise ModelError("--radius", f"{args.radius} is negative", "the trust-region radius δ must be ≥ 0")
    model = load_model_file(args.model, args.policy)
    if args.set:
        model = model.substitute(parse_settings(args.set))
    if model.domain.parametric:
        example = " ".join(f"--set {name}=VALUE" for name in model.domain.symbols)
        raise UnsupportedModelError(
            f"model {model.name!r} has parameters ({', '.join(model.domain.symbols)}); trust-region needs a "
            f"numeric model: give an exact point with {example}")
    analysis = analyse(model)
    pi, Q = _state_quantities(analysis, args.state)
    optimum = trust_region_optimum(pi, Q, radius)
    pieces = value_curve(pi, Q)
    if args.plot:
        from ..display import plot_value_curve

        marker = None
        if args.state in analysis.positive:
            marker = (analysis.I[args.state],
                      sum((analysis.pi_plus[args.state][a] * Q[a] for a in Q), model.domain.zero))
        with writing("--plot", args.plot):
            plot_value_curve(pieces, marker=marker, path=args.plot,
                             title=f"{model.name}: state {args.state}")
    curve = curve_to_json(pieces)
    if args.json:
        result = optimum_to_json(optimum)
        if args.curve:
            result["curve"] = curve
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        print(_render_text(optimum, args.state, model.name))
        print("value curve δ ↦ max Σ pQ s.t. χ²(p‖π) ≤ δ:")
        for piece in curve:
            upper = "∞" if piece["to"] is None else piece["to"]
            print(f"  δ ∈ [{piece['from']}, {upper}): {piece['value']}   (active: {', '.join(piece['active'])})")
    return 0 if optimum.verified else 1
