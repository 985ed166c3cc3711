"""Parameter regions, exact in one parameter, certified box by box in two or three (docs/cli.md, regions).

A claim is ``f(θ) ▷ 0`` with ``f = N/D`` a rational function in lowest terms and
``▷ ∈ {>, ≥}`` (``region_claims``: misalignment, improvement, amplification, a
user inequality).  The model is *valid* at θ when every probability ``p`` that
is not identically 0 satisfies ``0 < p(θ) ≤ 1`` (else a probability leaves
[0, 1] or the support graph changes); the invalid set is its own piece,
labelled ``"invalid"``.

One parameter: every real root of ``N·D`` and of the numerators and
denominators of every ``p`` and ``1 − p`` in the open interval (lo, hi) is
isolated exactly (rational, or square-free defining polynomial + isolating
interval with rational endpoints, refinable to any ``width``).  Between
consecutive roots none of these changes sign, so validity and the sign of ``f``
are constant there and are proved at one rational sample point.  At a root of
a probability's factor the model is invalid (``p = 0``, ``p = 1`` with a
sibling at 0, or undefined); at a root of ``N`` alone ``f = 0``; at a root of
``D`` the claim is ``"undefined"``.  Several parameters: ``region_boxes``.
One parameter with ``time_limit``: the whole call (the claim's closed form, then the exact
boundary) is bounded, and the answer is exact or none: a run past the limit is refused
(``ModelError`` naming ``--time``), never reported in part.  In the main thread on POSIX an
alarm (SIGALRM) interrupts a long SymPy step; elsewhere the clock is read between factors,
isolating intervals, refinements and sample points.  Several parameters: ``time_limit``
bounds the box subdivision, which leaves the rest undecided (``region_boxes``).
``verify_regions`` re-checks a report from scratch: a moved breakpoint, a
flipped label or a flipped box is refused.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager

from .errors import ModelError
from .region_claims import CLAIMS, Claim, claim_of, probabilities, rethreshold, symbols_of  # noqa: F401  (public)

#: Most parameters a region is computed for (boxes in 2 or 3 dimensions).
MAX_REGION_PARAMETERS = 3


def _qq(value) -> str:
    import sympy

    if not isinstance(value, sympy.Basic):
        from .exact import rational_to_str

        return rational_to_str(value)
    value = sympy.Rational(value)
    return str(value.p) if value.q == 1 else f"{value.p}/{value.q}"


def _sympy_q(value):
    import sympy

    return sympy.Rational(int(value.numerator), int(value.denominator))


def load_for_regions(path, policy=None, threshold=None):
    """The model of ``path`` without the whole-box probability proof (regions label invalid values)."""
    from .model import load_model_file

    return load_model_file(path, policy, None if threshold in (None, "all") else threshold, validate_box=False)


def claim_function(model, claim: str, versus=None):
    """(f, strict, symbol, words) of a one-parameter claim (kept for callers of the first version)."""
    c = claim_of(model, claim, versus)
    return c.f, c.strict, symbols_of(model)[0], c.words


class _Clock:
    """The deadline of one ``regions`` call: ``check(what)`` refuses a run past ``time_limit`` seconds."""

    def __init__(self, time_limit=None):
        self.time_limit = time_limit
        self.deadline = None if time_limit is None else time.monotonic() + float(time_limit)

    def refusal(self, what: str) -> ModelError:
        return ModelError("--time", f"the exact answer was not done within {float(self.time_limit):g} s "
                          f"(stopped {what})",
                          "one parameter is solved exactly or not at all, and every claim needs its closed "
                          "form first: give more time or drop --time")

    def check(self, what: str) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise self.refusal(what)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


class _TimeUp(BaseException):
    """Raised by the alarm inside a computation (a BaseException: library code's ``except Exception``
    cannot swallow it)."""


@contextmanager
def _alarm(clock: _Clock, what: str):
    """Interrupt the body when ``clock``'s deadline passes (SIGALRM: POSIX, main thread), so that a
    long SymPy step (deriving the closed form, one factorisation) cannot outlast the limit; elsewhere
    the clock is only read between steps.  The previous handler and timer are restored."""
    if (clock.deadline is None or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    armed = [True]

    def ring(signum, frame):
        if armed[0]:
            raise _TimeUp

    previous = signal.signal(signal.SIGALRM, ring)
    try:
        signal.setitimer(signal.ITIMER_REAL, max(clock.remaining(), 1e-6))
        yield
        armed[0] = False
    except _TimeUp:
        raise clock.refusal(what) from None
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _roots(poly, lo, hi, width=None, clock=None) -> list:
    """Isolated real roots of poly in the open interval (lo, hi): [(a, b, factor)], increasing."""
    import sympy

    clock = clock or _Clock()
    out = []
    clock.check(f"before factoring the degree-{poly.degree()} boundary polynomial")
    for factor, _ in poly.factor_list()[1]:
        clock.check(f"while isolating the roots of a degree-{poly.degree()} boundary polynomial")
        if factor.degree() <= 0:
            continue
        if factor.degree() == 1:
            c1, c0 = factor.all_coeffs()
            root = sympy.Rational(-c0, c1)
            if lo < root < hi:
                out.append((root, root, factor.monic()))
            continue
        factor = factor.monic()
        for (a, b), _ in factor.intervals():
            a, b = sympy.Rational(a), sympy.Rational(b)
            while a != b and (a <= lo < b or a < hi <= b):  # irrational root: strictly inside (a, b)
                clock.check("while separating a root from the ends of the parameter's interval")
                a, b, _ = _refine(a, b, factor)
            if b <= lo or a >= hi:
                continue
            out.append((a, b, factor))
    out.sort(key=lambda r: (r[0], r[1]))
    # separate overlapping intervals of different factors (distinct roots: refinement ends)
    changed = True
    while changed:
        changed = False
        for i in range(len(out) - 1):
            a, b, f = out[i]
            c, d, g = out[i + 1]
            if b >= c and not (a == b == c == d):
                clock.check("while separating two close roots")
                out[i] = _refine(a, b, f)
                out[i + 1] = _refine(c, d, g)
                changed = True
        out.sort(key=lambda r: (r[0], r[1]))
    if width is not None:
        refined = []
        for a, b, f in out:
            while b - a > width:
                clock.check("while refining a root to --width")
                a, b, f = _refine(a, b, f)
            refined.append((a, b, f))
        out = refined
    return out


def _refine(a, b, f):
    import sympy

    if a == b:
        return (a, b, f)
    a2, b2 = f.refine_root(a, b, eps=(b - a) / 4)
    return (sympy.Rational(a2), sympy.Rational(b2), f)


def _endpoint(root, is_open: bool) -> dict:
    a, b, factor = root
    if a == b:
        return {"value": _qq(a), "open": is_open}
    return {"polynomial": str(factor.as_expr()), "interval": [_qq(a), _qq(b)], "open": is_open}


def _valid_at(probabilities_, symbol, point) -> bool:
    """0 < p ≤ 1 for every probability at the exact rational point (False where one is undefined)."""
    import sympy

    for p in probabilities_:
        numerator, denominator = sympy.fraction(sympy.together(p))
        d = denominator.subs(symbol, point)
        if d == 0:
            return False
        value = sympy.Rational(numerator.subs(symbol, point) / d)
        if not 0 < value <= 1:
            return False
    return True


def _label(f, symbol, strict, point, probabilities_=()):
    """True/False/"undefined"/"invalid" at an exact rational point."""
    import sympy

    if not _valid_at(probabilities_, symbol, point):
        return "invalid"
    numerator, denominator = sympy.fraction(f)
    d = denominator.subs(symbol, point)
    if d == 0:
        return "undefined"
    value = sympy.Rational(numerator.subs(symbol, point) / d)
    return bool(value > 0 or (not strict and value == 0))


def _probability_polys(probabilities_, symbol) -> list:
    """Numerators and denominators of every p and 1 − p (their roots bound the valid set)."""
    import sympy

    polys = []
    for p in probabilities_:
        for x in (p, 1 - p):
            for part in sympy.fraction(sympy.together(x)):
                poly = sympy.Poly(part, symbol, domain="QQ")
                if poly.degree() > 0:
                    polys.append(poly)
    return polys


def _check_box_size(model):
    if len(model.parameters) > MAX_REGION_PARAMETERS:
        raise ModelError("MODEL", f"{len(model.parameters)} parameters",
                         f"regions are computed for at most {MAX_REGION_PARAMETERS} parameters")


def regions(model, claim: str, *, versus=None, width=None, depth=None, time_limit=None, progress=None) -> dict:
    """The regions-1 report of ``claim`` on ``model`` (one parameter exact, two or three by boxes).

    ``versus``: the second threshold of ``amplification``; ``width``: refine every
    isolating interval to at most this width (one parameter); ``depth`` / ``time_limit``
    (seconds): where box subdivision stops (several parameters; with one parameter the whole call
    is bounded and a run past ``time_limit`` is refused, see the module docstring); ``progress``: called with the
    certified fraction after each decided box (several parameters; benchmarks).
    """
    _check_box_size(model)
    if time_limit is not None and not time_limit > 0:
        raise ModelError("--time", f"time {time_limit!r}", "a positive number of seconds")
    if len(model.parameters) > 1:
        from .region_boxes import box_regions

        c = claim_of(model, claim, versus)
        report = box_regions(model, c, depth=depth, time_limit=time_limit, progress=progress)
    else:
        clock = _Clock(time_limit)
        with _alarm(clock, "while deriving the claim's closed form"):
            c = claim_of(model, claim, versus)
        with _alarm(clock, "while solving the boundary exactly"):
            report = _interval_regions(model, c, width, clock)
    if versus is not None:
        report["versus"] = _qq(_parse_q(versus, "--versus"))
    return report


def _parse_q(text, where):
    from .exact import parse_number

    return parse_number(text, where)


def _interval_regions(model, c: Claim, width=None, clock=None) -> dict:
    import sympy

    clock = clock or _Clock()
    clock.check("after deriving the claim's closed form")

    f, strict, words = c.f, c.strict, c.words
    (name, (lo, hi)), = model.parameters.items()
    symbol = symbols_of(model)[0]
    if width is not None:
        width = _sympy_q(_parse_q(width, "--width"))
        if width <= 0:
            raise ModelError("--width", f"width {width}", "a positive exact number such as 1/1000")
    lo, hi = _sympy_q(lo), _sympy_q(hi)
    numerator, denominator = sympy.fraction(f)
    probs = probabilities(model)
    validity = _probability_polys(probs, symbol)
    poly = sympy.Poly(sympy.expand(numerator * denominator), symbol, domain="QQ")
    for extra in validity:
        poly = poly * extra
    roots = _roots(poly, lo, hi, width, clock) if poly.degree() > 0 else []
    den = sympy.Poly(denominator, symbol, domain="QQ")
    num = sympy.Poly(numerator, symbol, domain="QQ")
    pieces = []
    left = {"value": _qq(lo), "open": True}
    previous_b = lo
    for root in roots:
        clock.check("while labelling the pieces between roots")
        a, b, factor = root
        sample = (previous_b + a) / 2
        cell = _label(f, symbol, strict, sample, probs)
        pieces.append({"holds": cell, "lower": left, "upper": _endpoint(root, True), "sample": _qq(sample)})
        if a == b:
            at = _label(f, symbol, strict, a, probs)
        elif cell == "invalid" or any(_divides(factor, v) for v in validity):
            at = "invalid"
        elif den.degree() > 0 and _divides(factor, den):
            at = "undefined"
        elif num.degree() > 0 and _divides(factor, num):
            at = not strict
        else:
            at = cell
        point = _endpoint(root, False)
        pieces.append({"holds": at, "lower": point, "upper": point})
        left, previous_b = _endpoint(root, True), b
    sample = (previous_b + hi) / 2
    pieces.append({"holds": _label(f, symbol, strict, sample, probs), "lower": left,
                   "upper": {"value": _qq(hi), "open": True}, "sample": _qq(sample)})
    pieces = _merge(pieces)
    fractions = _interval_fractions(pieces, lo, hi)
    return {"format": "sc-symbolic/regions-1", "model": model.name, "claim": c.text,
            "threshold": None if model.threshold is None else _qq(model.threshold),
            "parameters": {name: [_qq(lo), _qq(hi)]}, "function": str(sympy.factor(f)),
            "strict": strict, "pieces": pieces, "undecided_fraction": "0", "fractions": fractions,
            "boundary": sorted({str(fac.as_expr()) for fac, _ in poly.factor_list()[1] if fac.degree() > 0}),
            "statement": statement(words, name, pieces)}


def _divides(factor, poly) -> bool:
    import sympy

    return sympy.rem(poly, factor).is_zero


def _interval_fractions(pieces, lo, hi) -> dict:
    """Exact length fraction of each label; pieces with an algebraic end use the isolating interval
    end nearest the piece's inside, so a fraction is exact only when every end is rational
    (``"exact": false`` otherwise, and the fractions are lower bounds)."""
    import sympy

    total, exact = hi - lo, True
    out: dict = {}
    for piece in pieces:
        if piece["lower"] == piece["upper"]:
            continue
        low, high = piece["lower"], piece["upper"]
        x0 = sympy.Rational(low["value"]) if "value" in low else sympy.Rational(low["interval"][1])
        x1 = sympy.Rational(high["value"]) if "value" in high else sympy.Rational(high["interval"][0])
        exact = exact and "value" in low and "value" in high
        key = _label_key(piece["holds"])
        out[key] = out.get(key, sympy.Integer(0)) + max(x1 - x0, 0) / total
    result = {k: _qq(v) for k, v in sorted(out.items())}
    result["exact"] = exact
    return result


def _label_key(holds) -> str:
    return {True: "true", False: "false", None: "undecided"}.get(holds, str(holds))


def _merge(pieces: list) -> list:
    """Join interval, point, interval with one label into one open interval."""
    out = []
    for piece in pieces:
        if out and out[-1]["holds"] == piece["holds"]:
            out[-1] = dict(out[-1], upper=piece["upper"])
            if "sample" in piece:
                out[-1].setdefault("sample", piece["sample"])
            continue
        out.append(dict(piece))
    return out


def _text(endpoint: dict) -> str:
    if "value" in endpoint:
        return endpoint["value"]
    a, b = endpoint["interval"]
    return f"root of {endpoint['polynomial']} in [{a}, {b}]"


def statement(words: str, name: str, pieces: list) -> str:
    """The region as a theorem: "<words> iff lo < name < hi or ..." (plus where the model is invalid)."""
    parts = _describe(name, [p for p in pieces if p["holds"] is True])
    text = f"{words} iff " + " or ".join(parts) if parts else f"never {words} on the parameter interval"
    invalid = _describe(name, [p for p in pieces if p["holds"] == "invalid"])
    if invalid:
        text += "; the model is invalid (a probability leaves (0, 1]) for " + " or ".join(invalid)
    return text


def _describe(name: str, pieces: list) -> list:
    parts = []
    for piece in pieces:
        lower, upper = piece["lower"], piece["upper"]
        if lower == upper:
            parts.append(f"{name} = {_text(lower)}")
        else:
            parts.append(f"{_text(lower)} {'<' if lower['open'] else '≤'} {name} "
                         f"{'<' if upper['open'] else '≤'} {_text(upper)}")
    return parts


def verify_regions(model, report: dict) -> None:
    """Re-verify a regions-1 report from the model; ModelError naming the first wrong piece or box."""
    if len(model.parameters) > 1:
        from .region_boxes import verify_boxes

        verify_boxes(model, claim_of(model, report["claim"], report.get("versus")), report)
        return
    fresh = regions(model, report["claim"], versus=report.get("versus"))
    for i, (got, want) in enumerate(zip(report["pieces"], fresh["pieces"])):
        for key in ("holds", "lower", "upper"):
            if got.get(key) != want.get(key) and not _same_point(got.get(key), want.get(key)):
                raise ModelError(f"pieces[{i}].{key}", f"{got.get(key)!r} is wrong",
                                 f"exact value {want.get(key)!r}")
    if len(report["pieces"]) != len(fresh["pieces"]):
        raise ModelError("pieces", f"{len(report['pieces'])} pieces", f"the partition has {len(fresh['pieces'])}")


def _same_point(a, b) -> bool:
    """Two endpoints denote the same real algebraic number (interval refinements agree)."""
    import sympy

    if not (isinstance(a, dict) and isinstance(b, dict)) or a.get("open") != b.get("open"):
        return False
    if "polynomial" in a and "polynomial" in b and a["polynomial"] == b["polynomial"]:
        from .exact import parse_number

        def end(point, k):
            q = parse_number(point["interval"][k], where="regions: interval")
            return sympy.Rational(int(q.numerator), int(q.denominator))

        x = sympy.Poly(sympy.sympify(b["polynomial"]))  # safe: b is this module's own text (a's equals it)
        lo, hi = max(end(a, 0), end(b, 0)), min(end(a, 1), end(b, 1))
        return lo <= hi and x.count_roots(lo, hi) == 1
    return False


def thresholds_for_all(model) -> list:
    """The model once per achievable return τ (``--threshold all``), in increasing τ (docs/math.md §6)."""
    from .thresholds import achievable_returns

    base = rethreshold(model, model.threshold if model.threshold is not None else 0)
    return [rethreshold(base, tau) for tau in achievable_returns(base)]
