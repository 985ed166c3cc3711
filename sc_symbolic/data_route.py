"""Check layer — the data route of docs/math.md §9: filtered imitation on the episodes vs π⁺ vs π̄.

An empirical model (``import trajectories|minari``) carries its counts in ``x-data``:
``n(s, a)`` and ``n_Y(s, a)`` (visits in successful episodes).  At every state ``s``:

    π̂_filt(a|s) = n_Y(s, a) / n_Y(s)                    filtered imitation (rejection sampling + SFT)
    π⁺(a|s)      = π̂(a|s) Q̂(s, a) / V̂(s)                  success conditioning on the empirical MDP
    π̄(a|s)       = Σ_{x↦s} η(x) π̂(a|x) Q̂(x,a) / Σ_{x↦s} η(x) V̂(x)   the Markov variant (pooled, §6)

π⁺ is per state only when nothing is indexed (no horizon, no return threshold); then π̄ = π⁺
wherever η(s) V̂(s) > 0.  π̂_filt = π⁺ on one-step data (every episode is one step from the
state: Q̂(s,a) = n_Y(s,a)/n(s,a), so π̂ Q̂ / V̂ = n_Y(s,a)/n_Y(s)); with several steps
the empirical MDP pools the futures of different histories and the two differ in general
(docs/data.md).  Differences are exact: ``filt − plus`` per action and the largest
``|filt − plus|``.  ``report.build_report`` adds the section; the kernel re-verifies it from the
counts (``kernel._Kernel.check_data``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ModelError
from .exact import describe_value, parse_number, rational, rational_to_str

DATA_FORMAT = "sc-symbolic/episode-counts-1"
KEYS = {"format", "episodes", "successful", "steps", "success_rule", "initial", "counts"}
MAX_COUNT_BITS = 64


@dataclass(frozen=True)
class EpisodeCounts:
    """The ``x-data`` of an empirical model: ``counts[s][a] = (n(s,a), n_Y(s,a))``, ``initial[s] = n₀(s)``."""

    episodes: int
    successful: int
    steps: int
    rule: object
    initial: dict
    counts: dict

    def n(self, s) -> int:
        return sum(n for n, _ in self.counts[s].values())

    def n_success(self, s) -> int:
        return sum(n_y for _, n_y in self.counts[s].values())

    def filtered(self, s) -> dict | None:
        """``π̂_filt(·|s) = n_Y(s, ·) / n_Y(s)``; None when no successful episode visits ``s``."""
        total = self.n_success(s)
        if total == 0:
            return None
        return {a: rational(n_y, total) for a, (_, n_y) in self.counts[s].items()}


def _count(value, where: str, positive: bool = False) -> int:
    if type(value) is not int or value < (1 if positive else 0) or value.bit_length() > MAX_COUNT_BITS:
        raise ModelError(where, f"{describe_value(value)} is not a count",
                         f"counts are JSON integers ≥ {1 if positive else 0} below 2^{MAX_COUNT_BITS}")
    return value


def read_counts(model) -> EpisodeCounts | None:
    """The validated ``x-data`` of ``model``'s file, or None when it has none.

    Refused (``ModelError``, exit 2): a shape other than docs/format.md's, a state or
    action the model does not have, ``n_Y > n``, ``Σ n₀ ≠ episodes``, ``Σ n ≠ steps``.
    """
    raw = (model.source or {}).get("x-data")
    if raw is None:
        return None
    where = "x-data"
    if not isinstance(raw, dict) or set(raw) != KEYS:
        shown = sorted(raw) if isinstance(raw, dict) else describe_value(raw)
        raise ModelError(where, f"holds {shown}", "x-data has exactly the keys " + ", ".join(sorted(KEYS)))
    if raw["format"] != DATA_FORMAT:
        raise ModelError(f"{where}.format", f"{describe_value(raw['format'])}", f"x-data declares {DATA_FORMAT!r}")
    episodes = _count(raw["episodes"], f"{where}.episodes", positive=True)
    successful = _count(raw["successful"], f"{where}.successful")
    steps = _count(raw["steps"], f"{where}.steps", positive=True)
    if successful > episodes:
        raise ModelError(f"{where}.successful", f"{successful} of {episodes} episodes", "at most every episode")
    rule = raw["success_rule"]
    if rule != "label" and not (isinstance(rule, dict) and len(rule) == 1 and (
            isinstance(rule.get("states"), list) or isinstance(rule.get("return_at_least"), str))):
        raise ModelError(f"{where}.success_rule", describe_value(rule),
                         "\"label\", {\"states\": [...]} or {\"return_at_least\": \"T\"}")
    initial = raw["initial"]
    if not isinstance(initial, dict) or not initial:
        raise ModelError(f"{where}.initial", describe_value(initial), "an object state → episodes starting there")
    initial = {s: _count(n, f"{where}.initial.{s}", positive=True) for s, n in initial.items()}
    if sum(initial.values()) != episodes:
        raise ModelError(f"{where}.initial", f"{sum(initial.values())} episode starts, {episodes} episodes",
                         "every episode starts once")
    counts_raw = raw["counts"]
    if not isinstance(counts_raw, dict):
        raise ModelError(f"{where}.counts", describe_value(counts_raw), "an object state → action → [n, n_Y]")
    counts = {}
    for s, acts in counts_raw.items():
        if s not in model.states or model.is_terminal(s) or not isinstance(acts, dict):
            raise ModelError(f"{where}.counts.{describe_value(s)}", "not a non-terminal state of the model",
                             "counts are per state and action of the empirical model")
        counts[s] = {}
        for a, pair in acts.items():
            at = f"{where}.counts.{s}.{describe_value(a)}"
            if a not in model.states[s]:
                raise ModelError(at, "not an action of the state", "counts are per state and action of the model")
            if not isinstance(pair, list) or len(pair) != 2:
                raise ModelError(at, describe_value(pair), "[n(s,a), n_Y(s,a)]")
            n, n_y = _count(pair[0], at), _count(pair[1], at)
            if n_y > n:
                raise ModelError(at, f"n_Y = {n_y} > n = {n}", "successful visits are visits")
            counts[s][a] = (n, n_y)
        if not any(n for n, _ in counts[s].values()):
            raise ModelError(f"{where}.counts.{s}", "a state never visited", "list the visited states")
    for s in initial:
        if s not in counts:
            raise ModelError(f"{where}.initial.{describe_value(s)}", "an episode start with no counts",
                             "episodes start at counted states")
    total = sum(n for acts in counts.values() for n, _ in acts.values())
    if total != steps:
        raise ModelError(f"{where}.steps", f"{steps} steps, the counts hold {total}", "Σ n(s,a) = steps")
    return EpisodeCounts(episodes, successful, steps, rule, initial, counts)


def disagreement(counts: EpisodeCounts, model) -> str | None:
    """Why the analysed ``model`` is not the data's empirical MDP (policy, ρ or success), or None."""
    d = model.domain
    if d.parametric:
        return "the model is parametric"
    if model.horizon is not None:
        return "the model has a horizon (the data's empirical MDP has none)"
    tau = counts.rule.get("return_at_least") if isinstance(counts.rule, dict) else None
    if tau is None and model.threshold is not None:
        return "success is a return threshold, the data counted success by label or final state"
    if tau is not None and (model.threshold is None or parse_number(tau, "x-data.success_rule") != model.threshold):
        return f"success is not the data's return >= {tau}"
    for s, n0 in counts.initial.items():
        if model.initial.get(s) != rational(n0, counts.episodes):
            return f"rho({s}) is not n0({s})/N = {n0}/{counts.episodes}"
    if sum(1 for s, p in model.initial.items() if p != 0) != len(counts.initial):
        return "rho starts episodes where the data has none"
    for s, acts in counts.counts.items():
        total = sum(n for n, _ in acts.values())
        for a in model.states[s]:
            n = acts.get(a, (0, 0))[0]
            if model.policy[s][a] != rational(n, total):
                return f"pi({a}|{s}) is not n({s},{a})/n({s}) = {n}/{total}: the analysed policy is not the data's"
    return None


def _texts(dist):
    return None if dist is None else {a: rational_to_str(p) for a, p in dist.items()}


def _difference(first, second):
    if first is None or second is None:
        return None
    return {a: first[a] - second.get(a, 0) for a in first}


def _largest(differences) -> object:
    values = [abs(v) for diff in differences if diff is not None for v in diff.values()]
    return max(values) if values else None


def data_section(analysis, counts: EpisodeCounts) -> dict:
    """The report's ``data`` section (module docstring); every number an exact string."""
    from .thresholds import pooled_policy

    indexed = analysis.source.threshold is not None or analysis.source.horizon is not None
    pooled = pooled_policy(analysis.model, analysis.origin, analysis.policy, analysis.V, analysis.Q, analysis.eta)
    states = {}
    filt_plus, filt_markov = [], []
    verdicts = {"filt_plus": [], "filt_markov": [], "plus_markov": []}
    for s in analysis.source.nonterminal:
        if s not in counts.counts:
            continue
        filt = counts.filtered(s)
        plus = None if indexed else analysis.pi_plus.get(s)
        markov = pooled.get(s)
        pairs = {"filt_plus": (filt, plus), "filt_markov": (filt, markov), "plus_markov": (plus, markov)}
        coincide = {}
        for name, (x, y) in pairs.items():
            coincide[name] = None if x is None or y is None else all(x[a] == y.get(a, 0) for a in x)
            if coincide[name] is not None:
                verdicts[name].append(coincide[name])
        d_plus, d_markov = _difference(filt, plus), _difference(filt, markov)
        filt_plus.append(d_plus)
        filt_markov.append(d_markov)
        states[s] = {"n": counts.n(s), "n_success": counts.n_success(s), "pi_filt": _texts(filt),
                     "pi_plus": _texts(plus), "pi_markov": _texts(markov),
                     "filt_minus_plus": _texts(d_plus), "filt_minus_markov": _texts(d_markov),
                     "coincide": coincide}
    largest = {"filt_plus": _largest(filt_plus), "filt_markov": _largest(filt_markov)}
    return {
        "episodes": counts.episodes, "successful": counts.successful, "steps": counts.steps,
        "success_rule": counts.rule,
        "pi_plus_per_state": not indexed,
        "coincide": {name: (all(v) if v else None) for name, v in verdicts.items()},
        "max_abs_difference": {name: None if v is None else rational_to_str(v) for name, v in largest.items()},
        "states": states,
    }


def add_data_section(report: dict, analysis) -> None:
    """Add ``data`` to ``report`` when the analysed model is an empirical model with its counts, else a note."""
    counts = read_counts(analysis.source)
    if counts is None:
        return
    reason = disagreement(counts, analysis.source)
    if reason is not None:
        report.setdefault("notes", []).append(f"x-data present but no data section: {reason}")
        return
    report["data"] = data_section(analysis, counts)
