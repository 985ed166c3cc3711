"""Search layer — the "smaller" order on candidates and greedy exact minimisation (docs/math.md §6).

``sort_key`` is a total order: fewer non-terminal states, then fewer actions,
then fewer outcomes (totals), then smaller largest denominator (probabilities
and policy), then smaller ``max |reward|``, smaller ``Σ|reward|``, smaller ``|τ|``
(non-negative first), and finally the exact text of the model (a tie-break).
``shrink(candidate, still_holds)`` applies greedy passes — drop a state, an
action, an outcome; merge outcomes; simplify probability rows to smaller
denominators (rows keep summing to exactly 1); shrink rewards and τ — and
keeps a step only when ``still_holds`` (the exact property check) accepts it
and the key strictly decreases, so it terminates.  Never uses floats.
"""

from __future__ import annotations

from ..errors import UnsupportedModelError
from ..exact import rational, rational_to_str
from .candidate import END, Candidate
from .generators import probability_rows

MAX_ROW_DENOMINATOR = 24


def sort_key(candidate: Candidate) -> tuple:
    """The total "smaller" order (see module docstring).

    >>> from sc_symbolic.search.candidate import risky_bandit
    >>> sort_key(risky_bandit())[:6]
    (1, 2, 3, 2, 3, 4)
    """
    n, n_actions, n_outcomes = candidate.size
    max_den = max(int(p.denominator) for p in candidate.probabilities())
    rewards = [abs(r) for r in candidate.rewards()]
    tau = candidate.threshold
    text = tuple(tuple(tuple((to, rational_to_str(p), str(r)) for to, p, r in outs) for outs in acts)
                 for acts in candidate.actions)
    policy = tuple(tuple(rational_to_str(p) for p in row) for row in candidate.policy)
    return (n, n_actions, n_outcomes, max_den, max(rewards, default=0), sum(rewards), abs(tau), tau < 0,
            str(text), str(policy))


def normalise(candidate: Candidate) -> Candidate:
    """Canonical form of the same model: merged equal outcomes, sorted outcomes and actions,
    unreachable states removed (indices renumbered in order)."""
    actions = []
    for acts in candidate.actions:
        new_acts = []
        for outs in acts:
            merged: dict = {}
            for to, p, r in outs:
                merged[(to, r)] = merged.get((to, r), rational(0)) + p
            new_acts.append(tuple(sorted(((to, p, r) for (to, r), p in merged.items()),
                                         key=lambda o: (o[0] != END, o[0], o[2], o[1]))))
        actions.append(new_acts)
    # reachability
    seen = {0}
    for i, acts in enumerate(actions):
        if i in seen:
            for outs in acts:
                seen.update(to for to, _, _ in outs if to != END)
    keep = [i for i in range(len(actions)) if i in seen]
    index = {old: new for new, old in enumerate(keep)}
    states = []
    policy = []
    for i in keep:
        pairs = [(tuple((index.get(to, END) if to != END else END, p, r) for to, p, r in outs), pa)
                 for outs, pa in zip(actions[i], candidate.policy[i])]
        pairs.sort(key=lambda pair: (len(pair[0]), [(o[0] != END, o[0], o[2], o[1]) for o in pair[0]], pair[1]))
        states.append(tuple(outs for outs, _ in pairs))
        policy.append(tuple(pa for _, pa in pairs))
    return Candidate(tuple(states), tuple(policy), candidate.threshold)


# ------------------------------------------------------------------ passes


def _replace_state(candidate, i, acts, row):
    actions = list(candidate.actions)
    policy = list(candidate.policy)
    actions[i] = tuple(acts)
    policy[i] = tuple(row)
    return Candidate(tuple(actions), tuple(policy), candidate.threshold)


def _renormalised(row, drop):
    rest = [p for k, p in enumerate(row) if k != drop]
    total = sum(rest, rational(0))
    return tuple(p / total for p in rest)


def _drop_states(c):
    n = c.n_states
    for j in range(n):
        if j == 0:
            # restart at a successor: keep states j..n-1 only
            for start in range(1, n):
                acts = [tuple(tuple((to - start if to != END else END, p, r) for to, p, r in outs)
                              for outs in c.actions[i]) for i in range(start, n)]
                # the return accumulated on the way into ``start`` moves into τ
                shifts = sorted({0} | {r for outs in c.actions[0] for to, _, r in outs if to == start}, key=abs)
                for shift in shifts:
                    yield Candidate(tuple(acts), c.policy[start:], c.threshold - shift)
            continue
        acts = []
        for i in range(n):
            if i == j:
                continue
            acts.append(tuple(tuple((END if to == j else (to - 1 if to != END and to > j else to), p, r)
                                    for to, p, r in outs) for outs in c.actions[i]))
        yield Candidate(tuple(acts), c.policy[:j] + c.policy[j + 1:], c.threshold)


def _inline_states(c):
    """Replace every outcome into a one-action state j by j's outcomes (probabilities multiplied,
    rewards added): the same episodes with one decision-free step removed."""
    for j in range(1, c.n_states):
        if len(c.actions[j]) != 1:
            continue
        inner = c.actions[j][0]
        acts = []
        for i in range(c.n_states):
            new_acts = []
            for outs in c.actions[i]:
                new_outs = []
                for to, p, r in outs:
                    if to == j:
                        new_outs.extend((to2, p * p2, r + r2) for to2, p2, r2 in inner)
                    else:
                        new_outs.append((to, p, r))
                new_acts.append(tuple(new_outs))
            acts.append(tuple(new_acts))
        yield Candidate(tuple(acts), c.policy, c.threshold)


def _drop_actions(c):
    for i, acts in enumerate(c.actions):
        if len(acts) < 2:
            continue
        for k in range(len(acts)):
            yield _replace_state(c, i, acts[:k] + acts[k + 1:], _renormalised(c.policy[i], k))
        for k in range(len(acts)):  # replace actions k < m by one chance action mixing them (π-weighted)
            for m in range(k + 1, len(acts)):
                pk, pm = c.policy[i][k], c.policy[i][m]
                total = pk + pm
                mixed = tuple((to, p * pk / total, r) for to, p, r in acts[k]) + \
                    tuple((to, p * pm / total, r) for to, p, r in acts[m])
                new_acts = [a for x, a in enumerate(acts) if x not in (k, m)] + [mixed]
                row = [p for x, p in enumerate(c.policy[i]) if x not in (k, m)] + [total]
                yield _replace_state(c, i, new_acts, row)
        for k in range(len(acts)):  # merge two actions: keep one, give it both weights
            for m in range(len(acts)):
                if m != k:
                    row = list(c.policy[i])
                    row[k] = row[k] + row[m]
                    del row[m]
                    yield _replace_state(c, i, acts[:m] + acts[m + 1:], row)


def _outcome_variants(c):
    for i, acts in enumerate(c.actions):
        for k, outs in enumerate(acts):
            if len(outs) < 2:
                continue
            for m in range(len(outs)):  # drop outcome m
                new = _renormalised([p for _, p, _ in outs], m)
                rest = [o for x, o in enumerate(outs) if x != m]
                yield i, k, tuple((to, p, r) for (to, _, r), p in zip(rest, new))
            for m in range(len(outs)):  # merge outcome m into outcome x
                for x in range(len(outs)):
                    if x != m:
                        merged = list(outs)
                        to, p, r = merged[x]
                        merged[x] = (to, p + outs[m][1], r)
                        del merged[m]
                        yield i, k, tuple(merged)


def _drop_outcomes(c):
    for i, k, outs in _outcome_variants(c):
        acts = list(c.actions[i])
        acts[k] = outs
        yield _replace_state(c, i, acts, c.policy[i])


def _smaller_rows(row):
    """Rows with the same length and a smaller largest denominator, smallest first."""
    current = max(int(p.denominator) for p in row)
    if len(row) == 1 or current <= 1:
        return
    limit = min(current - 1, MAX_ROW_DENOMINATOR)
    try:
        candidates = probability_rows(len(row), limit)
    except UnsupportedModelError:  # too many rows: fall back to rounding each entry
        candidates = ()
    for new in candidates:
        yield new
    if current - 1 > MAX_ROW_DENOMINATOR:
        yield from _rounded_rows(row)


def _rounded_rows(row):
    """Round the first entries to small denominators; the last entry takes the rest."""
    from fractions import Fraction

    for den in (2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 64, 100, 128, 1000):
        head = [Fraction(int(p.numerator), int(p.denominator)).limit_denominator(den) for p in row[:-1]]
        head = [rational(q.numerator, q.denominator) for q in head]
        last = rational(1) - sum(head, rational(0))
        if all(p > 0 for p in head) and last > 0:
            yield tuple(head) + (last,)


def _simplify_probabilities(c):
    for i, acts in enumerate(c.actions):
        for k, outs in enumerate(acts):
            for new in _smaller_rows([p for _, p, _ in outs]):
                new_acts = list(acts)
                new_acts[k] = tuple((to, p, r) for (to, _, r), p in zip(outs, new))
                yield _replace_state(c, i, new_acts, c.policy[i])
        for new in _smaller_rows(c.policy[i]):
            yield _replace_state(c, i, acts, new)


def _towards_zero(value):
    """Integers closer to 0 than ``value``, closest to 0 first."""
    value = int(value)
    if value > 0:
        return list(range(0, value))
    return list(range(0, value, -1))


def _shrink_rewards(c):
    """One reward, or τ, moved towards 0 (or to its absolute value)."""
    for i, acts in enumerate(c.actions):
        for k, outs in enumerate(acts):
            for m, (to, p, r) in enumerate(outs):
                for smaller in _towards_zero(r) + ([-r] if r < 0 else []):
                    new_outs = list(outs)
                    new_outs[m] = (to, p, smaller)
                    new_acts = list(acts)
                    new_acts[k] = tuple(new_outs)
                    yield _replace_state(c, i, new_acts, c.policy[i])
    for smaller in _towards_zero(c.threshold) + ([-c.threshold] if c.threshold < 0 else []):
        yield Candidate(c.actions, c.policy, smaller)


def _retarget(c):
    """Send an outcome to ``end`` instead of a later state (fewer reachable states)."""
    for i, acts in enumerate(c.actions):
        for k, outs in enumerate(acts):
            for m, (to, p, r) in enumerate(outs):
                if to != END:
                    new_outs = list(outs)
                    new_outs[m] = (END, p, r)
                    new_acts = list(acts)
                    new_acts[k] = tuple(new_outs)
                    yield _replace_state(c, i, new_acts, c.policy[i])


def _with_rewards(c, change):
    """``c`` with each outcome reward r replaced by ``change(i, k, m, r)``."""
    return Candidate(tuple(tuple(tuple((to, p, change(i, k, m, r)) for m, (to, p, r) in enumerate(outs))
                                 for k, outs in enumerate(acts)) for i, acts in enumerate(c.actions)),
                     c.policy, c.threshold)


def _shift_rewards(c):
    """Every reward and τ moved by the same ±1 (exactly equivalent when every episode has one step;
    re-checked like any other step), and pairs of rewards moved by ±1 together."""
    for delta in (-1, 1):
        shifted = _with_rewards(c, lambda i, k, m, r: r + delta)
        yield Candidate(shifted.actions, shifted.policy, c.threshold + delta)
    places = [(i, k, m) for i, acts in enumerate(c.actions) for k, outs in enumerate(acts) for m in range(len(outs))]
    for a in range(len(places)):
        for b in range(a + 1, len(places)):
            for da in (-1, 1):
                for db in (-1, 1):
                    moves = {places[a]: da, places[b]: db}
                    yield _with_rewards(c, lambda i, k, m, r: r + moves.get((i, k, m), 0))


def _nudges(c):
    """Single ±1 changes of one reward or of τ (the model itself included first)."""
    yield c
    places = [(i, k, m) for i, acts in enumerate(c.actions) for k, outs in enumerate(acts) for m in range(len(outs))]
    for place in places:
        for delta in (-1, 1):
            yield _with_rewards(c, lambda i, k, m, r: r + delta if (i, k, m) == place else r)
    for delta in (-1, 1):
        yield Candidate(c.actions, c.policy, c.threshold + delta)


def _simplify_with_nudge(c):
    """A smaller probability row together with a ±1 change of one reward or of τ."""
    for variant in _simplify_probabilities(c):
        yield from _nudges(variant)


PASSES = (_drop_states, _inline_states, _retarget, _drop_actions, _drop_outcomes, _simplify_probabilities, _shrink_rewards,
          _shift_rewards, _simplify_with_nudge)


def shrink(candidate: Candidate, still_holds, max_steps: int = 2_000) -> tuple:
    """Greedy minimisation: ``(smallest candidate found, accepted steps, checks made)``.

    ``still_holds(candidate) -> bool`` must be the exact property check; a
    step is kept only when it holds and ``sort_key`` strictly decreases.
    """
    best = normalise(candidate)
    best_key = sort_key(best)
    accepted = checks = 0
    improved = True
    while improved and checks < max_steps:
        improved = False
        for make in PASSES:
            for variant in make(best):
                if not variant.actions:
                    continue
                variant = normalise(variant)
                key = sort_key(variant)
                if key >= best_key:
                    continue
                checks += 1
                if still_holds(variant):
                    best, best_key = variant, key
                    accepted += 1
                    improved = True
                    break
                if checks >= max_steps:
                    break
            if improved:
                break
    return best, accepted, checks
