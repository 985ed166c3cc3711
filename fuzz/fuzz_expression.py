"""atheris target: text → ``parse_expression`` over QQ and QQ(p, q).

Only ``ExpressionError`` may escape, and nothing may run: the target checks
that no marker file appears (an expression that reached ``eval`` would create it).

    python fuzz/fuzz_expression.py -max_len=256 -runs=200000   # with atheris
    python fuzz/fuzz_expression.py --replay 5000               # without atheris
"""

import os
import sys

from _harness import run

with __import__("contextlib").suppress(ImportError):
    import atheris  # noqa: F401

    with atheris.instrument_imports():
        import sc_symbolic.exact  # noqa: F401

from sc_symbolic.errors import ExpressionError  # noqa: E402
from sc_symbolic.exact import domain_for, parse_expression  # noqa: E402

MARKER = "/tmp/sc_symbolic_fuzz_expression_marker"
DOMAINS = (domain_for(()), domain_for(["p", "q"]))


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    for domain in DOMAINS:
        try:
            parse_expression(text, domain, "fuzz")
        except ExpressionError:
            pass
    if os.path.exists(MARKER):
        raise AssertionError(f"an expression ran code: {text!r}")


if __name__ == "__main__":
    run(test_one_input)
    sys.exit(0)
