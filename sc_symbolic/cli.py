"""Command line — the only layer that prints or sets exit statuses.

Usage::

    sc-symbolic check MODEL [--policy FILE] [--json | --latex [--standalone]] [--set NAME=VALUE ...]
                            [--iterate K] [--threshold T]
                            [--max-return-states N] [--certificate FILE] [--no-kernel]
    sc-symbolic verify MODEL CERTIFICATE [--policy FILE] [--threshold T] [--json]
    sc-symbolic prove identity|trust-region --actions N [--latex | --json]
    sc-symbolic trust-region MODEL --state S --radius δ [--set NAME=VALUE ...] [--json] [--plot FILE]
    sc-symbolic sweep MODEL [--thresholds T1,T2,...] [--json] [--plot FILE]
    sc-symbolic regions MODEL --claim CLAIM [--threshold T|all] [--depth D|--time S] [--json|--latex] [--plot F]
    sc-symbolic search PROPERTY [bounds] --method random|exhaustive|hypothesis|smt --out DIR [--json]
    sc-symbolic import prism|gym|trajectories|minari ... -o MODEL.json;  sc-symbolic export prism MODEL.json

Exit status: 0 every claim holds exactly, 1 some claim fails (the report
names it with the exact witness), 2 invalid input (one line on stderr).
Heavy imports (SymPy, matplotlib, stormpy) happen only on the paths that need them.
"""

from __future__ import annotations

import argparse
import json
import sys

from .commands import decimal_digits
from .errors import ScError


def _load(args):
    from .model import load_model_file, parse_settings

    model = load_model_file(args.model, args.policy, args.threshold)
    return model.substitute(parse_settings(args.set)) if args.set else model


def cmd_check(args) -> int:
    from .analysis import analyse, iterate
    from .checks import check_iteration, decide
    from .report import build_certificate, checked_report, render_table

    model = _load(args)
    analysis = analyse(model, args.max_return_states)
    iterations = iterate(model, args.iterate, args.max_return_states) if args.iterate else None
    extra = None
    if iterations is not None:
        extra = {"iteration": decide(analysis, "iteration", check_iteration, [J for J, _ in iterations])}
    report, _ = checked_report(analysis, iterations, extra, kernel=not args.no_kernel)
    if model.threshold is not None:
        from .thresholds import markov_variant

        report["markov_variant"] = markov_variant(model, analysis=analysis).to_dict()
        if not model.has_rewards:
            report.setdefault("notes", []).append("no outcome carries a reward: every return is 0, so every "
                                                  "episode that terminates succeeds iff 0 >= tau")
    if args.certificate:
        from .output import write_text

        write_text(args.certificate, json.dumps(build_certificate(analysis, report), indent=1), "--certificate")
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
    elif args.latex:
        from .latex import report_table, standalone_document

        table = report_table(report)
        print(standalone_document(table) if args.standalone else table, end="" if args.standalone else "\n")
    else:
        print(render_table(report, args.decimal))
    return 0 if report["verified"] else 1


def cmd_verify(args) -> int:
    from .kernel import verify_files
    from .model import load_model_file

    load_model_file(args.model, args.policy, threshold=args.threshold)  # invalid input: exit 2
    result = verify_files(args.model, args.certificate, args.threshold, args.policy)
    if result.unreadable:
        print(f"error: {capped(result.failures[0])}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"ok": result.ok, "failures": result.failures}, indent=1, ensure_ascii=False))
    else:
        print("certificate re-verified by the kernel" if result.ok else "certificate REFUSED:")
        for failure in result.failures:
            print("  " + failure)
    return 0 if result.ok else 1


MAX_ITERATIONS = 1_000

#: Sub-command modules and the commands each registers.
SUBCOMMAND_MODULES = {".commands.prove_cmd": ("prove",), ".commands.trust_region_cmd": ("trust-region",),
                      ".commands.sweep_cmd": ("sweep",), ".commands.search_cmd": ("search",),
                      ".commands.io_cmd": ("import", "export"),
                      ".commands.regions_cmd": ("regions",)}


def _unavailable(command: str, reason: str):
    def run(args) -> int:
        print(f"error: sub-command {command!r} is unavailable here: {reason}", file=sys.stderr)
        return 2

    return run


def _add_subcommands(sub) -> None:
    """Register every sub-command module; one that fails to import only disables its own commands."""
    import importlib

    for name, commands in SUBCOMMAND_MODULES.items():
        try:
            module = importlib.import_module(name, __package__)
        except ImportError as exc:
            for command in commands:
                stub = sub.add_parser(command, help=f"(unavailable: {exc})", add_help=False)
                stub.add_argument("rest", nargs=argparse.REMAINDER)
                stub.set_defaults(run=_unavailable(command, f"{type(exc).__name__}: {exc}"))
            continue
        module.add_parser(sub)


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line of stderr (exit 2), like every other invalid input."""

    def error(self, message):
        self.exit(2, f"error: {self.prog}: {capped(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sc-symbolic", description="Exact proof checker for success conditioning.")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="verify every claim of docs/math.md §3–§5 on a model, exactly")
    check.add_argument("model", help="a sc-symbolic/mdp-1 JSON file")
    check.add_argument("--policy", help="a policy file (bare policy or {\"policy\": ...}) overriding the model's")
    output = check.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the sc-symbolic/report-1 JSON object")
    check.add_argument("--decimal", type=decimal_digits, default=None, metavar="N",
                       help="show ≈ an N-digit decimal beside exact values longer than a screen line "
                            "(text table only; --json and --latex stay exact)")
    output.add_argument("--latex", action="store_true",
                        help="print a LaTeX table of V, π, π⁺, R, χ², I (needs amsmath and booktabs)")
    check.add_argument("--standalone", action="store_true",
                       help="with --latex: print a complete LaTeX document, not a fragment")
    check.add_argument("--set", action="append", metavar="NAME=VALUE",
                       help="analyse a parametric model at an exact point (repeat for every parameter; "
                            "values strictly inside the box)")
    check.add_argument("--iterate", type=int, default=0, metavar="K", help="apply success conditioning K times, report J")
    check.add_argument("--threshold", metavar="T",
                       help="success = return ≥ T (overrides the model's success; a negative T as --threshold=-1/2)")
    check.add_argument("--max-return-states", type=int, default=None, metavar="N",
                       help="bound on the number of time-indexed / return-augmented states")
    check.add_argument("--certificate", metavar="FILE", help="write a self-contained certificate to FILE")
    check.add_argument("--no-kernel", action="store_true", help="skip the trusted kernel's re-verification")
    check.set_defaults(run=cmd_check)

    verify = sub.add_parser("verify", help="re-verify a certificate with the trusted kernel")
    verify.add_argument("model", help="the sc-symbolic/mdp-1 file the certificate claims to be about")
    verify.add_argument("certificate", help="a certificate written by check --certificate")
    verify.add_argument("--policy", help="the policy file (or uniform) given to check --policy, if any; "
                                         "without it the certificate's policy must be the model file's")
    verify.add_argument("--threshold", metavar="T",
                        help="success = return ≥ T, as given to check --threshold when the certificate was made")
    verify.add_argument("--json", action="store_true", help='print {"ok": ..., "failures": [...]}')
    verify.set_defaults(run=cmd_verify)

    _add_subcommands(sub)
    return parser


#: Characters of an error message shown on its one line; the rest is summarised by its length.
MAX_ERROR_CHARS = 1_000


def capped(message: str) -> str:
    """``message`` on one readable line: at most MAX_ERROR_CHARS characters, then its total size.

    >>> capped("x" * 5)
    'xxxxx'
    >>> len(capped("y" * 100_000)) < 1_100
    True
    """
    message = message.replace("\n", " ").replace("\r", " ")
    if len(message) <= MAX_ERROR_CHARS:
        return message
    return f"{message[:MAX_ERROR_CHARS]}… (message cut: {len(message):,} characters in all)"


def _silence_stdout() -> None:
    """If standard output cannot take its buffered text (a full disk, a closed pipe), point it at
    /dev/null, so that the interpreter's final flush does not print a second message after ours."""
    import os

    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        if not 0 <= args.iterate <= MAX_ITERATIONS:
            parser.error(f"--iterate takes an integer in [0, {MAX_ITERATIONS}]")
        if args.max_return_states is not None and args.max_return_states < 1:
            parser.error("--max-return-states takes a positive integer")
        if args.standalone and not args.latex:
            parser.error("--standalone only goes with --latex")
    try:
        status = args.run(args)
        sys.stdout.flush()  # a full disk or a closed pipe is reported here, not at interpreter exit
        return status
    except ScError as exc:
        print(f"error: {capped(str(exc))}", file=sys.stderr)
        return 2
    except (RecursionError, MemoryError) as exc:
        print(f"error: input too large or too deeply nested ({type(exc).__name__})", file=sys.stderr)
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:  # Ctrl-C: one line and the shell's status for SIGINT, no traceback
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # the environment, not the model: a full disk, an unreadable device, the network
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else " (standard output or a file)"
        print(f"error: input/output failed{where}: {exc.strerror or exc}", file=sys.stderr)
        _silence_stdout()
        return 2
    except Exception as exc:  # never a traceback: report an internal error in one line
        print(f"internal error: {type(exc).__name__}: {capped(str(exc))} (please report this model)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
