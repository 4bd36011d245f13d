"""Appending to the event log, and status changes that always log."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.errors import DomainError, StoreError, WrongScan
from wms_tui.domain.lifecycle import apply_transition
from wms_tui.domain.models import Event, Order
from wms_tui.store import Store, UnitOfWork, retrying
from wms_tui.store.bulk import bulk_insert

# The order of the tuples event_row() builds and insert_rows() writes.
ROW_COLUMNS = (
    "at", "kind", "operator_id", "operator_name", "terminal", "order_id", "order_name", "sku",
    "qty", "from_state", "to_state", "location", "from_location", "to_location", "delivery_ref",
    "prior_terminal", "prior_operator", "detail",
)  # fmt: skip


def log(
    uow: UnitOfWork,
    actor: Actor,
    kind: EventKind,
    *,
    order: Order | None = None,
    sku: str = "",
    qty: int | None = None,
    from_state: str = "",
    to_state: str = "",
    location: str = "",
    from_location: str = "",
    to_location: str = "",
    delivery_ref: str = "",
    prior_terminal: str = "",
    prior_operator: str = "",
    detail: str = "",
) -> None:
    """Append one row to the event log (in the caller's unit of work), at once.

    ``from_state``/``to_state`` are for status changes only; places, deliveries
    and previous holders have their own columns.

    A row, not an ``Event`` object: building one and flushing it cost ~0.45 ms
    CPU, the row's insert ~0.08 ms, and a floor day logs ~23 events an order
    (docs/performance.md). The row is queued on the unit of work's session and
    written where the ORM flushed the object before (``store._UnitSession``): the
    same order in the log, the same statements.
    """
    _insert(
        uow,
        {
            "at": utcnow(),
            "kind": EventKind(kind).value,  # an unknown kind is a bug: fail loudly, here
            "operator_id": actor.operator_id,
            "operator_name": actor.name,
            "terminal": actor.terminal,
            "order_id": order.id if order else None,
            "order_name": order.name if order else "",
            "sku": sku,
            "qty": qty,
            "from_state": from_state,
            "to_state": to_state,
            "location": location,
            "from_location": from_location,
            "to_location": to_location,
            "delivery_ref": delivery_ref,
            "prior_terminal": prior_terminal,
            "prior_operator": prior_operator,
            "detail": detail,
        },
    )


# RETURNING: a unit's events go in as one INSERT … VALUES (…), (…) on both backends
# (SQLAlchemy's "insertmanyvalues"), one round trip, as the ORM flushed them.
_INSERT = insert(Event.__table__).returning(Event.__table__.c.id)  # type: ignore[attr-defined]


def _insert(uow: UnitOfWork, row: dict[str, Any]) -> None:
    uow.session.queue_insert(_INSERT, row)


def record_refusal(
    store: Store, actor: Actor, kind: EventKind, refusal: WrongScan, order_id: int | None
) -> None:
    """Put a wrong scan that was refused on the record, after the refusal.

    The refused change was rolled back with its unit of work; this runs
    after it, in a unit of work of its own that adds this one event and
    nothing else, so the record is never half of the refused change. When
    the store cannot take it (busy past every retry, replaced) the record is
    lost and the operator still reads the refusal: the answer at the station
    matters more than the count.
    """
    with contextlib.suppress(StoreError, DomainError):
        _record_refusal(store, actor, kind, refusal, order_id)


@retrying
def _record_refusal(
    store: Store, actor: Actor, kind: EventKind, refusal: WrongScan, order_id: int | None
) -> None:
    with store.unit_of_work() as uow:
        order = uow.session.get(Order, order_id) if order_id is not None else None
        log(uow, actor, kind, order=order, sku=refusal.sku, qty=1, detail=str(refusal)[:200])
        uow.commit()


def change_status(
    uow: UnitOfWork,
    order: Order,
    target: OrderStatus,
    actor: Actor,
    *,
    detail: str = "",
    last_by: str = "",
) -> None:
    """The only way services change an order's status: checked and logged.

    The rules are :func:`~wms_tui.domain.lifecycle.transition`'s; its event is
    written as a row like every other (:func:`log`).
    """
    before, at = apply_transition(order, target, actor, last_by=last_by)
    uow.add(order)
    _insert(
        uow,
        {
            "at": at,
            "kind": EventKind.ORDER_STATUS.value,
            "operator_id": actor.operator_id,
            "operator_name": actor.name,
            "terminal": actor.terminal,
            "order_id": order.id,
            "order_name": order.name,
            "sku": "",
            "qty": None,
            "from_state": before.value,
            "to_state": OrderStatus(target).value,
            "location": "",
            "from_location": "",
            "to_location": "",
            "delivery_ref": "",
            "prior_terminal": "",
            "prior_operator": "",
            "detail": detail,
        },
    )


def event_row(
    actor: Actor,
    kind: EventKind,
    at: datetime,
    *,
    order_id: int | None = None,
    order_name: str = "",
    sku: str = "",
    qty: int | None = None,
    from_state: str = "",
    to_state: str = "",
    location: str = "",
    detail: str = "",
) -> tuple[Any, ...]:
    """The row :func:`log` would append, as a tuple for :func:`insert_rows`.

    For use cases that log thousands of events at once (a wave, a release):
    building an ``Event`` object costs more than writing the row.
    """
    return (
        at, EventKind(kind).value, actor.operator_id, actor.name, actor.terminal, order_id,
        order_name, sku, qty, from_state, to_state, location, "", "", "", "", "", detail,
    )  # fmt: skip


def insert_rows(uow: UnitOfWork, rows: Sequence[tuple[Any, ...]]) -> None:
    """Append :func:`event_row` rows to the event log in one bulk insert."""
    bulk_insert(uow.session.connection(), Event.__table__, ROW_COLUMNS, rows)  # type: ignore[attr-defined]
