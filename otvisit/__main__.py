"""``python -m otvisit`` runs the otvisit command."""

import sys

from otvisit.cli import main

sys.exit(main())
