"""symbolic layer: imports sympy and sc_symbolic.errors only — the exact tests behind every step.

``reduces_to_zero(e, env, given)``: e is a rational function over QQ, evaluated
in factored form c · Π f_j^{e_j} (c in QQ, e_j in Z, each f_j a registered
non-zero polynomial of QQ[x]): products add exponents, sums pull out the common
factors and expand the rest into one polynomial of QQ[x], where zero is
canonical (a sparse dict with no terms); e ≡ 0 iff c == 0.  No gcd, no
``simplify``, no floats.  Σ with integer bounds, ∂ and Subs are evaluated on
the way (``env`` binds free indices), so no expanded sympy tree is ever built.
``sign_by_construction(e, env)`` reads a sign off the tree.  Anything else
(log, sqrt, Float, symbolic bounds) is refused: the step does not hold.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterable, Mapping

import sympy
from sympy import QQ, Add, Indexed, KroneckerDelta, Mul, Pow, Rational, Sum, Symbol
from sympy.polys.rings import PolyElement, PolyRing

__all__ = ["NotRationalError", "reduces_to_zero", "sign_by_construction"]


class NotRationalError(ArithmeticError):
    """The expression is not a rational function over QQ (or divides by zero).

    Internal to the checker: a step whose sides raise it does not hold.
    """


# -- environments: free indices bound to integers -----------------------------------

_SYMBOLS: dict[sympy.Basic, frozenset] = {}


def _symbols(expr: sympy.Basic) -> frozenset:
    """Every Symbol in expr, bound or not (p[i] under ∂ or Subs still depends on i)."""
    found = _SYMBOLS.get(expr)
    if found is None:
        found = frozenset(expr.atoms(Symbol))
        if len(_SYMBOLS) > 100_000:
            _SYMBOLS.clear()
        _SYMBOLS[expr] = found
    return found


def _local(expr: sympy.Basic, env: Mapping[Symbol, int]) -> tuple:
    if not env:
        return ()
    present = _symbols(expr)
    return tuple(sorted(((s, v) for s, v in env.items() if s in present), key=lambda sv: sv[0].name))


def _integer(expr: sympy.Basic, env: Mapping[Symbol, int]) -> int:
    """An index expression (3, i, k + 1) evaluated under env."""
    if isinstance(expr, sympy.Integer):
        return int(expr)
    if isinstance(expr, Symbol):
        if expr in env:
            return env[expr]
        raise NotRationalError(f"index {expr} is not bound")
    if isinstance(expr, Add):
        return sum(_integer(a, env) for a in expr.args)
    if isinstance(expr, Mul):
        value = 1
        for a in expr.args:
            value *= _integer(a, env)
        return value
    raise NotRationalError(f"index {expr} is not an integer expression")


def _frames(expr: Sum, env: Mapping[Symbol, int]) -> list[dict]:
    """Every binding of the summation indices of expr (the last limit is the outermost)."""
    frames = [dict(env)]
    for index, lower, upper in reversed(expr.limits):
        inner = []
        for frame in frames:
            lo, hi = _integer(lower, frame), _integer(upper, frame)
            if hi < lo:
                raise NotRationalError("sum with upper bound below lower bound (Karr convention)")
            inner.extend({**frame, index: v} for v in range(lo, hi + 1))
        frames = inner
    return frames


def _atom_key(expr: sympy.Basic, env: Mapping[Symbol, int]):
    """("pi", 3) for π[k] with k = 3; the Symbol itself for μ; None for a bound index."""
    if isinstance(expr, Indexed):
        return (expr.base.label, tuple(_integer(x, env) for x in expr.indices))
    if isinstance(expr, Symbol):
        return None if expr in env else expr
    raise NotRationalError(f"{expr} is not a variable")


# -- factored rational functions ------------------------------------------------------


class _Factored:
    """c · Π f_j^{e_j}: ``coeff`` in QQ, ``powers`` = {factor id: non-zero exponent}.

    Factor ids 0..n−1 are the generators x_0..x_{n−1}; later ids are registered
    polynomials (monic, free of monomial content, not constant, hence non-zero).
    The value is 0 iff ``coeff`` is 0, and then ``powers`` is empty.
    """

    __slots__ = ("coeff", "powers")

    def __init__(self, coeff, powers: Mapping[int, int]):
        self.coeff = coeff
        self.powers = powers


_TOKENS = itertools.count(1)


class _Evaluator:
    """Evaluate a sympy tree with Σ, ∂, Subs over a fixed set of generators."""

    def __init__(self, keys: tuple):
        self.ring = PolyRing([Symbol(f"x{n}") for n in range(max(len(keys), 1))], QQ)
        self.ngens = self.ring.ngens
        self.index = {key: n for n, key in enumerate(keys)}
        self.memo: dict[tuple, _Factored] = {}
        self.factors: list[PolyElement] = list(self.ring.gens)
        self.factor_ids: dict[tuple, list[int]] = {}
        self.powers: dict[tuple[int, int], PolyElement] = {}
        self.derivatives: dict[tuple[int, int], _Factored] = {}
        self.zero = _Factored(QQ.zero, {})
        self.one = _Factored(QQ.one, {})

    # -- factor bookkeeping ---------------------------------------------------
    def _power(self, factor_id: int, exponent: int) -> PolyElement:
        key = (factor_id, exponent)
        found = self.powers.get(key)
        if found is None:
            found = self.factors[factor_id] ** exponent
            self.powers[key] = found
        return found

    def _from_poly(self, poly: PolyElement) -> _Factored:
        """poly = c · x^g · P with P monic and free of monomial content (registered)."""
        if not poly:
            return self.zero
        content = [min(column) for column in zip(*poly.itermonoms())]
        powers = {n: e for n, e in enumerate(content) if e}
        if powers:
            poly = self.ring({tuple(a - b for a, b in zip(m, content)): c for m, c in poly.iterterms()})
        coeff = poly.LC
        if not poly.is_ground:
            if coeff != 1:
                poly = poly.quo_ground(coeff)
            powers[self._register(poly)] = 1
        return _Factored(coeff, powers)

    def _register(self, poly: PolyElement) -> int:
        """The id of a monic factor; equal polynomials get equal ids.

        Looked up by (number of terms, largest monomial) and then compared,
        because hashing a whole polynomial costs more than comparing it.
        """
        signature = (len(poly), max(poly.itermonoms()))
        candidates = self.factor_ids.setdefault(signature, [])
        for found in candidates:
            if self.factors[found] == poly:
                return found
        self.factors.append(poly)
        candidates.append(len(self.factors) - 1)
        return len(self.factors) - 1

    def _expand(self, term: _Factored, common: Mapping[int, int]) -> PolyElement:
        """c · Π f^(e − common_f), every exponent ≥ 0, as one polynomial."""
        monom = [0] * self.ngens
        parts = []
        for f in term.powers.keys() | common.keys():
            rest = term.powers.get(f, 0) - common.get(f, 0)
            if not rest:
                continue
            if f < self.ngens:
                monom[f] = rest
            else:
                parts.append(self._power(f, rest))
        poly = self.ring({tuple(monom): term.coeff})
        for part in sorted(parts, key=len):
            poly = poly * part
        return poly

    # -- arithmetic -----------------------------------------------------------
    def add(self, terms: list[_Factored]) -> _Factored:
        terms = [t for t in terms if t.coeff]
        if not terms:
            return self.zero
        if len(terms) == 1:
            return terms[0]
        ids = set().union(*(t.powers for t in terms))
        common = {f: min(t.powers.get(f, 0) for t in terms) for f in ids}
        common = {f: e for f, e in common.items() if e}
        total = self.ring.zero
        for t in terms:
            total += self._expand(t, common)
        return self.mul([self._from_poly(total), _Factored(QQ.one, common)])

    def mul(self, factors: list[_Factored]) -> _Factored:
        coeff = QQ.one
        powers: dict[int, int] = {}
        for t in factors:
            if not t.coeff:
                return self.zero
            coeff *= t.coeff
            for f, e in t.powers.items():
                powers[f] = powers.get(f, 0) + e
        return _Factored(coeff, {f: e for f, e in powers.items() if e})

    def pow(self, base: _Factored, exponent: int) -> _Factored:
        if not base.coeff:
            if exponent <= 0:
                raise NotRationalError("division by a rational function that is identically zero")
            return self.zero
        return _Factored(base.coeff**exponent, {f: e * exponent for f, e in base.powers.items()})

    def _factor_derivative(self, factor_id: int, gen: int) -> _Factored:
        key = (factor_id, gen)
        found = self.derivatives.get(key)
        if found is None:
            if factor_id < self.ngens:
                found = self.one if factor_id == gen else self.zero
            else:
                found = self._from_poly(self.factors[factor_id].diff(self.ring.gens[gen]))
            self.derivatives[key] = found
        return found

    def diff(self, value: _Factored, gen: int) -> _Factored:
        """∂/∂x_gen of c Π f^e = Σ_f c e f^(e−1) f' Π_{g≠f} g^(e_g)  (product rule)."""
        terms = []
        for f, e in value.powers.items():
            derivative = self._factor_derivative(f, gen)
            if not derivative.coeff:
                continue
            rest = dict(value.powers)
            rest[f] = e - 1
            terms.append(self.mul([_Factored(value.coeff * e, rest), derivative]))
        return self.add(terms)

    # -- tree walk ------------------------------------------------------------
    def evaluate(self, expr: sympy.Basic, env: Mapping[Symbol, int], bindings: Mapping, token) -> _Factored:
        """The value of expr with free indices bound by env and atoms replaced by bindings.

        ``token`` names the bindings in the memo (0 when there are none).
        """
        key = (expr, _local(expr, env), token if bindings else 0)
        found = self.memo.get(key)
        if found is None:
            found = self._evaluate(expr, env, bindings, token)
            self.memo[key] = found
        return found

    def _evaluate(self, expr, env, bindings, token) -> _Factored:
        if isinstance(expr, (Indexed, Symbol)):
            atom = _atom_key(expr, env)
            if atom is None:
                return self.constant(env[expr])
            if atom in bindings:
                return bindings[atom]
            return _Factored(QQ.one, {self.index[atom]: 1})
        if isinstance(expr, Rational):  # Integer, Rational, and the singletons 0, 1, -1, 1/2
            return self.constant(QQ(int(expr.p), int(expr.q)))
        if isinstance(expr, Add):
            return self.add([self.evaluate(a, env, bindings, token) for a in expr.args])
        if isinstance(expr, Mul):
            return self.mul([self.evaluate(a, env, bindings, token) for a in expr.args])
        if isinstance(expr, Pow):
            if not isinstance(expr.exp, sympy.Integer):
                raise NotRationalError(f"non-integer power {expr.exp} in {expr}")
            return self.pow(self.evaluate(expr.base, env, bindings, token), int(expr.exp))
        if isinstance(expr, Sum):
            return self.add([self.evaluate(expr.function, frame, bindings, token) for frame in _frames(expr, env)])
        if isinstance(expr, KroneckerDelta):
            if len(expr.args) != 2:
                raise NotRationalError("KroneckerDelta with a range")
            left, right = (_integer(a, env) for a in expr.args)
            return self.constant(int(left == right))
        if isinstance(expr, sympy.Derivative):
            if bindings:
                raise NotRationalError("a derivative under a substitution (differentiate in a separate step)")
            value = self.evaluate(expr.expr, env, bindings, token)
            for variable, count in expr.variable_count:
                atom = _atom_key(variable, env)
                if atom is None:
                    raise NotRationalError(f"derivative with respect to the index {variable}")
                for _ in range(int(count)):
                    value = self.diff(value, self.index[atom]) if atom in self.index else self.zero
            return value
        if isinstance(expr, sympy.Subs):
            atoms = [_atom_key(v, env) for v in expr.variables]
            if None in atoms:
                raise NotRationalError("substitution for an index")
            values = [self.evaluate(v, env, bindings, token) for v in expr.point]
            inner = {**bindings, **dict(zip(atoms, values))}
            return self.evaluate(expr.expr, env, inner, next(_TOKENS))
        raise NotRationalError(f"{type(expr).__name__} is not a rational operation: {expr}")

    def constant(self, value) -> _Factored:
        value = QQ(value)
        return _Factored(value, {}) if value else self.zero


def _collect_atoms(expr: sympy.Basic, env: Mapping[Symbol, int], found: set, seen: set) -> None:
    """Every variable (as an atom key) that expr mentions under env."""
    key = (expr, _local(expr, env))
    if key in seen:
        return
    seen.add(key)
    if isinstance(expr, (Indexed, Symbol)):
        atom = _atom_key(expr, env)
        if atom is not None:
            found.add(atom)
    elif isinstance(expr, Sum):
        for frame in _frames(expr, env):
            _collect_atoms(expr.function, frame, found, seen)
    elif isinstance(expr, (sympy.Derivative, sympy.Subs)):
        for arg in expr.args:
            _collect_atoms(arg, env, found, seen)
    elif isinstance(expr, (sympy.Tuple, sympy.Basic)) and not isinstance(expr, KroneckerDelta):
        for arg in expr.args:
            _collect_atoms(arg, env, found, seen)


def _key_order(key) -> tuple:
    """Plain symbols first (by name), then indexed atoms by (label, indices)."""
    if isinstance(key, Symbol):
        return (0, key.name, ())
    return (1, key[0].name, key[1])


#: recently used evaluators by generator tuple: their memo is shared between
#: steps (a lemma and the identity under it share their sub-expressions).
_EVALUATORS: OrderedDict[tuple, _Evaluator] = OrderedDict()
_EVALUATOR_CACHE_SIZE = 4


def _evaluator(keys: tuple) -> _Evaluator:
    found = _EVALUATORS.get(keys)
    if found is None:
        found = _Evaluator(keys)
        _EVALUATORS[keys] = found
        while len(_EVALUATORS) > _EVALUATOR_CACHE_SIZE:
            _EVALUATORS.popitem(last=False)
    else:
        _EVALUATORS.move_to_end(keys)
    return found


def reduces_to_zero(
    expr: sympy.Basic,
    env: Mapping[Symbol, int] | None = None,
    given: Iterable[tuple[sympy.Basic, sympy.Basic]] = (),
) -> bool:
    """True iff expr (free indices bound by env, atoms replaced by ``given``) is 0 in QQ(x).

    ``given`` pairs (atom, value) are simultaneous substitutions applied to the
    atoms of expr (e.g. π_N = 1 − Σ_{k<N} π_k); derivatives are not allowed
    under them.

    >>> from sympy import symbols, IndexedBase, Sum
    >>> x, y = symbols('x y')
    >>> reduces_to_zero(1/(x - y) - 1/(x*(x - y)) * x)
    True
    >>> reduces_to_zero(x/(x + y) - 1)
    False
    >>> a = IndexedBase('a'); k = symbols('k', integer=True)
    >>> reduces_to_zero(Sum(a[k], (k, 1, 2)) - 1, given=[(a[2], 1 - a[1])])
    True

    A non-rational expression (log, sqrt, a Float) is never reported as zero.
    """
    env = {name: int(value) for name, value in (env or {}).items()}
    try:
        given = tuple(given)
        found: set = set()
        seen: set = set()
        _collect_atoms(expr, env, found, seen)
        bindings_atoms = []
        for atom, value in given:
            _collect_atoms(value, {}, found, seen)
            bindings_atoms.append(_atom_key(atom, {}))
        keys = tuple(sorted(found, key=_key_order))
        evaluator = _evaluator(keys)
        bindings = {atom: evaluator.evaluate(value, {}, {}, 0) for atom, (_, value) in zip(bindings_atoms, given)}
        token = ("given", given) if bindings else 0  # equal substitutions share the memo
        return not evaluator.evaluate(expr, env, bindings, token).coeff
    except NotRationalError:
        return False


# -- signs by construction ------------------------------------------------------------

_POSITIVE = "positive"
_NONNEGATIVE = "nonnegative"


def _is_real_by_construction(expr: sympy.Basic) -> bool:
    if isinstance(expr, Rational):
        return True
    if isinstance(expr, (Symbol, Indexed)):
        return expr.is_real is True
    if isinstance(expr, (Add, Mul)):
        return all(_is_real_by_construction(a) for a in expr.args)
    if isinstance(expr, Pow):
        return isinstance(expr.exp, sympy.Integer) and _is_real_by_construction(expr.base)
    if isinstance(expr, Sum):
        return _is_real_by_construction(expr.function)
    return False


def sign_by_construction(expr: sympy.Basic, env: Mapping[Symbol, int] | None = None) -> str | None:
    """"positive", "nonnegative" or None (no certificate) — read off the tree.

    Rules (each sound wherever the expression is defined): a positive rational
    or a symbol declared positive is positive; a symbol declared non-negative
    is non-negative; a sum of non-negative terms is non-negative, positive if
    one term is; a product of signed factors likewise; x**(2k) of a real x is
    non-negative and x**(-2k) positive; x**k of a signed x keeps its sign, and
    x**(-k) of a non-negative x is positive; Σ over a range that is non-empty
    for every value of the outer indices (``env``) keeps the sign of its terms.

    >>> from sympy import symbols
    >>> a = symbols('a', positive=True); b = symbols('b', real=True)
    >>> sign_by_construction(2/a + (a - b)**2)
    'positive'
    >>> sign_by_construction(a - b) is None
    True
    """
    try:
        return _sign(expr, dict(env or {}), {})
    except NotRationalError:
        return None


def _sign(expr: sympy.Basic, env: dict, memo: dict) -> str | None:
    key = (expr, _local(expr, env))
    if key in memo:
        return memo[key]
    memo[key] = result = _sign_of(expr, env, memo)
    return result


def _combine(signs: list, for_sum: bool) -> str | None:
    if None in signs:
        return None
    if for_sum:
        return _POSITIVE if _POSITIVE in signs else _NONNEGATIVE
    return _POSITIVE if all(s == _POSITIVE for s in signs) else _NONNEGATIVE


def _sign_of(expr: sympy.Basic, env: dict, memo: dict) -> str | None:
    if isinstance(expr, Rational):
        if expr > 0:
            return _POSITIVE
        return _NONNEGATIVE if expr == 0 else None
    if isinstance(expr, Symbol) and expr in env:
        value = env[expr]
        return _POSITIVE if value > 0 else (_NONNEGATIVE if value == 0 else None)
    if isinstance(expr, (Symbol, Indexed)):
        if expr.is_positive is True:
            return _POSITIVE
        return _NONNEGATIVE if expr.is_nonnegative is True else None
    if isinstance(expr, (Add, Mul)):
        return _combine([_sign(a, env, memo) for a in expr.args], isinstance(expr, Add))
    if isinstance(expr, Pow):
        if not isinstance(expr.exp, sympy.Integer):
            return None
        exponent = int(expr.exp)
        base = _sign(expr.base, env, memo)
        if exponent % 2 == 0 and base is None:
            if not _is_real_by_construction(expr.base):
                return None
            return _POSITIVE if exponent < 0 else _NONNEGATIVE
        if base is None:
            return None
        return _POSITIVE if exponent < 0 else base
    if isinstance(expr, Sum):
        return _combine([_sign(expr.function, frame, memo) for frame in _frames(expr, env)], True)
    return None
