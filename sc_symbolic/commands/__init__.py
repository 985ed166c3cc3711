"""CLI layer — one module per sub-command beyond ``check``/``verify``.

Each module exposes ``add_parser(subparsers)``; its handler prints and returns
the exit status.  Modules import nothing heavy at import time (SymPy,
matplotlib, stormpy are imported inside the handlers).
"""
