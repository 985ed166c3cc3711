"""Benchmark: importing logged episodes, and the environment's stepping rate.

    python benchmarks/bench_data.py [--steps 100000,1000000] [--env-steps 200000]

1. Import (``sc-symbolic import trajectories``) of N logged steps of FrozenLake 8x8
   (slippery), rolled out through ``sc_symbolic.envs.ModelEnv`` with a fixed behaviour
   policy (down/right 2/5 each, left/up 1/10 each).  Each import runs in a fresh
   process: its process time (goal: < 10 s for 10⁶ steps) and its peak resident
   memory (``VmHWM``), next to the peak of a process that only imports the package.  Memory
   independent of N is the streaming claim: it grows with distinct (s, a, s′, r).
2. Steps per second of ``ModelEnv`` (exact-in-law integer draws) against Gymnasium's
   own ``FrozenLake-v1`` on the same map, both unwrapped, same random actions;
   ratio = Gymnasium's rate / ours (goal ≤ 2).  Needs gymnasium (extra ``gym``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEHAVIOUR = [0.1, 0.4, 0.4, 0.1]  # left, down, right, up

CHILD = """
import resource, sys, time
start = time.process_time()
if sys.argv[1] != "-":
    from sc_symbolic.cli import main
    status = main(["import", "trajectories", sys.argv[1], "-o", sys.argv[2]])
else:
    import sc_symbolic.cli
    status = 0
try:  # this process's own peak: ru_maxrss would also count the parent's image at fork time
    with open("/proc/self/status") as status_file:
        peak = next(int(line.split()[1]) for line in status_file if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(status, time.process_time() - start, peak)
"""


def lake_env():
    from sc_symbolic.envs import ModelEnv
    from sc_symbolic.importers.gym import import_gym

    return ModelEnv(import_gym("FrozenLake-v1", map_name="8x8", is_slippery=True, horizon=None, policy="uniform"))


def write_episodes(path: Path, steps: int, seed: int = 0) -> int:
    """``steps`` logged steps of the behaviour policy (the last episode cut and labelled a failure)."""
    import numpy as np

    env = lake_env()
    rng = np.random.default_rng([seed, 1])  # independent of the environment's stream (seeded seed)
    actions = rng.choice(4, size=steps, p=BEHAVIOUR)
    names, action_names = env.state_names, env.action_names
    obs, info = env.reset(seed=seed)
    episode = t = successes = 0
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(steps):
            nxt, reward, terminated, truncated, info = env.step(int(actions[i]))
            last = terminated or truncated or i == steps - 1
            step = {"episode": episode, "t": t, "state": names[obs], "action": action_names[actions[i]],
                    "reward": "1" if reward else "0", "next_state": names[nxt]}
            if last:
                step["done"] = True
                step["success"] = bool(info["success"])
                successes += step["success"]
            handle.write(json.dumps(step) + "\n")
            obs, t = nxt, t + 1
            if last:
                episode, t = episode + 1, 0
                obs, info = env.reset()
    return successes


def run_child(*argv) -> tuple:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, env=env, check=True)
    status, cpu, rss = out.stdout.split()
    return int(status), float(cpu), int(rss) / 1024


def bench_import(sizes) -> None:
    _, _, base = run_child("-", "-")
    print(f"{'steps':>10}  {'episodes':>9}  {'import (process s)':>18}  {'peak MB':>8}  {'of which import':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            logged, model = Path(tmp) / f"lake{n}.jsonl", Path(tmp) / f"lake{n}.json"
            write_episodes(logged, n)
            status, cpu, rss = run_child(str(logged), str(model))
            if status != 0:
                raise SystemExit(f"import of {n} steps failed with status {status}")
            counts = json.loads(model.read_text())["x-data"]
            print(f"{n:>10}  {counts['episodes']:>9}  {cpu:>18.2f}  {rss:>8.1f}  {rss - base:>15.1f}")
    print(f"(a process that only imports sc_symbolic peaks at {base:.1f} MB)")


def steps_per_second(env, actions) -> float:
    env.reset(seed=0)
    step, reset = env.step, env.reset
    start = time.perf_counter()
    for a in actions:
        _, _, terminated, truncated, _ = step(a)
        if terminated or truncated:
            reset()
    return len(actions) / (time.perf_counter() - start)


def bench_env(n: int) -> None:
    import gymnasium as gym
    import numpy as np

    actions = [int(a) for a in np.random.default_rng(1).integers(0, 4, n)]
    ours = max(steps_per_second(lake_env(), actions) for _ in range(3))
    theirs = max(steps_per_second(gym.make("FrozenLake-v1", map_name="8x8").unwrapped, actions) for _ in range(3))
    print(f"FrozenLake 8x8, {n} random steps: ModelEnv {ours:,.0f} steps/s, Gymnasium FrozenLake-v1 "
          f"{theirs:,.0f} steps/s, ratio Gymnasium/ModelEnv = {theirs / ours:.2f} (goal ≤ 2)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="100000,1000000", help="comma-separated numbers of logged steps")
    parser.add_argument("--env-steps", type=int, default=200_000, help="steps for the stepping-rate comparison")
    args = parser.parse_args(argv)
    bench_import([int(n) for n in args.steps.split(",")])
    bench_env(args.env_steps)


if __name__ == "__main__":
    main()
