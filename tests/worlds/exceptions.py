"""The supervisor's inbox: a world with one exception of each kind the screen shows."""

from __future__ import annotations

from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from wms_tui.domain.enums import ExceptionKind
from wms_tui.domain.models import Location, WmsException
from wms_tui.services.intake import order_admin
from wms_tui.services.intake.release import release
from wms_tui.store import Store


def build_inbox(store: Store, *, label_dir: str) -> pw.World:
    """The packing world (tests/worlds/packing.py) plus a backorder, a cancelled order
    with units in its tote, a short pick whose bin waits for a count, and a delivery
    report."""
    world = pw.build(store, label_dir=label_dir)
    with store.unit_of_work() as uow:
        lamp = f.product(uow, "LAMP")
        f.order(uow, "#2001", [(lamp, 5)])
        bin_a = uow.session.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        bin_a.cycle_count_flag = True
        uow.add(bin_a)
        uow.add(
            WmsException(
                kind=ExceptionKind.RECEIVING,
                location="delivery:PO-77",
                operator_name="Björn Åkesson",
                terminal="RCV-1",
                message="Delivery PO-77: 1 short",
            )
        )
        uow.commit()
    release(store)
    order_admin.cancel_order(store, world.supervisor, world.orders["#1044"], "fraud")
    with store.unit_of_work() as uow:
        uow.add(
            WmsException(
                kind=ExceptionKind.SHORT_PICK,
                order_id=world.orders["#1042"],
                sku="MUG-BLU",
                location="A-01-1-A",
                operator_name="Ana Lindqvist",
                terminal="HH-01",
                message="1 × MUG-BLU short at A-01-1-A (item not in bin)",
            )
        )
        uow.commit()
    return world
