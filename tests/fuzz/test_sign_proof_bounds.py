"""Sign proofs are bounded before they start (issue #17: a degree-256 probability took 88 s).

The red team's 57-character probability of degree 256 in two parameters sent the
loader into irreducible factorisation (Wang's algorithm) and dense Bernstein
enclosures of size 257²; now factorisation above ``MAX_FACTOR_DEGREE`` is
square-free only, and an enclosure whose work exceeds ``MAX_BERNSTEIN_CALL_WORK``
is not attempted (the sign is left undecided, never guessed).
"""

import json
import subprocess
import sys
from pathlib import Path

from sc_symbolic import signs
from sc_symbolic.exact import domain_for, parse_expression

REPO = Path(__file__).resolve().parents[2]
HIGH_DEGREE = "(p**32*p**32*p**32*p**32*q**32*q**32*q**32*q**32 + p*q)/2"


def test_high_degree_factors_are_square_free_only():
    domain = domain_for(["p", "q"])
    x = parse_expression(HIGH_DEGREE, domain)
    factors = signs._factors(x.numer)
    assert len(factors) == 1  # already square-free: kept whole, no Wang factorisation
    small = parse_expression("(p - q)*(p + q)*p", domain)
    assert len(signs._factors(small.numer)) == 3


def test_an_enclosure_beyond_the_work_bound_is_left_undecided():
    terms = {(256, 256): signs.rational(1), (0, 0): signs.rational(-1, 2)}
    box = [(signs.rational(0), signs.rational(1))] * 2
    assert signs.bernstein_work((256, 256)) > signs.MAX_BERNSTEIN_CALL_WORK
    assert signs._bernstein_sign(terms, 2, box) is None


def test_the_red_team_probability_is_checked_in_bounded_time(tmp_path):
    model = {"format": "sc-symbolic/mdp-1", "parameters": {"p": ["0", "1"], "q": ["0", "1"]}, "initial": {"s": "1"},
             "states": {"s": {"a": {"w": HIGH_DEGREE, "l": f"1 - ({HIGH_DEGREE})"}, "b": {"w": "1/2", "l": "1/2"}},
                        "w": {}, "l": {}},
             "success": {"states": ["w"]}, "policy": "uniform"}
    path = tmp_path / "degree.json"
    path.write_text(json.dumps(model))
    result = subprocess.run([sys.executable, "-m", "sc_symbolic.cli", "check", str(path)], capture_output=True,
                            text=True, timeout=90, cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr
    assert result.stdout.strip().endswith("verified") or result.stderr.count("\n") == 1
