"""Layer 0 — exact sign analysis of rational functions on the open parameter box (docs/math.md §7).

Decides ``x ≥ 0 for every parameter point of the open box ∏ (lo_i, hi_i)``
for ``x = N/D`` in ``K = QQ(p, q, …)``.  ``x ≥ 0`` wherever it is defined
iff ``N·D ≥ 0`` on the box, and the square-free factorisation
``N·D = c · ∏ f_i^{m_i}`` reduces that to the sign carrier ``h = c · ∏_{m_i odd} f_i``
(squares are ≥ 0 and vanish only on a null set).

* one active parameter: exact real-root isolation of ``N·D`` (SymPy's
  ``Poly.intervals``, rational isolating intervals) and the exact sign at a
  rational point of every gap between consecutive roots — a decision, never a guess;
* several: Bernstein coefficients of each odd factor on the box (all ≥ 0 ⇒
  ≥ 0 on the closed box; all ≤ 0 ⇒ ≤ 0), then, if undecided, of ``h`` on
  sub-boxes (bisection, bounded budget), looking for an exact negative point
  at each sub-box centre; if still undecided, exact sampling, reported as such.

A verdict is certain (``method="proof"``) when it is proved, or refuted by an
exact rational counterexample inside the open box; ``method="sampled"`` means
"no counterexample at the sample points", nothing more.  Only exact
arithmetic (gmpy2 ``mpq`` / SymPy's QQ): no floats, no ``simplify``, no ``eval``.
Imports only ``exact``; it never raises on a false inequality (it returns the verdict).
"""

from __future__ import annotations

import itertools
import weakref
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from math import comb

from .rationals import rational, rational_to_str

#: At most this many sub-boxes are examined by Bernstein bisection ...
MAX_BERNSTEIN_BOXES = 128
#: ... and at most this many Bernstein coefficients are computed in all (a work bound).
MAX_BERNSTEIN_WORK = 20_000
#: Dense Bernstein arrays larger than this are not attempted (sampling instead).
MAX_BERNSTEIN_TERMS = 20_000
#: One Bernstein enclosure is not attempted (the sign is left undecided, then sampled and reported as
#: such) when it would take more rational multiply-adds than this (``bernstein_work``): a degree-256
#: probability in two parameters took minutes before this bound.
MAX_BERNSTEIN_CALL_WORK = 10_000_000
#: Points per parameter of the exact sampling grid used when no proof is found ...
SAMPLE_GRID = 5
#: ... fewer when the grid would hold more than this many points.
MAX_SAMPLES = 4096

PROOF = "proof"
SAMPLED = "sampled"


@dataclass(frozen=True)
class SignVerdict:
    """The verdict on ``x ≥ 0`` over the open box.

    ``holds``: the inequality holds (proved, or at every sample point);
    ``method``: ``"proof"`` (certain: proved, or refuted by ``counterexample``)
    or ``"sampled"`` (no counterexample found at exact sample points);
    ``counterexample``: an exact point of the open box where ``x < 0``, or None;
    ``how``: the argument used, for reports.

    >>> SignVerdict(True, PROOF, None, "constant").certain
    True
    """

    holds: bool
    method: str
    counterexample: dict | None
    how: str = ""

    @property
    def certain(self) -> bool:
        """True when the verdict is a proof or an exact refutation."""
        return self.method == PROOF


# ------------------------------------------------------------ exact helpers


def _q(value):
    """A Rational from a SymPy/flint/gmpy rational coefficient (exact)."""
    numerator = getattr(value, "numerator", None)
    if numerator is None:  # SymPy Rational
        return rational(int(value.p), int(value.q))
    return rational(int(numerator), int(value.denominator))


def _terms(poly) -> dict:
    """``{monomial: Rational}`` of a SymPy ``PolyElement``."""
    return {monom: _q(coeff) for monom, coeff in poly.terms()}


def _evaluate(terms: dict, point: tuple):
    """Σ c · ∏ point_i^{e_i}, exactly."""
    total = rational(0)
    for monom, coeff in terms.items():
        value = coeff
        for base, exponent in zip(point, monom):
            if exponent:
                value *= base ** exponent
        total += value
    return total


def _product(left: dict, right: dict) -> dict:
    out: dict = {}
    for m1, c1 in left.items():
        for m2, c2 in right.items():
            m = tuple(a + b for a, b in zip(m1, m2))
            out[m] = out.get(m, rational(0)) + c1 * c2
    return {m: c for m, c in out.items() if c != 0}


def value_at(x, point: dict, symbols) -> "object | None":
    """x at an exact point (dict name → Rational); None where the denominator vanishes.

    >>> import sympy
    >>> from sympy.polys.domains import QQ
    >>> p = sympy.Symbol("p", real=True)
    >>> x = QQ.frac_field(p).from_sympy(p / (1 - p))
    >>> str(value_at(x, {"p": rational(1, 3)}, ("p",)))
    '1/2'
    """
    coordinates = tuple(point[name] for name in symbols)
    denominator = _evaluate(_terms(x.denom), coordinates)
    if denominator == 0:
        return None
    return _evaluate(_terms(x.numer), coordinates) / denominator


def _point_text(point: dict) -> str:
    return ", ".join(f"{k}={rational_to_str(v)}" for k, v in point.items())


# ------------------------------------------------------------ boxes


def box_from_sample_points(symbols, points) -> dict | None:
    """Recover the box ``{name: (lo, hi)}`` from ``model.sample_points`` output, or None.

    ``sample_points`` lists the centre, then points 1/8 inside each corner
    (when there are at most 4 parameters): with ``a = lo + w/8`` and
    ``b = lo + 7w/8``, ``lo = (7a − b)/6`` and ``hi = (7b − a)/6``.  The
    recovered box is checked against the centre; None when it does not match.

    >>> half, eighth = rational(1, 2), rational(1, 8)
    >>> box = box_from_sample_points(("p",), [{"p": half}, {"p": eighth}, {"p": 7 * eighth}])
    >>> [str(v) for v in box["p"]]
    ['0', '1']
    """
    symbols = tuple(symbols)
    if not symbols or len(points) != 1 + 2 ** len(symbols):
        return None
    low_corner, high_corner, centre = points[1], points[-1], points[0]
    box = {}
    for name in symbols:
        try:
            a, b, c = low_corner[name], high_corner[name], centre[name]
        except KeyError:
            return None
        lo, hi = (7 * a - b) / 6, (7 * b - a) / 6
        if not lo < hi or (lo + hi) / 2 != c:
            return None
        box[name] = (lo, hi)
    return box


def domain_box(domain) -> dict | None:
    """The parameter box of a ParametricDomain: ``domain.box`` if set, else recovered from ``domain.points``."""
    box = getattr(domain, "box", None)
    if box:
        return {name: (rational(0) + lo, rational(0) + hi) for name, (lo, hi) in box.items()}
    return box_from_sample_points(domain.symbols, getattr(domain, "points", ()) or ())


def _centre(box: dict) -> dict:
    return {name: (lo + hi) / 2 for name, (lo, hi) in box.items()}


def grid_points(box: dict, per_axis: int = SAMPLE_GRID) -> list:
    """Exact grid ``lo + k·(hi − lo)/(per_axis + 1)``, k = 1..per_axis, of the open box.

    >>> [str(p["p"]) for p in grid_points({"p": (rational(0), rational(1))}, 3)]
    ['1/4', '1/2', '3/4']
    """
    return list(_grid(box, per_axis))


def _grid(box: dict, per_axis: int):
    axes = [[lo + (hi - lo) * rational(k, per_axis + 1) for k in range(1, per_axis + 1)]
            for lo, hi in box.values()]
    return (dict(zip(box, values)) for values in itertools.product(*axes))


# ------------------------------------------------------------ one parameter


def _univariate_gap_points(coefficients: dict, lo, hi) -> list:
    """A rational point in every open gap between consecutive real roots inside (lo, hi).

    ``coefficients`` is ``{exponent: Rational}``; the points avoid every root.
    Isolation is exact (SymPy ``Poly.intervals``, rational endpoints); intervals
    of irrational roots are refined until their ends are not roots and lie
    strictly inside (lo, hi), so every gap holds an interval end or the midpoint
    of two consecutive candidate points.
    """
    import sympy
    from sympy.polys.domains import QQ

    t = sympy.Dummy("t")
    poly = sympy.Poly.from_dict({(e,): QQ(int(c.numerator), int(c.denominator))
                                 for e, c in coefficients.items()}, t, domain=QQ)
    poly = sympy.Poly(poly.sqf_part(), t)  # same roots, all simple
    if poly.degree() <= 0:
        return [(lo + hi) / 2]

    def is_root(v):
        return _evaluate({(e,): c for e, c in coefficients.items()}, (v,)) == 0

    def exact(v):
        return sympy.Rational(int(v.numerator), int(v.denominator))

    candidates = {lo, hi}
    for (a, b), _ in poly.intervals():
        a, b = _q(sympy.Rational(a)), _q(sympy.Rational(b))
        # one root in [a, b]: refine until it is exact (a == b), or strictly
        # inside (a, b) with clean ends, and (a, b) is inside or outside (lo, hi)
        for _ in range(400):
            if a == b:
                if lo < a < hi:
                    candidates.add(a)
                break
            if b <= lo or a >= hi:
                break
            if (a < lo < b and is_root(lo)) or (a < hi < b and is_root(hi)):
                break  # the interval's only root is an end of the box: outside the open box
            if lo < a and b < hi and not is_root(a) and not is_root(b):
                candidates.update((a, b))
                break
            a_s, b_s = poly.refine_root(exact(a), exact(b), eps=exact((b - a) / 4))
            a, b = _q(sympy.Rational(a_s)), _q(sympy.Rational(b_s))
        else:  # pragma: no cover - refinement isolates a root to any precision
            raise AssertionError("root refinement did not converge")
    ordered = sorted(candidates)
    points = [v for v in ordered if lo < v < hi and not is_root(v)]
    points += [(u + v) / 2 for u, v in zip(ordered, ordered[1:])]
    return [v for v in sorted(set(points)) if lo < v < hi and not is_root(v)]


def _decide_univariate(x, name: str, index: int, box: dict, symbols) -> SignVerdict:
    lo, hi = box[name]
    numer, denom = _terms(x.numer), _terms(x.denom)
    product = _product(numer, denom)
    coefficients = {}
    for monom, c in product.items():
        coefficients[monom[index]] = coefficients.get(monom[index], rational(0)) + c
    centre = _centre(box)
    points = _univariate_gap_points(coefficients, lo, hi)
    for v in points:
        if _evaluate({(e,): c for e, c in coefficients.items()}, (v,)) < 0:
            point = dict(centre, **{name: v})
            return SignVerdict(False, PROOF, point, f"root isolation in {name}: negative at {_point_text(point)}")
    gaps = f"{len(points)} gap" + ("s" if len(points) != 1 else "")
    return SignVerdict(True, PROOF, None, f"root isolation in {name}, sign on {gaps}")


# ------------------------------------------------------------ Bernstein


@lru_cache(maxsize=64)
def _axis_matrix(degree: int, lo, width) -> list:
    """M with b_i = Σ_j M[i][j] a_j: power coefficients in x on [lo, lo + width] → Bernstein coefficients.

    Cached: the bisection and the checks of one model ask for the same few (degree, interval) pairs."""
    # c_k = width^k Σ_{j≥k} C(j,k) lo^{j−k} a_j   (x = lo + width·t)
    shift = [[(width ** k) * comb(j, k) * lo ** (j - k) if j >= k else rational(0)
              for j in range(degree + 1)] for k in range(degree + 1)]
    # b_i = Σ_{k≤i} C(i,k)/C(d,k) c_k
    to_bernstein = [[rational(comb(i, k), comb(degree, k)) if k <= i else rational(0)
                     for k in range(degree + 1)] for i in range(degree + 1)]
    return [[sum((to_bernstein[i][k] * shift[k][j] for k in range(degree + 1)), rational(0))
             for j in range(degree + 1)] for i in range(degree + 1)]


def bernstein_coefficients(terms: dict, degrees: tuple, box: list) -> dict:
    """Bernstein coefficients ``{multi-index: Rational}`` of a polynomial on a box.

    ``terms`` maps exponent tuples to Rationals, ``degrees`` gives the degree in
    each variable and ``box`` the pairs (lo, hi).  Min and max of the
    coefficients bound the polynomial on the closed box (a standard, exact
    enclosure).

    >>> c = bernstein_coefficients({(1,): rational(1), (2,): rational(-1)}, (2,), [(rational(0), rational(1))])
    >>> [str(c[(i,)]) for i in range(3)]
    ['0', '1/2', '0']
    """
    array = {idx: terms.get(idx, rational(0)) for idx in itertools.product(*(range(d + 1) for d in degrees))}
    for axis, degree in enumerate(degrees):
        lo, hi = box[axis]
        matrix = _axis_matrix(degree, lo, hi - lo)
        new = {}
        for idx in array:
            if idx[axis] != 0:
                continue
            line = [array[idx[:axis] + (j,) + idx[axis + 1:]] for j in range(degree + 1)]
            nonzero = [j for j in range(degree + 1) if line[j]]  # sparse polynomials: most entries are 0
            for i in range(degree + 1):
                new[idx[:axis] + (i,) + idx[axis + 1:]] = sum((matrix[i][j] * line[j] for j in nonzero),
                                                              rational(0))
        array = new
    return array


def bernstein_work(degrees: tuple) -> int:
    """Rational multiply-adds of one ``bernstein_coefficients`` call at most: the axis matrices,
    Σ (d_i + 1)³, and the tensor transform, Π (d_j + 1) · Σ (d_i + 1)."""
    size = 1
    for d in degrees:
        size *= d + 1
    return sum((d + 1) ** 3 for d in degrees) + size * sum(d + 1 for d in degrees)


def _active(terms: dict, n: int) -> list:
    return [i for i in range(n) if any(m[i] for m in terms)]


def _restrict(terms: dict, active: list) -> dict:
    return {tuple(m[i] for i in active): c for m, c in terms.items()}


def _bernstein_sign(terms: dict, n: int, box: list) -> str | None:
    """'+' if all Bernstein coefficients ≥ 0 on the box, '-' if all ≤ 0, None otherwise."""
    active = _active(terms, n)
    reduced = _restrict(terms, active)
    degrees = tuple(max(m[k] for m in reduced) for k in range(len(active)))
    size = 1
    for d in degrees:
        size *= d + 1
    if size > MAX_BERNSTEIN_TERMS or bernstein_work(degrees) > MAX_BERNSTEIN_CALL_WORK:
        return None
    coefficients = bernstein_coefficients(reduced, degrees, [box[i] for i in active]).values()
    if all(c >= 0 for c in coefficients):
        return "+"
    if all(c <= 0 for c in coefficients):
        return "-"
    return None


def _decide_multivariate(x, box: dict, symbols) -> SignVerdict:
    names = tuple(symbols)
    n = len(names)
    bounds = [box[name] for name in names]
    numer_c, numer_f = x.numer.sqf_list()
    denom_c, denom_f = x.denom.sqf_list()
    sign = 1 if (_q(numer_c) > 0) == (_q(denom_c) > 0) else -1
    undecided = []
    for factor, multiplicity in list(numer_f) + list(denom_f):
        if multiplicity % 2 == 0:
            continue
        terms = _terms(factor)
        verdict = _bernstein_sign(terms, n, bounds)
        if verdict == "-":
            sign = -sign
        elif verdict is None:
            undecided.append(terms)
    if not undecided:
        if sign > 0:
            return SignVerdict(True, PROOF, None, "square-free factors of fixed sign (Bernstein)")
        return _refute_on_grid(x, box, names, "every odd factor has a fixed sign and their product is negative")
    return _bernstein_bisection(x, sign, undecided, box, names)


def _refute_on_grid(x, box: dict, names, why: str) -> SignVerdict:
    """x ≤ 0 on the box and x ≢ 0: a grid with more points than the degree per axis holds x < 0."""
    degree = max(max((sum(m) for m in _terms(x.numer)), default=0), max((sum(m) for m in _terms(x.denom)), default=0))
    for point in _grid(box, max(SAMPLE_GRID, 2 * degree + 1)):
        value = value_at(x, point, names)
        if value is not None and value < 0:
            return SignVerdict(False, PROOF, point, f"{why}: negative at {_point_text(point)}")
    raise AssertionError("a non-zero polynomial cannot vanish on a grid finer than its degree")  # pragma: no cover


def _bernstein_bisection(x, sign: int, factors: list, box: dict, names) -> SignVerdict:
    """Bisect the box until, on every sub-box, each undecided odd factor has a fixed sign (Bernstein).

    The sign of x on a sub-box is then ``sign`` times the product of the factors' signs.  Each
    factor is bounded alone (its degree, not the product's), so a factor that touches 0 on the
    boundary of the box (a corner or an edge) is cornered by subdivision: near such a point its
    Bernstein coefficients take the sign of its first non-vanishing derivative inward.
    """
    n = len(names)
    size = max(_array_size(terms, n) for terms in factors)
    budget = min(MAX_BERNSTEIN_BOXES, max(4, MAX_BERNSTEIN_WORK // (size * len(factors))))
    bounds = [box[name] for name in names]
    pending = deque([(list(bounds), tuple(range(len(factors))), sign)])
    examined = 0
    while pending and examined < budget:
        sub, open_factors, sub_sign = pending.popleft()  # breadth first: small denominators first
        examined += 1
        centre = {name: (lo + hi) / 2 for name, (lo, hi) in zip(names, sub)}
        value = value_at(x, centre, names)
        if value is not None and value < 0:
            return SignVerdict(False, PROOF, centre, f"Bernstein bisection: negative at {_point_text(centre)}")
        still = []
        for k in open_factors:
            verdict = _bernstein_sign(factors[k], n, sub) or _face_sign(factors[k], n, sub, bounds)
            if verdict is None:
                still.append(k)
            elif verdict == "-":
                sub_sign = -sub_sign
        if not still:
            if sub_sign > 0:
                continue
            sub_box = {name: bounds for name, bounds in zip(names, sub)}
            return _refute_on_grid(x, sub_box, names, "Bernstein bisection: every factor has a fixed sign on "
                                   f"{_point_text(sub_box)} and their product is negative")
        point = _face_refutation(x, [factors[k] for k in still], sub, bounds, names)
        if point is not None:
            return SignVerdict(False, PROOF, point, f"negative next to the box's boundary at {_point_text(point)}")
        widths = [(hi - lo) / (box[name][1] - box[name][0]) for name, (lo, hi) in zip(names, sub)]
        axis = max(range(n), key=lambda i: (widths[i], -i))
        lo, hi = sub[axis]
        middle = (lo + hi) / 2
        pending.append((sub[:axis] + [(lo, middle)] + sub[axis + 1:], tuple(still), sub_sign))
        pending.append((sub[:axis] + [(middle, hi)] + sub[axis + 1:], tuple(still), sub_sign))
    if not pending:
        return SignVerdict(True, PROOF, None, f"Bernstein coefficients of each factor of fixed sign on {examined} "
                           "sub-boxes")
    return _sample(x, box, names, f"undecided after {examined} Bernstein sub-boxes")


def _shift(terms: dict, axis: int, origin, direction: int) -> dict:
    """The polynomial in t after x_axis = origin + direction·t (binomial expansion, exact)."""
    out: dict = {}
    for monom, c in terms.items():
        e = monom[axis]
        for k in range(e + 1):
            m = monom[:axis] + (k,) + monom[axis + 1:]
            out[m] = out.get(m, rational(0)) + c * comb(e, k) * origin ** (e - k) * direction ** k
    return {m: c for m, c in out.items() if c != 0}


def _face_sign(terms: dict, n: int, sub: list, box: list) -> str | None:
    """Fixed sign of a factor on a sub-box lying on a face x_i = c of the whole box, where Bernstein fails
    because the factor touches 0 on that face (tangent to it, or at a corner).

    With t = |x_i − c| ≥ 0 the factor is g0 + t·h, g0 its restriction to the face: if g0 ≥ 0 on the
    face of the sub-box (Bernstein; exact root isolation when one variable is left) and h's Bernstein
    coefficients are ≥ 0 on the sub-box (in t), then the factor is ≥ 0 there; likewise ≤ 0.
    """
    for axis in range(n):
        (lo, hi), (box_lo, box_hi) = sub[axis], box[axis]
        for origin, direction, far in ((box_lo, 1, hi - box_lo), (box_hi, -1, box_hi - lo)):
            if (lo if direction == 1 else hi) != origin:
                continue
            shifted = _shift(terms, axis, origin, direction)
            face = {m: c for m, c in shifted.items() if m[axis] == 0}
            rest = {m[:axis] + (m[axis] - 1,) + m[axis + 1:]: c for m, c in shifted.items() if m[axis]}
            if not face or not rest:
                continue
            t_box = sub[:axis] + [(rational(0), far)] + sub[axis + 1:]
            rest_sign = _bernstein_sign(rest, n, t_box)
            if rest_sign is not None and _face_restriction_sign(face, n, sub, axis) in (rest_sign, "0"):
                return rest_sign
    return None


#: Steps toward a face tried from each candidate point of the face (x − c = width / 2^k, k = 1..).
FACE_STEPS = 48


def _face_refutation(x, factors: list, sub: list, box: list, names) -> dict | None:
    """Two parameters: an exact point of the open box, next to a face of the box, where x < 0.

    On each face of the sub-box that lies on the box's boundary, a point in every gap between the
    roots of each factor's restriction is a candidate q; if N·D < 0 at q on the face (x = N/D), then
    x < 0 at q + w·e/2^k for k large (continuity), and those points are tried exactly.
    """
    n = len(names)
    if n != 2:
        return None
    carrier = _product(_terms(x.numer), _terms(x.denom))  # the sign of x where it is defined
    for axis in range(n):
        other = 1 - axis
        (lo, hi), (box_lo, box_hi) = sub[axis], box[axis]
        for origin, inward in ((box_lo, hi - lo), (box_hi, lo - hi)):
            if (lo if inward > 0 else hi) != origin:
                continue
            candidates = set()
            for terms in factors:
                coefficients: dict = {}
                for m, c in _shift(terms, axis, origin, 1).items():
                    if m[axis] == 0:
                        coefficients[m[other]] = coefficients.get(m[other], rational(0)) + c
                coefficients = {e: c for e, c in coefficients.items() if c != 0}
                if coefficients:
                    candidates.update(_univariate_gap_points(coefficients, *sub[other]))
            for q in sorted(candidates):
                on_face = tuple(origin if i == axis else q for i in range(n))
                if _evaluate(carrier, on_face) >= 0:
                    continue
                for k in range(1, FACE_STEPS + 1):
                    point = {names[axis]: origin + inward / 2 ** k, names[other]: q}
                    value = value_at(x, point, names)
                    if value is not None and value < 0:
                        return point
    return None


def _face_restriction_sign(face: dict, n: int, sub: list, axis: int) -> str | None:
    """'+'/'-' when the polynomial ``face`` (free of x_axis) has that sign on the sub-box's face."""
    active = [i for i in _active(face, n) if i != axis]
    if not active:
        value = face.get(tuple(0 for _ in range(n)), rational(0))
        return "0" if value == 0 else ("+" if value > 0 else "-")
    if len(active) > 1:
        return _bernstein_sign(face, n, sub)
    index = active[0]
    lo, hi = sub[index]
    coefficients: dict = {}
    for m, c in face.items():
        coefficients[m[index]] = coefficients.get(m[index], rational(0)) + c
    points = _univariate_gap_points(coefficients, lo, hi)  # a point in every gap between roots in (lo, hi)
    signs = {_evaluate({(e,): c for e, c in coefficients.items()}, (v,)) > 0 for v in points}
    return ("+" if signs == {True} else "-" if signs == {False} else None) if points else None


def _array_size(terms: dict, n: int) -> int:
    size = 1
    for i in range(n):
        size *= 1 + max((m[i] for m in terms), default=0)
    return size


def _sample(x, box: dict, names, why: str, extra=()) -> SignVerdict:
    per_axis = SAMPLE_GRID
    while per_axis > 1 and per_axis ** len(box) > MAX_SAMPLES:
        per_axis -= 1
    points = list(extra) + grid_points(box, per_axis)
    for point in points:
        value = value_at(x, point, names)
        if value is not None and value < 0:
            return SignVerdict(False, PROOF, point, f"negative at {_point_text(point)}")
    return SignVerdict(True, SAMPLED, None, f"{why}; non-negative at {len(points)} exact sample points")


# ------------------------------------------------------------ entry points


def decide_nonnegative(x, symbols, box: dict | None, points=()) -> SignVerdict:
    """Decide ``x ≥ 0`` on the open box for ``x`` in ``QQ(symbols)`` (a SymPy FracElement).

    ``box`` maps each symbol to ``(lo, hi)``; without a box only the exact
    ``points`` can be tried (``method="sampled"``).

    >>> import sympy
    >>> from sympy.polys.domains import QQ
    >>> p = sympy.Symbol("p", real=True)
    >>> K = QQ.frac_field(p)
    >>> box = {"p": (rational(0), rational(1))}
    >>> decide_nonnegative(K.from_sympy(p * (1 - p)), ("p",), box).holds
    True
    >>> v = decide_nonnegative(K.from_sympy(p - sympy.Rational(1, 2)), ("p",), box)
    >>> v.holds, v.method, str(v.counterexample["p"])
    (False, 'proof', '1/4')
    """
    symbols = tuple(symbols)
    if not x.numer:
        return SignVerdict(True, PROOF, None, "identically zero")
    if box is None:
        for point in points:
            value = value_at(x, point, symbols)
            if value is not None and value < 0:
                return SignVerdict(False, PROOF, dict(point), f"negative at {_point_text(point)}")
        return SignVerdict(True, SAMPLED, None, f"no parameter box known; non-negative at {len(points)} sample points")
    n = len(symbols)
    numer, denom = _terms(x.numer), _terms(x.denom)
    active = sorted(set(_active(numer, n)) | set(_active(denom, n)))
    if active and len(denom) == 1 and not any(sum(m) for m in denom) and all(sum(m) <= 1 for m in numer):
        # affine: its minimum over the closed box is at a corner
        sign = next(iter(denom.values()))
        corners = itertools.product(*(box[name] for name in symbols))
        if all(_evaluate(numer, corner) * sign >= 0 for corner in corners):
            return SignVerdict(True, PROOF, None, "affine, non-negative at every corner")
    if not active:
        holds = _q(x.numer.LC) * _q(x.denom.LC) >= 0
        point = None if holds else _centre(box)
        return SignVerdict(holds, PROOF, point, "constant")
    if len(active) == 1:
        return _decide_univariate(x, symbols[active[0]], active[0], box, symbols)
    return _decide_multivariate(x, box, symbols)


_LOG: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def nonnegative_in_domain(domain, x) -> SignVerdict:
    """``x ≥ 0`` on the parameter box of ``domain`` (a ParametricDomain), remembered per domain.

    The box is ``domain.box`` when set, else recovered from ``domain.points``;
    every verdict is logged so that ``sampled_inequalities(domain)`` can list
    the inequalities that were only sampled.
    """
    log = _LOG.setdefault(domain, {})
    key = x
    if key in log:
        return log[key]
    verdict = decide_nonnegative(x, domain.symbols, domain_box(domain), getattr(domain, "points", ()))
    log[key] = verdict
    return verdict


def inequality_log(domain) -> list:
    """``[(text of x, SignVerdict)]`` for every ``x ≥ 0`` decided in ``domain`` so far."""
    return [(domain.to_str(x), verdict) for x, verdict in _LOG.get(domain, {}).items()]


def sampled_inequalities(domain) -> list:
    """Notes for ``Analysis.notes``: the inequalities ``x ≥ 0`` only checked at sample points.

    Empty when every inequality decided in ``domain`` was proved (or refuted
    by an exact counterexample).
    """
    return [f"{text} >= 0 only checked at exact sample points ({verdict.how})"
            for text, verdict in inequality_log(domain) if verdict.method == SAMPLED]


def probability_violation(p, domain, box: dict | None, points=()) -> tuple | None:
    """None when ``0 ≤ p ≤ 1`` is proved on the box, else ``(bound, point, value)``.

    ``bound`` is ``">= 0"`` or ``"<= 1"``; ``point`` an exact counterexample
    inside the open box and ``value`` the exact value of ``p`` there; or, when the
    bound could only be sampled, ``point`` None and ``value`` a sentence saying so.
    """
    symbols = domain.symbols
    cache = _PROBABILITIES.setdefault(domain, {})
    key = (p, None if box is None else tuple(sorted(box.items())))
    if key not in cache:
        cache[key] = None
        for bound, x in ((">= 0", p), ("<= 1", domain.one - p)):
            verdict = decide_nonnegative(x, symbols, box, points)
            if not verdict.holds:
                point = verdict.counterexample
                cache[key] = (bound, point, value_at(p, point, symbols))
                break
            if not verdict.certain:
                cache[key] = (bound, None, f"{bound} only checked at exact sample points: {verdict.how}")
                break
    return cache[key]


_PROBABILITIES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


# ------------------------------------------------------------ zeros inside the box


def zero_inside(x, symbols, box: dict) -> tuple:
    """Does ``x`` (not identically 0) vanish, or lose its definition, somewhere in the open box?

    ``("no", "")`` proved; ``("yes", how)`` proved, with the exact argument; ``("unknown", how)``.
    Each irreducible factor f of the numerator and the denominator is decided alone: constant;
    affine (its zero set meets the open box iff it takes both signs at the corners, and then
    it has a root on the segment from the centre to a corner of the other sign); one active
    parameter (exact real-root counting in the open interval); several (two exact points of
    opposite sign, or all Bernstein coefficients of one sign on the box: each basis polynomial
    is positive on the open box).
    """
    names = tuple(symbols)
    n = len(names)
    centre = tuple(_centre(box)[name] for name in names)
    corners = list(itertools.product(*(box[name] for name in names)))
    for poly in (x.numer, x.denom):
        for factor, _ in _factors(poly):
            terms = _terms(factor)
            active = _active(terms, n)
            if not active:
                continue
            at_centre = _evaluate(terms, centre)
            shown = factor.as_expr()
            if at_centre == 0:
                return "yes", f"the factor {shown} is 0 at {_point_text(dict(zip(names, centre)))}"
            for corner in corners:
                value = _evaluate(terms, corner)
                if value * at_centre < 0:
                    t = at_centre / (at_centre - value)  # exact for an affine factor; IVT otherwise
                    point = {name: c + t * (k - c) for name, c, k in zip(names, centre, corner)}
                    where = (f"at {_point_text(point)}" if _evaluate(terms, tuple(point.values())) == 0 else
                             f"between {_point_text(dict(zip(names, centre)))} and the corner "
                             f"{_point_text(dict(zip(names, corner)))} (it changes sign)")
                    return "yes", f"the factor {shown} vanishes {where}"
            if all(sum(mono) <= 1 for mono in terms):
                continue  # affine of one sign at every corner and at the centre: no zero inside
            if len(active) == 1:
                index = active[0]
                lo, hi = (_sympy_rational(b) for b in box[names[index]])
                univariate = _univariate_poly(terms, index)
                inside = univariate.count_roots(lo, hi) - (univariate.eval(lo) == 0) - (univariate.eval(hi) == 0)
                if inside > 0:
                    return "yes", f"the factor {shown} has {inside} root(s) in {names[index]} ∈ ({lo}, {hi})"
                continue
            # every Bernstein basis polynomial is > 0 on the open box: coefficients of one sign
            # (not all 0, as the factor is not) make the factor of that strict sign there
            if _bernstein_sign(terms, n, [box[name] for name in names]) is None:
                return "unknown", f"cannot prove that the factor {shown} has no zero inside the box"
    return "no", ""


#: Above this total degree a polynomial is split into square-free factors only: irreducible
#: factorisation (Wang's algorithm) of a degree-512 bivariate probability took minutes.
MAX_FACTOR_DEGREE = 48


def _factors(poly) -> list:
    """Factors of ``poly`` whose product has the same zero set: irreducible ones when the degree is
    small, else square-free ones (each test on a factor below is sound for any factorisation;
    irreducible factors only make "unknown" rarer)."""
    degree = max((sum(m) for m in _terms(poly)), default=0)
    return (poly.factor_list() if degree <= MAX_FACTOR_DEGREE else poly.sqf_list())[1]


def _sympy_rational(q):
    import sympy

    return sympy.Rational(int(q.numerator), int(q.denominator))


def _univariate_poly(terms: dict, index: int):
    """The univariate SymPy Poly in the ``index``-th variable of ``terms`` (other exponents 0)."""
    import sympy

    t = sympy.Symbol("t")
    return sympy.Poly(sum((_sympy_rational(c) * t ** m[index] for m, c in terms.items()), sympy.Integer(0)),
                      t, domain="QQ")
