"""atheris target: bytes → ``loads_json`` → ``from_dict`` (→ ``analyse`` for valid models).

Only ``ScError`` may escape; a valid model must satisfy every claim (``verified``).

    python fuzz/fuzz_model_loader.py -max_len=4096 -runs=100000   # with atheris
    python fuzz/fuzz_model_loader.py --replay 2000                # without atheris
"""

import sys

from _harness import run

with __import__("contextlib").suppress(ImportError):
    import atheris  # noqa: F401  (instrument the imports below when atheris is present)

    with atheris.instrument_imports():
        import sc_symbolic.exact  # noqa: F401
        import sc_symbolic.model  # noqa: F401

from sc_symbolic.errors import ScError  # noqa: E402
from sc_symbolic.exact import loads_json  # noqa: E402
from sc_symbolic.model import from_dict  # noqa: E402

MAX_ANALYSED_BYTES = 2_000  # analyse only small valid models: keeps each run fast


def test_one_input(data: bytes) -> None:
    try:
        model = from_dict(loads_json(data, "fuzz"))
    except ScError:
        return
    if len(data) > MAX_ANALYSED_BYTES:
        return
    from sc_symbolic.analysis import analyse
    from sc_symbolic.checks import run_checks
    from sc_symbolic.report import build_report

    try:
        analysis = analyse(model)
        report = build_report(analysis, run_checks(analysis))
    except ScError:
        return
    if not report["verified"]:
        raise AssertionError(f"a valid model fails a claim: {report['checks']}")


if __name__ == "__main__":
    run(test_one_input)
    sys.exit(0)
