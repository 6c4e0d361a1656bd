"""``python -m otvisit.sync.server``: the same as the ``otvisit-server`` command."""

import sys

from otvisit.sync.server.cli import main

sys.exit(main())
