"""CLI layer — ``import`` and ``export`` sub-commands (PRISM and Gymnasium in, PRISM out).

Usage::

    sc-symbolic import prism FILE.nm [--const K=2 ...] --success 'LABEL or formula'
                                     [--avoid 'formula'] [--policy uniform|FILE] [-o MODEL.json]
    sc-symbolic import gym ENV_ID [--map-name 8x8] [--is-slippery/--no-slippery] [--horizon H]
                               [--policy uniform|FILE] [-o MODEL.json]
    sc-symbolic import trajectories FILE [--format jsonl|csv] [--success-states S ...|--return-at-least T]
                                        [-o MODEL.json]
    sc-symbolic import minari DATASET [--success-states S ...|--return-at-least T] [-o MODEL.json]
    sc-symbolic export prism MODEL.json [--policy FILE] [--induced] [-o FILE.nm]

``export prism -o FILE.nm --induced`` writes the MDP to FILE.nm and the
policy-induced DTMC to FILE.induced.nm (without ``-o``, only the induced
DTMC is printed).

An imported model is validated (``load_model``) before it is written.  No
heavy import at module import time: stormpy / gymnasium / minari load in the handlers.
Logged episodes (``trajectories``, ``minari``) are written atomically: a temporary
file beside ``-o`` replaced into place, so a refused input never touches ``-o``.
"""

from __future__ import annotations

import json
import sys

from ..output import check_target, write_text


def _policy_argument(text):
    """``"uniform"`` or the policy held in a JSON file (bare or ``{"policy": …}``)."""
    if text is None or text == "uniform":
        return "uniform"
    from ..model import read_json_file

    data, _ = read_json_file(text, "policy file")
    if isinstance(data, dict) and set(data) == {"policy"}:
        data = data["policy"]
    return data


def _write_model(data, output) -> int:
    from ..model import load_model

    model = load_model(data)
    text = json.dumps(data, indent=1, ensure_ascii=False)
    if output and output != "-":
        write_text(output, text + "\n", "-o")
        terminal = sum(1 for acts in model.states.values() if not acts)
        print(f"wrote {output}: {len(model.states)} states ({terminal} terminal), "
              f"{len(model.success_states or ())} success states", file=sys.stderr)
    else:
        print(text)
    return 0


def _write_empirical(data, output) -> int:
    from ..model import load_model

    model = load_model(data)
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if not output or output == "-":
        print(text, end="")
        return 0
    write_text(output, text, "-o")
    counts = data["x-data"]
    terminal = sum(1 for acts in model.states.values() if not acts)
    print(f"wrote {output}: {counts['episodes']} episodes ({counts['successful']} successful), "
          f"{counts['steps']} steps, {len(model.states)} states ({terminal} terminal)", file=sys.stderr)
    return 0


def cmd_import_trajectories(args) -> int:
    from ..importers.trajectories import import_trajectories

    data = import_trajectories(args.file, args.format, args.success_states, args.return_at_least)
    return _write_empirical(data, args.output)


def cmd_import_minari(args) -> int:
    from ..importers.minari import import_minari

    data = import_minari(args.dataset, args.success_states, args.return_at_least)
    return _write_empirical(data, args.output)


def cmd_import_prism(args) -> int:
    from ..importers.prism import import_prism_within

    data = import_prism_within(args.timeout, args.file, args.const or [], args.success,
                               _policy_argument(args.policy), avoid=args.avoid)
    return _write_model(data, args.output)


def cmd_import_gym(args) -> int:
    from ..importers.gym import import_gym

    data = import_gym(args.env, map_name=args.map_name, is_slippery=args.is_slippery,
                      horizon=args.horizon, policy=_policy_argument(args.policy))
    return _write_model(data, args.output)


def cmd_export_prism(args) -> int:
    from ..exporters.prism import to_prism
    from ..model import load_model_file

    model = load_model_file(args.model, args.policy)
    if not args.output or args.output == "-":
        print(to_prism(model, induced=args.induced), end="")
        return 0
    texts = {args.output: to_prism(model)}  # every text exists before any file is touched
    if args.induced:
        texts[induced_path(args.output)] = to_prism(model, induced=True)
    for path in texts:
        check_target(path, "-o")
    written = [write_text(path, text, "-o") for path, text in texts.items()]
    print("wrote " + " and ".join(written), file=sys.stderr)
    return 0


def _success_options(parser) -> None:
    rule = parser.add_mutually_exclusive_group()
    rule.add_argument("--success-states", nargs="+", metavar="S",
                      help="success = the episode's final next_state is one of these (default: each done "
                           "step's success label)")
    rule.add_argument("--return-at-least", metavar="T",
                      help="success = return ≥ T, exact (the model gets success {\"return_at_least\": T})")


def induced_path(output: str) -> str:
    """Where ``--induced`` writes the policy's DTMC beside ``-o FILE``: ``FILE.induced.nm``.

    >>> induced_path("models/coin.nm"), induced_path("coin")
    ('models/coin.induced.nm', 'coin.induced.nm')
    """
    stem = output[:-3] if output.endswith(".nm") else output
    return stem + ".induced.nm"


def add_parser(subparsers) -> None:
    """Register ``import {prism,gym}`` and ``export prism``."""
    imp = subparsers.add_parser("import", help="build an sc-symbolic/mdp-1 model from PRISM, Gymnasium or logged episodes")
    kinds = imp.add_subparsers(dest="source", required=True)

    prism = kinds.add_parser("prism", help="a PRISM mdp/dtmc, built exactly with Storm (needs stormpy)")
    prism.add_argument("file", help="the PRISM file (.nm / .pm)")
    prism.add_argument("--const", action="append", metavar="NAME=VALUE", help="define an undefined constant")
    prism.add_argument("--success", required=True, help="a label or PRISM state formula: the success states")
    prism.add_argument("--avoid", help="a state formula: terminal failures (success is !avoid U success)")
    prism.add_argument("--policy", default="uniform", help="uniform (default) or a JSON policy file")
    prism.add_argument("-o", "--output", help="write the model here (default: standard output)")
    prism.add_argument("--timeout", type=float, default=600, metavar="SECONDS",
                       help="stop Storm's build after this long (default 600): it builds every reachable state")
    prism.set_defaults(run=cmd_import_prism)

    gym = kinds.add_parser("gym", help="a Gymnasium toy-text environment (needs gymnasium)")
    gym.add_argument("env", help="FrozenLake-v1, CliffWalking-v1, Taxi-v3 (the installed version is used)")
    gym.add_argument("--map-name", help="FrozenLake map, e.g. 4x4 or 8x8")
    slip = gym.add_mutually_exclusive_group()
    slip.add_argument("--is-slippery", dest="is_slippery", action="store_true", default=None,
                      help="FrozenLake: slippery ice (the environment's default)")
    slip.add_argument("--no-slippery", dest="is_slippery", action="store_false",
                      help="FrozenLake: deterministic moves")
    gym.add_argument("--horizon", type=int, help="cut episodes after H actions (a cut is a failure)")
    gym.add_argument("--policy", default="uniform", help="uniform (default) or a JSON policy file")
    gym.add_argument("-o", "--output", help="write the model here (default: standard output)")
    gym.set_defaults(run=cmd_import_gym)

    logged = kinds.add_parser("trajectories", help="logged episodes (JSON Lines or CSV) as their empirical MDP")
    logged.add_argument("file", help="one step per line: episode, t, state, action, reward, next_state, done, success")
    logged.add_argument("--format", choices=("jsonl", "csv"),
                        help="the file's format (default: csv for a .csv name, else jsonl)")
    _success_options(logged)
    logged.add_argument("-o", "--output", help="write the model here, atomically (default: standard output)")
    logged.set_defaults(run=cmd_import_trajectories)

    minari = kinds.add_parser("minari", help="a Minari dataset of a discrete environment (needs minari)")
    minari.add_argument("dataset", help="a dataset id of the local Minari store (MINARI_DATASETS_PATH); "
                                        "never downloaded")
    _success_options(minari)
    minari.add_argument("-o", "--output", help="write the model here, atomically (default: standard output)")
    minari.set_defaults(run=cmd_import_minari)

    exp = subparsers.add_parser("export", help="write a model for another tool")
    targets = exp.add_subparsers(dest="target", required=True)
    out = targets.add_parser("prism", help="a PRISM mdp/dtmc with variable s and labels success/goal")
    out.add_argument("model", help="a sc-symbolic/mdp-1 JSON file")
    out.add_argument("--policy", help="a policy file overriding the model's (used by --induced)")
    out.add_argument("--induced", action="store_true",
                     help="also write the DTMC induced by the policy, to FILE.induced.nm beside -o FILE.nm "
                          "(without -o: print only the induced DTMC)")
    out.add_argument("-o", "--output", help="write the program here (default: standard output)")
    out.set_defaults(run=cmd_export_prism)
