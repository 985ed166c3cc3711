"""Model layer — the MDP ``M = (S, A, P, ρ, G)`` and its policy π (docs/math.md §1).

Imports only ``exact`` and ``errors``.  A ``Model`` is validated once, on
construction from a ``sc-symbolic/mdp-1`` dict (FORMAT.md); afterwards every
probability is an element of the model's domain K (QQ or QQ(params)) and
every reward a Rational.  Nothing is repaired: a broken rule raises
``ModelError`` naming the field and the rule.  Hostile input is bounded
before it costs anything (file size, counts of states/actions/outcomes/
parameters, name length and characters; docs/limits.md) and error messages
are one printable line whatever the input holds (``describe_value``).
"""

from __future__ import annotations

import keyword
import numbers
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ModelError
from .exact import (
    describe_value,
    domain_for,
    loads_json,
    parse_expression,
    parse_number,
    rational,
    rational_to_str,
    valid_identifier,
)

FORMAT = "sc-symbolic/mdp-1"
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_STATES = 200_000
MAX_ACTIONS = 1_000
MAX_OUTCOMES = 1_000
MAX_TOTAL_OUTCOMES = 2_000_000
MAX_NAME_CHARS = 200
MAX_MODEL_NAME_CHARS = 1_000
MAX_PARAMETERS = 32
MAX_HORIZON = 10_000
#: Characters no name may hold: C0/C1 controls, lone surrogates (not UTF-8), line/paragraph separators.
_BAD_NAME_CHAR = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
TOP_LEVEL_KEYS = {"format", "name", "parameters", "initial", "states", "success", "horizon", "policy",
                  "description", "comment", "$schema"}


@dataclass(frozen=True)
class Outcome:
    """One outcome of ``(s, a)``: next state ``to`` with probability ``p`` and reward ``r``."""

    to: str
    p: object
    r: object


@dataclass(frozen=True, eq=False)
class Model:
    """A validated MDP with its policy.

    ``states[s][a]`` is the tuple of outcomes of action ``a`` in state ``s``;
    terminal states map to ``{}``.  ``policy[s][a]`` is defined for every
    non-terminal ``s`` and every ``a ∈ A(s)`` (zeros included).  Success is
    either ``success_states`` (a set of terminal states) or ``threshold`` τ
    (success = return ≥ τ).
    """

    name: str
    domain: object
    parameters: dict
    initial: dict
    states: dict
    success_states: frozenset | None
    threshold: object
    horizon: int | None
    policy: dict
    source: dict = field(default_factory=dict, repr=False)

    @property
    def nonterminal(self) -> list[str]:
        """Non-terminal states in model order."""
        return [s for s, acts in self.states.items() if acts]

    @property
    def initial_support(self) -> list[str]:
        """States with ρ(s) ≠ 0: where episodes start (a ρ(s) = 0 entry starts nothing)."""
        return [s for s, p in self.initial.items() if not self.domain.is_zero(p)]

    def is_terminal(self, state: str) -> bool:
        return not self.states[state]

    @property
    def has_rewards(self) -> bool:
        """True when some outcome carries a non-zero reward (report gains E[G])."""
        return any(o.r != 0 for acts in self.states.values() for outs in acts.values() for o in outs)

    def with_policy(self, policy) -> "Model":
        """The same MDP under another policy, validated as the loader validates one.

        ``policy`` is what a model file's ``"policy"`` holds — ``"uniform"`` or a dict
        state → (``"uniform"`` or action → probability) with exact numbers or expression
        strings — or a dict of elements of the model's domain (``analysis.executed``).
        Anything else raises ``ModelError`` naming the field and the rule.
        """
        box = self.domain.points if self.domain.parametric else []
        checked = _policy(policy, self.states, self.domain, box)
        return Model(self.name, self.domain, self.parameters, self.initial, self.states,
                     self.success_states, self.threshold, self.horizon, checked, self.source)

    def substitute(self, values: dict) -> "Model":
        """The numeric model at the exact point ``values`` (parameter name → number or number text).

        Every declared parameter must be given, each strictly inside its box ``(lo, hi)``
        (the model is declared, and proved well formed, only there); each probability is
        evaluated exactly at the point and the result is validated as any numeric model.
        Text values are read by the restricted parser (``"1/3"``, ``"0.25"``), never eval'd.
        """
        if not self.parameters:
            raise ModelError("--set", "the model declares no parameters", "substitute only into a parametric model")
        if not isinstance(values, dict):
            raise ModelError("--set", f"a {type(values).__name__}", "give a dict parameter name → exact value")
        declared = ", ".join(self.parameters)
        point = {}
        for name, raw in values.items():
            if name not in self.parameters:
                raise ModelError(f"--set {describe_value(name)}", "not a declared parameter",
                                 f"set the declared parameters: {declared}")
            value = parse_expression(raw, domain_for(()), f"--set {name}")
            lo, hi = self.parameters[name]
            if not lo < value < hi:
                raise ModelError(f"--set {name}", f"{_short(rational_to_str(value))} is outside the open box "
                                 f"({rational_to_str(lo)}, {rational_to_str(hi)})",
                                 f"{name} lies strictly between {rational_to_str(lo)} and {rational_to_str(hi)}")
            point[name] = value
        missing = [name for name in self.parameters if name not in point]
        if missing:
            raise ModelError("--set", f"no value for {', '.join(missing)}",
                             f"set every declared parameter ({declared}): a substituted model is numeric")

        def at(p, where):
            return rational_to_str(_at(self.domain, p, point, where))

        data = self.to_dict()
        del data["parameters"]
        data["name"] = f"{self.name} at " + ", ".join(f"{k}={rational_to_str(v)}" for k, v in point.items())
        data["initial"] = {s: at(p, _field("initial", s)) for s, p in self.initial.items()}
        for s, acts in self.states.items():
            for a, outs in acts.items():
                for entry, o in zip(data["states"][s][a], outs):
                    entry["p"] = at(o.p, _field(_field("states", s), a))
        data["policy"] = {s: {a: at(p, _field(_field("policy", s), a)) for a, p in dist.items()}
                          for s, dist in self.policy.items()}
        return from_dict(data)

    def to_dict(self) -> dict:
        """The ``sc-symbolic/mdp-1`` dict of this model (exact strings), policy included."""
        text = self.domain.to_str
        out = {"format": FORMAT, "name": self.name}
        if self.parameters:
            out["parameters"] = {k: [rational_to_str(lo), rational_to_str(hi)]
                                 for k, (lo, hi) in self.parameters.items()}
        out["initial"] = {s: text(p) for s, p in self.initial.items()}
        states = {}
        for s, acts in self.states.items():
            states[s] = {a: [{"to": o.to, "p": text(o.p), "r": rational_to_str(o.r)} if o.r != 0
                             else {"to": o.to, "p": text(o.p)} for o in outs]
                         for a, outs in acts.items()}
        out["states"] = states
        if self.threshold is not None:
            out["success"] = {"return_at_least": rational_to_str(self.threshold)}
        else:
            out["success"] = {"states": sorted(self.success_states, key=list(self.states).index)}
        out["horizon"] = self.horizon
        out["policy"] = {s: {a: text(p) for a, p in dist.items()} for s, dist in self.policy.items()}
        return out


def action_order(model: Model) -> tuple:
    """Every action name, in order of first appearance (states in file order, actions in file order).

    The action index map shared by array views of a model (``reference.exact_reference``);
    states are indexed in file order.

    >>> m = from_dict({"format": "sc-symbolic/mdp-1", "initial": {"s": 1}, "policy": "uniform",
    ...                "states": {"s": {"b": {"t": 1}, "a": {"u": 1}}, "u": {"a": {"t": 1}, "c": {"t": 1}},
    ...                           "t": {}}, "success": {"states": ["t"]}})
    >>> action_order(m)
    ('b', 'a', 'c')
    """
    seen = {}
    for acts in model.states.values():
        for a in acts:
            seen.setdefault(a, None)
    return tuple(seen)


# ------------------------------------------------------------------ loading


def load_model(source, policy=None, name: str | None = None, threshold=None, validate_box: bool = True) -> Model:
    """Load and validate a model from a path, JSON text, a dict or a ``Model`` (returned as it is
    unless ``policy``, ``name`` or ``threshold`` change it).

    ``policy`` optionally overrides the model's policy: a path, JSON text, a
    dict (bare policy or ``{"policy": ...}``) or ``"uniform"``.  ``threshold``
    optionally replaces its success by ``{"return_at_least": threshold}``.
    """
    if isinstance(source, Model):
        if name is None and policy is None and threshold is None:
            return source
        source = source.to_dict() | ({"name": name} if name is not None else {})
    data, default_name = _read(source, "model")
    if policy is not None or threshold is not None:
        if not isinstance(data, dict):
            raise ModelError("model", "the model file must hold a JSON object", "mdp-1 files are objects")
        data = dict(data)
    if policy is not None:
        override, _ = ("uniform", None) if isinstance(policy, str) and policy == "uniform" else _read(policy, "policy file")
        if isinstance(override, dict) and set(override) == {"policy"}:
            override = override["policy"]
        data["policy"] = override
    if threshold is not None:
        data["success"] = {"return_at_least": threshold}
    return from_dict(data, name=name or default_name, validate_box=validate_box)


def parse_settings(settings) -> dict:
    """``["p=1/3", "theta=2/5"]`` (repeated ``--set NAME=VALUE``) → ``{"p": "1/3", "theta": "2/5"}``.

    Values stay text, read exactly by ``Model.substitute``; a malformed or repeated entry is a ModelError.
    """
    values = {}
    for item in settings or ():
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ModelError("--set", f"{describe_value(item)} is not NAME=VALUE", "write --set p=1/3")
        if name in values:
            raise ModelError(f"--set {describe_value(name)}", "given twice", "set each parameter once")
        values[name] = value
    return values


def load_model_file(path, policy=None, threshold=None, validate_box: bool = True) -> Model:
    """``load_model`` for command-line arguments: ``path`` and ``policy`` are always file paths
    (a name such as ``"[draft].json"`` is never read as JSON text); ``policy`` may be ``"uniform"``."""
    if policy is not None and policy != "uniform":
        policy = Path(read_path(policy, "policy file"))
    return load_model(Path(read_path(path, "model")), policy, threshold=threshold, validate_box=validate_box)


def read_path(path, what: str) -> str:
    """``path``, unless it is empty (``Path("")`` would silently mean the current directory)."""
    if not os.fspath(path):
        raise ModelError(what, "empty path", "give the path of a JSON file")
    return path


def read_json_file(path, what: str):
    """``(data, stem)`` of a UTF-8 JSON file, read exactly (``loads_json``) and at most MAX_FILE_BYTES.

    Refuses pipes and sockets before opening them (a FIFO would block forever),
    directories and unreadable files, each as a ModelError naming the path.
    """
    path = Path(read_path(path, what))
    shown = describe_value(os.fspath(path), 200).strip("'\"")
    try:
        kind = os.stat(path).st_mode
        if not (stat.S_ISFIFO(kind) or stat.S_ISSOCK(kind)):
            with open(path, "rb") as handle:  # read at most the limit: /dev/zero must not hang
                raw = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ModelError(shown, f"cannot read {what}: {reason}", "give an existing file") from None
    if stat.S_ISFIFO(kind) or stat.S_ISSOCK(kind):
        raise ModelError(shown, f"cannot read {what}: a pipe or socket, not a file", "give a JSON file")
    if len(raw) > MAX_FILE_BYTES:
        raise ModelError(shown, f"{what} is larger than {MAX_FILE_BYTES} bytes",
                         f"files are limited to {MAX_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(shown, f"cannot read {what}: not UTF-8 ({exc.reason} at byte {exc.start})",
                         "files are UTF-8 JSON") from None
    return loads_json(text, shown), path.stem


def _read(source, what: str):
    """A dict as it is; a path (a PathLike, or a str that does not start like JSON) read from disk; JSON text."""
    if isinstance(source, dict):
        return source, None
    if isinstance(source, os.PathLike) or (isinstance(source, str) and not source.lstrip().startswith(("{", "[", '"'))):
        return read_json_file(source, what)
    if isinstance(source, str):
        if len(source) > MAX_FILE_BYTES:
            raise ModelError(what, "text too long", f"at most {MAX_FILE_BYTES} bytes")
        return loads_json(source, what), None
    raise ModelError(what, f"cannot load a {type(source).__name__}", "give a path, JSON text, a dict or a Model")


def _field(prefix: str, name) -> str:
    """``prefix.name`` for a clean name, else ``prefix[<description>]``: always one printable line.

    >>> _field("states", "s0"), _field("states", "a\\nb")
    ('states.s0', "states['a\\\\nb']")
    """
    if isinstance(name, str) and 0 < len(name) <= MAX_NAME_CHARS and name.isprintable():
        return f"{prefix}.{name}" if prefix else name
    return f"{prefix}[{describe_value(name)}]"


def _check_name(name, where: str, kind: str, limit: int = MAX_NAME_CHARS, allow_empty: bool = False) -> str:
    if not isinstance(name, str):
        raise ModelError(where, f"{kind} name {describe_value(name)} is not a string", f"{kind} names are strings")
    if not name and not allow_empty:
        raise ModelError(where, f"empty {kind} name", f"{kind} names are non-empty")
    if len(name) > limit:
        raise ModelError(where, f"{kind} name with {len(name)} characters", f"at most {limit}")
    bad = _BAD_NAME_CHAR.search(name)
    if bad is not None:
        raise ModelError(where, f"{kind} name {describe_value(name)} contains the character "
                         f"U+{ord(bad.group()):04X}",
                         f"{kind} names hold no control characters, line separators or lone surrogates")
    return name


def _probability(value, domain, where: str, box):
    p = value if domain.parametric and domain.K.of_type(value) else parse_expression(value, domain, where)
    _check_unit_interval(p, domain, where, box)
    return p


def _check_unit_interval(p, domain, where, box):
    if box is None:  # from_dict(validate_box=False): regions decide where the model is valid
        return
    if not domain.parametric:
        if p < 0 or p > 1:
            raise ModelError(where, f"probability {_short(domain.to_str(p))} is outside [0, 1]",
                             "probabilities lie in [0, 1]")
        return
    for point in box:
        value = _at(domain, p, point, where)
        if value < 0 or value > 1:
            shown = ", ".join(f"{k}={rational_to_str(v)}" for k, v in point.items())
            raise ModelError(where, f"probability {_short(domain.to_str(p))} is {_short(rational_to_str(value))} "
                             f"at {_short(shown)}",
                             "probabilities lie in [0, 1] on the whole parameter box")
    from .signs import domain_box, probability_violation, zero_inside

    exact_box = domain_box(domain)
    violation = probability_violation(p, domain, exact_box, box)
    if violation is not None:
        _, point, value = violation
        if point is None:
            raise ModelError(where, f"cannot prove that the probability {_short(domain.to_str(p))} lies in [0, 1] "
                             f"on the whole parameter box ({value})", "probabilities lie in [0, 1] on the whole "
                             "parameter box, provably: narrow the box or simplify the expression")
        shown = ", ".join(f"{k}={v}" for k, v in point.items())
        raise ModelError(where, f"probability {domain.to_str(p)} is {value} at {shown}",
                         "probabilities lie in [0, 1] on the whole parameter box")
    if exact_box is not None and not domain.is_zero(p):
        verdict, how = zero_inside(p, domain.symbols, exact_box)
        if verdict != "no":
            what = "vanishes inside the parameter box" if verdict == "yes" else "may vanish inside the parameter box"
            raise ModelError(where, f"probability {_short(domain.to_str(p))} {what}: {how}",
                             "a probability is either identically 0 or positive on the whole open box (else the "
                             "transition graph, and every closed form, changes inside it): narrow the box")


def _at(domain, p, point, where):
    try:
        return domain.substitute(p, point)
    except (ZeroDivisionError, ValueError, TypeError, AttributeError):
        shown = ", ".join(f"{k}={rational_to_str(v)}" for k, v in point.items())
        raise ModelError(where, f"{_short(domain.to_str(p))} is undefined at {_short(shown)}",
                         "expressions are defined on the whole parameter box") from None


def sample_points(parameters: dict) -> list[dict]:
    """Exact sample points of the open box: its centre and points 1/8 inside each corner."""
    import itertools

    names = list(parameters)
    centre = {k: (lo + hi) / 2 for k, (lo, hi) in parameters.items()}
    points = [centre]
    if len(names) <= 4:
        for corner in itertools.product((0, 1), repeat=len(names)):
            point = {}
            for k, c in zip(names, corner):
                lo, hi = parameters[k]
                point[k] = lo + (hi - lo) * (rational(1, 8) if c == 0 else rational(7, 8))
            points.append(point)
    return points


def _total(values, domain, where: str):
    """Σ values in K, refusing partial sums beyond the size limits (no quadratic blow-up)."""
    total = domain.zero
    for value in values:
        total = total + value
        domain.check_size(total, where)
    return total


def _short(text: str, limit: int = 80) -> str:
    """``text``, or its first ``limit`` characters and its length (error messages stay short)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _sums_to_one(total, domain, where: str, what: str):
    if not domain.is_zero(total - domain.one):
        raise ModelError(where, f"{what} sum to {_short(domain.to_str(total))}, not 1",
                         f"each {what.split()[0]} distribution must sum to exactly 1")


def _expect_dict(value, where: str, what: str) -> dict:
    if not isinstance(value, dict):
        raise ModelError(where, f"expected {what}, found {type(value).__name__}", f"{where} is {what}")
    return value


def from_dict(data, name: str | None = None, validate_box: bool = True) -> Model:
    """Validate a ``sc-symbolic/mdp-1`` dict and build the Model (FORMAT.md).

    ``validate_box=False`` skips only the proof that every probability lies in (0, 1] on the
    whole parameter box (``regions`` labels the parameter values where it does not)."""
    data = _expect_dict(data, "model", "a JSON object")
    unknown = [k for k in data if k not in TOP_LEVEL_KEYS and not (isinstance(k, str) and k.startswith("x-"))]
    if unknown:
        raise ModelError(_field("", unknown[0]), "unknown top-level key",
                         "allowed: " + ", ".join(sorted(TOP_LEVEL_KEYS)) + " and x-* extensions")
    if not (isinstance(data.get("format"), str) and data["format"] == FORMAT):
        raise ModelError("format", f"format is {describe_value(data.get('format'))}",
                         f"model files declare \"format\": \"{FORMAT}\"")
    model_name = data.get("name", name or "model")
    if not isinstance(model_name, str):
        raise ModelError("name", "name is not a string", "name is a string")
    _check_name(model_name, "name", "model", MAX_MODEL_NAME_CHARS, allow_empty=True)

    parameters = _parameters(data.get("parameters", {}))
    domain = domain_for(list(parameters))
    box = sample_points(parameters) if parameters else []
    if parameters:
        domain.points = box
        domain.box = dict(parameters)
    checked_box = box if validate_box else None

    if "states" not in data:
        raise ModelError("states", "missing", "a model lists its states")
    raw_states = _expect_dict(data["states"], "states", "an object of states")
    if not raw_states:
        raise ModelError("states", "no states", "a model has at least one state")
    if len(raw_states) > MAX_STATES:
        raise ModelError("states", f"{len(raw_states)} states", f"at most {MAX_STATES} states")
    for s in raw_states:
        _check_name(s, _field("states", s), "state")

    states = {}
    total_outcomes = 0
    for s, acts in raw_states.items():
        acts = _expect_dict(acts, _field("states", s), "an object of actions ({} for a terminal state)")
        if len(acts) > MAX_ACTIONS:
            raise ModelError(_field("states", s), f"{len(acts)} actions", f"at most {MAX_ACTIONS} actions per state")
        actions = {}
        for a, outs in acts.items():
            where = _field(_field("states", s), a)
            _check_name(a, where, "action")
            outcomes = _outcomes(outs, where, raw_states, domain, checked_box)
            total_outcomes += len(outcomes)
            if total_outcomes > MAX_TOTAL_OUTCOMES:
                raise ModelError("states", "too many outcomes", f"at most {MAX_TOTAL_OUTCOMES} in all")
            _sums_to_one(_total((o.p for o in outcomes), domain, where), domain, where, "outcome probabilities")
            actions[a] = outcomes
        states[s] = actions

    initial = _initial(data.get("initial"), states, domain, checked_box)
    success_states, threshold = _success(data.get("success"), states)
    horizon = _horizon(data.get("horizon"))
    if "policy" not in data:
        raise ModelError("policy", "missing", "give a policy in the model or with --policy")
    policy = _policy(data["policy"], states, domain, checked_box)
    return Model(model_name, domain, parameters, initial, states, success_states, threshold,
                 horizon, policy, data)


def _sympy_name(name: str) -> bool:
    """True when SymPy would read ``name`` back as one of its own objects (``I``, ``E``, ``gamma``, …)
    or as a Python builtin (``print``, ``open``, ``__import__``, ``sum``, …): its namespace holds both."""
    import builtins

    import sympy

    return name in vars(sympy) or name in vars(builtins)


def _parameters(raw) -> dict:
    raw = _expect_dict(raw, "parameters", "an object name → [lo, hi]")
    if len(raw) > MAX_PARAMETERS:
        raise ModelError("parameters", f"{len(raw)} parameters", f"at most {MAX_PARAMETERS} parameters")
    parameters = {}
    for k, bounds in raw.items():
        where = _field("parameters", k)
        if not valid_identifier(k):
            raise ModelError(where, f"{describe_value(k)} is not a valid parameter name",
                             "parameter names are identifiers [A-Za-z_][A-Za-z0-9_]*")
        if keyword.iskeyword(k) or _sympy_name(k):
            raise ModelError(where, f"parameter name {k!r} is a Python keyword or builtin, or a SymPy name "
                             "(E, I, S, oo, gamma, print, sum, …)",
                             f"report expressions must read back with sympy.sympify: rename it, e.g. {k + '_'!r}")
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise ModelError(where, "bounds are not a pair", "a parameter declares [lo, hi]")
        lo, hi = (parse_number(b, f"{where}[{i}]") for i, b in enumerate(bounds))
        if not lo < hi:
            raise ModelError(where, f"empty interval ({rational_to_str(lo)}, {rational_to_str(hi)})",
                             "a parameter ranges over an open interval lo < hi")
        parameters[k] = (lo, hi)
    return parameters


def _outcomes(outs, where, raw_states, domain, box) -> tuple:
    if isinstance(outs, dict):
        items = [({"to": to, "p": p}, _field(where, to)) for to, p in outs.items()]
    elif isinstance(outs, list):
        items = []
        for i, o in enumerate(outs):
            if not isinstance(o, dict):
                raise ModelError(f"{where}[{i}]", "outcome is not an object", "outcomes are {\"to\", \"p\", \"r\"}")
            extra = [k for k in o if k not in ("to", "p", "r")]
            if extra:
                raise ModelError(f"{where}[{i}]", f"unknown key {describe_value(extra[0])}",
                                 "outcomes have keys to, p, r")
            items.append((o, f"{where}[{i}]"))
    else:
        raise ModelError(where, "outcomes are neither a list nor an object",
                         "an action maps to [{\"to\", \"p\", \"r\"}, …] or {next_state: p}")
    if not items:
        raise ModelError(where, "action with no outcomes", "every action has at least one outcome")
    if len(items) > MAX_OUTCOMES:
        raise ModelError(where, f"{len(items)} outcomes", f"at most {MAX_OUTCOMES} outcomes per action")
    outcomes = []
    for o, here in items:
        if "to" not in o or "p" not in o:
            raise ModelError(here, "outcome without \"to\" or \"p\"", "outcomes name their next state and probability")
        to = o["to"]
        if not isinstance(to, str) or to not in raw_states:
            raise ModelError(f"{here}.to", f"unknown state {describe_value(to)}", "outcomes lead to declared states")
        p = _probability(o["p"], domain, f"{here}.p", box)
        r = _reward(o.get("r", 0), getattr(domain, "symbols", ()), f"{here}.r")
        outcomes.append(Outcome(to, p, r))
    return tuple(outcomes)


def _initial(raw, states, domain, box) -> dict:
    if raw is None:
        raise ModelError("initial", "missing", "a model gives its initial distribution")
    raw = _expect_dict(raw, "initial", "an object state → probability")
    if not raw:
        raise ModelError("initial", "empty initial distribution", "the initial distribution sums to 1")
    initial = {}
    for s, p in raw.items():
        if s not in states:
            raise ModelError(_field("initial", s), f"unknown state {describe_value(s)}",
                             "initial states are declared states")
        initial[s] = _probability(p, domain, _field("initial", s), box)
    _sums_to_one(_total(initial.values(), domain, "initial"), domain, "initial", "initial probabilities")
    return initial


def _reward(raw, parameters, where: str):
    """A reward: an exact number, never a parameter (rewards are constants in mdp-1)."""
    try:
        return parse_expression(raw, domain_for(()), where)
    except ModelError as exc:
        used = [name for name in parameters if isinstance(raw, str) and re.search(rf"\b{re.escape(name)}\b", raw)]
        if not used:
            raise
        raise ModelError(where, f"reward uses the parameter {used[0]!r}",
                         "rewards must be numbers (parameters may appear only in probabilities and the policy)") from None


def _success(raw, states):
    raw = _expect_dict(raw, "success", "an object with \"states\" or \"return_at_least\"")
    if len(raw) != 1 or next(iter(raw)) not in ("states", "return_at_least"):
        shown = ", ".join(describe_value(k) for k in list(raw)[:5]) + (", …" if len(raw) > 5 else "")
        raise ModelError("success", f"keys [{shown}]", "success has exactly one of \"states\", \"return_at_least\"")
    if "return_at_least" in raw:
        return None, parse_expression(raw["return_at_least"], domain_for(()), "success.return_at_least")
    names = raw["states"]
    if not isinstance(names, list):
        raise ModelError("success.states", "not a list", "success.states lists terminal states")
    seen = set()
    for i, s in enumerate(names):
        where = f"success.states[{i}]"
        if not isinstance(s, str) or s not in states:
            raise ModelError(where, f"unknown state {describe_value(s)}", "success states are declared states")
        if states[s]:
            raise ModelError(where, f"state {describe_value(s)} has actions", "success states are terminal ({})")
        if s in seen:
            raise ModelError(where, f"state {describe_value(s)} listed twice", "success states are listed once")
        seen.add(s)
    return frozenset(seen), None


def _horizon(raw):
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        what = describe_value(raw)
        if not isinstance(raw, bool) and isinstance(raw, numbers.Rational):
            what = f"{what} (a number written with a fraction part or an exponent)"
        raise ModelError("horizon", f"{what} is not an integer",
                         "horizon is a JSON integer ≥ 0 such as 3 (not 3.0 or \"3\") or null")
    if raw < 0 or raw > MAX_HORIZON:
        raise ModelError("horizon", f"horizon {describe_value(raw)}", f"horizon is an integer in [0, {MAX_HORIZON}]")
    return int(raw)


def _policy(raw, states, domain, box) -> dict:
    nonterminal = [s for s, acts in states.items() if acts]
    if isinstance(raw, str) and raw == "uniform":
        raw = {s: "uniform" for s in nonterminal}
    raw = _expect_dict(raw, "policy", "\"uniform\" or an object state → distribution")
    for s in raw:
        if s not in states:
            raise ModelError(_field("policy", s), f"unknown state {describe_value(s)}",
                             "the policy covers declared states")
        if not states[s]:
            raise ModelError(_field("policy", s), f"state {describe_value(s)} is terminal",
                             "terminal states take no policy entry")
    policy = {}
    for s in nonterminal:
        where = _field("policy", s)
        if s not in raw:
            raise ModelError(where, "missing", "the policy gives a distribution for every non-terminal state")
        actions = states[s]
        dist = raw[s]
        if isinstance(dist, str) and dist == "uniform":
            share = domain.from_rational(rational(1, len(actions)))
            policy[s] = {a: share for a in actions}
            continue
        dist = _expect_dict(dist, where, "\"uniform\" or an object action → probability")
        for a in dist:
            if a not in actions:
                shown = ", ".join(describe_value(b) for b in list(actions)[:10]) + (", …" if len(actions) > 10 else "")
                raise ModelError(_field(where, a), f"unknown action {describe_value(a)}",
                                 f"state {describe_value(s)} has actions [{shown}]")
        policy[s] = {a: (_probability(dist[a], domain, _field(where, a), box) if a in dist else domain.zero)
                     for a in actions}
        _sums_to_one(_total(policy[s].values(), domain, where), domain, where, "policy probabilities")
    return policy


def build_model(states: dict, initial: dict, policy="uniform", *, success_states=None, threshold=None,
                horizon=None, parameters=None, name: str = "model") -> Model:
    """Build a Model from Python values (ints, Fractions or number strings).

    Exact numbers are passed through as they are (never through ``str`` or
    ``float``); floats are refused by ``from_dict``.

    >>> m = build_model({"s": {"go": {"win": "1/2", "lose": "1/2"}}, "win": {}, "lose": {}},
    ...                 {"s": 1}, success_states=["win"])
    >>> str(m.policy["s"]["go"])
    '1'
    """
    def text(value):
        return value

    data = {"format": FORMAT, "name": name, "initial": {s: text(p) for s, p in initial.items()}}
    data["states"] = {}
    for s, acts in states.items():
        data["states"][s] = {}
        for a, outs in acts.items():
            if isinstance(outs, dict):
                data["states"][s][a] = {to: text(p) for to, p in outs.items()}
            else:
                data["states"][s][a] = [{k: text(v) for k, v in o.items()} for o in outs]
    if (success_states is None) == (threshold is None):
        raise ModelError("success", "give exactly one of success_states, threshold", "success has exactly one kind")
    data["success"] = {"states": list(success_states)} if success_states is not None \
        else {"return_at_least": text(threshold)}
    data["horizon"] = horizon
    if parameters:
        data["parameters"] = {k: [text(lo), text(hi)] for k, (lo, hi) in parameters.items()}
    if isinstance(policy, dict):
        policy = {s: (d if isinstance(d, str) else {a: text(p) for a, p in d.items()}) for s, d in policy.items()}
    data["policy"] = policy
    return from_dict(data)
