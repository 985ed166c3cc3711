"""Benchmark: PRISM import + full exact check vs Storm's exact engine alone.

    python benchmarks/bench_import.py [--all] [--repeat N]

Per PRISM model (uniform policy): the time to import it (Storm's exact build
plus conversion to mdp-1, ``import_prism``), the time of the full exact check
(``load_model`` + ``analyse`` + ``run_checks``), and the time Storm's exact
engine alone needs for the same values (parse + exact build + exact
``P=? [F "success"]`` of the policy-induced DTMC that ``to_prism`` exports).
The ratio is (import + check) / Storm.  ``--all`` adds the larger models
(coin4 K=2 has 11,245 reachable states and takes many minutes to check).
Also prints whether J agrees exactly with Storm.  Wall-clock times, best of N.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

COIN = '"finished" & "all_coins_equal_1"'
CASES = [
    ("coin2 K=2", "coin2.nm", {"K": 2}, COIN, None),
    ("coin2 K=4", "coin2.nm", {"K": 4}, COIN, None),
    ("coin2 K=8", "coin2.nm", {"K": 8}, COIN, None),
    ("csma2_2", "csma2_2.nm", {}, "all_delivered", "collision_max_backoff"),
    ("firewire_abst delay=3", "firewire_abst.nm", {"delay": 3}, "done", None),
    ("wlan0 COL=2 (col=2)", "wlan0.nm", {"COL": 2}, "col=2", None),
]
LARGE = [
    ("coin2 K=16", "coin2.nm", {"K": 16}, COIN, None),
    ("wlan0 COL=2 (sent)", "wlan0.nm", {"COL": 2}, "s1=12 & s2=12", None),
    ("csma2_4", "csma2_4.nm", {}, "all_delivered", "collision_max_backoff"),
    ("coin4 K=2", "coin4.nm", {"K": 2}, COIN, None),
]


def find_prism_dir() -> Path:
    here = Path(__file__).resolve()
    for base in [here.parent, *here.parents]:
        candidate = base / "shared" / "data" / "prism"
        if candidate.is_dir():
            return candidate
    raise SystemExit("shared/data/prism not found beside the repository")


def best_of(repeat, function):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, value


def storm_alone(stormpy, text: str, workdir: Path):
    """Storm's exact J on the induced DTMC: parse + build + check (the whole Storm pipeline)."""
    path = workdir / "induced.nm"
    path.write_text(text)
    program = stormpy.parse_prism_program(str(path))
    chain = stormpy.build_model[stormpy.Rational](program)
    prop = stormpy.parse_properties('P=? [F "success"]', program)[0]
    result = stormpy.model_checking(chain, prop, environment=stormpy.environments.exact())
    return str(result.get_value(next(iter(chain.initial_states))))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="also the large models (slow)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        import stormpy
    except ImportError:
        print("stormpy is not installed: nothing to benchmark", file=sys.stderr)
        return 0
    from sc_symbolic.analysis import analyse
    from sc_symbolic.checks import run_checks
    from sc_symbolic.exact import rational_to_str
    from sc_symbolic.exporters.prism import to_prism
    from sc_symbolic.importers.prism import import_prism
    from sc_symbolic.model import load_model

    prism = find_prism_dir()
    header = (f"{'model':24} {'states':>7} {'nonterm':>7} {'import s':>9} {'check s':>9} "
              f"{'storm s':>9} {'ratio':>7}  J = Storm  verified")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for label, file, constants, success, avoid in CASES + (LARGE if args.all else []):
            t_import, data = best_of(args.repeat, lambda: import_prism(prism / file, constants, success, avoid=avoid))

            def check():
                model = load_model(data)
                analysis = analyse(model)
                return model, analysis, run_checks(analysis)

            t_check, (model, analysis, checks) = best_of(args.repeat, check)
            text = to_prism(model, induced=True)
            t_storm, J_storm = best_of(args.repeat, lambda: storm_alone(stormpy, text, workdir))
            agree = rational_to_str(analysis.J) == J_storm
            verified = all(c.holds for c in checks.values())
            ratio = (t_import + t_check) / t_storm
            print(f"{label:24} {len(model.states):7} {len(model.nonterminal):7} {t_import:9.3f} {t_check:9.3f} "
                  f"{t_storm:9.3f} {ratio:7.1f}  {str(agree):9}  {verified}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
