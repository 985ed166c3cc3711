"""``python -m sc_symbolic …``: the same command line as ``sc-symbolic …`` (``cli.main``)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
