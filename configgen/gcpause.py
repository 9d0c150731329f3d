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
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def one_shot_gc(active: bool = True) -> Iterator[None]:
    """No cyclic garbage collection inside the block (when `active` and the collector is
    on); then what was built is frozen and the collector runs again."""
    if not active or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
