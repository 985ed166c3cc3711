"""Timing of `sc-symbolic prove` (sc_symbolic.symbolic) for a state with N = 2..8 actions.

    python benchmarks/bench_symbolic.py [--max-actions 8] [--repeat 3]

Columns (seconds, best of --repeat cold runs on this machine; cpu = process time,
wall = elapsed, which on a loaded machine is larger):
  identity      prove_identity(N): build and check every step (R = χ² = I)
  trust-region  prove_trust_region(N): Cauchy–Schwarz + KKT + convexity + exact gap
  steps         steps of each proof (instances: counting each value of a free index)
Each run starts cold: the evaluator cache of sc_symbolic.symbolic.reduction and
sympy's cache are cleared first.  The goal is under 2 s per proof for N ≤ 8.
"""

from __future__ import annotations

import argparse
import time

import sympy

from sc_symbolic.symbolic import PROOFS
from sc_symbolic.symbolic import reduction
from sc_symbolic.symbolic.general import general_verified, prove_general_identity
from sc_symbolic.symbolic.general_trust_region import prove_general_trust_region, trust_region_verified


def cold_run(name: str, n: int):
    reduction._EVALUATORS.clear()
    reduction._SYMBOLS.clear()
    sympy.core.cache.clear_cache()
    cpu, wall = time.process_time(), time.perf_counter()
    derivation = PROOFS[name](n)
    return derivation, (time.process_time() - cpu, time.perf_counter() - wall)


def best_cold(prove, repeat: int):
    """(result, (cpu, wall)) of ``prove()``: the best of ``repeat`` runs, each with SymPy's cache cleared."""
    times = []
    for _ in range(repeat):
        sympy.core.cache.clear_cache()
        cpu, wall = time.process_time(), time.perf_counter()
        result = prove()
        times.append((time.process_time() - cpu, time.perf_counter() - wall))
    return result, (min(t[0] for t in times), min(t[1] for t in times))


def instances(derivation) -> int:
    total = 0
    for step in derivation.steps:
        count = 1
        for _, lo, hi in step.index:
            count *= hi - lo + 1
        total += count
    return total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-actions", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    names = ["identity", "trust-region"]
    print(f"{'N':>3}  {'identity cpu/wall s':>20}  {'trust-region cpu/wall s':>24}  {'steps (instances)':>20}  verified")
    ok = True
    for n in range(2, args.max_actions + 1):
        best, shape, verified = {}, [], []
        for name in names:
            times = []
            for _ in range(args.repeat):
                derivation, seconds = cold_run(name, n)
                times.append(seconds)
            best[name] = f"{min(t[0] for t in times):.3f} / {min(t[1] for t in times):.3f}"
            shape.append(f"{len(derivation.steps)} ({instances(derivation)})")
            verified.append(derivation.verified)
        ok = ok and all(verified)
        print(
            f"{n:>3}  {best['identity']:>20}  {best['trust-region']:>24}  {' / '.join(shape):>20}  "
            f"{'yes' if all(verified) else 'NO'}"
        )
    for label, prove, verified in (("identity over Σ_(k=1..n)", prove_general_identity, general_verified),
                                   ("trust region over Σ_(k=1..n)", prove_general_trust_region,
                                    trust_region_verified)):
        proof, (cpu, wall) = best_cold(prove, args.repeat)
        print(f"  n  {label}: {cpu:.3f} / {wall:.3f} s cpu/wall, {len(proof.steps)} steps, "
              f"{'verified' if verified(proof) else 'NOT verified'}")
        ok = ok and verified(proof)
    from sc_symbolic.symbolic.matrix import PROOFS as MATRIX_PROOFS
    from sc_symbolic.symbolic.matrix import theorem_verified

    for name, prove in MATRIX_PROOFS.items():
        theorem, (cpu, wall) = best_cold(prove, 1)
        verified = theorem_verified(theorem)
        print(f"  matrix form, {name}: {cpu:.3f} / {wall:.3f} s cpu/wall, "
              f"{len(theorem.steps)} checked steps + {len(theorem.lemmas)} lemmas, "
              f"{'verified' if verified else 'NOT verified'}")
        ok = ok and verified
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
