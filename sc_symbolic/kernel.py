"""Trusted kernel: imports nothing from sc_symbolic (docs/math.md §2–§6).

Re-verifies an ``sc-symbolic/certificate-1`` with exact rationals, solving no linear system (but for
``iterations``, whose later policies have no claimed V: ``_iterated_values``): it
re-reads the model, rebuilds the analysed model (horizon and return augmentation) and substitutes
every claimed number into its defining equation — Bellman equations for V and V⁺ with graph-computed
zero sets, J, π⁺ by Bayes, R = χ² = I, the Cauchy–Schwarz and KKT trust-region certificates, V⁺ ≥ V,
visit-count flow equations with graph-computed infinite sets, the performance difference, E[G] and
the distribution-shift claim (support, likelihood-ratio bound, no state reached only under π⁺) and, for
an empirical model, the data section against its ``x-data`` counts (docs/math.md §9).
Trusted: Python's json/re, the rationals — GMP's ``mpq`` through gmpy2 when it is installed,
else Python's ``fractions`` (``SC_SYMBOLIC_KERNEL_RATIONAL=fraction`` forces them) — and this file
(its number parser, reachability and SCC passes).  Not trusted: the engine that wrote the
certificate; the kernel imports nothing from it.  Parametric models are refused.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import re
import stat
from collections import defaultdict, deque, namedtuple
from dataclasses import dataclass, field
from fractions import Fraction

try:  # the rational type: both are exact; GMP's is ~10× faster and has subquadratic gcd and parsing
    if "fraction" in (os.environ.get("SC_SYMBOLIC_KERNEL_RATIONAL", "").lower(),
                      os.environ.get("SC_SYMBOLIC_RATIONAL", "").lower()):
        raise ImportError
    from gmpy2 import gcd as _gcd
    from gmpy2 import mpq as Q
    from gmpy2 import mpz as _mpz
except ImportError:
    Q, _gcd, _mpz = Fraction, math.gcd, None
RATIONALS = (int, Fraction, type(Q(0)))  # exact inputs a caller may pass in place of JSON text

CERTIFICATE_FORMAT, REPORT_FORMAT, MODEL_FORMAT = "sc-symbolic/certificate-1", "sc-symbolic/report-1", "sc-symbolic/mdp-1"
CORE_CHECKS = ("identity", "trust_region", "trajectory_route", "improvement", "performance_difference",
               "distribution_shift")
STATE_FIELDS = ("V", "V_plus", "Q", "pi", "pi_plus", "R", "chi2", "I")
#: The certificate is a closed contract (docs/format.md, "What verify checks"): every field of the report
#: is re-verified here (REPORT_VERIFIED, STATE_VERIFIED), or is metadata for humans that ``verified`` does
#: not cover and that the kernel ignores by design (REPORT_METADATA); any other field is refused.  A new
#: report field is registered by adding its name to one of these tuples (and its check to ``run``).
REPORT_VERIFIED = ("format", "J", "J_plus", "expected_return", "expected_return_plus", "states", "checks",
                   "verified", "kernel", "threshold", "horizon", "iterations", "data")
REPORT_METADATA = ("model", "route", "notes", "markov_variant")
STATE_VERIFIED = STATE_FIELDS + ("max_ratio",)
CHECK_NAMES = CORE_CHECKS + ("iteration",)
MODEL_KEYS = ("format", "name", "parameters", "initial", "states", "success", "horizon", "policy", "description",
              "comment", "$schema")
MAX_STATES, MAX_TEXT, MAX_BITS, MAX_DEPTH, MAX_POWER, MAX_SHIFT = 1_000_000, 20_100, 200_000, 50, 32, 10_000
MAX_FILE_BYTES = 256 * 1024 * 1024  # a certificate holds every exact value: larger than its model
MAX_CLAIM_CHARS = 1_000_000  # one claimed "p/q": V⁺ on the consensus export with K = 16 needs ~10⁵
MAX_OUTCOMES = 5_000_000  # outcomes of the analysed model in all (a horizon multiplies states, actions and outcomes)
SHOWN_BITS = 13_000  # failure messages print exact values up to ~4,000 digits, and sizes beyond
ZERO, ONE = Q(0), Q(1)
_Model = namedtuple("_Model", "initial states goal tau horizon policy")
_Analysed = namedtuple("_Analysed", "states initial success policy origin", defaults=(None,))


@dataclass
class KernelResult:
    """The verdict: ``ok`` iff ``failures`` is empty; ``equations`` counts the relations checked."""

    failures: list = field(default_factory=list)
    equations: int = 0
    unreadable: bool = False  # a file could not be read as JSON: invalid input, not a refutation

    @property
    def ok(self) -> bool:
        return not self.failures


class _Refused(Exception):
    """Input the kernel cannot read; it becomes one failure string."""


def _show(x) -> str:
    """Exact text of a value (``null`` for None); its size in bits beyond SHOWN_BITS."""
    if x is None:
        return "null"
    if isinstance(x, _Linear) or hasattr(x, "denominator"):
        bits = (x.numerator.bit_length(), x.denominator.bit_length())  # an unreduced _Linear: an upper bound
        if sum(bits) > SHOWN_BITS:
            return f"<rational of {bits[0]}/{bits[1]} bits>"
        x = x.value() if isinstance(x, _Linear) else x
    return str(x)


def _exact_text(x) -> str:
    """The full exact text ``p/q`` (or ``p``) of a rational, of any size: names must be injective."""
    numerator, denominator = int(x.numerator), int(x.denominator)
    digits = (lambda n: str(_mpz(n))) if _mpz is not None else _int_text
    return digits(numerator) if denominator == 1 else f"{digits(numerator)}/{digits(denominator)}"


def _int_text(n: int) -> str:
    """Decimal text of an int beyond CPython's 4300-digit ``str`` limit (divide and conquer)."""
    if n < 0:
        return "-" + _int_text(-n)
    if n < 10 ** 4000:
        return str(n)
    k = n.bit_length() * 3 // 20  # about half the number of decimal digits
    high, low = divmod(n, 10 ** k)
    return _int_text(high) + _int_text(low).zfill(k)


def _describe(value) -> str:
    """A short, printable description of any input value — never its whole text, which may be huge
    (and ``repr`` of an int beyond 4,300 digits raises)."""
    if value is None or isinstance(value, (bool, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value[:80]) + ("…" if len(value) > 80 else "")
    if isinstance(value, RATIONALS):
        bits = value.numerator.bit_length() + value.denominator.bit_length()
        return f"the JSON number {_show(value)}" if bits <= 256 else f"a JSON number of {bits} bits"
    if isinstance(value, dict):
        return f"an object with {len(value)} key(s)"
    if isinstance(value, list):
        return f"an array of {len(value)} item(s)"
    return f"a {type(value).__name__}"


# ------------------------------------------------------------------ exact numbers

# ASCII digits only, as in the engine: ``\d`` would also match '١', which int() reads as 1.
_TOKEN = re.compile(r"\s*(?:([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]{1,5}))?|(\*\*|[-+*/()]))")
_RATIONAL = re.compile(r"(-?)(0|[1-9][0-9]*)(?:/([1-9][0-9]*))?")
_PLAIN = re.compile(r"[+-]?(?:[0-9]+/[0-9]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
MAX_EXPRESSION = 1_000  # characters in a model number that is not a plain literal, as in the engine


def _int(text: str) -> int:
    """int(text) for signed decimal text of any length (Python's str → int stops at 4300 digits):
    split off the low 2^j·1000 digits, so every power of ten used is one of a few cached ones."""
    if len(text) <= 4000:
        return int(text)
    if _mpz is not None:  # GMP parses in subquadratic time; callers pass [-+]?[0-9]+ only
        return int(_mpz(text))
    if text[:1] in ("+", "-"):
        return -_int(text[1:]) if text[0] == "-" else _int(text[1:])
    low = 1000
    while 2 * low < len(text):
        low *= 2
    return _int(text[:-low]) * _power_of_ten(low) + _int(text[-low:])


def _power_of_ten(digits: int, cache={}) -> int:
    if digits not in cache:
        cache[digits] = 10**digits
    return cache[digits]


def _lowest_terms(numerator: int, denominator: int):
    """The rational numerator/denominator (denominator > 0) if that is in lowest terms, else None —
    with one gcd (which costs milliseconds on the 10⁵-bit values of V⁺ and η⁺ in CPython)."""
    if _mpz is not None:
        q = Q(_mpz(numerator), _mpz(denominator))
        return q if q.denominator == denominator else None
    if math.gcd(numerator, denominator) != 1:
        return None
    if hasattr(Fraction, "_from_coprime_ints"):  # Python ≥ 3.12: no second gcd
        return Fraction._from_coprime_ints(numerator, denominator)
    return Fraction(numerator, denominator, _normalize=False)


def _sized(x):
    """``x``, unless its numerator and denominator together exceed MAX_BITS bits."""
    if x.numerator.bit_length() + x.denominator.bit_length() > MAX_BITS:
        raise _Refused(f"a number exceeds {MAX_BITS} bits")
    return x


def _decimal(mantissa: str, exponent, where: str):
    """mantissa · 10**exponent exactly (``"0.25"``, ``"1e-3"``), never through a binary float.

    The engine's limits (docs/limits.md): at most MAX_SHIFT digits in the mantissa and a written
    exponent of at most ±MAX_SHIFT, so ``"0.5e-10000"`` (10⁻¹⁰⁰⁰¹ · 5) is read by both."""
    whole, _, frac = mantissa.partition(".")
    if len(whole) + len(frac) > MAX_SHIFT:
        raise _Refused(f"{where}: a decimal with {len(whole) + len(frac)} digits (at most {MAX_SHIFT})")
    if abs(int(exponent or 0)) > MAX_SHIFT:
        raise _Refused(f"{where}: decimal exponent {exponent} is too large (at most ±{MAX_SHIFT})")
    shift = int(exponent or 0) - len(frac)
    digits = _int(whole + frac)
    return _writable(_sized(Q(digits * 10**shift) if shift >= 0 else Q(digits, 10**-shift)), where)


def _expression(text: str, where: str):
    """Evaluate a constant expression by restricted recursive descent (never eval):
    expr := term (('+'|'-') term)*,  term := unary (('*'|'/') unary)*,
    unary := ('+'|'-') unary | atom ['**' INT ≤ 32],  atom := NUMBER | '(' expr ')'."""
    text, tokens, pos, i = text.strip(), [], 0, 0

    def fail(what):
        raise _Refused(f"{where}: {what} in {text[:80]!r} (numbers, + - * /, parentheses, ** integer ≤ 32)")
    if len(text) > MAX_TEXT:
        fail(f"more than {MAX_TEXT} characters")
    if len(text) > MAX_EXPRESSION and _PLAIN.fullmatch(text) is None:
        fail(f"an expression of more than {MAX_EXPRESSION} characters (a plain number may be longer)")
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            fail(f"unexpected character {text[pos:].lstrip()[:1]!r}")
        tokens.append(match.group(3) or (match.group(1), match.group(2)))
        pos = match.end()
    tokens.append(None)  # end marker: every path that takes it fails

    def take():
        nonlocal i
        i += 1
        return tokens[i - 1]

    def expr(depth):
        value = term(depth)
        while tokens[i] in ("+", "-"):
            op, right = take(), term(depth)
            value = _sized(value + right if op == "+" else value - right)
        return value

    def term(depth):
        value = unary(depth)
        while tokens[i] in ("*", "/"):
            op, right = take(), unary(depth)
            if op == "/" and right == 0:
                fail("division by zero")
            value = _sized(value * right if op == "*" else value / right)
        return value

    def unary(depth):
        if depth > MAX_DEPTH:
            fail(f"nesting deeper than {MAX_DEPTH}")
        if tokens[i] in ("+", "-"):
            return (-1 if take() == "-" else 1) * unary(depth + 1)
        token = take()
        if isinstance(token, tuple):
            value = _decimal(token[0], token[1], where)
        elif token == "(":
            value = expr(depth + 1)
            if take() != ")":
                fail("unbalanced parentheses")
        else:
            fail("the expression ends too early" if token is None else f"unexpected {token!r}")
        if tokens[i] == "**":
            take()
            power = take()
            if not (isinstance(power, tuple) and power[0].isdigit() and power[1] is None
                    and len(power[0]) <= 3 and int(power[0]) <= MAX_POWER):  # as the engine: "0099…9" too
                fail(f"the exponent of ** must be an integer literal ≤ {MAX_POWER}")
            value = _sized(value ** int(power[0]))
        return value
    value = expr(0)
    if tokens[i] is not None:
        fail(f"unexpected {tokens[i]!r}")
    return _writable(value, where)


def _writable(x, where: str):
    """``x``, if its lowest-terms numerator and denominator have at most MAX_SHIFT digits each: the
    engine refuses larger model numbers, so every number a certificate repeats can be read back."""
    if x.numerator.bit_length() <= 33_000 and x.denominator.bit_length() <= 33_000:  # < 10^9934: fast path
        return x
    if abs(x.numerator) >= _power_of_ten(MAX_SHIFT) or x.denominator >= _power_of_ten(MAX_SHIFT):
        raise _Refused(f"{where}: a number whose numerator or denominator has more than {MAX_SHIFT} digits")
    return x


_SHORT_RATIONAL = re.compile(r"\s*(-?)([0-9]{1,40})(?:/([0-9]{1,40}))?\s*")


def _number(value, where: str):
    """An exact rational from a JSON int, a rational or a constant expression string (FORMAT.md).
    Short ``p`` or ``p/q`` (nearly every probability) skips the expression parser; same value."""
    if isinstance(value, str):
        short = _SHORT_RATIONAL.fullmatch(value)
        if short is not None and int(short.group(3) or 1) != 0:  # "p/0" goes on to the parser's error
            sign, numerator, denominator = short.groups()
            return Q(-int(numerator) if sign else int(numerator), int(denominator or 1))
        return _expression(value, where)
    if isinstance(value, RATIONALS) and not isinstance(value, bool):
        return _writable(_sized(Q(int(value.numerator), int(value.denominator))), where)
    raise _Refused(f"{where}: {_describe(value)} is not an exact number" + " (never a float)" * isinstance(value, float))


#: Short claimed texts already read, text → value (exact values are immutable; a model's report repeats
#: a few short texts like "0", "1", "1/2" tens of thousands of times).  Only valid texts are kept.
_CLAIMS_READ: dict = {}
_CLAIM_MEMO_CHARS = 40
_CLAIM_MEMO_SIZE = 1 << 16


def _claimed(value, where: str):
    """A claimed report number: None for null, else a rational string in lowest terms."""
    if value is None:
        return None
    known = _CLAIMS_READ.get(value) if type(value) is str else None
    if known is not None:
        return known
    if not isinstance(value, str):  # FORMAT.md: report numbers are strings, never JSON numbers
        raise _Refused(f"{where}: {_describe(value)} is not a rational string like \"-3/4\"")
    if len(value) > MAX_CLAIM_CHARS:
        raise _Refused(f"{where}: a number of {len(value)} characters (at most {MAX_CLAIM_CHARS})")
    match = _RATIONAL.fullmatch(value)
    if match is None:
        raise _Refused(f"{where}: {value[:80]!r} is not an exact rational like \"-3/4\"")
    sign, numerator, denominator = match.groups()
    if _mpz is not None:  # GMP reads the digits and reduces once; in lowest terms iff the denominator stays
        num, den = _mpz(numerator), _mpz(denominator or "1")
        q = Q(-num if sign else num, den)
        q = q if q.denominator == den else None
    else:
        num = _int(numerator)
        q = _lowest_terms(-num if sign else num, _int(denominator or "1"))
    if q is None or denominator == "1" or (sign and num == 0):
        raise _Refused(f"{where}: {value[:80]!r} is not in lowest terms")
    if len(value) <= _CLAIM_MEMO_CHARS:
        if len(_CLAIMS_READ) >= _CLAIM_MEMO_SIZE:
            _CLAIMS_READ.clear()
        _CLAIMS_READ[value] = q
    return q


def _loads(text: str):
    """Strict JSON with exact numbers: decimals → rationals; NaN/Infinity and duplicate keys refused."""
    def refuse_constant(name):
        raise ValueError(f"{name} is not an exact number")

    def unique(pairs):
        if len({k for k, _ in pairs}) != len(pairs):
            raise ValueError("duplicate key in a JSON object")
        return dict(pairs)
    return json.loads(text, parse_float=lambda t: _number(t, "JSON number"), parse_int=_int,
                      parse_constant=refuse_constant, object_pairs_hook=unique)


# ------------------------------------------------------------------ the model and the analysed model


def _distribution(dist: dict, where: str) -> None:
    """Every probability in [0, 1] and Σ = 1 exactly."""
    for key, p in dist.items():
        if not 0 <= p <= 1:
            raise _Refused(f"{where}.{key}: probability {_show(p)} is outside [0, 1]")
    if sum(dist.values(), ZERO) != 1:
        raise _Refused(f"{where}: probabilities sum to {_show(sum(dist.values(), ZERO))}, not 1")


def _outcomes(outs, where: str, raw: dict) -> list:
    """[(to, p, r)] from the long form [{"to", "p", "r"}] (r defaults to 0) or the short form {to: p}."""
    if isinstance(outs, dict):
        outs = [{"to": to, "p": p} for to, p in outs.items()]
    if not isinstance(outs, list) or not outs or not all(isinstance(o, dict) for o in outs):
        raise _Refused(f"model: {where}: outcomes must be a non-empty list of {{to, p, r}} or {{state: p}}")
    result = [(o.get("to"), _number(o.get("p"), f"model: {where}[{i}].p"),
               _number(o.get("r", 0), f"model: {where}[{i}].r")) for i, o in enumerate(outs)]
    for i, (to, _, _) in enumerate(result):
        if not isinstance(to, str) or to not in raw:
            raise _Refused(f"model: {where}[{i}]: unknown state {_describe(to)}")
    _distribution({i: p for i, (_, p, _) in enumerate(result)}, f"model: {where}")
    return result


def _model(data, need_policy: bool = True) -> _Model:
    """Read an ``sc-symbolic/mdp-1`` dict into rationals (FORMAT.md); refuse what the kernel cannot check."""
    if not isinstance(data, dict):
        raise _Refused("model: not a JSON object")
    if data.get("format") != MODEL_FORMAT:
        raise _Refused(f'model: "format" is {_describe(data.get("format"))}, not "{MODEL_FORMAT}"')
    if data.get("parameters"):
        raise _Refused("model: parametric models are outside the kernel (numeric only)")
    raw = data.get("states")
    if not isinstance(raw, dict) or not raw or not all(isinstance(acts, dict) for acts in raw.values()):
        raise _Refused("model: states must be a non-empty object of objects")
    states = {s: {a: _outcomes(outs, f"states.{s}.{a}", raw) for a, outs in acts.items()}
              for s, acts in raw.items()}
    initial = data.get("initial")
    if not isinstance(initial, dict) or not all(s in raw for s in initial):
        raise _Refused("model: initial must map declared states to probabilities")
    initial = {s: _number(p, f"model: initial.{s}") for s, p in initial.items()}
    _distribution(initial, "model: initial")
    success, horizon, policy = data.get("success"), data.get("horizon"), data.get("policy")
    if isinstance(success, dict) and list(success) == ["states"] and isinstance(success["states"], list) \
            and all(isinstance(s, str) and s in raw and not raw[s] for s in success["states"]):
        goal, tau = frozenset(success["states"]), None
    elif isinstance(success, dict) and list(success) == ["return_at_least"]:
        goal, tau = None, _number(success["return_at_least"], "model: success.return_at_least")
    else:
        raise _Refused('model: success must be {"states": [terminal states]} or {"return_at_least": τ}')
    if horizon is not None and (isinstance(horizon, bool) or not isinstance(horizon, int) or not 0 <= horizon <= 10_000):
        raise _Refused(f"model: horizon {_describe(horizon)} is not an integer in [0, 10000] or null (as in the engine)")
    if policy is None and not need_policy:
        return _Model(initial, states, goal, tau, horizon, None)
    nonterminal = [s for s in states if states[s]]
    policy = {s: "uniform" for s in nonterminal} if policy == "uniform" else policy
    if not isinstance(policy, dict) or set(policy) != set(nonterminal):
        raise _Refused("model: policy must give a distribution for exactly the non-terminal states")
    lifted = {}
    for s, dist in policy.items():
        dist = {a: Q(1, len(states[s])) for a in states[s]} if dist == "uniform" else dist
        if not isinstance(dist, dict) or not all(a in states[s] for a in dist):
            raise _Refused(f"model: policy.{s}: not \"uniform\" or a distribution over the actions of {s}")
        lifted[s] = {a: _number(dist[a], f"model: policy.{s}.{a}") if a in dist else ZERO for a in states[s]}
        _distribution(lifted[s], f"model: policy.{s}")
    return _Model(initial, states, goal, tau, horizon, lifted)


def _analysed(m: _Model) -> _Analysed:
    """The analysed model (docs/math.md §1, §6): ``s|t=k`` under a horizon H, cut failures ``s|t=H``,
    ``x|G=c`` under a return threshold; only states reachable from supp ρ through outcomes with
    p ≠ 0 of any action (BFS).  The policy lifts: π(a | (s, t, c)) = π(a | s)."""
    if m.horizon is None and m.tau is None:
        return _Analysed(m.states, dict(m.initial), set(m.goal), m.policy)
    if m.horizon is None:
        _refuse_reward_cycles(m)
    track_t, track_c = m.horizon is not None, m.tau is not None
    origin, label_of, queue, initial, states, success = {}, {}, deque(), {}, {}, set()

    def visit(s, t, c) -> str:
        key = (s, t if track_t and m.states[s] else None, c if track_c else None)
        if key not in label_of:
            label = s + (f"|t={key[1]}" if key[1] is not None else "") + (f"|G={_exact_text(c)}" if track_c else "")
            if label in origin or len(origin) >= MAX_STATES:
                raise _Refused(f"analysed model: state {label!r} arises twice, or more than {MAX_STATES} states")
            label_of[key], origin[label] = label, key
            queue.append(label)
        return label_of[key]
    for s, p in m.initial.items():
        if p != 0:
            label = visit(s, 0, ZERO)
            initial[label] = initial.get(label, ZERO) + p
    outcomes = 0
    while queue:
        label = queue.popleft()
        s, t, c = origin[label]
        outcomes += sum(len(outs) for outs in m.states[s].values())
        if outcomes > MAX_OUTCOMES:  # bounded before the work, not after memory runs out
            raise _Refused(f"analysed model: more than {MAX_OUTCOMES} outcomes (states × actions × outcomes)")
        if not m.states[s] or (track_t and t == m.horizon):
            states[label] = {}
            if not m.states[s] and (c >= m.tau if track_c else s in m.goal):
                success.add(label)
            continue
        states[label] = {a: [(visit(to, t + 1 if track_t else None, c + r if track_c else None), p, r)
                             for to, p, r in outs if p != 0] for a, outs in m.states[s].items()}
    return _Analysed(states, initial, success, {x: m.policy[origin[x][0]] for x, acts in states.items() if acts},
                     {x: key[0] for x, key in origin.items()})


def _refuse_reward_cycles(m: _Model) -> None:
    """Without a horizon, a reachable cycle with non-zero total reward makes the augmented model
    infinite: inside each SCC the potentials φ(to) = φ(s) + r (edges with p ≠ 0) must agree."""
    succ = {s: [to for outs in acts.values() for to, p, _ in outs if p != 0] for s, acts in m.states.items()}
    for comp in _components(_reachable([s for s, p in m.initial.items() if p != 0], succ), succ):
        members, phi, stack = set(comp), {comp[0]: ZERO}, [comp[0]]
        while stack:
            s = stack.pop()
            for to, p, r in (o for outs in m.states[s].values() for o in outs):
                if p != 0 and to in members and to not in phi:
                    phi[to] = phi[s] + r
                    stack.append(to)
                elif p != 0 and to in members and phi[to] != phi[s] + r:
                    raise _Refused(f"analysed model: a reachable cycle through {s!r} has non-zero total reward, "
                                   "so the return-augmented model is infinite (add a horizon)")


# ------------------------------------------------------------------ graph passes (nothing is solved)


def _graph(a: _Analysed, policy: dict) -> dict:
    """Edges s → to for actions with policy(a|s) > 0 and outcomes with p > 0."""
    return {s: [to for act, outs in acts.items() if policy[s].get(act, ZERO) > 0 for to, p, _ in outs if p > 0]
            for s, acts in a.states.items()}


def _reachable(sources, succ) -> set:
    """Nodes reachable from ``sources`` along ``succ`` (BFS, sources included)."""
    seen, queue = set(sources), deque(sources)
    while queue:
        for to in succ[queue.popleft()]:
            if to not in seen:
                seen.add(to)
                queue.append(to)
    return seen


def _prob0(succ: dict, targets) -> set:
    """Nodes with no path to ``targets`` (the prob0 set of docs/math.md §2)."""
    pred = defaultdict(list)
    for s, tos in succ.items():
        for to in tos:
            pred[to].append(s)
    return set(succ) - _reachable(list(targets), pred)


def _components(nodes: set, succ: dict) -> list:
    """Strongly connected components of ``succ`` restricted to ``nodes`` (iterative Tarjan)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    for root in nodes:
        work = [] if root in index else [(root, iter(succ[root]))]
        while work:
            v, edges = work[-1]
            if v not in index:
                index[v] = low[v] = len(index)
                stack.append(v)
                on_stack.add(v)
            for w in edges:  # resume this node's edges at the next unvisited or on-stack successor
                if w in nodes and (w not in index or w in on_stack):
                    break
            else:
                w = None
            if w is not None:
                if w in index:
                    low[v] = min(low[v], index[w])
                else:
                    work.append((w, iter(succ[w])))
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = [stack.pop()]
                while comp[-1] != v:
                    comp.append(stack.pop())
                on_stack.difference_update(comp)
                result.append(comp)
    return result


def _recurrent(a: _Analysed, succ: dict, reach: set) -> set:
    """Reachable states of closed classes of non-terminal states (bottom SCCs): η = ∞ exactly there."""
    closed = set()
    for comp in _components(reach, succ):
        if all(a.states[s] for s in comp) and all(to in comp for s in comp for to in succ[s]):
            closed |= set(comp)
    return closed


def _iterated_values(a: _Analysed, steps: int) -> list:
    """J(π_0), …, J(π_steps) for π_0 = π and π_{k+1} = (π_k)⁺ (docs/math.md §4–§5), solved here exactly:
    the report claims no V of the later policies, so this is the kernel's one linear solve.

    V_k = 0 on prob0(π_k), 1 on success, 0 on other terminals; on the rest, x = Ax + b with A the
    sub-stochastic matrix of π_k, solved SCC by SCC, sinks first (Tarjan emits them so), by sparse
    elimination in substitution form x_s = Σ_t c_t x_t + r, fewest users × entries first (Markowitz).
    Every state left reaches success, so I − A is a non-singular M-matrix: its Schur complements are
    too, every pivot 1 − c_s is > 0 and the solution is unique.  π_{k+1}(a|s) = π_k(a|s) Σ_o p_o
    V_k(to_o) / V_k(s) where V_k(s) > 0, π_k(·|s) kept elsewhere (executed π⁺)."""
    policy, values = a.policy, []
    for step in range(steps + 1):
        succ = _graph(a, policy)
        zero = _prob0(succ, a.success)
        V = {s: ONE if s in a.success else ZERO for s, acts in a.states.items() if not acts or s in zero}
        for comp in _components({s for s in a.states if s not in V}, succ):
            members, rows, users = set(comp), {}, defaultdict(set)
            for s in comp:
                row, rhs = defaultdict(lambda: ZERO), ZERO
                for act, pr in ((act, pr) for act, pr in policy[s].items() if pr):
                    for to, p, _ in a.states[s][act]:
                        if to in members:
                            row[to] += pr * p
                        else:
                            rhs += pr * p * V[to]
                rows[s] = [row, rhs]
                for t in row:
                    users[t].add(s)
            order, done, heap = [], set(), [(len(users[s]) * len(rows[s][0]), i, s) for i, s in enumerate(comp)]
            heapq.heapify(heap)
            while heap:
                cost, i, s = heapq.heappop(heap)
                if s in done:
                    continue
                if cost != len(users[s]) * len(rows[s][0]):  # stale: fill-in changed it, queue it again
                    heapq.heappush(heap, (len(users[s]) * len(rows[s][0]), i, s))
                    continue
                done.add(s)
                order.append(s)
                row, rhs = rows[s]
                pivot = ONE - row.pop(s, ZERO)
                users[s].discard(s)
                if pivot <= 0:
                    raise _Refused(f"iterations: state {s}: singular system in the kernel's elimination")
                for t in row:
                    row[t] /= pivot
                    users[t].discard(s)
                rows[s][1] = rhs = rhs / pivot
                for u in users.pop(s, ()):  # x_s = row·x + rhs substituted into every row still to eliminate
                    other = rows[u]
                    c = other[0].pop(s)
                    other[1] += c * rhs
                    for t, ct in row.items():
                        users[t].add(u)
                        other[0][t] += c * ct
            for s in reversed(order):
                row, rhs = rows[s]
                V[s] = rhs + _sum(c * V[t] for t, c in row.items())
        values.append(_sum(p * V[s] for s, p in a.initial.items()))
        if step < steps:
            policy = {s: {act: pr * _sum(p * V[to] for to, p, _ in a.states[s][act]) / V[s]
                          for act, pr in policy[s].items()} if V[s] > 0 else policy[s] for s in policy}
    return values

# ------------------------------------------------------------------ the checks


def _sum(terms):
    return sum(terms, ZERO)


class _Linear:
    """Σ_i c_i·x_i as one unreduced fraction num/den, compared without a gcd.

    Claimed values of V⁺ and η⁺ run to 10⁵ bits, and their denominators are one D divided by small
    factors; a plain sum would take a gcd of two such numbers at every step.  Here the sum is
    acc/L over a running common denominator L of the x_i: a term adds c_i·num(x_i)·(L/den(x_i)) (an
    exact division) to acc, whose denominator stays as narrow as the coefficients'; L grows by an
    lcm only when den(x_i) ∤ L."""

    __slots__ = ("numerator", "denominator")

    def __init__(self, terms):
        common, acc = 1, ZERO
        for c, x in terms:
            if c and x:
                scale, rest = divmod(common, x.denominator)
                if rest:
                    grow = x.denominator // _gcd(common, x.denominator)
                    common, acc = common * grow, acc * grow
                    scale = common // x.denominator
                acc += c * (x.numerator * scale)
        self.numerator, self.denominator = acc.numerator, acc.denominator * common

    def __eq__(self, other) -> bool:
        """``other`` = a/b in lowest terms equals num/den iff b | den and num = a·(den/b): a division
        with a small quotient and a narrow product instead of two wide cross-products."""
        if isinstance(other, _Linear):
            return self.numerator * other.denominator == other.numerator * self.denominator
        if not isinstance(other, RATIONALS) or isinstance(other, bool):
            return False
        scale, rest = divmod(self.denominator, other.denominator)
        return rest == 0 and self.numerator == other.numerator * scale

    __hash__ = None

    def value(self):
        """The reduced rational (for messages and the rare further arithmetic)."""
        return Q(self.numerator, self.denominator)

    def __str__(self) -> str:
        return str(self.value())


def _mean(acts: dict, dist: dict, f) -> _Linear:
    """Σ_a dist(a) Σ_o p_o f(to_o, r_o): one step of the chain under ``dist``."""
    return _Linear((dist.get(a, ZERO) * p, f(to, r)) for a, outs in acts.items() for to, p, r in outs)


class _Kernel:
    """One verification: the claimed tables, the failures and the count of checked relations."""

    def __init__(self):
        self.result = KernelResult()
        self.fail = self.result.failures.append

    def holds(self, condition: bool, message) -> None:
        """Count one checked relation; record ``message`` (a string, or a function making it: exact
        values of thousands of digits are only written out on failure) when it is false."""
        self.result.equations += 1
        if not condition:
            self.fail(message() if callable(message) else message)

    def equal(self, equation: str, where: str, claimed, rhs) -> None:
        """Count the equation ``claimed = rhs``; on mismatch record both exact values."""
        self.result.equations += 1
        if not claimed == rhs:
            self.fail(f"{equation}: {where}: claimed {_show(claimed)}, right-hand side {_show(rhs)}")

    def each(self, equation: str, items, check) -> None:
        """``check(item)`` for each item.  Missing or null data (already reported) skips an item;
        soundness guard: a skip with no failure on record becomes a failure."""
        for item in list(items):
            try:
                check(item)
            except _Refused as exc:
                self.fail(str(exc))
            except (KeyError, TypeError, ZeroDivisionError) as exc:
                if not self.result.failures:
                    self.fail(f"{equation}: {item}: incomplete certificate ({type(exc).__name__}: {exc})")

    def run(self, model, certificate) -> None:
        """Every check of the module docstring, in docs/math.md order."""
        if not isinstance(certificate, dict) or certificate.get("format") != CERTIFICATE_FORMAT:
            raise _Refused(f'certificate: not an object with "format": "{CERTIFICATE_FORMAT}"')
        self.m, self.certificate = self.read_model(model, certificate.get("model")), certificate
        if self.result.failures:  # the first structural mismatch ends the run: no arithmetic on the wrong model
            return
        self.a = _analysed(self.m)
        self.nonterminal = [s for s, acts in self.a.states.items() if acts]
        report = certificate.get("report")
        if not isinstance(report, dict) or report.get("format") != REPORT_FORMAT:
            raise _Refused(f'report: not an object with "format": "{REPORT_FORMAT}"')
        self.check_contract(report, certificate.get("model"))
        self.read_report(report)
        self.check_values()
        self.check_conditioning()
        self.check_improvement()
        visits = certificate.get("visits") if isinstance(certificate.get("visits"), dict) else {}
        self.eta = self.check_visits("pi", visits.get("pi"), self.a.policy)
        self.eta_plus = self.check_visits("pi_plus", visits.get("pi_plus"), self.executed)
        self.each("performance difference", ["J_plus - J"], self.check_performance_difference)
        self.check_distribution_shift(report["states"])
        self.check_returns(report)
        if "data" in report:
            self.each("data", ["data"], lambda _: self.check_data(report["data"],
                                                                   model if model is not None else certificate.get("model")))
        checks = report.get("checks")
        self.holds(report.get("verified") is True, lambda: f"report: verified is {_describe(report.get('verified'))}, "
                   "not true")
        self.holds(isinstance(checks, dict) and all(name in checks for name in CORE_CHECKS),
                   f"report: checks must name at least {', '.join(CORE_CHECKS)}")
        for name, value in (checks.items() if isinstance(checks, dict) else ()):
            self.holds(value is True, lambda: f"report: check {name[:80]} is {_describe(value)}, not true")

    def check_contract(self, report: dict, embedded) -> None:
        """Closed contract: no field outside REPORT_VERIFIED + REPORT_METADATA (STATE_VERIFIED per state,
        MODEL_KEYS + ``x-*`` in the embedded model); ``kernel`` may only state this kernel's verdict;
        ``threshold`` and ``horizon``, when given, are the model's; ``iterations`` starts at J, J⁺, never
        decreases and each J(π_k) is the kernel's own (``_iterated_values``)."""
        unknown = sorted(key for key in report if key not in REPORT_VERIFIED + REPORT_METADATA)
        self.holds(not unknown, lambda: f"report: unknown field(s) {', '.join(map(repr, unknown[:10]))} (a certificate "
                   "holds only fields the kernel verifies or documented metadata)")
        states = report.get("states")
        for s, entry in (states.items() if isinstance(states, dict) else ()):
            extra = sorted(k for k in entry if k not in STATE_VERIFIED) if isinstance(entry, dict) else []
            self.holds(not extra, lambda: f"states: state {str(s)[:80]}: unknown field(s) {', '.join(map(repr, extra[:10]))}")
        if isinstance(embedded, dict):
            extra = sorted(k for k in embedded if k not in MODEL_KEYS and not (isinstance(k, str) and k.startswith("x-")))
            self.holds(not extra, lambda: f"model: unknown key(s) {', '.join(map(repr, extra[:10]))} (the engine refuses them)")
        checks = report.get("checks")
        names = sorted(checks) if isinstance(checks, dict) else []
        self.holds(all(name in CHECK_NAMES for name in names),
                   lambda: f"report: unknown check(s) {[n[:40] for n in names if n not in CHECK_NAMES][:10]}")
        if "kernel" in report:
            self.holds(report["kernel"] == {"ok": True, "failures": []}, lambda: "report: kernel is "
                       f"{_describe(report['kernel'])}; the kernel's verdict is recomputed, and a certificate "
                       "claims only ok: true with no failures")
        for key, value in (("threshold", self.m.tau), ("horizon", self.m.horizon)):
            if key not in report:
                continue  # optional; when given it must be the model's
            if value is None:
                self.fail(f"report: {key} given, but the model has none")
                continue
            try:
                claimed = report.get(key) if key == "horizon" else _claimed(report.get(key), key)
            except _Refused as exc:
                self.fail(str(exc))
                continue
            self.holds(claimed == value and not isinstance(claimed, bool),
                       lambda: f"report: {key} is {_describe(report.get(key))}, the model's is {_show(value)}")
        iterations = report.get("iterations")
        self.holds(("iterations" in report) == ("iteration" in names),
                   "report: iterations and checks.iteration go together")
        if iterations is not None:
            try:
                if not isinstance(iterations, list) or not 2 <= len(iterations) <= 1_001:
                    raise _Refused("iterations: a list of 2 to 1001 values J(π_0), J(π_1), …")
                values = [_claimed(v, f"iterations[{k}]") for k, v in enumerate(iterations)]
                J, J_plus = _claimed(report.get("J"), "J"), _claimed(report.get("J_plus"), "J_plus")
                self.holds(values[0] == J and values[1] == J_plus,
                           "iterations: J(π_0), J(π_1) are not the report's J, J_plus")
                self.holds(all(a is not None and b is not None and a <= b for a, b in zip(values, values[1:])),
                           "iterations: the J sequence decreases (iterating success conditioning never does)")
                for k, value in enumerate(_iterated_values(self.a, len(values) - 1)):
                    self.equal("iterations", f"J(π_{k}), π_(k+1) = (π_k)⁺, solved by the kernel", values[k], value)
            except _Refused as exc:
                self.fail(str(exc))

    def read_model(self, given, embedded) -> _Model:
        """The certificate's model (its policy is the analysed one), which must agree with the given
        model — in its policy too when the given model has one; else the given model."""
        if embedded is None:
            if given is None:
                raise _Refused("certificate: no model (neither given nor embedded)")
            return _model(given)
        m = _model(embedded)
        if given is not None:
            g = _model(given, need_policy=False)
            threshold = " (a certificate of check --threshold T is verified with verify --threshold T)"
            hints = {"goal": threshold, "tau": threshold,
                     "policy": " (a certificate of check --policy FILE is verified with verify --policy FILE)"}
            for part in ("initial", "states", "goal", "tau", "horizon", "policy"):
                if part == "policy" and g.policy is None:
                    continue
                self.holds(getattr(g, part) == getattr(m, part), f"model: the certificate's model differs "
                           f"from the given model in {part!r}{hints.get(part, '')}")
        return m

    def read_report(self, report: dict) -> None:
        """Claimed numbers into tables V, Vp, Q, pi, pp, R, C, I (by state); refusals are failures.
        V, V_plus, Q, pi are numbers; pi_plus, R, chi2, I are null iff V = 0; pi must be the policy."""
        claimed = report.get("states")
        if not isinstance(claimed, dict):
            raise _Refused("report: states is not an object")
        for s in claimed:
            if s not in self.a.states or not self.a.states[s]:
                self.fail(f"states: {s!r} is not a non-terminal state of the analysed model")
        tables = {key: {} for key in STATE_FIELDS}
        self.V, self.Vp, self.Q, self.pi, self.pp, self.R, self.C, self.I = tables.values()
        for s in self.nonterminal:
            entry = claimed.get(s)
            missing = [key for key in STATE_FIELDS if key not in entry] if isinstance(entry, dict) else ["all"]
            if missing:
                self.fail(f"states: state {s}: missing from report.states ({', '.join(missing)})")
                continue
            for key, table in tables.items():
                self.read(table, s, f"{key}: state {s}", entry[key], key in ("Q", "pi", "pi_plus"))
                if key in ("V", "V_plus", "Q", "pi") and table.get(s, 0) is None:
                    self.fail(f"{key}: state {s}: null, but it is always a number")
                    del table[s]
                elif key in ("pi_plus", "R", "chi2", "I") and s in self.V and s in table:
                    self.holds((table[s] is None) == (self.V[s] == 0), lambda: f"{key}: state {s}: "
                               f"{'null' if table[s] is None else 'a number'} with V = {_show(self.V[s])}, "
                               "but it is null iff V = 0")
            for act, p in self.pi.get(s, {}).items():
                self.equal("policy", f"state {s}, action {act}", p, self.a.policy[s][act])
        self.J, self.Jp = (self.scalar(report, key) for key in ("J", "J_plus"))

    def read(self, table: dict, s: str, where: str, value, per_action: bool) -> None:
        """Parse ``value`` (a number, null, or a dict over the actions of ``s``) into ``table[s]``."""
        try:
            if per_action and value is not None:
                actions = list(self.a.states[s])
                if not isinstance(value, dict) or set(value) != set(actions):
                    shown = repr(sorted(value)[:20]) if isinstance(value, dict) else _describe(value)
                    raise _Refused(f"actions: {where}: claimed actions {shown}, the model has {sorted(actions)}")
                value = {act: _claimed(value[act], f"{where}, action {act}") for act in actions}
                if None in value.values():
                    raise _Refused(f"{where}: an action entry is null")
            table[s] = value if per_action and value is not None else _claimed(value, where)
        except _Refused as exc:
            self.fail(str(exc))

    def scalar(self, report: dict, key: str):
        """A top-level claimed number that must be present and not null."""
        try:
            value = _claimed(report.get(key), key)
        except _Refused as exc:
            return self.fail(str(exc))
        return self.fail(f"{key}: missing or null") if value is None else value

    def full(self, table: dict) -> dict:
        """Claimed values on non-terminal states, with 1 on success states and 0 on other terminals."""
        return {**{s: ONE if s in self.a.success else ZERO for s, acts in self.a.states.items() if not acts},
                **table}

    def check_values(self) -> None:
        """V = 0 exactly on prob0(π); Q(s,a) = Σ_o p_o V(to_o); V(s) = Σ_a π(a|s) Q(s,a); J = Σ ρ V.

        Why this is THE least solution: let S⁺ be the non-terminal states off prob0.  From each of them
        success is reachable under π, so the sub-stochastic matrix A of π on S⁺ leaks mass, Aⁿ → 0 and
        I − A is non-singular: x = Ax + b (b = one-step success mass; moves into prob0 add V = 0, as
        claimed and checked) has exactly one solution, the success probability (the least solution)."""
        a, value = self.a, self.full(self.V)
        zero = _prob0(_graph(a, a.policy), a.success)
        self.each("zero set V", self.V, lambda s: self.holds((self.V[s] == 0) == (s in zero), lambda: f"zero set V: "
                  f"state {s}: V = {_show(self.V[s])}, but success is {'un' * (s in zero)}reachable under π"))

        def bellman(s):
            for act, outs in a.states[s].items():
                self.equal("bellman Q", f"state {s}, action {act}", self.Q[s][act],
                           _Linear((p, value[to]) for to, p, _ in outs))
            self.equal("bellman V", f"state {s}", self.V[s],
                       _Linear((pi, self.Q[s][act]) for act, pi in a.policy[s].items()))
        self.each("bellman", self.nonterminal, bellman)
        self.each("J", ["J"], lambda _: self.equal("J", "Σ_s ρ(s) V(s)", self.J,
                                                   _Linear((p, value[s]) for s, p in a.initial.items())))

    def check_conditioning(self) -> None:
        """docs/math.md §3–§4 on every state with V > 0; multipliers are given exactly for those states."""
        self.positive = [s for s in self.nonterminal if self.V.get(s, ZERO) > 0]
        self.positive_set = set(self.positive)
        multipliers = self.certificate.get("multipliers")
        self.multipliers = multipliers if isinstance(multipliers, dict) else {}
        for s in self.multipliers:
            self.holds(s in self.positive_set, f"KKT: multipliers for {s!r}, which is not a state with V > 0")
        self.each("conditioning", self.positive, self.check_state)

    def check_state(self, s: str) -> None:
        """π⁺ = πQ/V; R = (Σπ⁺Q − V)/V; χ² = Σ_{π>0}(π⁺−π)²/π; I = Σπ(Q−V)²/V²; R = χ² = I.

        Cauchy–Schwarz: every p with χ²(p‖π) ≤ ε has Σ pQ − V = Σ π(p/π − 1)(Q − V) ≤ √(χ²·Var)
        ≤ √(ε·Var), Var = Σ π(Q − V)²; so a feasible π⁺ with gain ≥ 0 and gain² = ε·Var is a maximiser."""
        V, Q, pi, pp = self.V[s], self.Q[s], self.a.policy[s], self.pp[s]
        for act in pi:
            self.equal("pi_plus", f"state {s}, action {act}: π(a)Q(a)/V", pp[act], pi[act] * Q[act] / V)
        gain = _sum(pp[b] * Q[b] for b in pi) - V
        var = _sum(pi[b] * (Q[b] - V) ** 2 for b in pi)
        chi2 = _sum((pp[b] - pi[b]) ** 2 / pi[b] for b in pi if pi[b] > 0)
        self.equal("R", f"state {s}: (Σ π⁺Q − V)/V", self.R[s], gain / V)
        self.equal("chi2", f"state {s}: Σ (π⁺ − π)²/π", self.C[s], chi2)
        self.equal("I", f"state {s}: Σ π(Q − V)²/V²", self.I[s], var / V**2)
        self.holds(self.R[s] == self.C[s] == self.I[s], lambda: f"identity: state {s}: R = {_show(self.R[s])}, "
                   f"chi2 = {_show(self.C[s])}, I = {_show(self.I[s])}")
        eps = self.I[s]
        self.holds(all(pp[b] >= 0 and (pi[b] > 0 or pp[b] == 0) for b in pi) and _sum(pp.values()) == 1,
                   f"trust region: state {s}: pi_plus is not a distribution on the support of π")
        self.holds(gain >= 0, lambda: f"trust region: state {s}: gain Σ π⁺Q − V = {_show(gain)} < 0")
        self.equal("trust region", f"state {s}: gain² = ε·Var_π Q", gain**2, eps * var)
        self.holds(chi2 <= eps, lambda: f"trust region: state {s}: χ²(π⁺‖π) = {_show(chi2)} > ε = I = {_show(eps)}")
        self.check_kkt(s, chi2, eps)

    def check_kkt(self, s: str, chi2, eps) -> None:
        """μ = V/2, κ ≥ 0; Q(a) − 2μπ⁺(a)/π(a) − ν + κ_a = 0 where π(a) > 0; μ(χ² − ε) = 0 and
        κ_a π⁺(a) = 0.  The problem is convex, so these KKT conditions prove π⁺ optimal."""
        raw, pi, pp, Q = self.multipliers.get(s), self.a.policy[s], self.pp[s], self.Q[s]
        if not isinstance(raw, dict) or not isinstance(raw.get("kappa"), dict):
            return self.fail(f"KKT: state {s}: multipliers mu, nu, kappa missing")
        mu, nu = _claimed(raw.get("mu"), f"KKT: state {s}: mu"), _claimed(raw.get("nu"), f"KKT: state {s}: nu")
        kappa = {b: _claimed(k, f"KKT: state {s}: kappa {b}") for b, k in raw["kappa"].items()}
        self.holds(set(kappa) <= set(pi) and {b for b in pi if pi[b] > 0} <= set(kappa),
                   f"KKT: state {s}: kappa must cover the actions with π > 0, and only actions of {s}")
        self.equal("KKT", f"state {s}: mu = V/2", mu, self.V[s] / 2)
        self.equal("KKT", f"state {s}: nu = 0", nu, ZERO)
        self.holds(all(k == 0 for k in kappa.values()), f"KKT: state {s}: kappa = 0 on every action (docs/math.md §4)")
        self.holds(all(k >= 0 for k in kappa.values()), f"KKT: state {s}: some kappa is negative")
        for b in (b for b in pi if pi[b] > 0):
            residual = Q[b] - 2 * mu * pp[b] / pi[b] - nu + kappa[b]
            self.holds(residual == 0, lambda: f"KKT stationarity: state {s}, action {b}: "
                       f"Q − 2μπ⁺/π − ν + κ = {_show(residual)}, not 0")
        self.holds(mu * (chi2 - eps) == 0, lambda: f"KKT slackness: state {s}: μ(χ² − ε) = {_show(mu * (chi2 - eps))}")
        for b, k in kappa.items():
            self.holds(k * pp[b] == 0, lambda: f"KKT slackness: state {s}, action {b}: κπ⁺ = {_show(k * pp[b])}")

    def check_improvement(self) -> None:
        """V⁺ = 0 exactly on prob0(π⁺); V⁺(s) = Σ_a π⁺(a|s) Σ_o p_o V⁺(to_o); V⁺ ≥ V; J⁺ = Σ ρ V⁺ ≥ J.
        π⁺ is executed where V > 0, π kept elsewhere; uniqueness as in check_values."""
        a, value = self.a, self.full(self.Vp)
        self.executed = {s: self.pp[s] if s in self.positive_set and isinstance(self.pp.get(s), dict) else a.policy[s]
                         for s in self.nonterminal}
        zero = _prob0(_graph(a, self.executed), a.success)

        def check(s):
            self.holds((self.Vp[s] == 0) == (s in zero), lambda: f"zero set V_plus: state {s}: V_plus = "
                       f"{_show(self.Vp[s])}, but success is {'un' * (s in zero)}reachable under the executed π⁺")
            self.equal("bellman V_plus", f"state {s}", self.Vp[s],
                       _mean(a.states[s], self.executed[s], lambda to, r: value[to]))
            self.holds(self.Vp[s] >= self.V[s],
                       lambda: f"improvement: state {s}: V_plus = {_show(self.Vp[s])} < V = {_show(self.V[s])}")

        def totals(_):
            self.equal("J_plus", "Σ_s ρ(s) V_plus(s)", self.Jp, _Linear((p, value[s]) for s, p in a.initial.items()))
            self.holds(self.Jp >= self.J, lambda: f"improvement: J_plus = {_show(self.Jp)} < J = {_show(self.J)}")
        self.each("V_plus", self.nonterminal, check)
        self.each("J_plus", ["J_plus"], totals)

    def check_visits(self, key: str, raw, policy: dict) -> dict:
        """η(s) = ρ(s) + Σ_{s'} η(s') Σ_a policy(a|s') P(s|s',a) where η is finite; η = 0 off the
        reachable set; η = ∞ (null) exactly on reachable closed classes.  The reachable finite states
        each reach a terminal or a closed class, so their flow matrix leaks mass: one solution."""
        name, eta = f"visits {key}", {}
        if not isinstance(raw, dict):
            self.fail(f"{name}: missing")
            return eta
        for s in raw:
            if s not in self.a.states or not self.a.states[s]:
                self.fail(f"{name}: {s!r} is not a non-terminal state of the analysed model")
        for s in self.nonterminal:
            try:
                eta[s] = _claimed(raw[s], f"{name}: state {s}")
            except KeyError:
                self.fail(f"{name}: state {s}: missing")
            except _Refused as exc:
                self.fail(str(exc))
        succ = _graph(self.a, policy)
        reach = _reachable([s for s, p in self.a.initial.items() if p != 0], succ)
        infinite, inflow = _recurrent(self.a, succ, reach), defaultdict(list)
        for s in (s for s in eta if eta[s] is not None):  # a closed class never flows into a finite state
            for act, pr in policy[s].items():
                for to, p, _ in self.a.states[s][act]:
                    inflow[to].append((pr * p, eta[s]))

        def check(s):
            claim = eta[s]
            self.holds((claim is None) == (s in infinite), lambda: f"{name}: state {s}: claimed {_show(claim)}, but it "
                       f"{'lies' if s in infinite else 'does not lie'} in a reachable closed recurrent class")
            if claim is None or s in infinite:
                return
            if s not in reach:
                self.equal(name, f"state {s} (unreachable)", claim, ZERO)
            self.equal(name, f"state {s}: ρ(s) + Σ η(s')P(s'→s)", claim,
                       _Linear([(self.a.initial.get(s, ZERO), ONE)] + inflow[s]))
        self.each(name, eta, check)
        return eta

    def check_data(self, data, model_data) -> None:
        """The data route (docs/math.md §9) against the model file's ``x-data`` counts n(s,a), n_Y(s,a), n₀(s):
        the model's π and ρ are n(s,a)/n(s) and n₀(s)/N; per counted state, π̂_filt = n_Y(s,a)/n_Y(s)
        (null iff n_Y(s) = 0), π⁺ the verified report's (null for augmented models), π̄ by the pooled
        formula Σ_{x↦s} η(x)π(a|x)Q(x,a) / Σ_{x↦s} η(x)V(x) on the verified η, V, Q (null iff 0),
        the differences, the coincidences and the largest |difference|, all recomputed exactly."""
        counts = model_data.get("x-data") if isinstance(model_data, dict) else None
        if not isinstance(data, dict) or not isinstance(counts, dict) or not isinstance(counts.get("counts"), dict) \
                or not isinstance(counts.get("initial"), dict):
            raise _Refused("data: a data section needs the model's x-data counts (and an object)")
        m = self.m
        for key in ("episodes", "successful", "steps", "success_rule"):
            self.holds(data.get(key) == counts.get(key), f"data: {key} is not the x-data's")
        episodes = counts.get("episodes")
        if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
            raise _Refused("data: x-data.episodes is not a positive integer")
        table = {}
        for s, acts in counts["counts"].items():
            if s not in m.states or not m.states[s] or not isinstance(acts, dict):
                raise _Refused(f"data: x-data counts state {_describe(s)}, not a non-terminal state of the model")
            table[s] = {}
            for a, pair in acts.items():
                if a not in m.states[s] or not isinstance(pair, list) or len(pair) != 2 or not all(
                        isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 2 ** 64 for n in pair) \
                        or pair[1] > pair[0]:
                    raise _Refused(f"data: x-data.counts.{s}.{_describe(a)} is not [n, n_Y] with 0 ≤ n_Y ≤ n")
                table[s][a] = pair
        for s, p in m.initial.items():
            n0 = counts["initial"].get(s, 0)
            if not isinstance(n0, int) or isinstance(n0, bool):
                raise _Refused(f"data: x-data.initial.{_describe(s)} is not an integer")
            self.equal("data: ρ(s) = n₀(s)/N", f"state {s}", p, Q(n0, episodes))
        for s, acts in table.items():
            total = sum(n for n, _ in acts.values())
            if total == 0:
                raise _Refused(f"data: x-data counts no visit of {s!r}")
            for a in m.states[s]:
                self.equal("data: π(a|s) = n(s,a)/n(s)", f"state {s}, action {a}", m.policy[s][a],
                           Q(acts.get(a, [0, 0])[0], total))
        per_state = m.tau is None and m.horizon is None
        self.holds(data.get("pi_plus_per_state") is per_state,
                   f"data: pi_plus_per_state must be {str(per_state).lower()} (π⁺ is per state iff nothing is indexed)")
        origin = self.a.origin or {}
        top, bottom = defaultdict(lambda: defaultdict(lambda: ZERO)), defaultdict(lambda: ZERO)
        for x in self.nonterminal:
            eta = self.eta.get(x)
            if eta is None or eta == 0 or self.V[x] == 0:  # η = ∞ only on closed classes, where V = 0
                continue
            s = origin.get(x, x)
            bottom[s] += eta * self.V[x]
            for a, p in self.a.policy[x].items():
                top[s][a] += eta * p * self.Q[x][a]
        rows = data.get("states")
        if not isinstance(rows, dict) or set(rows) != set(table):
            raise _Refused("data: states must list exactly the states of the x-data counts")
        verdicts, largest = defaultdict(list), {"filt_plus": [], "filt_markov": []}
        for s, acts in table.items():
            row = rows[s]
            if not isinstance(row, dict):
                raise _Refused(f"data: state {s}: not an object")
            n, n_y = sum(pair[0] for pair in acts.values()), sum(pair[1] for pair in acts.values())
            self.holds(row.get("n") == n and row.get("n_success") == n_y, f"data: state {s}: n, n_success are not "
                       f"the counts' {n}, {n_y}")
            filt = None if n_y == 0 else {a: Q(pair[1], n_y) for a, pair in acts.items()}
            plus = self.pp.get(s) if per_state else None
            markov = None if bottom[s] == 0 else {a: top[s][a] / bottom[s] for a in m.states[s]}

            def minus(x, y):
                return None if x is None or y is None else {a: x[a] - y.get(a, ZERO) for a in x}
            expected = {"pi_filt": filt, "pi_plus": plus, "pi_markov": markov,
                        "filt_minus_plus": minus(filt, plus), "filt_minus_markov": minus(filt, markov)}
            for key, value in expected.items():
                claimed = row.get(key)
                if value is None or claimed is None:
                    self.holds(value is None and claimed is None, f"data: state {s}: {key} is "
                               f"{'null' if claimed is None else 'a number'}, expected {'null' if value is None else 'numbers'}")
                    continue
                if not isinstance(claimed, dict) or set(claimed) != set(value):
                    raise _Refused(f"data: state {s}: {key} does not list the actions {sorted(value)}")
                for a, v in value.items():
                    self.equal(f"data: {key}", f"state {s}, action {a}", _claimed(claimed[a], f"data: {key}"), v)
            pairs = {"filt_plus": (filt, plus), "filt_markov": (filt, markov), "plus_markov": (plus, markov)}
            coincide = {k: None if x is None or y is None else all(x[a] == y.get(a, ZERO) for a in x)
                        for k, (x, y) in pairs.items()}
            self.holds(row.get("coincide") == coincide, f"data: state {s}: coincide is not {coincide}")
            for k, v in coincide.items():
                if v is not None:
                    verdicts[k].append(v)
            for k in largest:
                diff = expected[f"filt_minus_{k.split('_')[1]}"]
                largest[k].extend(abs(v) for v in (diff or {}).values())
        overall = {k: (all(verdicts[k]) if verdicts[k] else None) for k in ("filt_plus", "filt_markov", "plus_markov")}
        self.holds(data.get("coincide") == overall, f"data: coincide is not {overall}")
        claimed = data.get("max_abs_difference")
        if not isinstance(claimed, dict) or set(claimed) != set(largest):
            raise _Refused("data: max_abs_difference must give filt_plus and filt_markov")
        for k, values in largest.items():
            self.equal("data: max |difference|", k, _claimed(claimed[k], f"data: max_abs_difference.{k}"),
                       max(values) if values else None)

    def check_distribution_shift(self, claimed: dict) -> None:
        """No dangerous distribution shift (docs/math.md §5): π⁺(a) > 0 ⇒ π(a) > 0; π⁺(a)/π(a) = Q(a)/V ≤
        max_ratio = max_{a ∈ A(s)} Q(a)/V (null iff V = 0); the states reached from supp ρ under the
        executed π⁺ are reached under π, and the (verified) visit counts are > 0 exactly there."""
        def ratio_bound(s):
            entry = claimed.get(s)
            if not isinstance(entry, dict) or "max_ratio" not in entry:
                raise _Refused(f"distribution shift: state {s}: max_ratio missing from report.states")
            bound = _claimed(entry["max_ratio"], f"max_ratio: state {s}")
            if s not in self.positive_set:
                return self.holds(bound is None, lambda: f"max_ratio: state {s}: {_show(bound)} where V = 0, "
                                  "but it is null there")
            V, Q, pi, pp = self.V[s], self.Q[s], self.a.policy[s], self.pp[s]
            self.equal("max_ratio", f"state {s}: max_a Q(s,a)/V(s)", bound, max(Q.values()) / V)
            for b in pi:
                self.holds(pp[b] == 0 or pi[b] > 0, f"distribution shift: state {s}, action {b}: π⁺ > 0 where π = 0")
                if pi[b] > 0:
                    self.equal("likelihood ratio", f"state {s}, action {b}: π⁺/π = Q/V", pp[b] / pi[b], Q[b] / V)
        self.each("distribution shift", self.positive, ratio_bound)
        self.each("distribution shift", [s for s in self.nonterminal if s not in self.positive_set], ratio_bound)
        sources = [s for s, p in self.a.initial.items() if p != 0]
        reach = _reachable(sources, _graph(self.a, self.a.policy))
        reach_plus = _reachable(sources, _graph(self.a, self.executed))
        for s in self.nonterminal:
            self.holds(s not in reach_plus or s in reach, f"distribution shift: state {s} is reached under π⁺ "
                       "but never under π")
            for name, eta, reached in (("η", self.eta, reach), ("η⁺", self.eta_plus, reach_plus)):
                if s in eta:
                    self.holds((eta[s] is None or eta[s] != 0) == (s in reached), lambda: f"distribution shift: "
                               f"state {s}: {name} = {_show(eta[s])}, but the state is "
                               f"{'' if s in reached else 'never '}reached from ρ")

    def check_performance_difference(self, _) -> None:
        """J⁺ − J = Σ_{V>0} η⁺(s) V(s) I(s) (docs/math.md §5), equal to the certificate's value."""
        for s in self.positive:
            self.holds(self.eta_plus.get(s, ZERO) is not None, f"performance difference: state {s}: "
                       "η⁺ must be finite where V > 0")
        total = _Linear((self.V[s] * self.I[s], self.eta_plus[s]) for s in self.positive)
        claim = _claimed(self.certificate.get("performance_difference"), "performance_difference")
        self.equal("performance difference", "J_plus − J = Σ_{V>0} η⁺ V I", self.Jp - self.J, total)
        self.equal("performance difference", "certificate value = J_plus − J", claim, self.Jp - self.J)

    def check_returns(self, report: dict) -> None:
        """E[G] = Σ_{η(s)<∞} η(s) Σ_a π(a|s) Σ_o p_o r_o, null iff a reachable closed class has a
        rewarded transition (docs/math.md §6); present iff some outcome of the model has a non-zero reward."""
        rewards = any(r != 0 for acts in self.m.states.values() for outs in acts.values() for _, _, r in outs)
        for key, eta, policy in (("expected_return", self.eta, self.a.policy),
                                 ("expected_return_plus", self.eta_plus, self.executed)):
            if not rewards or key not in report:
                self.holds(rewards == (key in report), f"{key}: {'missing' if rewards else 'present'}, but "
                           f"{'some' if rewards else 'no'} outcome of the model has a non-zero reward")
            elif len(eta) == len(self.nonterminal):  # else missing visit counts are already reported
                self.each(key, [key], lambda _, key=key, eta=eta, policy=policy: self.check_return(
                    key, _claimed(report[key], key), eta, policy))

    def check_return(self, key: str, claim, eta: dict, policy: dict) -> None:
        """One E[G] claim against the verified visit counts ``eta`` under ``policy``."""
        acts = self.a.states
        cycling = [s for s in eta if eta[s] is None and any(
            policy[s].get(act, ZERO) * p * r != 0 for act, outs in acts[s].items() for _, p, r in outs)]
        if cycling:
            return self.holds(claim is None, lambda: f"{key}: claimed {_show(claim)}, but the closed class of "
                              f"{cycling[0]} has a rewarded transition (E[G] is not finite: null)")
        self.equal(key, "Σ η(s) Σ_a π(a|s) Σ_o p_o r_o", claim,
                   _Linear((_mean(acts[s], policy[s], lambda to, r: r).value(), eta[s]) for s in eta if eta[s] is not None))


# ------------------------------------------------------------------ public entry points


def verify_certificate(model, certificate) -> KernelResult:
    """Re-verify ``certificate`` (sc-symbolic/certificate-1) for ``model`` (an mdp-1 dict, or None to use
    the certificate's own model).  Never raises: every problem is a failure string."""
    kernel = _Kernel()
    try:
        kernel.run(model, certificate)
    except _Refused as exc:
        kernel.fail(str(exc))
    except Exception as exc:  # the kernel's contract: a verdict, never a traceback
        kernel.fail(f"kernel: cannot verify ({type(exc).__name__}: {exc})")
    return kernel.result


def verify_files(model_path, certificate_path, threshold=None, policy_path=None) -> KernelResult:
    """Read the JSON files exactly (decimals → rationals) and run ``verify_certificate``; ``model_path``
    may be None (the certificate's embedded model is used).  ``threshold`` replaces the model's success
    by ``{"return_at_least": threshold}`` and ``policy_path`` (a policy file, bare or ``{"policy": …}``,
    or ``"uniform"``) its policy, as ``check --threshold T --policy FILE`` did."""
    documents = []
    files = [(model_path, "model"), (certificate_path, "certificate")]
    if policy_path not in (None, "uniform"):
        files.append((policy_path, "policy"))
    for path, what in files:
        try:
            if path is None:
                documents.append(None)
                continue
            mode = os.stat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode)):
                raise OSError("not a regular file (a pipe, socket or directory)")
            with open(path, "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise OSError(f"larger than {MAX_FILE_BYTES} bytes")
            documents.append(_loads(raw.decode("utf-8")))
        except Exception as exc:
            return KernelResult([f"{what}: cannot read {str(path)!r} ({type(exc).__name__}: {exc})"],
                                unreadable=True)
    model, certificate = documents[:2]
    if model is None and (threshold is not None or policy_path is not None) and isinstance(certificate, dict):
        model = certificate.get("model")  # the options then constrain the embedded model
    if isinstance(model, dict) and threshold is not None:
        model = {**model, "success": {"return_at_least": threshold}}
    if isinstance(model, dict) and policy_path is not None:
        policy = "uniform" if policy_path == "uniform" else documents[2]
        if isinstance(policy, dict) and list(policy) == ["policy"]:
            policy = policy["policy"]
        model = {**model, "policy": policy}
    return verify_certificate(model, certificate)
