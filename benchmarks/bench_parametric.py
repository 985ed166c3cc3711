"""Benchmark — parametric evaluation of a random-walk chain: sc_symbolic vs Storm (docs/math.md §2, §7).

The chain ``s1 … sn`` moves right with probability p (q on odd states when two
parameters are asked for) and left otherwise; leaving ``s1`` to the left is a
failure, leaving ``sn`` to the right a success.  V(s1) is a rational function
of degree about n.  We time, in process and exactly:

* ``ours V``: ``evaluate.success_probability`` over K = QQ(p[, q]) (``--backend``: the
  solve in python-flint's ZZ[p, q] fractions, the default when installed, or in SymPy's);
* ``ours check``: ``analysis.analyse`` + ``checks.run_checks`` (V, Q, π⁺, R, χ², I,
  V⁺, η, … and every claim, inequalities decided by ``signs``), for n up to
  ``--check-up-to`` (default 16: it grows much faster than V alone);
* ``storm``: ``stormpy.build_model[RationalFunction]`` + ``model_checking``
  (skipped when stormpy is not installed);

and check that both V(s1) agree exactly (Storm's text parsed by SymPy here:
trusted benchmark input).  Run: ``python benchmarks/bench_parametric.py [--sizes 4 8 16]``.
``V/storm`` < 1 means ours is faster.  It only prints; timings are wall-clock ``time.perf_counter`` seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile
import time

SIZES = (4, 8, 16, 32, 64)


def chain_model(n: int, parameters: int = 1):
    """The random-walk chain with n non-terminal states as a validated Model."""
    from sc_symbolic.model import build_model

    states = {}
    for i in range(1, n + 1):
        right = "win" if i == n else f"s{i + 1}"
        left = "lose" if i == 1 else f"s{i - 1}"
        up = "q" if parameters == 2 and i % 2 else "p"
        states[f"s{i}"] = {"go": {right: up, left: f"1 - {up}"}}
    states["win"], states["lose"] = {}, {}
    bounds = {"p": ("0", "1")} if parameters == 1 else {"p": ("0", "1"), "q": ("0", "1")}
    return build_model(states, {"s1": 1}, success_states=["win"], parameters=bounds, name=f"chain{n}")


def chain_prism(n: int, parameters: int = 1) -> str:
    """The same chain in PRISM (state 0 = lose, n + 1 = win)."""
    lines = ["dtmc", "const double p;"] + (["const double q;"] if parameters == 2 else [])
    lines += ["module chain", f"  s : [0..{n + 1}] init 1;"]
    for i in range(1, n + 1):
        up = "q" if parameters == 2 and i % 2 else "p"
        lines.append(f"  [] s={i} -> {up} : (s'={i + 1}) + (1-{up}) : (s'={i - 1});")
    lines += [f"  [] s=0 -> true;", f"  [] s={n + 1} -> true;", "endmodule", f'label "goal" = s={n + 1};']
    return "\n".join(lines) + "\n"


def time_ours(n: int, parameters: int, full: bool):
    """V(s1) as a SymPy expression, seconds for V, and for analyse + run_checks (None if not full)."""
    from sc_symbolic.analysis import analyse
    from sc_symbolic.checks import run_checks
    from sc_symbolic.evaluate import success_probability

    model = chain_model(n, parameters)
    start = time.perf_counter()
    V = success_probability(model, model.policy)
    t_value = time.perf_counter() - start
    t_full = None
    if full:
        start = time.perf_counter()
        checks = run_checks(analyse(model))
        t_full = time.perf_counter() - start
        assert all(check.holds for check in checks.values())
    return model.domain.to_sympy(V["s1"]), t_value, t_full


def time_storm(n: int, parameters: int):
    import stormpy

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "chain.pm")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(chain_prism(n, parameters))
        start = time.perf_counter()
        program = stormpy.parse_prism_program(path)
        properties = stormpy.parse_properties('P=? [F "goal"]', program)
        model = stormpy.build_model[stormpy.RationalFunction](program, properties)
        result = stormpy.model_checking(model, properties[0])
        value = result.get_value(model.initial_states[0])
        elapsed = time.perf_counter() - start
    return str(value), elapsed


def storm_to_sympy(text: str, names):
    """Parse Storm's rational-function text (trusted: produced by Storm in this process)."""
    import sympy

    return sympy.parse_expr(text.replace("^", "**"), local_dict={n: sympy.Symbol(n, real=True) for n in names})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--parameters", type=int, nargs="+", choices=(1, 2), default=[1, 2])
    parser.add_argument("--check-up-to", type=int, default=16)
    parser.add_argument("--backend", choices=("flint", "sympy"), default="flint",
                        help="parametric solve: python-flint fractions (when installed) or SymPy's QQ(params)")
    args = parser.parse_args(argv)
    import sympy

    from sc_symbolic import evaluate

    evaluate.PARAMETRIC_BACKEND = args.backend

    have_storm = importlib.util.find_spec("stormpy") is not None
    header = f"{'params':>6} {'n':>4} {'ours V s':>10} {'ours check s':>13} {'storm s':>9} {'V/storm':>8} {'agree':>6}"
    print(header)
    print("-" * len(header))
    for parameters in args.parameters:
        names = ("p", "q")[:parameters]
        for n in args.sizes:
            ours, t_value, t_full = time_ours(n, parameters, n <= args.check_up_to)
            full_col = f"{t_full:13.3f}" if t_full is not None else f"{'-':>13}"
            if have_storm:
                text, t_storm = time_storm(n, parameters)
                agree = sympy.cancel(ours - storm_to_sympy(text, names)) == 0
                ratio = f"{t_value / t_storm:8.1f}"
                storm_col = f"{t_storm:9.3f}"
            else:
                agree, ratio, storm_col = "-", "       -", "        -"
            print(f"{parameters:>6} {n:>4} {t_value:10.3f} {full_col} {storm_col} {ratio} {str(agree):>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
