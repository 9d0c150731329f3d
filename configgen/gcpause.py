"""The cyclic garbage collector paused for a one-shot process (configgen.api's `freeze_gc`,
the CLI's validate, render, check and schema).

Loading builds hundreds of thousands of objects that all stay alive, and importing
builds tens of thousands more (pydantic's models and validators): the collector
rescanned them again and again, for no memory saved. With it on, loading 10,000 services
took twice as long (benchmarks/render_e2e.py); at the end, what was built is frozen out of
the collector's sight, so neither later collections nor the interpreter's exit scan it.
"""

from __future__ import annotations

import gc
from types import TracebackType


class one_shot_gc:   # lower case: used as the context manager function it was
    """No cyclic garbage collection inside the block (when `active` and the collector is
    on); then what was built is frozen and the collector runs again. A class, not a
    contextlib generator: the script pauses the collector before anything else loads
    (configgen.console), contextlib included (start-up time)."""

    def __init__(self, active: bool = True) -> None:
        self.paused = active and gc.isenabled()

    def __enter__(self) -> None:
        if self.paused:
            gc.disable()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.paused:
            gc.freeze()
            gc.enable()
