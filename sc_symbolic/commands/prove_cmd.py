"""CLI layer — ``sc-symbolic prove CLAIM --actions N [--latex | --json]``.

Prints the machine-checked derivation of ``sc_symbolic.symbolic`` (text, a LaTeX
``align`` block, or JSON) and returns 0 when every step holds, 1 otherwise.  An
``--actions`` outside the supported range raises ModelError (exit 2).  SymPy is
imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json

CLAIMS = ("identity", "trust-region", "improvement", "performance-difference", "iteration")
#: MDP-level theorems in matrix form (symbolic/matrix.py): no --actions
MATRIX_CLAIMS = ("improvement", "performance-difference", "iteration")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``prove`` on an ``argparse`` subparsers object and return its parser."""
    parser = subparsers.add_parser(
        "prove",
        help="machine-check a general-state derivation (R = χ² = I, the χ² trust region)",
        description=("Check, exactly, a derivation of CLAIM for one state with N actions: every step is "
                     "reduced to 0 over the rationals. Exit status 0 when every step holds, 1 otherwise."),
    )
    parser.add_argument("claim", choices=CLAIMS, help="the claim to prove")
    parser.add_argument("--actions", type=_actions, default=None, metavar="N",
                        help="number of actions of the state: 2..12, or n for every n ≥ 2 at once "
                             "(indexed sums); required for identity and trust-region, not used by the "
                             "MDP-level claims improvement, performance-difference, iteration (matrix form)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--latex", action="store_true", help="print an align block for a paper")
    output.add_argument("--json", action="store_true", help="print the derivation as JSON")
    parser.set_defaults(run=run)
    return parser


def _actions(text: str):
    """``--actions``: an integer (its range is checked by the proof) or the symbol ``n``."""
    if text.strip() == "n":
        return "n"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is neither an integer nor the symbol n") from None


def run(args: argparse.Namespace) -> int:
    """Prove ``args.claim`` for ``args.actions`` actions, print it, return the exit status."""
    from ..symbolic import PROOFS, to_dict, to_latex, to_text

    from ..errors import ModelError

    if args.claim in MATRIX_CLAIMS:
        if args.actions is not None:
            raise ModelError("--actions", f"{args.actions} with claim {args.claim!r}",
                             "the MDP-level theorems hold for every finite MDP: give no --actions")
        return _run_matrix(args)
    if args.actions is None:
        raise ModelError("--actions", "missing", f"prove {args.claim} needs --actions N (2..12) or --actions n")
    if args.actions == "n":
        return _run_general(args)
    derivation = PROOFS[args.claim](args.actions)
    return _emit(args, derivation, to_dict, to_latex, to_text, derivation.verified)


def _emit(args: argparse.Namespace, proof, to_dict, to_latex, to_text, verified: bool) -> int:
    """Print ``proof`` as JSON, LaTeX or text (as the options ask) and return the exit status."""
    if getattr(args, "json", False):
        print(json.dumps(to_dict(proof), ensure_ascii=False, indent=2))
    elif getattr(args, "latex", False):
        print(to_latex(proof))
    else:
        print(to_text(proof))
    return 0 if verified else 1


def _run_general(args: argparse.Namespace) -> int:
    """``--actions n``: the derivation over indexed sums (``symbolic.general``)."""
    from ..symbolic.general import (general_to_dict, general_to_latex, general_to_text, general_verified,
                                    prove_general_identity)

    if args.claim == "trust-region":
        from ..symbolic.general_trust_region import (prove_general_trust_region, trust_region_to_dict,
                                                     trust_region_to_latex, trust_region_to_text,
                                                     trust_region_verified)

        proof = prove_general_trust_region()
        return _emit(args, proof, trust_region_to_dict, trust_region_to_latex, trust_region_to_text,
                     trust_region_verified(proof))
    proof = prove_general_identity()
    return _emit(args, proof, general_to_dict, general_to_latex, general_to_text, general_verified(proof))


def _run_matrix(args: argparse.Namespace) -> int:
    """``prove improvement|performance-difference|iteration``: matrix form (``symbolic.matrix``)."""
    from ..symbolic.matrix import PROOFS as MATRIX_PROOFS
    from ..symbolic.matrix import theorem_to_dict, theorem_to_latex, theorem_to_text, theorem_verified

    theorem = MATRIX_PROOFS[args.claim]()
    return _emit(args, theorem, theorem_to_dict, theorem_to_latex, theorem_to_text, theorem_verified(theorem))
