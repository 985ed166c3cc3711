"""Import layer — logged episodes as the empirical MDP of docs/math.md §9 (an ``sc-symbolic/mdp-1`` dict).

From steps ``(s, a, r, s′)`` grouped in episodes of a behaviour policy, with counts
``n(s, a, s′, r)``, ``n(s, a) = Σ n(s, a, ·, ·)``, ``n(s) = Σ_a n(s, a)``, ``n_0(s)``
episodes starting in ``s`` out of ``N``:

    P̂(s′, r | s, a) = n(s, a, s′, r) / n(s, a),   π̂(a|s) = n(s, a) / n(s),   ρ̂(s) = n_0(s) / N

all exact rationals.  ``n_Y(s, a)`` counts the visits of ``(s, a)`` in successful
episodes: it travels with the model in the ``x-data`` field (docs/data.md), so that
``check`` can report filtered imitation ``π̂_filt(a|s) = n_Y(s, a) / n_Y(s)``.

Success (exactly one rule): the ``success`` label of each episode's ``done`` step
(default), ``success_states`` (the episode's final ``next_state`` is one of them),
or ``return_at_least=τ`` (``G = Σ r ≥ τ``; the model then has success
``{"return_at_least": τ}``, so the analysis augments it, §6).

Terminal states: a ``done`` step leads to a terminal state named after its
``next_state`` ``s′`` when ``s′`` is never acted from and every episode ending there has
the same label; otherwise to ``"s′ (success)"`` / ``"s′ (failure)"`` (label and
success-states rules) or ``"s′ (end)"`` (return rule).  This keeps the empirical MDP
Markov when an episode is cut at a state that other episodes continue from.

Streaming: one pass, memory ∝ distinct ``(s, a, s′, r)`` plus one episode's distinct
steps — never the number of steps.  Input is JSON Lines (FORMAT.md, "Logged episodes")
or CSV with the same column names in a header row.  Every refusal is a ``ModelError``
naming the file and line.  Floats never enter: ``0.1`` is 1/10 (``exact.parse_number``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from functools import lru_cache

from ..errors import ModelError
from ..exact import describe_value, parse_number, rational, rational_to_str

FORMAT = "sc-symbolic/mdp-1"
DATA_FORMAT = "sc-symbolic/episode-counts-1"
REQUIRED = ("episode", "state", "action", "reward", "next_state")
OPTIONAL = ("t", "done", "success")
COLUMNS = frozenset(REQUIRED + OPTIONAL)
#: A step line longer than this is refused before it is parsed.
MAX_LINE_BYTES = 64 * 1024
#: Input state and action names (the terminal suffix " (success)" must still fit the model's 200).
MAX_NAME_CHARS = 180
MAX_STATES = 200_000
MAX_TRANSITIONS = 2_000_000
#: Bits (numerator + denominator, lowest terms) of all distinct reward values together: one
#: reward may have 66,000 bits, so MAX_TRANSITIONS distinct ones could otherwise need 16 GB.
MAX_REWARD_BITS = 256_000_000
#: Bits of one episode's return G = Σ r, and of each partial sum (the return rule only); a sum of
#: rewards with pairwise coprime denominators grows with every distinct term.
MAX_RETURN_BITS = 200_000
_BAD_NAME_CHAR = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
_TRUE = {"true": True, "1": True, "false": False, "0": False}


class _LineError(Exception):
    """A refusal inside one line, located by the caller."""

    def __init__(self, field: str, what: str, rule: str):
        super().__init__(what)
        self.field, self.what, self.rule = field, what, rule


@lru_cache(maxsize=4096)
def _short_number(text: str):
    return parse_number(text, "number")


def _reward_text(text: str):
    """An exact number from its text; short texts (nearly every reward) are parsed once."""
    return _short_number(text) if len(text) <= 40 else parse_number(text, "number")


def _refuse_constant(name):
    raise _LineError("reward", f"{name} is not a finite number", "rewards are finite exact numbers")


def _object(pairs):
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _LineError(describe_value(key), "duplicate key", "each column once per step")
    return result


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _LineError("", f"not UTF-8 ({exc.reason} at byte {exc.start})", "files are UTF-8") from None


def jsonl_steps(handle):
    """``(line number, step dict)`` for each non-blank line of a binary JSON Lines handle."""
    decode = json.JSONDecoder(parse_float=_reward_text, parse_constant=_refuse_constant,
                              object_pairs_hook=_object).decode
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise ModelError(f"line {number}", f"longer than {MAX_LINE_BYTES} bytes", "one short JSON object per step")
        if not raw.strip():
            continue
        try:
            step = decode(_decode(raw))
        except _LineError as exc:
            raise ModelError(f"line {number}" + (f", {exc.field}" if exc.field else ""), exc.what, exc.rule) from None
        except ModelError as exc:  # a JSON decimal the exact parser refuses
            raise ModelError(f"line {number}, JSON number", exc.what, exc.rule) from None
        except RecursionError:
            raise ModelError(f"line {number}", "JSON nested too deeply", "one flat JSON object per step") from None
        except ValueError as exc:
            raise ModelError(f"line {number}", f"not valid JSON: {exc}", "one JSON object per line") from None
        if not isinstance(step, dict):
            raise ModelError(f"line {number}", f"a JSON {type(step).__name__}, not an object",
                             "one JSON object per step")
        yield number, step


def csv_steps(handle):
    """``(line number, step dict)`` for each row of a binary CSV handle whose first row names the columns."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")  # a spreadsheet's BOM is not a column
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip() for h in header]
        unknown = [h for h in header if h not in COLUMNS]
        if unknown:
            raise ModelError(f"line 1, column {describe_value(unknown[0])}", "unknown column",
                             "columns: " + ", ".join(REQUIRED + OPTIONAL))
        if len(set(header)) != len(header):
            raise ModelError("line 1", "a column is named twice", "each column once")
        for row in reader:
            number = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ModelError(f"line {number}", f"{len(row)} fields, the header has {len(header)}",
                                 "one field per column")
            step = {}
            for column, cell in zip(header, row):
                cell = cell.strip()
                if column in ("done", "success"):
                    if cell == "":
                        continue
                    value = _TRUE.get(cell.lower())
                    if value is None:
                        raise ModelError(f"line {number}, {column}", f"{describe_value(cell)} is not a boolean",
                                         "true/false or 1/0 (empty: not given)")
                    step[column] = value
                elif column == "t":
                    if cell:
                        if not cell.isdigit() or len(cell) > 18:
                            raise ModelError(f"line {number}, t", f"{describe_value(cell)} is not a step index",
                                             "t is a non-negative integer")
                        step["t"] = int(cell)
                else:
                    step[column] = cell
            yield number, step
    except UnicodeDecodeError as exc:
        raise ModelError(f"line {reader.line_num + 1}", f"not UTF-8 ({exc.reason})", "files are UTF-8") from None
    except csv.Error as exc:
        raise ModelError(f"line {reader.line_num}", f"not valid CSV: {exc}", "comma-separated, double quotes") from None


class EmpiricalCounts:
    """Streaming counts of logged episodes (one call of ``add`` per step, ``model`` at the end).

    ``success``: ``"label"``, ``("states", frozenset)`` or ``("return_at_least", τ)``.
    """

    def __init__(self, success="label"):
        self.rule = success if success == "label" else success[0]
        self.success_states = success[1] if self.rule == "states" else None
        self.tau = success[1] if self.rule == "return_at_least" else None
        self.transitions: dict = {}  # (s, a, s′, r, end) → [n, n_Y]; end: None, or the episode's label
        self.initial: dict = {}      # s → n_0(s)
        self.acting: set = set()
        self.names: set = set()
        self.episodes = self.successful = self.steps = 0
        self._episode = None          # (id, first line) of the open episode
        self._open = False
        self._last_next = None
        self._t = None
        self._local: dict = {}        # the open episode's keys → visits
        self._local_new = 0           # how many of them are not yet in ``transitions``
        self._rewards: dict = {}      # distinct reward values, each kept once
        self._reward_bits = 0

    def _name(self, value, field: str):
        if type(value) is str:
            if value in self.names:
                return value
            if not value or len(value) > MAX_NAME_CHARS or _BAD_NAME_CHAR.search(value):
                raise _LineError(field, f"{describe_value(value)} is not a usable name",
                                 f"names are non-empty, at most {MAX_NAME_CHARS} characters, no control characters")
            if len(self.names) >= MAX_STATES + 1000:
                raise _LineError(field, f"more than {MAX_STATES} distinct names", "see docs/limits.md")
            self.names.add(value)
            return value
        if type(value) is int and abs(value) < 10**18:
            return self._name(str(value), field)
        raise _LineError(field, f"{describe_value(value)} is not a name", "states and actions are strings or integers")

    def add(self, step: dict, line) -> None:
        """Count one step; ``line`` (a line number, or a text such as ``"episode 3, step 5"``) locates errors."""
        try:
            self._add(step, f"line {line}" if type(line) is int else line)
        except _LineError as exc:
            where = f"line {line}" if type(line) is int else line
            raise ModelError(where + (f", {exc.field}" if exc.field else ""), exc.what, exc.rule) from None

    def _add(self, step: dict, line: str) -> None:
        if len(step) > len(COLUMNS) or not COLUMNS.issuperset(step):
            unknown = next(k for k in step if k not in COLUMNS)
            raise _LineError(describe_value(unknown), "unknown column", "columns: " + ", ".join(REQUIRED + OPTIONAL))
        missing = [c for c in REQUIRED if c not in step]
        if missing:
            raise _LineError(missing[0], "missing column", "every step has " + ", ".join(REQUIRED))
        episode = step["episode"]
        if type(episode) not in (str, int):
            raise _LineError("episode", f"{describe_value(episode)} is not an episode id", "a string or an integer")
        episode = str(episode) if type(episode) is int else episode
        s = self._name(step["state"], "state")
        a = self._name(step["action"], "action")
        s2 = self._name(step["next_state"], "next_state")
        r = self._reward(step["reward"])
        t = step.get("t")
        if t is not None and (type(t) is not int or t < 0):
            raise _LineError("t", f"{describe_value(t)} is not a step index", "t is a non-negative integer")
        done = step.get("done", False)
        label = step.get("success")
        if type(done) is not bool:
            raise _LineError("done", f"{describe_value(done)} is not a boolean", "done is true or false")
        if label is not None and type(label) is not bool:
            raise _LineError("success", f"{describe_value(label)} is not a boolean", "success is true or false")
        if self._open and episode != self._episode[0]:
            raise _LineError("episode", f"episode {describe_value(self._episode[0])} (from {self._episode[1]}) "
                             "has no done step", "the last step of every episode has \"done\": true")
        if not self._open:
            if self._episode is not None and episode == self._episode[0]:
                raise _LineError("episode", f"a step of episode {describe_value(episode)} after its done step",
                                 "episodes are contiguous and end at their done step")
            self._episode, self._open = (episode, line), True
            self._t = 0
            self.initial[s] = self.initial.get(s, 0) + 1
            self.episodes += 1
            if t not in (None, 0):
                raise _LineError("t", f"episode {describe_value(episode)} starts at t = {t}", "t counts from 0")
        else:
            self._t += 1
            if t is not None and t != self._t:
                raise _LineError("t", f"t = {t} after t = {self._t - 1} in episode {describe_value(episode)}",
                                 "t increases by 1 within an episode")
            if s != self._last_next:
                raise _LineError("state", f"state {describe_value(s)} is not the previous step's next_state "
                                 f"{describe_value(self._last_next)} (episode {describe_value(episode)}, "
                                 f"step {self._t})", "a step starts where the previous one ended")
        self.steps += 1
        self.acting.add(s)
        self._last_next = s2
        if not done:
            if label is not None:
                raise _LineError("success", "a success label on a step that is not done",
                                 "label success on the done step")
            self._count((s, a, s2, r, None))
            return
        success = self._success(label, s2, r, episode)
        self._count((s, a, s2, r, success if self.rule != "return_at_least" else True))
        self._close(success)

    def _count(self, key) -> None:
        """One visit of ``key`` in the open episode; new keys count against MAX_TRANSITIONS at once."""
        local = self._local
        n = local.get(key)
        if n is None:
            if key not in self.transitions:
                self._local_new += 1
                if len(self.transitions) + self._local_new > MAX_TRANSITIONS:
                    raise _LineError("", f"more than {MAX_TRANSITIONS} distinct transitions", "see docs/limits.md")
            local[key] = 1
        else:
            local[key] = n + 1

    def _episode_return(self, r, episode):
        """G = Σ n(s, a, s′, r)·r over the open episode's distinct steps, plus the done step's r: one
        term per distinct step, not per step, each partial sum bounded by MAX_RETURN_BITS."""
        total = r
        for key, n in self._local.items():
            if key[3]:
                total += n * key[3]
                if total.numerator.bit_length() + total.denominator.bit_length() > MAX_RETURN_BITS:
                    raise _LineError("reward", f"the return of episode {describe_value(episode)} needs more than "
                                     f"{MAX_RETURN_BITS} bits ({self._t + 1} steps)",
                                     "see docs/limits.md: returns are exact sums of the rewards")
        return total

    def _reward(self, value):
        """The exact reward, one object per distinct value; their bits together are bounded."""
        r = self._exact_reward(value)
        known = self._rewards.get(r)
        if known is not None:
            return known
        self._reward_bits += r.numerator.bit_length() + r.denominator.bit_length()
        if self._reward_bits > MAX_REWARD_BITS:
            raise _LineError("reward", f"distinct rewards need more than {MAX_REWARD_BITS} bits",
                             "see docs/limits.md")
        self._rewards[r] = r
        return r

    def _exact_reward(self, value):
        if type(value) is str:
            try:
                return _reward_text(value)
            except ModelError as exc:
                raise _LineError("reward", exc.what, "rewards are finite exact numbers: \"0.1\", \"-3/4\", 2") from None
        if type(value) is int:
            return rational(value)
        if hasattr(value, "denominator") and type(value) is not bool:
            return value  # a JSON decimal, already exact (parse_float)
        raise _LineError("reward", f"{describe_value(value)} is not a number",
                         "rewards are finite exact numbers: \"0.1\", \"-3/4\", 2")

    def _success(self, label, s2, r, episode) -> bool:
        """Success of the episode closing with this done step (``r``: its reward)."""
        if self.rule == "label":
            if label is None:
                raise _LineError("success", "the done step has no success label",
                                 "label each episode's done step, or import with --success-states / --return-at-least")
            return label
        if self.rule == "states":
            return s2 in self.success_states
        return self._episode_return(r, episode) >= self.tau

    def _close(self, success: bool) -> None:
        table = self.transitions
        for key, n in self._local.items():
            counts = table.get(key)
            if counts is None:  # within MAX_TRANSITIONS: ``_count`` counted it on entry
                counts = table[key] = [0, 0]
            counts[0] += n
            if success:
                counts[1] += n
        self._local = {}
        self._local_new = 0
        self.successful += success
        self._open = False

    def finish(self, where: str) -> None:
        """Refuse an unfinished last episode, an empty input and data without a successful episode."""
        if self._open:
            raise ModelError(where, f"episode {describe_value(self._episode[0])} (from {self._episode[1]}) "
                             "has no done step", "the last step of every episode has \"done\": true")
        if not self.episodes:
            raise ModelError(where, "no steps", "give at least one episode")
        if not self.successful:
            raise ModelError(where, f"none of the {self.episodes} episodes succeeded",
                             "π⁺ conditions on success: the data needs a successful episode")

    def _terminals(self) -> dict:
        """(s′, end label) → terminal state name (module docstring)."""
        labels: dict = {}
        for (_, _, s2, _, end) in self.transitions:
            if end is not None:
                labels.setdefault(s2, set()).add(end)
        used = set(self.acting)
        names = {}
        for s2, ends in labels.items():
            if s2 not in self.acting and len(ends) == 1:
                names[(s2, next(iter(ends)))] = s2
                used.add(s2)
        for s2, ends in labels.items():
            for end in sorted(ends):
                if (s2, end) in names:
                    continue
                suffix = "end" if self.rule == "return_at_least" else ("success" if end else "failure")
                name = f"{s2} ({suffix})"
                while name in used or name in labels:
                    name += "'"
                names[(s2, end)] = name
                used.add(name)
        return names

    def model(self, name: str) -> dict:
        """The empirical MDP as an ``sc-symbolic/mdp-1`` dict, counts in ``x-data``."""
        terminals = self._terminals()
        states: dict = {s: {} for s in self.initial}
        counts: dict = {}
        for (s, a, s2, r, end), (n, n_y) in self.transitions.items():
            to = s2 if end is None else terminals[(s2, end)]
            outcomes = states.setdefault(s, {}).setdefault(a, {})
            outcomes[(to, r)] = outcomes.get((to, r), 0) + n
            pair = counts.setdefault(s, {}).setdefault(a, [0, 0])
            pair[0] += n
            pair[1] += n_y
        out_states: dict = {}
        policy: dict = {}
        for s, acts in states.items():
            n_s = sum(pair[0] for pair in counts[s].values())
            out_states[s] = {}
            policy[s] = {}
            for a, outcomes in acts.items():
                n_sa = counts[s][a][0]
                out_states[s][a] = [{"to": to, "p": rational_to_str(rational(n, n_sa))}
                                    | ({"r": rational_to_str(r)} if r else {}) for (to, r), n in outcomes.items()]
                policy[s][a] = rational_to_str(rational(n_sa, n_s))
        success_states = []
        for (s2, end), terminal in terminals.items():
            out_states.setdefault(terminal, {})
            if self.rule != "return_at_least" and end:
                success_states.append(terminal)
        if self.rule == "return_at_least":
            success = {"return_at_least": rational_to_str(self.tau)}
            rule = success
        else:
            success = {"states": success_states}
            rule = "label" if self.rule == "label" else {"states": sorted(self.success_states)}
        return {
            "format": FORMAT,
            "name": name,
            "initial": {s: rational_to_str(rational(n, self.episodes)) for s, n in self.initial.items()},
            "states": out_states,
            "success": success,
            "horizon": None,
            "policy": policy,
            "x-data": {
                "format": DATA_FORMAT,
                "episodes": self.episodes,
                "successful": self.successful,
                "steps": self.steps,
                "success_rule": rule,
                "initial": dict(self.initial),
                "counts": counts,
            },
        }


def success_rule(success_states=None, return_at_least=None):
    """The ``EmpiricalCounts`` success argument of the command-line options (at most one given)."""
    if success_states is not None and return_at_least is not None:
        raise ModelError("--success-states", "given with --return-at-least", "choose one success rule")
    if success_states is not None:
        names = []
        for item in success_states:
            names.extend(part.strip() for part in item.split(",") if part.strip())
        if not names:
            raise ModelError("--success-states", "no state given", "name the final states that are successes")
        return ("states", frozenset(names))
    if return_at_least is not None:
        return ("return_at_least", parse_number(return_at_least, "--return-at-least"))
    return "label"


def detect_format(path: str, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("jsonl", "csv"):
            raise ModelError("--format", f"{describe_value(fmt)}", "jsonl or csv")
        return fmt
    return "csv" if str(path).lower().endswith(".csv") else "jsonl"


def import_trajectories(path, fmt: str | None = None, success_states=None, return_at_least=None,
                        name: str | None = None) -> dict:
    """The empirical MDP (an ``sc-symbolic/mdp-1`` dict) of the episodes logged in ``path``."""
    shown = describe_value(os.fspath(path), 200).strip("'\"")
    counter = EmpiricalCounts(success_rule(success_states, return_at_least))
    fmt = detect_format(path, fmt)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise ModelError(shown, f"cannot read episodes: {exc.strerror or exc}", "give an existing file") from None
    with handle:
        try:
            steps = csv_steps(handle) if fmt == "csv" else jsonl_steps(handle)
            for line, step in steps:
                counter.add(step, line)
        except ModelError as exc:
            raise ModelError(f"{shown}: {exc.where}", exc.what, exc.rule) from None
        except OSError as exc:
            raise ModelError(shown, f"cannot read episodes: {exc.strerror or exc}", "give a readable file") from None
    counter.finish(shown)
    stem = os.path.basename(os.fspath(path))
    return counter.model(name or f"empirical MDP of {stem}")
