"""Run Python's cyclic garbage collector when nobody is waiting for the screen.

A scan at the pack station is a burst of key events, a service call and a
redraw: about 7 ms. Python's cyclic GC runs whenever enough objects have been
allocated, so every dozen scans or so one of them also paid for a collection
pass (8 ms after a freeze, 60-90 ms without one), and the scan-to-screen
time doubled exactly when the packer was looking (bench/bench_pack_scan.py).

So the terminal holds the collector back while keys are arriving and lets it
run again once the keyboard (or scanner) has been quiet for a moment; the
pass that was due then runs in the gap before the next scan, when a person is
reaching for the next item. Reference counting still frees almost everything
at once; only reference cycles wait, and never longer than ``max_hold``.

What lives as long as the app (Textual, SQLAlchemy, the services) is frozen
once at start-up, so later full passes do not walk it again.
"""

from __future__ import annotations

import gc
import time

QUIET_AFTER = 0.12  # seconds without a key before the collector may run
MAX_HOLD = 3.0  # never hold it longer than this, however busy the keyboard
TICK = 0.05


def freeze_long_lived() -> None:
    """Collect once, then keep everything alive now out of later passes."""
    gc.collect()
    gc.freeze()


class QuietCollector:
    """Holds the cyclic GC while input arrives; releases it when input stops.

    ``activity()`` is called for every key; ``tick()`` from a timer. Holding
    is ``gc.disable()``: nothing is lost, the allocation counts keep growing
    and the due collection runs on the first allocation after ``gc.enable()``.
    """

    def __init__(
        self,
        quiet_after: float = QUIET_AFTER,
        max_hold: float = MAX_HOLD,
        clock=time.monotonic,  # noqa: ANN001
    ) -> None:
        self.quiet_after = quiet_after
        self.max_hold = max_hold
        self._clock = clock
        self._held_since: float | None = None
        self._last_activity = 0.0

    @property
    def holding(self) -> bool:
        return self._held_since is not None

    def activity(self) -> None:
        now = self._clock()
        self._last_activity = now
        if self._held_since is None and gc.isenabled():
            gc.disable()
            self._held_since = now

    def tick(self) -> None:
        if self._held_since is None:
            return
        now = self._clock()
        quiet = now - self._last_activity >= self.quiet_after
        if quiet or now - self._held_since >= self.max_hold:
            self.release()

    def release(self) -> None:
        if self._held_since is not None:
            self._held_since = None
            gc.enable()
