"""`python -m tmkit`: the same as the `tmkit` command."""

import sys

from tmkit.cli import main

sys.exit(main())
