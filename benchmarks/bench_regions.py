"""Benchmark — parameter regions: sc_symbolic vs Storm's parameter lifting (docs/cli.md, regions).

Model: Knuth–Yao's die from coin flips (Storm's ``parametric_die.pm``): the first
flip and the flips of states 3–6 have heads probability ``p``, those of states 1
and 2 probability ``q``.  Property: P(F "two") ≥ 1/6 (a fair die's value), on the
box p, q ∈ [1/10, 9/10].  One dimension: q = p (one biased coin).

* ``ours``: ``regions(model, "J >= 1/6")`` on the same chain written as an
  sc-symbolic/mdp-1 model (one action per state, success = the die shows 2).
  One parameter: the exact partition (100 % coverage, algebraic breakpoints).
  Two: certified Bernstein subdivision, breadth first; the certified fraction is
  recorded after each decided box.
* ``storm``: the same breadth-first halving of the box, each box classified by
  ``stormpy.pars.verify`` (parameter lifting, ``RegionCheckEngine`` as given,
  default ``PARAMETER_LIFTING``): ``P>=1/6`` verified ⇒ all-sat, else ``P<1/6``
  verified ⇒ all-violated, else split (Storm's own refinement loop does the same).

Both count the same area; we report the wall-clock time (``time.perf_counter``)
until 95 % and 99 % of the box is certified, best of ``--repeat`` runs (the first
run of each pays its imports and caches; model building is included for both).  Run:
``python benchmarks/bench_regions.py [--depth 10] [--engine PARAMETER_LIFTING]``.
It only prints.  Storm is skipped when stormpy is not installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import tempfile
import time
from collections import deque
from fractions import Fraction

BOX = (Fraction(1, 10), Fraction(9, 10))
BOUND = Fraction(1, 6)
GOALS = (Fraction(95, 100), Fraction(99, 100))

DIE_PRISM = """dtmc
const double p;
const double q;
module die
 s : [0..7] init 0;
 d : [0..6] init 0;
 [] s=0 -> p : (s'=1) + (1-p) : (s'=2);
 [] s=1 -> q : (s'=3) + (1-q) : (s'=4);
 [] s=2 -> q : (s'=5) + (1-q) : (s'=6);
 [] s=3 -> p : (s'=1) + (1-p) : (s'=7) & (d'=1);
 [] s=4 -> p : (s'=7) & (d'=2) + (1-p) : (s'=7) & (d'=3);
 [] s=5 -> p : (s'=7) & (d'=4) + (1-p) : (s'=7) & (d'=5);
 [] s=6 -> p : (s'=2) + (1-p) : (s'=7) & (d'=6);
 [] s=7 -> 1: (s'=7);
endmodule
label "two" = s=7&d=2;
"""


def die_model(dimensions: int):
    """The die as an sc-symbolic model over p (and q when ``dimensions`` is 2)."""
    from sc_symbolic.model import from_dict

    q = "q" if dimensions == 2 else "p"
    flips = {"s0": ("p", "s1", "s2"), "s1": (q, "s3", "s4"), "s2": (q, "s5", "s6"), "s3": ("p", "s1", "d1"),
             "s4": ("p", "d2", "d3"), "s5": ("p", "d4", "d5"), "s6": ("p", "s2", "d6")}
    states = {s: {"flip": [{"to": heads, "p": x}, {"to": tails, "p": f"1 - {x}"}]}
              for s, (x, heads, tails) in flips.items()}
    states.update({f"d{k}": {} for k in range(1, 7)})
    bounds = [str(BOX[0]), str(BOX[1])]
    parameters = {"p": bounds} | ({"q": bounds} if dimensions == 2 else {})
    return from_dict({"format": "sc-symbolic/mdp-1", "name": f"Knuth-Yao die ({dimensions}-D)",
                      "parameters": parameters, "initial": {"s0": "1"}, "states": states,
                      "success": {"states": ["d2"]}, "horizon": None, "policy": "uniform"}, validate_box=False)


def ours(dimensions: int, depth: int) -> dict:
    """Times (s) to each coverage goal, the final coverage and the total time."""
    from sc_symbolic.regions import regions

    start = time.perf_counter()
    reached: dict = {}

    def progress(fraction):
        for goal in GOALS:
            if goal not in reached and fraction >= goal:
                reached[goal] = time.perf_counter() - start

    report = regions(die_model(dimensions), f"J >= {BOUND}", depth=depth, progress=progress)
    total = time.perf_counter() - start
    coverage = 1 - Fraction(report["undecided_fraction"])
    if dimensions == 1:  # exact: every goal is met when the partition is done
        reached = {goal: total for goal in GOALS}
    return {"reached": reached, "coverage": coverage, "total": total, "statement": report["statement"]}


def storm(dimensions: int, depth: int, engine_name: str) -> dict:
    import stormpy
    import stormpy.pars

    text = DIE_PRISM if dimensions == 2 else DIE_PRISM.replace("const double q;\n", "").replace("q", "p")
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "die.pm")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        start = time.perf_counter()
        program = stormpy.parse_prism_program(path)
        sat, viol = (stormpy.parse_property(f'P{op}{BOUND} [F "two"]', program) for op in (">=", "<"))
        model = stormpy.build_model[stormpy.RationalFunction](program, [sat])
        parameters = sorted(model.collect_probability_parameters(), key=lambda v: v.name)
        engine = getattr(stormpy.pars.RegionCheckEngine, engine_name)
        area = (BOX[1] - BOX[0]) ** dimensions
        queue = deque([(tuple([BOX] * dimensions), 0)])
        certified, reached = Fraction(0), {}
        while queue:
            box, level = queue.popleft()
            region = stormpy.pars.create_region({v: (_coefficient(lo), _coefficient(hi))
                                                 for v, (lo, hi) in zip(parameters, box)})
            decided = (stormpy.pars.verify(model, sat, region=region, region_engine=engine)
                       or stormpy.pars.verify(model, viol, region=region, region_engine=engine))
            if decided:
                volume = Fraction(1)
                for lo, hi in box:
                    volume *= hi - lo
                certified += volume / area
                for goal in GOALS:
                    if goal not in reached and certified >= goal:
                        reached[goal] = time.perf_counter() - start
                continue
            if level < depth:
                halves = [((lo, (lo + hi) / 2), ((lo + hi) / 2, hi)) for lo, hi in box]
                queue.extend((child, level + 1) for child in itertools.product(*halves))
        return {"reached": reached, "coverage": certified, "total": time.perf_counter() - start}


def _coefficient(value: Fraction):
    """An exact Storm coefficient (cln rational) from a Fraction."""
    import stormpy.pars

    return stormpy.pars.RationalFunctionCoefficient(f"{value.numerator}/{value.denominator}")


def _best(results: list) -> dict:
    """The fastest of repeated runs (first runs pay imports and caches; both tools get the same)."""
    best = dict(results[0])
    best["reached"] = {goal: min(r["reached"][goal] for r in results) for goal in GOALS
                       if all(goal in r["reached"] for r in results)}
    best["total"] = min(r["total"] for r in results)
    return best


def _cell(result, goal) -> str:
    value = result["reached"].get(goal)
    return "—" if value is None else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=10, help="subdivision depth for both (default 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the best is shown (default 3)")
    parser.add_argument("--engine", default="PARAMETER_LIFTING",
                        help="Storm's RegionCheckEngine (PARAMETER_LIFTING, EXACT_PARAMETER_LIFTING, …)")
    args = parser.parse_args()
    have_storm = importlib.util.find_spec("stormpy") is not None
    print(f"P(F two) >= {BOUND} on the Knuth-Yao die, box [{BOX[0]}, {BOX[1]}]^d, depth {args.depth}; "
          f"seconds to certified coverage")
    print(f"{'dim':>3} {'tool':<28} {'95 %':>8} {'99 %':>8} {'coverage':>10} {'total':>8}")
    for dimensions in (1, 2):
        mine = _best([ours(dimensions, args.depth) for _ in range(args.repeat)])
        rows = [("sc_symbolic" + (" (exact)" if dimensions == 1 else " (Bernstein)"), mine)]
        if have_storm:
            rows.append((f"storm {args.engine.lower()}",
                         _best([storm(dimensions, args.depth, args.engine) for _ in range(args.repeat)])))
        for name, result in rows:
            print(f"{dimensions:>3} {name:<28} {_cell(result, GOALS[0]):>8} {_cell(result, GOALS[1]):>8} "
                  f"{float(result['coverage']):>10.5f} {result['total']:>8.3f}")
        if len(rows) == 2:
            for goal in GOALS:
                a, b = mine["reached"].get(goal), rows[1][1]["reached"].get(goal)
                if a is not None and b is not None:
                    print(f"    ratio ours/storm at {float(goal):.0%}: {a / b:.2f}")
        if dimensions == 1:
            print(f"    {mine['statement']}")


if __name__ == "__main__":
    main()
