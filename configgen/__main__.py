"""`python -m configgen`: the same command line as `configgen`."""

import sys

from configgen.console import main

sys.exit(main())
