"""Shared driver of the atheris targets in this folder (not part of the sc_symbolic package).

``run(test_one_input)`` fuzzes with atheris when it is installed, and otherwise
(or with ``--replay N``) feeds N seeded pseudo-random inputs built from the seed
corpus, so the targets stay runnable without atheris.  A target may raise only
``ScError``; anything else is a finding.
"""

import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the repository root, for an uninstalled checkout

SEEDS = [
    b'{"format": "sc-symbolic/mdp-1", "initial": {"s0": "1"}, "states": {"s0": {"go": {"win": "1/2", '
    b'"end": "1/2"}}, "win": {}, "end": {}}, "success": {"states": ["win"]}, "policy": "uniform"}',
    b'{"format": "sc-symbolic/mdp-1", "parameters": {"p": ["0", "1"]}, "initial": {"s0": "1"}, "states": '
    b'{"s0": {"go": [{"to": "win", "p": "p"}, {"to": "s0", "p": "1 - p", "r": 1}]}, "win": {}}, '
    b'"success": {"return_at_least": "1"}, "horizon": 3, "policy": {"s0": {"go": 1}}}',
    b"1/2 + p*q/3 - (p - 1)**2", b"__import__('os').system('true')", b"[[[[]]]]", b"0.1e-3",
]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        position = rng.randrange(len(data) + 1)
        if choice < 0.4 and data:
            data[min(position, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.7:
            data[position:position] = rng.choice(SEEDS)[: rng.randint(1, 20)]
        elif data:
            del data[position:position + rng.randint(1, 10)]
    return bytes(data)


def replay(test_one_input, count: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for data in SEEDS:
        test_one_input(data)
    for _ in range(count):
        test_one_input(_mutate(rng, rng.choice(SEEDS)))


def run(test_one_input) -> None:
    if "--replay" in sys.argv:
        count = int(sys.argv[sys.argv.index("--replay") + 1])
        replay(test_one_input, count)
        print(f"replayed {count + len(SEEDS)} inputs: no finding")
        return
    try:
        import atheris
    except ImportError:
        print("atheris is not installed: replaying 10000 seeded inputs instead (pip install atheris)")
        replay(test_one_input, 10_000)
        return
    argv = list(sys.argv)
    if not any(os.path.isdir(arg) for arg in argv[1:]):
        argv.append(_seed_corpus())  # start from valid models, not from empty input
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


def _seed_corpus() -> str:
    """A temporary corpus directory holding SEEDS (libFuzzer adds what it finds to it)."""
    import tempfile

    directory = tempfile.mkdtemp(prefix="sc_symbolic_corpus_")
    for index, data in enumerate(SEEDS):
        with open(os.path.join(directory, f"seed{index}"), "wb") as handle:
            handle.write(data)
    return directory
