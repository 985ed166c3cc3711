"""Parameter regions, one parameter, exact (docs/cli.md, regions).

A claim is ``f(θ) ▷ 0`` with ``f = N/D`` a rational function in lowest terms and
``▷ ∈ {>, ≥}``:

    misalignment   f = E_π[G] − E_{π⁺_τ}[G],  ▷ = >
    improvement    f = J(π⁺) − J(π),          ▷ = >

Every real root of ``N·D`` in the open interval (lo, hi) is isolated exactly
(rational, or square-free defining polynomial + isolating interval with
rational endpoints).  Between consecutive roots ``N·D`` has no root, so the sign
of ``f`` is constant there and is proved by one rational sample point.  At a
root of ``N``, ``f = 0``; at a root of ``D`` the claim is undefined (the piece
is labelled ``"undefined"``).  ``verify_regions`` re-checks a report from
scratch: a moved breakpoint or a flipped label is refused.
"""

from __future__ import annotations

from fractions import Fraction

from .errors import ModelError

CLAIMS = ("misalignment", "improvement")


def _qq(value) -> str:
    import sympy

    if not isinstance(value, sympy.Basic):
        from .exact import rational_to_str

        return rational_to_str(value)
    value = sympy.Rational(value)
    return str(value.p) if value.q == 1 else f"{value.p}/{value.q}"


def claim_function(model, claim: str):
    """(f, strict, symbol, words): the claim is f(θ) > 0 (strict) or ≥ 0."""
    import sympy

    from .analysis import analyse

    if not model.parameters:
        raise ModelError("MODEL", "no parameters: use check", "regions needs a parametric model (docs/cli.md, regions)")
    if len(model.parameters) != 1:
        raise ModelError("MODEL", f"{len(model.parameters)} parameters",
                         "regions decides exact regions for one parameter in this version")
    if claim not in CLAIMS:
        raise ModelError("--claim", f"unknown claim {claim!r}", f"choose one of {', '.join(CLAIMS)}")
    analysis = analyse(model)
    if model.domain.is_zero(analysis.J):
        raise ModelError("--threshold", "success is never reached (J = 0 identically)",
                         "give an achievable threshold or success set")
    if claim == "misalignment":
        if model.threshold is None or analysis.expected_return is None:
            raise ModelError("--claim", "misalignment needs a return threshold and rewards",
                             "give a model with success.return_at_least or --threshold T")
        f = model.domain.to_sympy(analysis.expected_return - analysis.expected_return_plus)
        words = f"misaligned at τ = {_qq(model.threshold)}"
    else:
        f = model.domain.to_sympy(analysis.J_plus - analysis.J)
        words = "success conditioning strictly improves J"
    name = next(iter(model.parameters))
    symbols = [s for s in f.free_symbols if s.name == name]
    symbol = symbols[0] if symbols else sympy.Symbol(name)
    return sympy.cancel(sympy.together(f)), True, symbol, words


def _roots(poly, lo, hi) -> list:
    """Isolated real roots of poly in the open interval (lo, hi): [(a, b, factor)], increasing."""
    import sympy

    out = []
    for factor, _ in poly.factor_list()[1]:
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
            while a != b and (a < lo < b or a < hi < b):
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
                out[i] = _refine(a, b, f)
                out[i + 1] = _refine(c, d, g)
                changed = True
        out.sort(key=lambda r: (r[0], r[1]))
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


def _label(f, symbol, strict, point):
    """True/False/"undefined" at an exact rational point."""
    import sympy

    numerator, denominator = sympy.fraction(f)
    d = denominator.subs(symbol, point)
    if d == 0:
        return "undefined"
    value = sympy.Rational(numerator.subs(symbol, point) / d)
    return bool(value > 0 or (not strict and value == 0))


def regions(model, claim: str) -> dict:
    """The regions-1 report of ``claim`` on the model's single parameter."""
    import sympy

    f, strict, symbol, words = claim_function(model, claim)
    (name, (lo, hi)), = model.parameters.items()
    lo, hi = sympy.Rational(_qq(lo)), sympy.Rational(_qq(hi))
    numerator, denominator = sympy.fraction(f)
    poly = sympy.Poly(sympy.expand(numerator * denominator), symbol, domain="QQ")
    roots = _roots(poly, lo, hi) if poly.degree() > 0 else []
    den = sympy.Poly(denominator, symbol, domain="QQ")
    pieces = []
    left = {"value": _qq(lo), "open": True}
    previous_b = lo
    for root in roots:
        a, b, factor = root
        sample = (previous_b + a) / 2
        pieces.append({"holds": _label(f, symbol, strict, sample), "lower": left,
                       "upper": _endpoint(root, True), "sample": _qq(sample)})
        if a == b:
            at = _label(f, symbol, strict, a)
        else:
            at = "undefined" if den.degree() > 0 and sympy.gcd(factor, den).degree() > 0 else (not strict)
        point = _endpoint(root, False)
        pieces.append({"holds": at, "lower": point, "upper": point})
        left, previous_b = _endpoint(root, True), b
    sample = (previous_b + hi) / 2
    pieces.append({"holds": _label(f, symbol, strict, sample), "lower": left,
                   "upper": {"value": _qq(hi), "open": True}, "sample": _qq(sample)})
    pieces = _merge(pieces)
    return {"format": "sc-symbolic/regions-1", "model": model.name, "claim": claim,
            "threshold": None if model.threshold is None else _qq(model.threshold),
            "parameters": {name: [_qq(lo), _qq(hi)]}, "function": str(sympy.factor(f)),
            "strict": strict, "pieces": pieces, "undecided_fraction": "0",
            "statement": statement(words, name, pieces)}


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
    """The region as a theorem: "<words> iff lo < name < hi or ..."."""
    parts = []
    for piece in pieces:
        if piece["holds"] is not True:
            continue
        lower, upper = piece["lower"], piece["upper"]
        if lower == upper:
            parts.append(f"{name} = {_text(lower)}")
        else:
            parts.append(f"{_text(lower)} {'<' if lower['open'] else '≤'} {name} "
                         f"{'<' if upper['open'] else '≤'} {_text(upper)}")
    if not parts:
        return f"never {words} on the parameter interval"
    return f"{words} iff " + " or ".join(parts)


def verify_regions(model, report: dict) -> None:
    """Re-verify a regions-1 report from the model; ModelError naming the first wrong piece."""
    fresh = regions(model, report["claim"])
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
