"""`sc-symbolic check FILE --json` on hostile files, in subprocesses.

Contract (FORMAT.md): exit 2 on invalid input with ONE line on stderr, no
traceback and nothing on stdout; exit 0 when the input is actually valid (every
claim holds for a valid model), with one report-1 JSON object on stdout.
Each subprocess runs with a 20 s timeout and a 3 GB address-space limit; all
cases run concurrently once per module so the file stays fast.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

TIMEOUT_SECONDS = 20
ADDRESS_SPACE_BYTES = 3 * 1024**3
REPO = Path(__file__).resolve().parents[2]


def valid_model(**changes):
    model = {
        "format": "sc-symbolic/mdp-1", "name": "hostile",
        "initial": {"s0": "1"},
        "states": {"s0": {"safe": [{"to": "end", "p": "1"}],
                          "risky": {"win": "1/2", "end": "1/2"}},
                   "win": {}, "end": {}},
        "success": {"states": ["win"]},
        "policy": "uniform",
    }
    model.update(changes)
    return model


def renamed(old, new, **changes):
    text = json.dumps(valid_model(**changes), ensure_ascii=False).replace(f'"{old}"', json.dumps(new))
    return text.encode("utf-8")


def as_bytes(model) -> bytes:
    return json.dumps(model).encode("utf-8")


CYCLIC_REWARD = valid_model(
    states={"s0": {"loop": [{"to": "s0", "p": "1/2", "r": "1"}, {"to": "end", "p": "1/2"}]}, "end": {}},
    success={"return_at_least": "2"})
HORIZON_COLLISION = valid_model(
    states={"s0": {"go": {"s0": "1/2", "s0|t=1": "1/2"}}, "s0|t=1": {}, "win": {}}, horizon=2)
BIG_DIGITS = "1" + "0" * 3000
MARKER = "/tmp/sc_symbolic_cli_pwned_marker"

# name: (file content, extra CLI arguments, expected exit status, a word stderr must contain)
CASES = {
    "invalid-utf8": (b'{"format": "\xff\xfe"}', [], 2, "UTF-8"),
    "empty-file": (b"", [], 2, "not valid JSON"),
    "json-array": (b"[]", [], 2, "JSON object"),
    "json-string": (b'"model"', [], 2, "JSON object"),
    "nested-200": (b"[" * 200 + b"]" * 200, [], 2, "nested too deeply"),
    "whitespace-10MB": (b" " * 10_000_000, [], 2, "not valid JSON"),
    "bom": (b"\xef\xbb\xbf" + as_bytes(valid_model()), [], 2, "BOM"),
    "duplicate-keys": (as_bytes(valid_model()).replace(b'"win": {}', b'"win": {}, "win": {}'), [], 2,
                       "duplicate key"),
    "nan": (as_bytes(valid_model()).replace(b'"1/2"', b"NaN", 1), [], 2, "NaN"),
    "infinity": (as_bytes(valid_model()).replace(b'"1/2"', b"-Infinity", 1), [], 2, "Infinity"),
    "number-50000-digits": (as_bytes(valid_model()).replace(b'"1/2"', b"1" * 50_000, 1), [], 2, "digits"),
    "exponent-99999": (as_bytes(valid_model()).replace(b'"1/2"', b"1e-99999", 1), [], 2, "exponent"),
    "function-call": (as_bytes(valid_model()).replace(b'"1/2"', b'"abs(1/2)"', 1), [], 2, "'abs'"),
    "import-call": (as_bytes(valid_model()).replace(
        b'"1/2"', json.dumps(f"__import__('os').system('touch {MARKER}')").encode(), 1), [], 2, "unexpected"),
    "attribute": (as_bytes(valid_model()).replace(b'"1/2"', b'"().__class__"', 1), [], 2, "unexpected"),
    "division-by-zero": (as_bytes(valid_model()).replace(b'"1/2"', b'"1/0"', 1), [], 2, "zero"),
    "unicode-digit": (as_bytes(valid_model()).replace(b'"1/2"', '"\u0661/2"'.encode(), 1), [], 2, "unexpected"),
    "unicode-names": (renamed("win", "état ☃"), [], 0, None),
    "pipe-equals-names": (renamed("win", "a|b=c"), [], 0, None),
    "horizon-name-collision": (as_bytes(HORIZON_COLLISION), [], 2, "produced twice"),
    "empty-name": (renamed("win", ""), [], 2, "non-empty"),
    "newline-name": (renamed("win", "a\nb"), [], 2, "control"),
    "surrogate-name": (as_bytes(valid_model()).replace(b'"win"', b'"\\ud800"'), [], 2, "surrogate"),
    "line-separator-name": (renamed("win", "a\u2028b"), [], 2, "separator"),
    "cyclic-reward-threshold": (as_bytes(CYCLIC_REWARD), [], 2, "infinite"),
    "horizon-huge": (as_bytes(valid_model(horizon=10**6)), [], 2, "horizon"),
    "horizon-bool": (as_bytes(valid_model(horizon=True)), [], 2, "horizon"),
    "json-decimals": (as_bytes(valid_model()).replace(b'"1/2"', b"0.5"), [], 0, None),
    "3000-digit-probability": (as_bytes(valid_model(states={
        "s0": {"go": {"win": f"1/{BIG_DIGITS}", "end": f"{'9' * 3000}/{BIG_DIGITS}"}}, "win": {}, "end": {}})),
        [], 0, None),
    "9000-digit-denominator": (as_bytes(valid_model(states={
        "s0": {"go": {"win": "1e-8999", "end": "0." + "9" * 8999}}, "win": {}, "end": {}})),
        [], 0, None),
    "hostile-threshold": (as_bytes(valid_model()), ["--threshold", "__import__('os')"], 2, "unexpected"),
    "hostile-policy-file": (as_bytes(valid_model()), ["--policy", "POLICY"], 2, "policy"),
}


# `python -m sc_symbolic.cli`, under an address-space limit set in the child itself
# (preexec_fn is not safe with the threads that run the cases concurrently).
BOOT = """
import runpy, sys
try:
    import resource
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except (ImportError, ValueError, OSError):
    pass
sys.argv = ["sc-symbolic", *sys.argv[2:]]
runpy.run_module("sc_symbolic.cli", run_name="__main__", alter_sys=True)
"""


def _run(path: Path, extra) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", BOOT, str(ADDRESS_SPACE_BYTES), "check", str(path), "--json", *extra]
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, cwd=REPO, env=env)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Run every case concurrently once; name → CompletedProcess."""
    if os.path.exists(MARKER):
        os.remove(MARKER)
    directory = tmp_path_factory.mktemp("hostile")
    policy = directory / "policy.json"
    policy.write_text('{"policy": {"s0": {"fly": "1"}}}')
    jobs = {}
    for name, (content, extra, _, _) in CASES.items():
        path = directory / f"{name}.json"
        path.write_bytes(content)
        jobs[name] = (path, [str(policy) if arg == "POLICY" else arg for arg in extra])
    extra_jobs = {"missing-file": (directory / "absent.json", []), "directory": (directory, [])}
    if os.path.exists("/dev/zero"):
        extra_jobs["dev-zero"] = (Path("/dev/zero"), [])
    jobs.update(extra_jobs)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(_run, path, extra) for name, (path, extra) in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def _assert_clean_refusal(result, word):
    stderr = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 2, stderr
    assert result.stdout == b""
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith("error: "), stderr  # an ScError, not an "internal error"
    if word:
        assert word in stderr, stderr


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_file(results, name):
    _, _, status, word = CASES[name]
    result = results[name]
    if status == 2:
        _assert_clean_refusal(result, word)
    else:
        assert result.returncode == status, result.stderr.decode("utf-8", errors="replace")
        assert result.stderr == b""
        report = json.loads(result.stdout.decode("utf-8"))
        assert report["format"] == "sc-symbolic/report-1" and report["verified"] is True


@pytest.mark.parametrize("name, word", [("missing-file", "cannot read"), ("directory", "cannot read"),
                                        ("dev-zero", "larger than")])
def test_unreadable_inputs(results, name, word):
    if name not in results:
        pytest.skip("no /dev/zero")
    _assert_clean_refusal(results[name], word)


def test_nothing_ran(results):
    assert results["import-call"].returncode == 2
    assert not os.path.exists(MARKER)


def test_unicode_names_survive_in_the_report(results):
    report = json.loads(results["unicode-names"].stdout.decode("utf-8"))
    assert report["J"] == "1/4"
    report = json.loads(results["pipe-equals-names"].stdout.decode("utf-8"))
    assert report["J"] == "1/4"
