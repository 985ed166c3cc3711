"""Search layer — seeded generators of candidate models within bounds (docs/math.md §6).

* ``random_candidates(bounds, rng)``: random small acyclic reward models.
* ``exhaustive_candidates(bounds, n_states)``: every canonical model with
  exactly ``n_states`` non-terminal states (symmetry reduction: outcomes of an
  action have distinct (to, r) and are sorted, the actions of a state are
  distinct and sorted, every state is reachable, and τ takes one
  representative per distinct success event ``{G ≥ τ}``).
* ``candidates_strategy(bounds)``: a Hypothesis strategy (shrinks towards
  small models) for ``hypothesis.find``.

Every probability row (transition or policy) is positive, sums to exactly 1
and has every denominator ≤ ``max_denominator``.  Deterministic for a given
seed; never evaluates a property.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

from ..errors import ModelError, UnsupportedModelError
from ..exact import rational
from .candidate import END, Candidate, achievable_returns, threshold_representatives

MAX_EXHAUSTIVE_ROWS = 200_000
#: Distinct actions, and distinct states, an exhaustive search may list per state position.
MAX_EXHAUSTIVE_CHOICES = 1_000_000
#: Upper bounds of every search (the work and the witness sizes grow fast with each).
MAX_BOUNDS = {"max_states": 10, "max_actions": 10, "max_outcomes": 10, "max_denominator": 10_000,
              "max_reward": 10_000}


@dataclass(frozen=True)
class Bounds:
    """Inclusive bounds of a search: states, actions per state, outcomes per action, denominators, ``|reward|``."""

    max_states: int = 2
    max_actions: int = 2
    max_outcomes: int = 2
    max_denominator: int = 3
    max_reward: int = 3

    def __post_init__(self):
        for name in ("max_states", "max_actions", "max_outcomes", "max_denominator", "max_reward"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ModelError(f"--{name.replace('_', '-')}", f"{value!r} is not a positive integer",
                                 "search bounds are positive integers")
            if value > MAX_BOUNDS[name]:
                raise ModelError(f"--{name.replace('_', '-')}", f"{value} is too large",
                                 f"at most {MAX_BOUNDS[name]:,} (search bounds set the work and the witness size)")

    def contains(self, candidate: Candidate) -> bool:
        """True when ``candidate`` lies within these bounds."""
        if candidate.n_states > self.max_states:
            return False
        for acts in candidate.actions:
            if len(acts) > self.max_actions or any(len(outs) > self.max_outcomes for outs in acts):
                return False
        if any(p.denominator > self.max_denominator for p in candidate.probabilities()):
            return False
        return all(abs(r) <= self.max_reward for r in candidate.rewards())


# ------------------------------------------------------------------ rows


@lru_cache(maxsize=None)
def farey(max_denominator: int) -> tuple:
    """The rationals in (0, 1) with denominator ≤ ``max_denominator``, ascending.

    >>> [str(x) for x in farey(3)]
    ['1/3', '1/2', '2/3']
    """
    values = {rational(k, d) for d in range(2, max_denominator + 1) for k in range(1, d)}
    return tuple(sorted(values))


@lru_cache(maxsize=None)
def probability_rows(k: int, max_denominator: int) -> tuple:
    """Every positive row of ``k`` probabilities summing to 1 with denominators ≤ the bound.

    Sorted by (largest denominator, row) so smaller rows come first.

    >>> [[str(p) for p in row] for row in probability_rows(2, 2)]
    [['1/2', '1/2']]
    >>> len(probability_rows(1, 5))
    1
    """
    one = rational(1)
    if k == 1:
        return ((one,),)
    values = farey(max_denominator)
    if len(values) ** (k - 1) > MAX_EXHAUSTIVE_ROWS:
        raise UnsupportedModelError(
            f"{k} probabilities with denominators ≤ {max_denominator}: too many rows to enumerate "
            "(lower --max-denominator or --max-outcomes/--max-actions for an exhaustive search)")
    rows = []
    for head in itertools.product(values, repeat=k - 1):
        last = one - sum(head, rational(0))
        if last > 0 and last.denominator <= max_denominator:
            rows.append(head + (last,))
    rows.sort(key=lambda row: (max(p.denominator for p in row), row))
    return tuple(rows)


@lru_cache(maxsize=4096)
def _compositions(k: int, d: int) -> tuple | None:
    """Every row (w_1/d, …, w_k/d) with positive integer w summing to d; None when there are too many."""
    from math import comb

    if comb(d - 1, k - 1) > 5_000:
        return None
    rows = []
    for cuts in itertools.combinations(range(1, d), k - 1):
        parts = [b - a for a, b in zip((0,) + cuts, cuts + (d,))]
        rows.append(tuple(rational(w, d) for w in parts))
    return tuple(rows)


def random_row(rng, k: int, max_denominator: int) -> tuple:
    """A random positive row of ``k`` probabilities with a common denominator d ≤ the bound (d ≥ k):
    d uniform, then a uniform composition of d into k positive parts."""
    d = rng.randint(k, max(k, max_denominator))
    table = _compositions(k, d)
    if table is not None:
        return table[rng.randrange(len(table))]
    cuts = sorted(rng.sample(range(1, d), k - 1)) if k > 1 else []
    parts = [b - a for a, b in zip([0] + cuts, cuts + [d])]
    return tuple(rational(w, d) for w in parts)


def _max_outcomes_for(bounds: Bounds) -> int:
    """Positive rows need k ≤ max_denominator entries."""
    return min(bounds.max_outcomes, bounds.max_denominator)


# ------------------------------------------------------------------ random


def random_candidate(bounds: Bounds, rng) -> Candidate:
    """One random candidate within ``bounds`` drawn with ``rng`` (a ``random.Random``)."""
    n = rng.randint(1, bounds.max_states)
    max_out = _max_outcomes_for(bounds)
    max_act = min(bounds.max_actions, bounds.max_denominator)
    actions = []
    policy = []
    for i in range(n):
        targets = [END] + list(range(i + 1, n))
        acts = []
        for _ in range(rng.randint(1, max_act)):
            k = rng.randint(1, max_out)
            row = random_row(rng, k, bounds.max_denominator)
            acts.append(tuple((rng.choice(targets), p, rng.randint(-bounds.max_reward, bounds.max_reward))
                              for p in row))
        actions.append(tuple(acts))
        policy.append(random_row(rng, len(acts), bounds.max_denominator))
    shell = Candidate(tuple(actions), tuple(policy), 0)
    taus = threshold_representatives(achievable_returns(shell)) or [0]
    return Candidate(shell.actions, shell.policy, rng.choice(taus))


def random_candidates(bounds: Bounds, rng, count: int):
    """``count`` random candidates."""
    for _ in range(count):
        yield random_candidate(bounds, rng)


# -------------------------------------------------------------- exhaustive


def _too_many(what: str, count: int) -> None:
    if count > MAX_EXHAUSTIVE_CHOICES:
        raise UnsupportedModelError(
            f"exhaustive search: {count:,} {what} per state (at most {MAX_EXHAUSTIVE_CHOICES:,}): lower "
            "--max-reward, --max-outcomes, --max-actions or --max-denominator, or use --method random")


def _action_choices(bounds: Bounds, targets: tuple) -> list:
    """Every canonical action: sorted outcomes with distinct (to, r) and a probability row."""
    pairs = [(to, r) for to in targets for r in range(-bounds.max_reward, bounds.max_reward + 1)]
    _too_many("distinct actions", sum(math.comb(len(pairs), k) * len(probability_rows(k, bounds.max_denominator))
                                      for k in range(1, _max_outcomes_for(bounds) + 1)))
    out = []
    for k in range(1, _max_outcomes_for(bounds) + 1):
        rows = probability_rows(k, bounds.max_denominator)
        for combo in itertools.combinations(pairs, k):
            for row in rows:
                out.append(tuple((to, p, r) for (to, r), p in zip(combo, row)))
    return out


@functools.lru_cache(maxsize=16)
def _state_choices(bounds: Bounds, targets: tuple) -> list:
    """Every canonical state: a set of distinct actions (in canonical order) with a policy row.
    Kept for the level's slices (a worker enumerates many; callers never mutate the list)."""
    actions = _action_choices(bounds, targets)
    _too_many("distinct states", sum(math.comb(len(actions), m) * len(probability_rows(m, bounds.max_denominator))
                                     for m in range(1, min(bounds.max_actions, bounds.max_denominator) + 1)))
    out = []
    for m in range(1, min(bounds.max_actions, bounds.max_denominator) + 1):
        rows = probability_rows(m, bounds.max_denominator)
        for combo in itertools.combinations(actions, m):
            for row in rows:
                out.append((combo, row))
    return out


def _reachable(actions) -> bool:
    seen = {0}
    for i, acts in enumerate(actions):
        if i not in seen:
            return False
        for outs in acts:
            for to, _, _ in outs:
                if to != END:
                    seen.add(to)
    return True


def exhaustive_count(bounds: Bounds, n_states: int) -> int:
    """An upper bound on the number of structures ``exhaustive_candidates`` walks (before τ)."""
    total = 1
    for i in range(n_states):
        total *= len(_state_choices(bounds, (END,) + tuple(range(i + 1, n_states))))
    return total


def first_state_slices(bounds: Bounds, n_states: int, count: int) -> list:
    """At most ``count`` consecutive slices of the first state's choices: ``exhaustive_candidates(bounds,
    n, first=piece)`` over these pieces, one after another, is exactly ``exhaustive_candidates(bounds, n)``."""
    choices = len(_state_choices(bounds, (END,) + tuple(range(1, n_states))))
    step = max(1, -(-choices // count))
    return [slice(start, min(start + step, choices)) for start in range(0, choices, step)]


def exhaustive_candidates(bounds: Bounds, n_states: int, first: slice | None = None):
    """Every canonical candidate with exactly ``n_states`` states within ``bounds``, in a fixed order;
    with ``first``, only those whose first state is one of the choices in that slice (a piece of that
    order that a worker enumerates itself)."""
    per_state = [_state_choices(bounds, (END,) + tuple(range(i + 1, n_states))) for i in range(n_states)]
    if first is not None:
        per_state[0] = per_state[0][first]
    for choice in itertools.product(*per_state):
        actions = tuple(acts for acts, _ in choice)
        if n_states > 1 and not _reachable(actions):
            continue
        policy = tuple(row for _, row in choice)
        shell = Candidate(actions, policy, 0)
        for tau in threshold_representatives(achievable_returns(shell)):
            yield Candidate(actions, policy, tau)


# -------------------------------------------------------------- hypothesis


def candidates_strategy(bounds: Bounds):
    """A Hypothesis strategy of candidates within ``bounds``; shrinks towards small models."""
    from ..optional_deps import require

    st = require("hypothesis.strategies", "--method hypothesis")

    max_out = _max_outcomes_for(bounds)
    max_act = min(bounds.max_actions, bounds.max_denominator)

    @st.composite
    def build(draw):
        n = draw(st.integers(1, bounds.max_states))
        actions = []
        policy = []
        for i in range(n):
            acts = []
            for _ in range(draw(st.integers(1, max_act))):
                k = draw(st.integers(1, max_out))
                row = draw(st.sampled_from(probability_rows(k, bounds.max_denominator)))
                outs = []
                for p in row:
                    step = draw(st.integers(0, n - i - 1))
                    outs.append((END if step == 0 else i + step, p,
                                 draw(st.integers(-bounds.max_reward, bounds.max_reward))))
                acts.append(tuple(outs))
            actions.append(tuple(acts))
            policy.append(draw(st.sampled_from(probability_rows(len(acts), bounds.max_denominator))))
        shell = Candidate(tuple(actions), tuple(policy), 0)
        taus = threshold_representatives(achievable_returns(shell)) or [0]
        return Candidate(shell.actions, shell.policy, draw(st.sampled_from(sorted(taus, key=lambda t: (abs(t), t)))))

    return build()
