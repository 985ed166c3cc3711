"""Parameter regions in two or three parameters: certified subdivision of the box (docs/math.md §8).

The claim is ``f = N/D ▷ 0``; ``N = c·∏ g_i^{m_i}`` and ``D`` are factored over QQ
once.  On a closed sub-box ``B`` each factor ``g`` is written in the Bernstein
basis; every basis polynomial is ≥ 0 on ``B`` and > 0 on its interior, so

* all coefficients ≥ 0 ⇒ ``g ≥ 0`` on ``B``;
* all ≥ 0 and, for every face pattern of ``B`` that meets the *open* parameter
  box (each axis: lower face unless it lies on the outer lower bound, interior,
  upper face unless on the outer upper bound), some coefficient > 0 supported
  there ⇒ ``g > 0`` on ``B`` ∩ open box (symmetrically for ≤ 0, < 0).

Signs multiply over the factors (an even power of an undecided factor is ≥ 0).
The model is valid on ``B`` when every non-constant probability has ``p > 0``
and ``1 − p ≥ 0``; invalid when some ``p ≤ 0`` or ``1 − p < 0`` on all of ``B``.
A box is ``True`` (valid, ``f ▷ 0`` proved), ``False`` (valid, the negation
proved), ``"invalid"``, or split in 2^n halves until ``depth`` or ``time_limit``;
what is left is ``None`` (undecided), never guessed.  The search splits
Bernstein coefficients by de Casteljau; ``verify_boxes`` recomputes every
decided box from the power basis (``signs.bernstein_coefficients``), checks the
boxes are disjoint dyadic cells of the parameter box, and recomputes the
fractions.
"""

from __future__ import annotations

import itertools
import time
from collections import deque

from .errors import ModelError
from .exact import rational, rational_to_str
from .signs import bernstein_coefficients

#: Default subdivision depth (each level halves every axis).
DEFAULT_DEPTH = 8
#: Most boxes examined in one run (a work bound besides depth and time).
MAX_BOXES = 200_000


class _Factor:
    """One irreducible factor: its power-basis terms and degrees, and its multiplicity."""

    def __init__(self, poly, multiplicity: int, n: int):
        self.text = str(poly.as_expr())
        self.terms = {m: _q(c) for m, c in poly.terms()}
        self.degrees = tuple(max((m[k] for m in self.terms), default=0) for k in range(n))
        self.multiplicity = multiplicity


def _q(value):
    return rational(int(value.p), int(value.q))


class _Sign:
    """A product of factors: constant sign ``c`` and the factors (its sign on a box)."""

    def __init__(self, expr, symbols):
        import sympy

        poly = sympy.Poly(expr, *symbols, domain="QQ")
        constant, factors = poly.factor_list()
        self.constant = int(bool(constant > 0)) - int(bool(constant < 0))  # 0 when the expression is 0
        self.factors = [_Factor(g, m, len(symbols)) for g, m in factors if not g.is_ground]


def _sign_of(coefficients, degrees, faces) -> tuple | None:
    """(sign, strict) of a polynomial from its Bernstein coefficients on a box, or None.

    ``faces[k]`` = (lower face meets the open box, upper face meets it).
    """
    values = coefficients.values()
    if all(c >= 0 for c in values):
        sign = 1
    elif all(c <= 0 for c in values):
        sign = -1
    else:
        return None
    return sign, _strict(coefficients, degrees, faces)


def _strict(coefficients, degrees, faces) -> bool:
    choices = []
    for k, d in enumerate(degrees):
        options = ["in"]
        low, high = faces[k]
        if low:
            options.append("lo")
        if high:
            options.append("hi")
        choices.append(options)
    for pattern in itertools.product(*choices):
        if not any(c != 0 and all(_matches(i, d, where) for i, d, where in zip(index, degrees, pattern))
                   for index, c in coefficients.items()):
            return False
    return True


def _matches(i: int, d: int, where: str) -> bool:
    return where == "in" or (where == "lo" and i == 0) or (where == "hi" and i == d)


def _combine(constant: int, signs: list) -> tuple | None:
    """The (sign, strict) of c·∏ g_i^{m_i} from the factors' (sign, strict) or None."""
    sign, strict = constant, True
    for value, multiplicity in signs:
        if value is None:
            if multiplicity % 2:
                return None
            strict = False
            continue
        s, st = value
        sign *= s ** multiplicity
        strict = strict and st
    return sign, strict


def _decide(claim_strict, numerator, denominator, validity) -> object:
    """True / False / "invalid" / None from the (sign, strict) pairs on one box."""
    valid = True
    for positive, at_most_one in validity:
        if (positive is not None and positive[0] < 0) or (at_most_one is not None and at_most_one == (-1, True)):
            return "invalid"
        if positive != (1, True) or at_most_one is None or at_most_one[0] < 0:
            valid = False
    if not valid or numerator is None or denominator is None or not denominator[1]:
        return None
    if numerator[0] == 0:  # f ≡ 0
        return not claim_strict
    same = numerator[0] == denominator[0]
    if claim_strict:
        if same and numerator[1]:
            return True
        return False if not same else None
    if same:
        return True
    return False if numerator[1] else None


class _Problem:
    """The claim, its validity conditions and the outer box, ready for box decisions."""

    def __init__(self, model, claim):
        import sympy

        from .region_claims import probabilities, symbols_of

        self.names = list(model.parameters)
        self.symbols = symbols_of(model)
        self.outer = [(rational(int(lo.numerator), int(lo.denominator)), rational(int(hi.numerator), int(hi.denominator)))
                      for lo, hi in model.parameters.values()]
        self.strict = claim.strict
        numerator, denominator = sympy.fraction(sympy.together(claim.f))
        self.numerator = _Sign(numerator, self.symbols)
        self.denominator = _Sign(denominator, self.symbols)
        self.validity = []
        for p in probabilities(model):
            p_num, p_den = sympy.fraction(sympy.together(p))
            q_num = sympy.expand(p_den - p_num)  # 1 − p = (den − num)/den
            self.validity.append((_Sign(p_num, self.symbols), _Sign(p_den, self.symbols), _Sign(q_num, self.symbols)))
        self.boundary = sorted({f.text for s in (self.numerator, self.denominator) for f in s.factors}
                               | {f.text for triple in self.validity for s in triple for f in s.factors})

    def all_factors(self):
        seen = {}
        for s in [self.numerator, self.denominator] + [s for t in self.validity for s in t]:
            for f in s.factors:
                seen.setdefault(f.text, f)
        return seen

    def faces(self, box):
        return [(lo != olo, hi != ohi) for (lo, hi), (olo, ohi) in zip(box, self.outer)]

    def label(self, signs: dict, box) -> object:
        """Label of ``box`` given each factor's (sign, strict) (keyed by factor text)."""
        def product(s):
            return _combine(s.constant, [(signs[f.text], f.multiplicity) for f in s.factors])

        validity = []
        for p_num, p_den, q_num in self.validity:
            num, den, one_minus = product(p_num), product(p_den), product(q_num)
            validity.append((_quotient(num, den), _quotient(one_minus, den)))
        return _decide(self.strict, product(self.numerator), product(self.denominator), validity)


def _quotient(num, den):
    """(sign, strict) of num/den, None unless den is strictly signed."""
    if num is None or den is None or not den[1]:
        return None
    return num[0] * den[0], num[1]


def _split(coefficients: dict, degrees: tuple) -> list:
    """De Casteljau at 1/2 along every axis: the 2^n children's coefficients, in itertools.product order."""
    arrays = [coefficients]
    for axis, d in enumerate(degrees):
        halves = []
        for array in arrays:
            left, right = {}, {}
            lines = {}
            for index, c in array.items():
                lines.setdefault(index[:axis] + index[axis + 1:], [None] * (d + 1))[index[axis]] = c
            for rest, line in lines.items():
                lower, upper = _casteljau(line)
                for i in range(d + 1):
                    left[rest[:axis] + (i,) + rest[axis:]] = lower[i]
                    right[rest[:axis] + (i,) + rest[axis:]] = upper[i]
            halves.append((left, right))
        arrays = [half for pair in halves for half in pair]
    return arrays  # axis 0 most significant: the order of itertools.product((0, 1), repeat=n)


def _casteljau(line: list) -> tuple:
    half = rational(1, 2)
    work = list(line)
    lower, upper = [work[0]], [work[-1]]
    for _ in range(len(work) - 1):
        work = [(a + b) * half for a, b in zip(work, work[1:])]
        lower.append(work[0])
        upper.append(work[-1])
    return lower, upper[::-1]


def _children(box):
    halves = [((lo, (lo + hi) / 2), ((lo + hi) / 2, hi)) for lo, hi in box]
    return [list(choice) for choice in itertools.product(*halves)]


def _volume(box) -> object:
    v = rational(1)
    for lo, hi in box:
        v *= hi - lo
    return v


def box_regions(model, claim, depth=None, time_limit=None, progress=None) -> dict:
    """The regions-1 report of ``claim`` by certified subdivision (2 or 3 parameters).

    ``progress``, when given, is called with the certified fraction (a Rational) after each decided box.
    """
    if depth is not None and (not isinstance(depth, int) or depth < 0 or depth > 30):
        raise ModelError("--depth", f"depth {depth!r}", "an integer from 0 to 30")
    if time_limit is not None and not time_limit > 0:
        raise ModelError("--time", f"time {time_limit!r}", "a positive number of seconds")
    problem = _Problem(model, claim)
    max_depth = DEFAULT_DEPTH if depth is None else depth
    if depth is None and time_limit is not None:
        max_depth = 30
    deadline = None if time_limit is None else time.monotonic() + float(time_limit)
    factors = problem.all_factors()
    root = problem.outer
    start = {text: bernstein_coefficients(f.terms, f.degrees, root) for text, f in factors.items()}
    queue = deque([(root, 0, start)])
    decided, examined, stopped = [], 0, False
    total, certified = _volume(root), rational(0)
    while queue:
        box, level, coefficients = queue.popleft()
        examined += 1
        if stopped or (deadline is not None and time.monotonic() > deadline) or examined > MAX_BOXES:
            stopped = True
            decided.append((box, level, None))
            continue
        faces = problem.faces(box)
        signs = {text: _sign_of(coefficients[text], factors[text].degrees, faces) for text in factors}
        holds = problem.label(signs, box)
        if holds is not None or level >= max_depth:
            decided.append((box, level, holds))
            if holds is not None and progress is not None:
                certified += _volume(box) / total
                progress(certified)
            continue
        split = {text: _split(coefficients[text], factors[text].degrees) for text in factors}
        for position, child in enumerate(_children(box)):
            queue.append((child, level + 1, {text: split[text][position] for text in factors}))
    return _report(model, claim, problem, decided, max_depth, time_limit, stopped)


def _fractions(problem, decided) -> dict:
    total = _volume(problem.outer)
    out: dict = {}
    for box, _, holds in decided:
        key = {True: "true", False: "false", None: "undecided"}.get(holds, str(holds))
        out[key] = out.get(key, rational(0)) + _volume(box) / total
    return {k: rational_to_str(v) for k, v in sorted(out.items())}


def _report(model, claim, problem, decided, max_depth, time_limit, stopped) -> dict:
    import sympy

    fractions = _fractions(problem, decided)
    fractions["exact"] = True
    pieces = [{"holds": holds, "box": {name: [rational_to_str(lo), rational_to_str(hi)]
                                       for name, (lo, hi) in zip(problem.names, box)}, "depth": level}
              for box, level, holds in decided]
    certified = 1 - _as_rational(fractions.get("undecided", "0"))
    statement = (f"{claim.words}: proved on {rational_to_str(_as_rational(fractions.get('true', '0')))} of the "
                 f"box, refuted on {rational_to_str(_as_rational(fractions.get('false', '0')))}"
                 + (f", model invalid on {fractions['invalid']}" if "invalid" in fractions else "")
                 + f", undecided on {rational_to_str(1 - certified)} "
                 f"({', '.join(problem.names)} ∈ {' × '.join(f'({lo}, {hi})' for lo, hi in ((rational_to_str(a), rational_to_str(b)) for a, b in problem.outer))})")
    return {"format": "sc-symbolic/regions-1", "model": model.name, "claim": claim.text,
            "threshold": None if model.threshold is None else rational_to_str(model.threshold),
            "parameters": {name: [rational_to_str(lo), rational_to_str(hi)]
                           for name, (lo, hi) in zip(problem.names, problem.outer)},
            "function": str(sympy.factor(claim.f)), "strict": claim.strict, "pieces": pieces,
            "undecided_fraction": fractions.get("undecided", "0"), "fractions": fractions,
            "boundary": problem.boundary, "depth": max_depth,
            "stopped_by": "time" if stopped and time_limit is not None else ("boxes" if stopped else "depth"),
            "statement": statement}


def _as_rational(text: str):
    from .exact import parse_number

    return parse_number(text, "regions: fraction")


def verify_boxes(model, claim, report: dict) -> None:
    """Re-prove every decided box of a several-parameter report; ModelError naming the first wrong one."""
    problem = _Problem(model, claim)
    factors = problem.all_factors()
    names = problem.names
    if list(report.get("parameters", {})) != names:
        raise ModelError("parameters", "the report's parameters differ from the model's", f"expected {names}")
    cells = set()
    decided = []
    for i, piece in enumerate(report["pieces"]):
        where = f"pieces[{i}]"
        try:
            box = [(_as_rational(piece["box"][n][0]), _as_rational(piece["box"][n][1])) for n in names]
        except (KeyError, TypeError, IndexError):
            raise ModelError(f"{where}.box", "missing or malformed", f"a box gives [lo, hi] for {names}") from None
        cell = _dyadic_cell(box, problem.outer)
        if cell is None:
            raise ModelError(f"{where}.box", "not a dyadic cell of the parameter box",
                             "boxes halve the parameter box along every axis")
        if cell in cells:
            raise ModelError(f"{where}.box", "overlaps another box", "boxes are disjoint")
        cells.add(cell)
        holds = piece.get("holds")
        if holds is not None:
            signs = {text: _sign_of(bernstein_coefficients(f.terms, f.degrees, box), f.degrees, problem.faces(box))
                     for text, f in factors.items()}
            proved = problem.label(signs, box)
            if proved != holds:
                raise ModelError(f"{where}.holds", f"{holds!r} is not proved on this box",
                                 f"the exact Bernstein certificate gives {proved!r}")
        decided.append((box, 0, holds))
    for cell in cells:
        for ancestor in _ancestors(cell):
            if ancestor in cells:
                raise ModelError("pieces", "a box contains another", "boxes are disjoint")
    fractions = _fractions(problem, decided)
    if sum((_as_rational(v) for v in fractions.values()), rational(0)) != 1:
        raise ModelError("pieces", "the boxes do not cover the parameter box", "the boxes partition it")
    for key, value in fractions.items():
        if report.get("fractions", {}).get(key, "0") != value:
            raise ModelError(f"fractions.{key}", f"{report.get('fractions', {}).get(key)!r} is wrong",
                             f"exact value {value}")
    if report.get("undecided_fraction") != fractions.get("undecided", "0"):
        raise ModelError("undecided_fraction", f"{report.get('undecided_fraction')!r} is wrong",
                         f"exact value {fractions.get('undecided', '0')}")


def _dyadic_cell(box, outer):
    """(level, indices) when ``box`` is the cell of that level and index of the outer box, else None."""
    level = None
    indices = []
    for (lo, hi), (olo, ohi) in zip(box, outer):
        ratio = (ohi - olo) / (hi - lo) if hi > lo else None
        if ratio is None or ratio.denominator != 1 or int(ratio.numerator) & (int(ratio.numerator) - 1):
            return None
        k = int(ratio.numerator).bit_length() - 1
        if level is None:
            level = k
        if k != level:
            return None
        position = (lo - olo) / (hi - lo)
        if position.denominator != 1 or not 0 <= position < ratio:
            return None
        indices.append(int(position.numerator))
    return level, tuple(indices)


def _ancestors(cell):
    level, indices = cell
    out = []
    while level > 0:
        level -= 1
        indices = tuple(i // 2 for i in indices)
        out.append((level, indices))
    return out

