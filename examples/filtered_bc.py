"""Filtered behaviour cloning in numpy — the code a researcher would write, to be tested against exact π⁺.

Roll out π in a model for N episodes, keep the successful ones (Y = 1), count:

    π̂⁺(a | s, t) = n_Y(s, t, a) / n_Y(s, t)          (docs/math.md §3, trajectory route)

where n_Y counts visits in successful episodes only.  With a horizon the state
is (s, t): π⁺ depends on the time left, so the counts are kept per time step.
Two classic bugs are selectable, to show that the exact reference catches them:

* ``bug="pool_time"``: pool the counts over t in a horizon model (fits one
  π(a | s) for every t: a mixture of the π⁺(· | s, t), not any of them — it is
  the estimand π̄ = ``ref["pi_pooled"]`` of ``pooled_filtered_bc``);
* ``bug="all_visits"``: divide by the visits of *all* episodes, n(s, t) —
  forgetting that failed episodes' visits must leave the denominator too
  (this estimates π⁺(a | s, t)·V(s, t), whose rows do not sum to 1).

Sampling is exact in law: each row of probabilities is written over its common
denominator D and an outcome is the first whose cumulative numerator exceeds an
integer drawn uniformly below D (all N episodes advance together, vectorised).

    >>> from sc_symbolic.reference import exact_reference
    >>> ref = exact_reference(CORRIDOR)
    >>> estimate, n_success = filtered_bc(sample_episodes(ref, 500, np.random.default_rng(0)), ref)
    >>> estimate.shape == ref["pi_plus"].shape, n_success.shape == ref["V"].shape
    (True, True)
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

CORRIDOR = Path(__file__).with_name("finite_horizon.json")
BUGS = (None, "pool_time", "all_visits")


def _table(rows, width):
    """Rows of (index, Fraction p) → (items, cumulative integer numerators, denominators), padded to ``width``."""
    items = np.zeros((len(rows), width), dtype=np.int64)
    cumulative = np.full((len(rows), width), np.iinfo(np.int64).max, dtype=np.int64)
    denominators = np.ones(len(rows), dtype=np.int64)
    for r, row in enumerate(rows):
        if not row:
            continue
        D = math.lcm(*(p.denominator for _, p in row))
        denominators[r] = D
        items[r, :len(row)] = [i for i, _ in row]
        cumulative[r, :len(row)] = np.cumsum([p.numerator * (D // p.denominator) for _, p in row])
    return items, cumulative, denominators


def _draw(rng, table, rows):
    """One outcome for each row index in ``rows``: the first item whose cumulative numerator exceeds u < D."""
    items, cumulative, denominators = table
    u = rng.integers(0, denominators[rows])
    return items[rows, (cumulative[rows] <= u[:, None]).sum(axis=1)]


def sample_episodes(ref, n: int, rng, max_steps: int = 1000):
    """``n`` episodes of π as arrays: states and actions ``[n, steps]`` (−1 after the end) and success ``[n]``.

    Indices follow ``ref.states`` and ``ref.actions``.  An episode ends in a
    terminal state or, with a horizon H, is cut after H actions (a failure); a
    model without a horizon is cut after ``max_steps`` (counted as a failure).
    """
    from sc_symbolic.reference import to_fraction

    model = ref.model
    S, A = len(ref.states), len(ref.actions)
    state, action = {s: i for i, s in enumerate(ref.states)}, {a: i for i, a in enumerate(ref.actions)}
    width = max([len(model.initial), A] + [len(outs) for acts in model.states.values() for outs in acts.values()])
    initial = _table([[(state[s], to_fraction(p)) for s, p in model.initial.items()]], width)
    policy = _table([[(action[a], to_fraction(p)) for a, p in model.policy.get(s, {}).items()]
                     for s in ref.states], width)
    moves = _table([[(state[o.to], to_fraction(o.p)) for o in model.states[s].get(a, ())]
                    for s in ref.states for a in ref.actions], width)
    terminal = np.array([not model.states[s] for s in ref.states])
    success = np.array([s in model.success_states for s in ref.states])
    steps = model.horizon if model.horizon is not None else max_steps
    states = np.full((n, steps), -1, dtype=np.int64)
    actions = np.full((n, steps), -1, dtype=np.int64)
    current = _draw(rng, initial, np.zeros(n, dtype=np.int64))
    for t in range(steps):
        live = np.flatnonzero(~terminal[current])
        if live.size == 0:
            break
        a = _draw(rng, policy, current[live])
        states[live, t], actions[live, t] = current[live], a
        current[live] = _draw(rng, moves, current[live] * A + a)
    return states, actions, success[current] & terminal[current]


def filtered_bc(episodes, ref, bug: str | None = None):
    """(π̂⁺ shaped like ``ref["pi_plus"]``, n_Y(s, t) shaped like ``ref["V"]``); NaN where n_Y = 0."""
    if bug not in BUGS:
        raise ValueError(f"bug must be one of {BUGS}")
    states, actions, success = episodes
    shape = ref["pi_plus"].shape
    n_success, n_all = np.zeros(shape), np.zeros(shape)
    episode, t = np.nonzero(states >= 0)
    at = (t, states[episode, t], actions[episode, t]) if ref.times is not None \
        else (states[episode, t], actions[episode, t])
    np.add.at(n_all, at, 1)
    np.add.at(n_success, at, success[episode].astype(float))
    if bug == "pool_time" and ref.times is not None:
        n_success[:] = n_success.sum(axis=0, keepdims=True)
        n_all[:] = n_all.sum(axis=0, keepdims=True)
    visits = (n_all if bug == "all_visits" else n_success).sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = n_success / visits
    return estimate, n_success.sum(axis=-1)


def hoeffding_tolerance(n_success, entries: int, delta: float = 1e-6):
    """ε(s, t) = √(ln(2K/δ) / (2 n_Y(s, t))): all K estimates lie within ε of π⁺ with probability ≥ 1 − δ.

    In a time-indexed (or acyclic) model a state is visited at most once per
    episode, so given n_Y(s, t) = m the m actions are i.i.d. draws from
    π⁺(·|s, t) and π̂⁺(a|s, t) is a mean of m Bernoulli variables: Hoeffding's
    inequality, P(|π̂ − π⁺| ≥ ε) ≤ 2 exp(−2mε²), and a union bound over K entries.
    Shaped to broadcast over the action axis; ∞ where m = 0.
    """
    with np.errstate(divide="ignore"):
        return np.sqrt(math.log(2 * entries / delta) / (2 * n_success))[..., None]


def pooled_filtered_bc(episodes, ref):
    """The Markov fit π̂(a|s) = Σ_t n_Y(s, t, a) / Σ_t n_Y(s, t), shaped like ``ref["pi_pooled"]``, and n_Y(s, a).

    A correct estimator of π̄ = ``ref["pi_pooled"]`` (docs/math.md §6), not of π⁺(·|s, t).
    """
    states, actions, success = episodes
    n_success = np.zeros(ref["pi_pooled"].shape)
    episode, t = np.nonzero(states >= 0)
    np.add.at(n_success, (states[episode, t], actions[episode, t]), success[episode].astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return n_success / n_success.sum(axis=-1, keepdims=True), n_success


def ratio_tolerance(n_success, episodes: int, bound: int, entries: int, delta: float = 1e-6):
    """Half-width for π̂ = X̄_a / Ȳ, the ratio of per-episode means, with probability ≥ 1 − δ.

    X_i = successful visits of episode i to s taking a, Y_i = Σ_a X_i, both in
    [0, bound] (bound = the horizon: one visit per step) and i.i.d. over the n
    episodes; π̄(a|s) = E X / E Y.  Hoeffding on the K numerators and their
    denominators (2K events) gives |X̄ − EX|, |Ȳ − EY| ≤ ε = bound·√(ln(4K/δ)/(2n)),
    hence |X̄/Ȳ − EX/EY| ≤ ε (1 + X̄/Ȳ) / (Ȳ − ε) when Ȳ > ε (∞ otherwise).
    """
    x = n_success / episodes
    y = x.sum(axis=-1, keepdims=True)
    eps = bound * math.sqrt(math.log(4 * entries / delta) / (2 * episodes))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(y > eps, eps * (1 + x / y) / (y - eps), np.inf)
