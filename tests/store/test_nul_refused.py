"""NUL in typed or imported text: one line, nothing changed, on both stores.

On PostgreSQL a NUL byte reached psycopg and came back as a DataError that
crashed the caller (51 of the fuzz's crashes there).
"""

from __future__ import annotations

import pytest

from tests.conftest import actor
from tests.worlds.dbstate import snapshot
from wms_tui.domain.errors import DomainError
from wms_tui.services.returns.reasons import put_reason
from wms_tui.store import Store


@pytest.mark.parametrize("text", ["Torn\x00", "\x00", "a\x00b" * 100])
def test_text_with_nul_is_refused_before_the_database(empty_store: Store, text: str) -> None:
    before = snapshot(empty_store)
    with pytest.raises(DomainError) as info:
        put_reason(empty_store, "TORN", text, "customer", actor("Karin", "supervisor"))
    assert str(info.value) == "Text with a NUL character (\\x00) cannot be stored: retype it"
    assert snapshot(empty_store) == before
    # Still usable afterwards.
    put_reason(empty_store, "TORN", "Torn", "customer", actor("Karin", "supervisor"))


def test_a_bulk_insert_refuses_nul_like_any_statement(empty_store: Store) -> None:
    """The rows a wave or a release writes in bulk (COPY on PostgreSQL, which no
    statement hook sees) are held to the same rule."""
    from wms_tui.domain.clock import utcnow
    from wms_tui.domain.enums import EventKind
    from wms_tui.domain.models import Event
    from wms_tui.services.core import events

    boss = actor("Karin", "supervisor")
    good = events.event_row(boss, EventKind.WAVE_BUILT, utcnow(), detail="W0001")
    bad = events.event_row(boss, EventKind.WAVE_BUILT, utcnow(), detail="W0002\x00")
    before = snapshot(empty_store)
    with empty_store.unit_of_work() as uow, pytest.raises(DomainError, match="NUL"):
        events.insert_rows(uow, [good, bad])
    assert snapshot(empty_store) == before
    with empty_store.unit_of_work() as uow:
        events.insert_rows(uow, [good])
        uow.commit()
    with empty_store.read() as s:
        from sqlmodel import select

        rows = s.exec(select(Event.kind, Event.detail, Event.operator_name)).all()
    assert [tuple(r) for r in rows] == [("wave.built", "W0001", "Karin")]


def test_a_bulk_update_writes_each_row_and_refuses_nul(empty_store: Store) -> None:
    """A release batch writes its changed orders, lines and stock with
    ``bulk_update`` (straight on the driver): typed values as the ORM would
    store them, and NUL refused like anywhere else."""
    from datetime import UTC, datetime

    from sqlmodel import select

    from wms_tui.domain.enums import OrderStatus
    from wms_tui.domain.models import Order
    from wms_tui.store.bulk import bulk_update

    with empty_store.unit_of_work() as uow:
        for name in ("#1", "#2", "#3"):
            uow.add(Order(name=name, status=OrderStatus.NEW, financial_status="paid"))
        uow.commit()
    with empty_store.read() as s:
        ids = {o.name: o.id for o in s.exec(select(Order))}
    at = datetime(2026, 12, 7, 15, 30, 1, 250, tzinfo=UTC)
    table = Order.__table__  # type: ignore[attr-defined]
    columns = ("status", "status_changed_at", "hold_reason")
    before = snapshot(empty_store)
    with empty_store.unit_of_work() as uow, pytest.raises(DomainError, match="NUL"):
        bulk_update(
            uow.session.connection(),
            table,
            columns,
            [(OrderStatus.ON_HOLD, at, "x\x00", ids["#1"])],
        )
    assert snapshot(empty_store) == before
    with empty_store.unit_of_work() as uow:
        bulk_update(
            uow.session.connection(),
            table,
            columns,
            [
                (OrderStatus.READY_TO_PICK, at, "", ids["#1"]),
                (OrderStatus.ON_HOLD, at, "payment pending", ids["#3"]),
            ],
        )
        uow.commit()
    with empty_store.read() as s:
        rows = {
            o.name: (o.status, o.status_changed_at, o.hold_reason) for o in s.exec(select(Order))
        }
    assert rows["#1"] == (OrderStatus.READY_TO_PICK, at, "")
    assert rows["#3"] == (OrderStatus.ON_HOLD, at, "payment pending")
    assert rows["#2"][0] == OrderStatus.NEW
