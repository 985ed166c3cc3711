"""Import layer — a PRISM program, built exactly by Storm, as an ``sc-symbolic/mdp-1`` dict.

The MDP (docs/math.md §1) is Storm's exact sparse model (``build_model[stormpy.Rational]``):
every probability is read from Storm's rational as its exact string, never as
a float.  Success states G (a label or a PRISM state formula) are made
terminal; so are the ``avoid`` states (for ``!avoid U success``) and every
state from which G is unreachable under EVERY policy (max probability 0,
Storm's "prob0A", found by a backward search over all choices).  States are
named from their variable valuations (``pc1=0,coin1=1,…``), actions from
choice labels (``c0``, ``c1``… for the k-th choice when a choice is
unlabelled or its label is repeated in the state).  A DTMC gets one action
``step``.  Only states reachable from the initial states are listed; several
initial states get the uniform initial distribution.  PRISM reward
structures are not imported (success is a set of states).

This module never analyses a model and never evaluates user text in Python:
the success/avoid texts go to Storm's own property parser.  stormpy is
imported inside the functions.
"""

from __future__ import annotations

import re
from collections import deque
from contextlib import contextmanager
from pathlib import Path

from ..errors import ModelError, ScError, UnsupportedModelError
from ..exact import parse_number, rational, rational_to_str, valid_identifier

FORMAT = "sc-symbolic/mdp-1"
MAX_NAME_CHARS = 200
MAX_PRISM_STATES = 200_000
MAX_BUILD_SECONDS = 1_000_000  # import_prism_within: about 11.6 days
_CONSTANT_VALUE = re.compile(r"(true|false|[+-]?\d+(\.\d+)?([eE][+-]?\d+)?(/\d+)?)")


def _stormpy():
    from ..optional_deps import require

    return require("stormpy", "PRISM import")


@contextmanager
def quiet_storm(stormpy):
    """Silence Storm's own log lines while it reads user input (its errors come back as exceptions)."""
    developer = getattr(stormpy, "developer", None)
    if developer is None or not hasattr(developer, "set_log_level"):  # pragma: no cover - other stormpy versions
        yield
        return
    previous = developer.get_log_level()
    developer.set_log_level(developer.LogLevel.OFF)
    try:
        yield
    finally:
        developer.set_log_level(previous)


def constants_text(constants) -> str:
    """Storm's ``"K=2,p=1/2"`` from a mapping or ``["K=2", …]``; every value is checked.

    >>> constants_text({"K": 2, "fast": "1/2"})
    'K=2,fast=1/2'
    >>> constants_text(["K=4"])
    'K=4'
    >>> constants_text({"K": "2; x"})
    Traceback (most recent call last):
    ...
    sc_symbolic.errors.ModelError: constants.K: '2; x' is not a constant value (give an integer, an exact number or true/false)
    """
    if constants is None:
        return ""
    if isinstance(constants, str):
        constants = [c for c in constants.split(",") if c.strip()]
    if not isinstance(constants, dict):
        pairs = {}
        for item in constants:
            if not isinstance(item, str) or "=" not in item:
                raise ModelError("constants", f"{item!r} is not NAME=VALUE", "constants are given as NAME=VALUE")
            name, value = item.split("=", 1)
            if name.strip() in pairs:
                raise ModelError(f"constants.{name.strip()}", "given twice", "each constant is defined once")
            pairs[name.strip()] = value.strip()
        constants = pairs
    parts = []
    for name, value in constants.items():
        if not isinstance(name, str) or not valid_identifier(name):
            raise ModelError(f"constants.{name}", f"{name!r} is not a constant name", "names are identifiers")
        text = str(value).lower() if isinstance(value, bool) else str(value).strip()
        if not _CONSTANT_VALUE.fullmatch(text):
            raise ModelError(f"constants.{name}", f"{value!r} is not a constant value",
                             "give an integer, an exact number or true/false")
        parts.append(f"{name}={text}")
    return ",".join(parts)


def _state_formula(stormpy, text, program, where):
    """Parse ``text`` with Storm as one propositional state formula (labels, variables)."""
    if not isinstance(text, str) or not text.strip():
        raise ModelError(where, "empty state formula", "give a label name or a PRISM state formula")
    if ";" in text or "[" in text:
        raise ModelError(where, f"{text!r} is not a state formula",
                         "give a label (\"goal\" or goal) or a propositional formula such as s1=4 & s2=4")
    candidate = text.strip()
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", candidate) and program.has_label(candidate):
        candidate = f'"{candidate}"'
    try:
        properties = stormpy.parse_properties(candidate, program)
    except _storm_errors(stormpy) as exc:
        raise ModelError(where, f"Storm cannot parse {text!r}: {_first_line(exc)}",
                         "give a label name or a PRISM state formula") from None
    if len(properties) != 1:
        raise ModelError(where, f"{text!r} holds {len(properties)} properties", "give one state formula")
    return properties[0]


def _storm_errors(stormpy) -> tuple:
    """The exception types Storm raises for input it refuses (C++ exceptions arrive as RuntimeError)."""
    from stormpy.exceptions import StormError

    return (RuntimeError, ValueError, TypeError, StormError)


def _first_line(exc) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _states_satisfying(stormpy, model, prop, where) -> set:
    result = stormpy.model_checking(model, prop)
    if not result.is_qualitative():
        raise ModelError(where, f"{prop} is not a state formula", "give a propositional formula")
    bits = result.get_truth_values_vector()
    return {i for i in range(model.nr_states) if bits.get(i)}


def build_storm_model(path, constants=None, formulas=()):
    """Storm's exact sparse model of the PRISM file, with state valuations and choice labels.

    Returns ``(program, model, properties)`` where ``properties`` are the parsed
    state formulas (``formulas`` is a sequence of texts).
    """
    stormpy = _stormpy()
    path = Path(path)
    if not path.is_file():
        raise ModelError(str(path), "no such PRISM file", "give an existing .nm/.pm file")
    try:
        program = stormpy.parse_prism_program(str(path))
    except _storm_errors(stormpy) as exc:
        raise ModelError(str(path), f"Storm cannot parse it: {_first_line(exc)}",
                         "give a PRISM model file") from None
    text = constants_text(constants)
    try:
        if text:
            program, _ = stormpy.instantiate_constants(program, text)
    except _storm_errors(stormpy) as exc:
        raise ModelError(f"{path}: constants", f"Storm refuses {text!r}: {_first_line(exc)}",
                         "define the program's undefined constants with --const NAME=VALUE") from None
    if program.has_undefined_constants:
        missing = sorted(c.name for c in program.constants if not c.defined)
        raise ModelError(f"{path}: constants", f"undefined constants {', '.join(missing)}",
                         "define every undefined constant with --const NAME=VALUE")
    properties = [_state_formula(stormpy, f, program, where) for where, f in formulas]
    options = stormpy.BuilderOptions(properties) if properties else stormpy.BuilderOptions()
    options.set_build_all_labels(True)
    options.set_build_choice_labels(True)
    options.set_build_state_valuations(True)
    try:
        model = stormpy.build_model[stormpy.Rational](program, options=options)
    except _storm_errors(stormpy) as exc:
        raise ModelError(str(path), f"Storm cannot build it: {_first_line(exc)}",
                         "the model must build with Storm's exact engine") from None
    kind = str(model.model_type).rsplit(".", 1)[-1]
    if kind not in ("DTMC", "MDP"):
        raise UnsupportedModelError(f"{path}: a {kind} model (only dtmc and mdp models are imported: "
                                    "partially observable, continuous-time and Markov automata are not MDPs of docs/math.md §1)")
    return program, model, properties


def _valuation_name(model, index) -> str:
    """``counter=6,pc1=0,…`` from Storm's pretty valuation ``[counter=6\\t& pc1=0 …]``."""
    text = model.state_valuations.to_string(index)
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return ",".join(part.strip() for part in text.split("&") if part.strip())


def _state_names(model, indices) -> dict:
    names = {}
    used = set()
    for i in indices:
        name = _valuation_name(model, i) if model.has_state_valuations() else ""
        if not name or len(name) > MAX_NAME_CHARS or name in used:
            name = f"s{i}"
        while name in used:
            name = f"{name}'"
        used.add(name)
        names[i] = name
    return names


def _action_names(model, state, count) -> list:
    """Choice labels where each choice has one label, unique in the state; ``c<k>`` otherwise."""
    labels = []
    for k in range(count):
        choice = model.get_choice_index(state, k)
        found = model.choice_labeling.get_labels_of_choice(choice) if model.has_choice_labeling() else set()
        labels.append(next(iter(found)) if len(found) == 1 else None)
    names = [label if label is not None and labels.count(label) == 1 else None for label in labels]
    used = set(n for n in names if n is not None)
    for k, label in enumerate(names):
        if label is None:
            fallback = f"c{k}"
            while fallback in used:
                fallback += "_"
            used.add(fallback)
            names[k] = fallback
    return names


def _exact(value) -> str:
    """Storm's rational as its exact lowest-terms string (checked by our own parser)."""
    text = str(value)
    return rational_to_str(parse_number(text, "storm value"))


def _rows(stormpy, model):
    """state → [(action name, {next: exact probability string})] over Storm's indices."""
    matrix = model.transition_matrix
    deterministic = model.model_type in (stormpy.models.ModelType.DTMC,)
    if model.model_type not in (stormpy.models.ModelType.DTMC, stormpy.models.ModelType.MDP):
        raise UnsupportedModelError(f"Storm built a {model.model_type}; only DTMCs and MDPs are imported")
    starts = list(model.nondeterministic_choice_indices) if not deterministic else None
    rows = {}
    for state in range(model.nr_states):
        if deterministic:
            choices = [state]
            names = ["step"]
        else:
            first, last = starts[state], starts[state + 1]
            choices = list(range(first, last))
            names = _action_names(model, state, len(choices))
        actions = []
        for name, choice in zip(names, choices):
            outcomes = {}
            for entry in matrix.get_row(choice):
                p = _exact(entry.value)
                if p != "0":
                    outcomes[entry.column] = p
            actions.append((name, outcomes))
        rows[state] = actions
    return rows


def _can_reach(rows, targets, blocked) -> set:
    """States that reach ``targets`` with positive probability under SOME policy (backward search)."""
    predecessors = {s: set() for s in rows}
    for s, actions in rows.items():
        if s in targets or s in blocked:
            continue
        for _, outcomes in actions:
            for t in outcomes:
                predecessors[t].add(s)
    seen = set(targets)
    queue = deque(targets)
    while queue:
        t = queue.popleft()
        for s in predecessors[t]:
            if s not in seen:
                seen.add(s)
                queue.append(s)
    return seen


def import_prism(path, constants=None, success="goal", policy="uniform", avoid=None, name=None) -> dict:
    """The ``sc-symbolic/mdp-1`` dict of a PRISM MDP/DTMC, built exactly with Storm.

    ``success``: a label name or a PRISM state formula (``'"finished" & "all_coins_equal_1"'``,
    ``"s1=4 & s2=4"``); ``avoid``: an optional state formula whose states are
    terminal failures (success is ``!avoid U success``).  ``policy``:
    ``"uniform"`` or a policy dict over the imported state names.  The dict
    carries ``x-prism`` with the file, constants, formulas and, per imported
    state, Storm's state index (``storm_index``), so values can be compared
    with Storm's own.
    """
    stormpy = _stormpy()
    formulas = [("success", success)] + ([("avoid", avoid)] if avoid is not None else [])
    with quiet_storm(stormpy):
        program, model, properties = build_storm_model(path, constants, formulas)
    if model.nr_states > MAX_PRISM_STATES:
        raise UnsupportedModelError(f"{path}: {model.nr_states} states (at most {MAX_PRISM_STATES} are imported)")
    goal = _states_satisfying(stormpy, model, properties[0], "success")
    blocked = _states_satisfying(stormpy, model, properties[1], "avoid") - goal if avoid is not None else set()
    rows = _rows(stormpy, model)
    reach = _can_reach(rows, goal, blocked)
    terminal = goal | blocked | (set(rows) - reach)
    initial = sorted(model.initial_states)
    if not initial:
        raise ModelError(str(path), "no initial state", "a PRISM model has an initial state")

    listed, queue = set(initial), deque(initial)
    while queue:
        s = queue.popleft()
        if s in terminal:
            continue
        for _, outcomes in rows[s]:
            for t in outcomes:
                if t not in listed:
                    listed.add(t)
                    queue.append(t)
    order = sorted(listed)
    names = _state_names(model, order)
    states = {}
    for s in order:
        if s in terminal:
            states[names[s]] = {}
        else:
            states[names[s]] = {a: {names[t]: p for t, p in outcomes.items()} for a, outcomes in rows[s]}
    share = rational_to_str(rational(1, len(initial)))
    success_names = [names[s] for s in order if s in goal]
    data = {
        "format": FORMAT,
        "name": name or Path(path).stem,
        "initial": {names[s]: share for s in initial},
        "states": states,
        "success": {"states": success_names},
        "horizon": None,
        "policy": policy,
        "x-prism": {
            "file": Path(path).name,
            "constants": constants_text(constants),
            "success": success,
            "avoid": avoid,
            "model_type": "dtmc" if model.model_type == stormpy.models.ModelType.DTMC else "mdp",
            "storm_states": model.nr_states,
            "storm_index": {names[s]: s for s in order},
        },
    }
    return data


def _import_child(connection, seconds, args, kwargs) -> None:
    """Child side of ``import_prism_within``: the dict, or the refusal as plain data.  The child keeps
    its own deadline (SIGALRM, default action: terminate — even inside Storm's C++), so it ends even
    when its parent is killed and cannot stop it."""
    import math
    import signal

    signal.alarm(math.ceil(seconds) + 5)
    try:
        data = import_prism(*args, **kwargs)
        signal.alarm(0)  # built: sending may take a while (a dead parent makes send fail instead)
        connection.send(("ok", data))
    except ModelError as exc:
        connection.send(("model", exc.where, exc.what, exc.rule))
    except ScError as exc:
        connection.send(("unsupported", str(exc)))
    except Exception as exc:  # reported by the parent as an internal failure of the build
        connection.send(("internal", f"{type(exc).__name__}: {exc}"))


def import_prism_within(seconds: float, path, *args, **kwargs) -> dict:
    """``import_prism(path, …)`` in a child process stopped after ``seconds``.

    Storm builds the whole reachable state space before any bound (``MAX_PRISM_STATES``) can be
    applied, and a short program can have astronomically many states; the child is killed then,
    and a child that dies (out of memory) is reported, so the command line always ends with a
    clear error instead of hanging.
    """
    import multiprocessing

    if not 0 < seconds <= MAX_BUILD_SECONDS:  # also NaN
        raise ModelError("--timeout", f"{seconds:g} seconds", f"give a number of seconds in (0, {MAX_BUILD_SECONDS}]")
    _stormpy()  # missing stormpy: one line here, not from inside the build process
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_import_child, args=(sender, seconds, (path, *args), kwargs), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise UnsupportedModelError(f"{path}: Storm did not finish building the model within {seconds:g} s "
                                        "(raise --timeout, or fix the constants so the state space is smaller)")
        try:
            message = receiver.recv()
        except EOFError:
            child.join()
            raise UnsupportedModelError(f"{path}: Storm's build stopped (exit status {child.exitcode}), "
                                        "probably out of memory: the state space is too large") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    kind, *payload = message
    if kind == "ok":
        return payload[0]
    if kind == "model":
        raise ModelError(*payload)
    if kind == "unsupported":
        raise UnsupportedModelError(payload[0])
    raise RuntimeError(f"the PRISM import failed inside its build process ({payload[0]})")

