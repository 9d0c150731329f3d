"""The `configgen` script and `python -m configgen`: the command line (configgen.cli)
loaded with the cyclic garbage collector paused.

Loading the command line builds thousands of objects that live until the process ends
(classes, functions, typing forms): the collector scanned them about 20 times before a
command ran (start-up time). Once loaded they are frozen out of its sight and it runs
again; each command then pauses it or not as before (configgen.gcpause).
"""

from __future__ import annotations

from configgen.gcpause import one_shot_gc


def main() -> int:
    with one_shot_gc():
        from configgen import cli
    return cli.main()
