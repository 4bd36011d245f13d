"""One order's whole life, built by hand with known times, people and places.

Order #1042 (2 × MUG-1, 1 × TEE-1), Tuesday 10 March 2026 in Jönköping (UTC+1):
imported 08:00, released 08:30 with MUG-1 from A-01-1-A and TEE-1 from
B-02-1-A, picked by Ana (HH-1) into tote T-0007, packed at PACK-1 by Johan
(a MUG-1 caught at QC, a TEE-1 scan undone), taken over at PACK-2 by Lena, who
splits it into two parcels; the weight is off and Karin accepts it; both
parcels go on the PN truck, a shipped notice goes out; on Thursday 12 March a
TEE-1 comes back: wrong item packed (our pack), restocked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select

from tests.worlds import factories as f
from tests.worlds.factories import Clock
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import EventKind as K
from wms_tui.domain.enums import LocationKind, OrderStatus, PackScanKind, ParcelStatus
from wms_tui.domain.models import (
    Allocation,
    Notice,
    OrderLine,
    PackScan,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
)
from wms_tui.services.core import events
from wms_tui.store import Store

S = OrderStatus
SSCC = (f.sscc(4201), f.sscc(4202))
TRACKING = ("TRK000004201", "TRK000004202")


@dataclass
class Traced:
    store: Store
    order_id: int
    boss: Actor
    picker: Actor


def at(clock: Clock, day: int, hh: int, mm: int, ss: int = 0) -> None:
    clock.at = datetime(2026, 3, day, hh, mm, ss, tzinfo=UTC)


def build_traced(store: Store) -> Traced:
    clock = Clock(datetime(2026, 3, 10, 7, 0, tzinfo=UTC))
    set_clock(clock)
    with store.unit_of_work() as uow:
        s = uow.session
        f.warehouse(uow)
        ana = f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        johan = f.operator(uow, "Johan Öberg", "packer")
        lena = f.operator(uow, "Lena Berg", "packer")
        karin = f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        ana = Actor(ana.operator_id, ana.name, ana.roles, "HH-1")
        johan = Actor(johan.operator_id, johan.name, johan.roles, "PACK-1")
        lena = Actor(lena.operator_id, lena.name, lena.roles, "PACK-2")
        karin = Actor(karin.operator_id, karin.name, karin.roles, "OFFICE")
        pn, std = f.carrier(uow, "PN")
        mug, tee = f.product(uow, "MUG-1"), f.product(uow, "TEE-1")
        a_bin, b_bin = f.location(uow, "A-01-1-A"), f.location(uow, "B-02-1-A")
        f.location(uow, "T-0007", LocationKind.TOTE, zone="TOTE")
        f.location(uow, "T-0099", LocationKind.TOTE, zone="TOTE")  # never used
        f.location(uow, "QUAR-1", LocationKind.QUARANTINE, zone="Q")
        o = f.order(
            uow,
            "#1042",
            [(mug, 2), (tee, 1)],
            status=S.RETURNED,
            carrier_id=pn.id,
            service_id=std.id,
            customer_name="Jihoon Kim",
        )
        f.order(uow, "#1043", [(mug, 1)], customer_name="Åsa Öberg")
        f.order(uow, "#1044", [(mug, 1)], customer_name="Åsa Öberg")
        mug_line, tee_line = s.exec(
            select(OrderLine).where(OrderLine.order_id == o.id).order_by(col(OrderLine.line_no))
        ).all()
        s.add(Allocation(order_line_id=mug_line.id, product_id=mug.id, location_id=a_bin.id,
                         qty=2, qty_picked=2))  # fmt: skip
        s.add(Allocation(order_line_id=tee_line.id, product_id=tee.id, location_id=b_bin.id,
                         qty=1, qty_picked=1))  # fmt: skip

        def log(actor: Actor, kind: K, **kw) -> None:  # noqa: ANN003
            events.log(uow, actor, kind, order=o, **kw)

        def scan(actor: Actor, line: OrderLine, qty: int, kind: PackScanKind, **kw) -> None:  # noqa: ANN003
            s.add(PackScan(order_id=o.id, order_line_id=line.id, qty=qty, kind=kind,
                           operator_id=actor.operator_id, terminal=actor.terminal, at=clock(),
                           **kw))  # fmt: skip

        at(clock, 10, 7, 0)
        log(SYSTEM, K.ORDER_IMPORTED, detail="from Shopify")
        at(clock, 10, 7, 30)
        log(SYSTEM, K.STOCK_ALLOCATE, sku="MUG-1", qty=2)
        log(SYSTEM, K.STOCK_ALLOCATE, sku="TEE-1", qty=1)
        log(SYSTEM, K.ORDER_STATUS, from_state="NEW", to_state="READY_TO_PICK", detail="allocated")
        at(clock, 10, 8, 0)
        log(ana, K.TASK_CLAIMED, detail="task K-0001")
        log(ana, K.ORDER_STATUS, from_state="READY_TO_PICK", to_state="PICKING")
        at(clock, 10, 8, 4)
        log(ana, K.PICK_UNIT, sku="MUG-1", qty=2, from_location="A-01-1-A", to_location="T-0007")
        at(clock, 10, 8, 6)
        log(ana, K.PICK_UNIT, sku="TEE-1", qty=1, from_location="B-02-1-A", to_location="T-0007")
        log(ana, K.ORDER_STATUS, from_state="PICKING", to_state="PICKED")
        at(clock, 10, 8, 20)
        log(johan, K.PACK_OPEN, detail="opened at PACK-1")
        log(johan, K.ORDER_STATUS, from_state="PICKED", to_state="PACKING")
        at(clock, 10, 8, 21)
        scan(johan, mug_line, 1, PackScanKind.SCAN, code="7350053000011")
        log(johan, K.PACK_SCAN, sku="MUG-1", qty=1, detail="parcel 1 7350053000011")
        at(clock, 10, 8, 22)
        scan(johan, mug_line, 1, PackScanKind.QC, qc_reason="DAMAGED")
        log(johan, K.QC_FAIL, sku="MUG-1", qty=1, from_location="T-0007",
            to_location="QUAR-1", detail="damaged; short shipped")  # fmt: skip
        at(clock, 10, 8, 23)
        scan(johan, tee_line, 1, PackScanKind.SCAN, code="7350053000028")
        log(johan, K.PACK_SCAN, sku="TEE-1", qty=1, detail="parcel 1 7350053000028")
        at(clock, 10, 8, 24)
        scan(johan, tee_line, -1, PackScanKind.UNDO, code="7350053000028")
        log(johan, K.PACK_UNDO, sku="TEE-1", qty=1, detail="7350053000028")
        at(clock, 10, 8, 40)
        log(lena, K.PACK_TAKEOVER, prior_operator="Johan Öberg", prior_terminal="PACK-1",
            detail="taken over from Johan Öberg at PACK-1, idle 16 min")  # fmt: skip
        at(clock, 10, 8, 41)
        scan(lena, tee_line, 1, PackScanKind.SCAN, code="7350053000028")
        log(lena, K.PACK_SCAN, sku="TEE-1", qty=1, detail="parcel 1 7350053000028")
        at(clock, 10, 8, 42)
        log(lena, K.PACK_PARCEL, detail="parcel 2 started")
        scan(lena, mug_line, 1, PackScanKind.COUNT, counted_to=1)
        log(lena, K.PACK_SCAN, sku="MUG-1", qty=1, detail="parcel 2 ")
        at(clock, 10, 8, 45)
        log(lena, K.PACK_WEIGHT, detail="parcel 1: MISMATCH 900 g, expected 1100 g")
        at(clock, 10, 8, 47)
        log(karin, K.WEIGHT_OVERRIDE, detail="parcel 1: 900 g accepted (expected 1100 g)")
        at(clock, 10, 8, 48)
        log(lena, K.PACK_CLOSE, location="PACK-2",
            detail=f"1/2 BOX-S {SSCC[0]}, 2/2 BOX-S {SSCC[1]}")  # fmt: skip
        log(lena, K.ORDER_STATUS, from_state="PACKING", to_state="PACKED")
        for i in (0, 1):
            f.parcel(uow, o, seq=i + 1, count=2, sscc=SSCC[i], tracking=TRACKING[i],
                     weight_g=(900, 600)[i], packed_by_name="Lena Berg",
                     packed_by_id=lena.operator_id, status=ParcelStatus.MANIFESTED,
                     terminal="PACK-2")  # fmt: skip
        at(clock, 10, 14, 10)
        log(johan, K.PARCEL_LOADED, detail=f"{SSCC[0]} 1/2 PN")
        log(johan, K.PARCEL_LOADED, detail=f"{SSCC[1]} 2/2 PN")
        at(clock, 10, 15, 0)
        log(karin, K.ORDER_STATUS, from_state="PACKED", to_state="DISPATCHED")
        at(clock, 10, 15, 1)
        s.add(Notice(order_id=o.id, kind="shipped", at=clock(), sent=True, file="x.eml"))
        at(clock, 12, 9, 0)
        s.add(ReturnReason(code="WRONG_ITEM", label="Wrong item packed", controllable=True,
                           cause="PACK"))  # fmt: skip
        receipt = ReturnReceipt(order_id=o.id, at=clock(), operator_id=karin.operator_id,
                                terminal="RET-1", resolution="REFUND")  # fmt: skip
        s.add(receipt)
        s.flush()
        s.add(ReturnLine(return_id=receipt.id, order_line_id=tee_line.id, qty=1,
                         reason_code="WRONG_ITEM", disposition="RESTOCK"))  # fmt: skip
        log(karin, K.RETURN_RECEIVED, detail=f"RMA-{o.id:07d} receipt {receipt.id}")
        log(karin, K.ORDER_STATUS, from_state="DISPATCHED", to_state="RETURNED")
        uow.commit()
        order_id = o.id
    set_clock(None)
    return Traced(store, order_id, karin, ana)  # type: ignore[arg-type]
