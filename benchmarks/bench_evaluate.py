"""Exact evaluation on the PRISM exports: sc-symbolic vs a plain Fraction elimination vs Storm.

    python benchmarks/bench_evaluate.py [--models consensus_coin2_K2,...] [--skip-full]

Columns (process time, seconds, one run on this machine; ratios are what to compare):
  eval      V alone (sc_symbolic.evaluate.success_probability)
  check     the full `check`: analyse + every claim + the trusted kernel
  no-kernel `check --no-kernel`: analyse + every claim, without the kernel's re-verification
  fraction  a plain fractions.Fraction sparse Gaussian elimination of V (no SCCs)
  storm     Storm's exact engine in process: read the induced chain from DRN, build it
            exactly, check P=? [F "success"] (only when stormpy is installed)
  peak MB   peak resident memory of the `check` process (imports included); KB/state divides it by
            the number of states
  storm+    the same for the chain of π⁺ (from our analysis): V^{π⁺}, which `check` must
            also compute and print — its values are far wider than V's

and, first, `startup`: process time of `sc-symbolic check examples/gridworld.json` in a fresh
interpreter (the issue's goal: under 0.3 s).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO.parent / "shared" / "data" / "prism" / "exports"
DEFAULT = ["consensus_coin2_K2", "consensus_coin2_K4", "consensus_coin2_K8", "consensus_coin2_K16",
           "csma2_2", "csma2_4"]


def timed(function, *args):
    start = time.process_time()
    result = function(*args)
    return result, time.process_time() - start


def fraction_elimination(model):
    """The textbook baseline: Fraction Gaussian elimination over the states that can reach G."""
    from sc_symbolic.evaluate import policy_transitions, zero_set

    transitions = policy_transitions(model, model.policy)
    zeros = zero_set(model, transitions)
    unknowns = [s for s in model.nonterminal if s not in zeros]
    rows = {}
    for s in unknowns:
        row, b = {s: Fraction(1)}, Fraction(0)
        for t, p in transitions[s].items():
            p = Fraction(int(p.numerator), int(p.denominator))
            if t in model.success_states:
                b += p
            elif t not in zeros:
                row[t] = row.get(t, Fraction(0)) - p
        rows[s] = (row, b)
    for k in unknowns:
        row_k, b_k = rows[k]
        pivot = row_k[k]
        for i in unknowns:
            if i == k or k not in rows[i][0]:
                continue
            row_i, b_i = rows[i]
            factor = row_i.pop(k) / pivot
            for v, c in row_k.items():
                if v != k:
                    row_i[v] = row_i.get(v, Fraction(0)) - factor * c
            rows[i] = (row_i, b_i - factor * b_k)
    return {s: rows[s][1] / rows[s][0][s] for s in unknowns}


def write_drn(model, path):
    """The induced chain of the model's policy in Storm's explicit DRN format (exact rationals)."""
    from sc_symbolic.evaluate import policy_transitions

    transitions = policy_transitions(model, model.policy)
    index = {s: i for i, s in enumerate(model.states)}
    initial = [s for s in model.initial]
    lines = ["@type: DTMC", "@parameters", "", "@reward_models", "", "@nr_states", str(len(index)),
             "@nr_choices", str(len(index)), "@model"]
    for s, i in index.items():
        labels = (["init"] if s in initial else []) + (["success"] if s in model.success_states else [])
        lines.append(f"state {i} " + " ".join(labels))
        lines.append("\taction 0")
        row = transitions.get(s) or {s: 1}
        for t, p in row.items():
            lines.append(f"\t\t{index[t]} : {p}")
    Path(path).write_text("\n".join(lines) + "\n")


def storm_exact(drn_path):
    import stormpy

    model = stormpy.build_model_from_drn[stormpy.Rational](str(drn_path))
    prop = stormpy.parse_properties('P=? [F "success"]')[0]
    return stormpy.model_checking(model, prop, environment=stormpy.environments.exact(), only_initial_states=False)


def storm_seconds(drn_path, timeout: float) -> float:
    """Process time of ``storm_exact`` in a fresh interpreter, warm: the second of two runs (Storm's
    one-time set-up and imports excluded); nan past ``timeout``."""
    code = ("import sys, time; sys.path.insert(0, sys.argv[2]); from bench_evaluate import storm_exact; "
            "storm_exact(sys.argv[1]); t = time.process_time(); storm_exact(sys.argv[1]); "
            "print(time.process_time() - t)")
    try:
        out = subprocess.run([sys.executable, "-c", code, str(drn_path), str(Path(__file__).parent)],
                             capture_output=True, text=True, check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return float("nan")
    return float(out.stdout)


#: The child's own peak RSS in KB: VmHWM belongs to the process's memory since its exec, while ru_maxrss
#: keeps the high-water mark of the forked copy of this (large) benchmark process across exec.
_PEAK_KB = ("next((int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')), None) "
            "if sys.platform.startswith('linux') else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss")


def full_check_seconds(path, kernel: bool, timeout: float):
    """(process time, verified, peak RSS in MB) of `check` (analyse, every claim, the kernel unless
    ``kernel`` is false) in a fresh interpreter, with its imports; (nan, None, nan) past ``timeout`` seconds."""
    code = ("import resource,time,sys; t=time.process_time(); from sc_symbolic import load_model, check; "
            f"r,_=check(load_model(sys.argv[1]), kernel={kernel}); "
            "print(time.process_time()-t, r['verified'], " + _PEAK_KB + ")")
    try:
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return float("nan"), None, float("nan")
    seconds, verified, peak_kb = out.stdout.split()
    return float(seconds), verified == "True", int(peak_kb) / 1024


def startup_seconds(repeats: int = 5) -> float:
    """Least process time (user + sys) of a small `sc-symbolic check` in a fresh interpreter."""
    best = float("inf")
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "sc_symbolic.cli", "check", str(REPO / "examples" / "gridworld.json")],
                       capture_output=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(DEFAULT))
    parser.add_argument("--skip-full", action="store_true", help="skip the full check columns")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per full check (default 900)")
    args = parser.parse_args()
    from sc_symbolic.evaluate import policy_transitions, success_probability
    from sc_symbolic.model import load_model

    try:
        import stormpy  # noqa: F401
        have_storm = True
    except ImportError:
        have_storm = False
    print(f"startup: sc-symbolic check examples/gridworld.json takes {startup_seconds():.3f} s of process time")
    header = (f"{'model':<22}{'states':>7}{'eval':>9}{'check':>9}{'no-kernel':>10}{'fraction':>10}{'storm':>9}{'storm+':>9}"
              f"{'check/storm':>12}{'check/(storm+storm+)':>21}{'check/eval':>11}{'peak MB':>9}{'KB/state':>9}")
    print(header)
    print("-" * len(header))
    for name in args.models.split(","):
        path = EXPORTS / f"{name}.json"
        if not path.exists():
            print(f"{name:<22} (absent)")
            continue
        model = load_model(path)
        V, t_eval = timed(lambda m: success_probability(m, m.policy, policy_transitions(m, m.policy)), model)
        baseline, t_fraction = timed(fraction_elimination, model)
        assert all(baseline[s] == V[s] for s in baseline), "baseline disagrees"
        skipped = (float("nan"), None, float("nan"))
        t_check, verified, peak = skipped if args.skip_full else full_check_seconds(path, True, args.timeout)
        t_bare, _, _ = skipped if args.skip_full else full_check_seconds(path, False, args.timeout)
        t_storm = t_storm_plus = float("nan")
        if have_storm:
            from sc_symbolic.analysis import analyse

            plus = dataclasses.replace(model, policy=analyse(model).executed)
            with tempfile.TemporaryDirectory() as tmp:
                drn, drn_plus = Path(tmp) / "chain.drn", Path(tmp) / "chain_plus.drn"
                write_drn(model, drn)
                write_drn(plus, drn_plus)
                t_storm = storm_seconds(drn, args.timeout)
                t_storm_plus = storm_seconds(drn_plus, args.timeout)
        print(f"{name:<22}{len(model.states):>7}{t_eval:>9.3f}{t_check:>9.3f}{t_bare:>10.3f}{t_fraction:>10.3f}{t_storm:>9.3f}"
              f"{t_storm_plus:>9.3f}{t_check / t_storm:>12.1f}{t_check / (t_storm + t_storm_plus):>21.2f}"
              f"{t_check / t_eval:>11.1f}{peak:>9.1f}{peak * 1024 / len(model.states):>9.1f}" + ("" if verified in (None, True) else "  NOT VERIFIED"))


if __name__ == "__main__":
    main()
