"""A shift with known answers, built by hand: Tuesday 10 March 2026 in Jönköping.

The warehouse's clock is UTC+1; every time below is UTC and "now" is 13:00 UTC
(14:00 local). Events are written through ``events.log``, as the services do.

Picks (``pick.unit``):
  Ana  08:10 #A MUG A-01 1, 08:11 #A MUG A-01 1, 08:30 #A TEE B-01 1, 10:05 #B MUG A-01 2
       -> 3 lines, 5 units, active 08h and 10h: 1.5 lines/hour
  Bo   09:00 #C MUG A-01 1, 09:59 #C TEE B-01 1, 12:30 #K MUG A-01 2
       -> 3 lines, 4 units, active 09h and 12h: 1.5 lines/hour
       09:58 a wrong bin refused (``pick.refused``): 1 refused, 250 per 1,000 units
Packs (``pack.scan`` / ``pack.undo`` / ``qc.fail``):
  Johan 09:00 #A MUG +1, 09:01 #A TEE +1, 09:02 undo TEE -1, 09:05 #A TEE +2, 09:06 QC 1,
        12:15 #M MUG +3 -> net 6 units, 1 undone, 1 QC, active 09h and 12h: 3.0 units/hour
        refused (``pack.refused``): 09:03 #A a SOCK not in the order, 12:14 #M a 4th MUG
        -> 2 refused (they are no units and no active hour)
  Lena  10:30 #B MUG +1 -> 1 unit, 1 hour
Returns booked today 12:00: #A TEE 1 unit for a PACK reason (Johan scanned it),
  #A MUG 1 unit for a CUSTOMER reason (charged to nobody); yesterday: #A TEE 1
  unit PACK (outside today). Johan per 1,000: 333.3 refused, 166.7 undone,
  166.7 QC, 166.7 returned, 833.3 in all.
Status events: #A released 07:30, picked 08:30, packed 09:10, dispatched 12:00
  (created 9 March 12:00: 1,440 min); #B released 07:30, picked 10:05, packed
  10:30, dispatched 12:30 (created 06:30: 360 min); #C released 08:00, picked
  09:59. Cycle p50 900 min, p90 1,332 min.
Now: #C PICKED (PN: 0 to pick, 2 to pack), #K PICKING (PN: 4 units, 2 picked),
  #D READY_TO_PICK (DHL: 3 to pick and pack), #M PACKED (PN), #E BACKORDERED 3
  days, #F BACKORDERED 2 hours, #G ON_HOLD, #H CANCELLED yesterday, #I
  DISPATCHED yesterday. Cut-offs PN 14:30 local (13:30 UTC), DHL 16:00 local
  (15:00 UTC), UPS 17:00 local with nothing to do.
Units over the last hour (12:00-13:00): picked 2 (Bo), packed 3 (Johan).
Pace (services/dispatch/pace.py): no order was packed in the last hour (#B at 10:30 was
  the last), so the house's planned 2 orders an hour (set here). The pack queue: PN
  (13:30): #C (PICKED) packed 13:30, on its cut-off, #K (PICKING) 14:00: will miss, 1
  order at risk. DHL (15:00): #D 14:30: makes it, 30 min spare. UPS: done.
Open exceptions: SHORT_PICK 2, QC_FAIL 1 (and one BACKORDER resolved).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import EventKind as K
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import (
    OrderLine,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
    WmsException,
)
from wms_tui.services.core import events, settings
from wms_tui.store import Store

S = OrderStatus
NOW = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)


@dataclass
class Shift:
    store: Store
    boss: Actor
    picker: Actor
    now: datetime = NOW


def t(hh: int, mm: int, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hh, mm, tzinfo=UTC)


def build_shift(store: Store) -> Shift:
    clock = {"at": t(6, 0)}
    set_clock(lambda: clock["at"])
    try:
        return _build(store, clock)
    finally:
        set_clock(None)


def _build(store: Store, clock: dict) -> Shift:
    with store.unit_of_work() as uow:
        s = uow.session
        f.warehouse(uow)
        settings.put(s, "planned_packs_per_hour", "2")

        def person(name: str, role: str, terminal: str, badge: str | None = None) -> Actor:
            a = f.operator(uow, name, role, badge=badge)
            return Actor(a.operator_id, a.name, a.roles, terminal)

        ana = person("Ana Lindqvist", "picker", "HH-1", "P1001")
        bo = person("Bo Ek", "picker", "HH-2")
        johan = person("Johan Öberg", "packer", "PACK-1")
        lena = person("Lena Berg", "packer", "PACK-2")
        karin = person("Karin Holmgren", "supervisor", "OFFICE", "S9001")
        pn, _ = f.carrier(uow, "PN", cutoff=time(14, 30))
        dhl, _ = f.carrier(uow, "DHL", cutoff=time(16, 0))
        f.carrier(uow, "UPS", cutoff=time(17, 0))
        mug, tee = f.product(uow, "MUG-1"), f.product(uow, "TEE-1")
        today = NOW.date()

        def order(name: str, lines, status: S, created: datetime, changed: datetime, **kw):  # noqa: ANN001, ANN003, ANN202
            clock["at"] = created
            o = f.order(uow, name, lines, status=status, minutes_ago=0, **kw)
            o.status_changed_at = changed
            uow.add(o)
            return o

        pn_kw = dict(carrier_id=pn.id, promised_ship_date=today)
        a = order("#A", [(mug, 1), (tee, 2)], S.DISPATCHED, t(12, 0, 9), t(12, 0), **pn_kw)
        b = order("#B", [(mug, 2)], S.DISPATCHED, t(6, 30), t(12, 30), **pn_kw)
        c = order("#C", [(mug, 1), (tee, 1)], S.PICKED, t(6, 40), t(9, 59), **pn_kw)
        k = order("#K", [(mug, 4)], S.PICKING, t(6, 50), t(12, 30), **pn_kw)
        order("#D", [(mug, 3)], S.READY_TO_PICK, t(7, 0), t(8, 0),
                  carrier_id=dhl.id, promised_ship_date=today)  # fmt: skip
        m = order("#M", [(mug, 3)], S.PACKED, t(7, 5), t(12, 16), **pn_kw)
        order("#E", [(tee, 1)], S.BACKORDERED, t(9, 0, 7), t(13, 0, 7), carrier_id=pn.id)
        order("#F", [(tee, 1)], S.BACKORDERED, t(10, 0), t(11, 0), carrier_id=pn.id)
        order("#G", [(mug, 1)], S.ON_HOLD, t(7, 0), t(7, 10), carrier_id=pn.id)
        order("#H", [(mug, 1)], S.CANCELLED, t(7, 0, 9), t(8, 0, 9), carrier_id=pn.id)
        i = order("#I", [(mug, 1)], S.DISPATCHED, t(7, 0, 9), t(15, 0, 9), carrier_id=pn.id)
        s.flush()
        # Where the open orders' lines stand (the carriers' work left).
        for o, picked, packed in ((c, 1, 0), (k, 2, 0), (m, 3, 3)):
            for line in s.exec(select(OrderLine).where(OrderLine.order_id == o.id)):
                line.qty_picked, line.qty_packed = picked, packed
                uow.add(line)

        def log(at: datetime, actor: Actor, kind: K, o, **kw) -> None:  # noqa: ANN001, ANN003
            clock["at"] = at
            events.log(uow, actor, kind, order=o, **kw)

        def status(at: datetime, o, frm: S, to: S, actor: Actor = SYSTEM) -> None:  # noqa: ANN001
            log(at, actor, K.ORDER_STATUS, o, from_state=frm.value, to_state=to.value)

        def pick(at: datetime, actor: Actor, o, sku: str, bin_: str, qty: int) -> None:  # noqa: ANN001
            log(at, actor, K.PICK_UNIT, o, sku=sku, qty=qty, from_location=bin_,
                to_location="T-0001")  # fmt: skip

        pick(t(8, 10), ana, a, "MUG-1", "A-01", 1)
        pick(t(8, 11), ana, a, "MUG-1", "A-01", 1)
        pick(t(8, 30), ana, a, "TEE-1", "B-01", 1)
        pick(t(10, 5), ana, b, "MUG-1", "A-01", 2)
        pick(t(9, 0), bo, c, "MUG-1", "A-01", 1)
        pick(t(9, 59), bo, c, "TEE-1", "B-01", 1)
        pick(t(12, 30), bo, k, "MUG-1", "A-01", 2)

        log(t(9, 0), johan, K.PACK_SCAN, a, sku="MUG-1", qty=1)
        log(t(9, 1), johan, K.PACK_SCAN, a, sku="TEE-1", qty=1)
        log(t(9, 2), johan, K.PACK_UNDO, a, sku="TEE-1", qty=-1)  # as station.undo logs it
        log(t(9, 5), johan, K.PACK_SCAN, a, sku="TEE-1", qty=2)
        log(t(9, 6), johan, K.QC_FAIL, a, sku="TEE-1", qty=1)
        log(t(12, 15), johan, K.PACK_SCAN, m, sku="MUG-1", qty=3)
        log(t(10, 30), lena, K.PACK_SCAN, b, sku="MUG-1", qty=1)
        # Wrong scans refused, as events.record_refusal logs them.
        log(t(9, 3), johan, K.PACK_REFUSED, a, sku="SOCK-X", qty=1,
            detail="SOCK-X (Socks) is not in order #A: put it aside")  # fmt: skip
        log(t(12, 14), johan, K.PACK_REFUSED, m, sku="MUG-1", qty=1,
            detail="Already 3 of 3 MUG-1 packed: this one is extra")  # fmt: skip
        log(t(9, 58), bo, K.PICK_REFUSED, c, qty=1, detail="Wrong bin A-02: go to B-01")
        # An empty parcel removed: an undo without units is no wrong scan.
        log(t(10, 31), lena, K.PACK_UNDO, b, detail="parcel 2 removed")

        status(t(7, 30), a, S.NEW, S.READY_TO_PICK)
        status(t(8, 30), a, S.PICKING, S.PICKED, ana)
        status(t(9, 10), a, S.PACKING, S.PACKED, johan)
        status(t(12, 0), a, S.PACKED, S.DISPATCHED, karin)
        status(t(7, 30), b, S.NEW, S.READY_TO_PICK)
        status(t(10, 5), b, S.PICKING, S.PICKED, ana)
        status(t(10, 30), b, S.PACKING, S.PACKED, lena)
        status(t(12, 30), b, S.PACKED, S.DISPATCHED, karin)
        status(t(8, 0), c, S.NEW, S.READY_TO_PICK)
        status(t(9, 59), c, S.PICKING, S.PICKED, bo)
        status(t(15, 0, 9), i, S.PACKED, S.DISPATCHED, karin)  # yesterday

        s.add(ReturnReason(code="WRONG_ITEM", label="Wrong item packed", controllable=True,
                           cause="PACK"))  # fmt: skip
        s.add(ReturnReason(code="CHANGED_MIND", label="Changed mind", controllable=False,
                           cause="CUSTOMER"))  # fmt: skip
        a_lines = {ln.sku: ln for ln in s.exec(select(OrderLine).where(OrderLine.order_id == a.id))}
        for at, sku, reason in (
            (t(12, 0), "TEE-1", "WRONG_ITEM"),
            (t(12, 0), "MUG-1", "CHANGED_MIND"),
            (t(16, 0, 9), "TEE-1", "WRONG_ITEM"),  # booked yesterday
        ):
            r = ReturnReceipt(order_id=a.id, at=at, operator_id=karin.operator_id, terminal="RET")
            s.add(r)
            s.flush()
            s.add(ReturnLine(return_id=r.id, order_line_id=a_lines[sku].id, qty=1,
                             reason_code=reason, disposition="RESTOCK"))  # fmt: skip

        for kind, resolved in (("SHORT_PICK", None), ("SHORT_PICK", None), ("QC_FAIL", None),
                               ("BACKORDER", t(11, 0))):  # fmt: skip
            s.add(WmsException(kind=kind, at=t(9, 0), order_id=c.id, resolved_at=resolved))
        uow.commit()
    return Shift(store, karin, ana)
