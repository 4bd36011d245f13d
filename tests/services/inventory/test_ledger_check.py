"""The stock ledger check: every place whose stock is off its movements is named."""

from __future__ import annotations

from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.store import Store


def test_ledger_mismatches_names_every_place_off_its_movements(empty_store: Store) -> None:
    from wms_tui.domain.actor import SYSTEM
    from wms_tui.domain.enums import MovementReason
    from wms_tui.domain.models import Stock, StockMovement
    from wms_tui.services.inventory.stock import ledger_mismatches, move_stock

    with empty_store.unit_of_work() as uow:
        mug = f.product(uow, "MUG")
        a, b, c = (f.location(uow, code) for code in ("A-01-1-A", "A-01-2-A", "A-01-3-A"))
        f.receive(uow, mug, a, 10)
        move_stock(uow, SYSTEM, mug, 4, from_loc=a, to_loc=b, reason=MovementReason.MOVED)
        uow.commit()
    with empty_store.read() as s:
        assert ledger_mismatches(s) == []
    with empty_store.unit_of_work() as uow:
        s = uow.session
        row = s.exec(select(Stock).where(Stock.location_id == b.id)).one()
        row.qty = 5  # a console fix that wrote no movement
        uow.add(row)
        uow.add(StockMovement(product_id=mug.id, to_location_id=c.id, qty=2, reason="RECEIVED"))
        uow.commit()
    with empty_store.read() as s:
        assert sorted(ledger_mismatches(s)) == [(mug.id, b.id, 5, 4), (mug.id, c.id, 0, 2)]
