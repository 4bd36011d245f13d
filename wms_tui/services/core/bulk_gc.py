"""Hold Python's cyclic garbage collector while a use case builds thousands of rows.

A wave of 10,000 orders keeps about 140,000 new containers alive until it
commits (candidates, their allocations, stops, task lines, event rows). The
collector counts them as they are made and runs a pass every 700; every tenth
pass of the middle generation may become a full one, which walks the whole heap
(SQLAlchemy, the models, the services: about 90,000 objects in a CLI process)
plus everything the wave has made so far. None of those passes can free
anything the wave made, since all of it is still in use: in `bench.waves` they
were 0.09-0.11 s of a 0.85 s wave (two full passes, twenty smaller ones).

Hold it around a call whose locals hold the rows, not inside it: let go while
they are still alive, the collector owes a pass over all of them and runs it at
once (0.04 s after a 10,000-order wave); let go after the call has returned,
they are freed and counted off, and nothing is owed.

Reference counting still frees everything that is dropped at once; only
reference cycles wait until the hold ends, and the pass that came due runs on
the first allocation after it. Holds nest and may overlap across threads:
the collector runs again when the last one ends, and only if it was running
when the first began (the terminal's `ui.quiet_gc` may hold it too; whichever
lets go last restarts it, and a release in the middle only means a pass may run).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holds = 0
_restart = False


@contextmanager
def collector_held() -> Iterator[None]:
    """No cyclic GC passes inside the block (see the module's docstring for why)."""
    global _holds, _restart
    with _lock:
        if _holds == 0:
            _restart = gc.isenabled()
            gc.disable()
        _holds += 1
    try:
        yield
    finally:
        with _lock:
            _holds -= 1
            if _holds == 0 and _restart:
                gc.enable()
