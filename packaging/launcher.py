"""Entry point of the frozen otvisit app: the same ``otvisit`` command as ``python -m otvisit``."""

import sys

from otvisit.cli import main

if __name__ == "__main__":
    sys.exit(main())
