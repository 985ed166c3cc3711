"""CLI layer — one module per sub-command beyond ``check``/``verify``.

Each module exposes ``add_parser(subparsers)``; its handler prints and returns
the exit status.  Modules import nothing heavy at import time (SymPy,
matplotlib, stormpy are imported inside the handlers).
"""

from contextlib import contextmanager

from ..errors import ModelError


def decimal_digits(text: str) -> int:
    """argparse type of ``--decimal N``: an integer 1 ≤ N ≤ decimals.MAX_DIGITS."""
    import argparse

    from ..decimals import MAX_DIGITS

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not an integer") from None
    if not 1 <= value <= MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"{value} digits (give 1 to {MAX_DIGITS})")
    return value


@contextmanager
def writing(option: str, path):
    """Turn a failure to write ``path`` (missing directory, a directory, a full disk, an image
    format matplotlib does not know) into a ModelError naming the option: exit 2, one line."""
    try:
        yield
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ModelError(option, f"cannot write {str(path)!r}: {reason}", "give a writable file path") from None
