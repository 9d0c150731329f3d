"""`python -m configgen`: the same command line as `configgen`."""

import sys

from configgen.cli import main

sys.exit(main())
