"""The demo's operators at work: picking and packing through the real services.

Both the demo's past days (:mod:`wms_tui.services.demo.history`) and the
shift it leaves in progress (:func:`wms_tui.services.demo.build.advance_demo_orders`)
walk orders with these, scan by scan, so the ledger, totes, parcels and event
log hold exactly what operators at handhelds and pack stations leave.

``tick`` is called with the seconds an action takes; replaying a past day it
moves the pinned clock on, live it does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from wms_tui.domain.actor import Actor
from wms_tui.services.core.badges import actor_for, operator_by_badge
from wms_tui.store import Store

Tick = Callable[[int], None]


def still(_seconds: int) -> None:
    """The live clock moves by itself."""


def actor(store: Store, badge: str, terminal: str) -> Actor:
    with store.read() as s:
        return actor_for(operator_by_badge(s, badge), terminal)


def pick_task(
    store: Store,
    picker: Actor,
    code: str,
    *,
    tick: Tick = still,
    keyed_counts: bool = False,
    stops: int | None = None,
) -> None:
    """Walk a pick task stop by stop: bin, each unit, tote.

    ``keyed_counts``: several units of a stop are keyed as a count and scanned
    once, as pickers do with a dozen notebooks. ``stops`` pauses the task after
    that many stops (the picker goes on a break).
    """
    from wms_tui.services.picking import walk as picking

    view = picking.resume_task(store, picker, code)
    done = 0
    while (stop := view.stop) is not None:
        tick(20)  # walking to the bin
        at = picking.scan(store, picker, view.code, stop.bin).at_bin
        if keyed_counts and stop.remaining > 1:
            tick(8)
            picking.scan(store, picker, view.code, stop.sku, at_bin=at, count=stop.remaining)
        else:
            for _ in range(stop.remaining):
                tick(4)
                picking.scan(store, picker, view.code, stop.sku, at_bin=at)
        tick(3)
        view = picking.scan(store, picker, view.code, stop.tote, at_bin=at).view
        done += 1
        if stops is not None and done >= stops:
            picking.pause_task(store, picker, view.code)
            return


def scale_reading(expected_g: int, order_id: int) -> str:
    """What the scale shows: never exactly the computed weight, always within tolerance.

    Tape, filler and printing make a parcel a little off; a deterministic
    spread of ±20 g (the tolerance is at least 50 g) keeps a rebuilt demo
    the same.
    """
    return str(max(1, expected_g + (order_id * 37) % 41 - 20))


def pack_order(
    store: Store,
    packer: Actor,
    name: str,
    *,
    tick: Tick = still,
    units: int | None = None,
    keyed_counts: bool = False,
) -> bool:
    """Pack ``name`` at the packer's station: scan, weigh, inserts, close, label and slip.

    ``units`` stops after scanning that many units and leaves the order open on
    the bench (returns False). ``keyed_counts`` scans one unit of a line with
    many and keys the rest as a count. Returns True once the order is PACKED.
    """
    from wms_tui.services.packing import documents
    from wms_tui.services.packing import station as packing

    tick(30)  # the tote arrives, the packer scans it
    view = packing.open_order(store, packer, name)
    scanned = 0
    for line in view.lines:
        left = line.need - line.packed
        while left > 0:
            tick(5)
            view = packing.scan(store, packer, view.order_id, line.sku)
            scanned += 1
            left -= 1
            if units is not None and scanned >= units:
                return False
            if keyed_counts and left > 1:
                tick(5)
                view = packing.set_count(store, packer, view.order_id, line.line_no, line.need)
                scanned += left
                left = 0
    for parcel in view.parcels:
        tick(20)
        reading = scale_reading(parcel.expected_g, view.order_id)
        view = packing.enter_weight(store, packer, view.order_id, reading, parcel_no=parcel.seq)
    for item in view.inserts:
        if not item.done:
            tick(10)
            view = packing.confirm_insert(store, packer, view.order_id, item.n)
    tick(15)
    packing.close_parcel(store, packer, view.order_id)
    # The screen renders the label and slip in a worker after closing.
    documents.produce(store, view.order_id, packer.terminal, send=False)
    return True
