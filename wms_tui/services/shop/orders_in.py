"""Orders from the shop, pulled (GraphQL) or pushed (webhooks), into the store.

Each order is one unit of work: ``order_import.import_record`` applies the
CSV import's rules, and the link to the shop's order (its id, the
``updated_at`` applied, its line item ids) is written in the same
transaction. So a crash between two orders loses nothing and repeats nothing,
and a webhook replayed, or arriving after a newer pull, changes nothing: a
version older than the one applied is ignored, an equal one is "unchanged".

An order the shop sends that we cannot read is not half-imported: it is
refused with every reason, and a SHOP_SYNC exception (one per order and
reason) shows it to a supervisor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from wms_tui.adapters.shopify import order_shapes
from wms_tui.adapters.shopify.order_shapes import ShapeError, ShopOrder
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import ExceptionKind, Role
from wms_tui.domain.models import WmsException
from wms_tui.domain.models.integration import ShopOrderLink
from wms_tui.services.intake.order_import import RecordOutcome, import_record
from wms_tui.services.shop.fulfilments import close_refusals
from wms_tui.services.shop.state import SHOP_ACTOR
from wms_tui.store import Store, UnitOfWork, retrying

GRAPHQL = "graphql"
WEBHOOK = "webhook"
MAX_PAYLOAD = 1 << 20


@dataclass(frozen=True)
class Applied:
    name: str
    outcome: str  # import outcome, "stale" (older than applied) or "refused"
    detail: str = ""


def read(shape: str, payload: object) -> ShopOrder:
    return (order_shapes.from_graphql if shape == GRAPHQL else order_shapes.from_webhook)(payload)


def apply(store: Store, shape: str, payload: object, *, actor: Actor = SHOP_ACTOR) -> Applied:
    """Read one order the shop sent and apply it; never raises for the shop's data.

    ``actor`` is who the event log names: the shop itself for a webhook (its
    signature is the credential), the service account running ``wms sync``.
    """
    actor.require(Role.SUPERVISOR, action="import orders")
    try:
        order = read(shape, payload)
    except ShapeError as exc:
        _refuse(store, exc.name, str(exc), actor)
        return Applied(exc.name, "refused", str(exc))
    return _apply_twice(store, order, shape, payload, actor)


def _apply_twice(
    store: Store, order: ShopOrder, shape: str, payload: object, actor: Actor
) -> Applied:
    try:
        return _apply_order(store, order, shape, payload, actor)
    except IntegrityError:
        # PostgreSQL: the pull and a webhook created the same new order at the same
        # moment and the other won. Once more: now it is an update (or unchanged).
        return _apply_order(store, order, shape, payload, actor)


@retrying
def _apply_order(
    store: Store, order: ShopOrder, shape: str, payload: object, actor: Actor
) -> Applied:
    rec = order.record
    with store.unit_of_work() as uow:
        link = uow.session.exec(
            select(ShopOrderLink)
            .where(ShopOrderLink.shop_order_id == order.shop_order_id)
            .with_for_update(key_share=True)
        ).first()
        if _older(order.updated_at, link.shop_updated_at if link else None):
            return Applied(rec.name, "stale", "an older version than the one applied")
        outcome = import_record(uow, rec, actor=actor, channel="shopify")
        _link(uow, link, order, outcome, shape, payload)
        # Read at last: an earlier "cannot read it" about this order is done with.
        close_refusals(uow, None, f"The shop's order {rec.name}:")
        uow.commit()
    return Applied(rec.name, outcome.outcome, "; ".join(outcome.notes))


def _older(new: datetime | None, applied: datetime | None) -> bool:
    return new is not None and applied is not None and new < applied


def _link(
    uow: UnitOfWork,
    link: ShopOrderLink | None,
    order: ShopOrder,
    outcome: RecordOutcome,
    shape: str,
    payload: object,
) -> None:
    if link is None:
        link = uow.session.exec(
            select(ShopOrderLink).where(ShopOrderLink.order_name == order.record.name)
        ).first() or ShopOrderLink(order_name=order.record.name, shop_order_id=order.shop_order_id)
    link.shop_order_id = order.shop_order_id
    if order.updated_at is not None:
        link.shop_updated_at = order.updated_at
    known = json.loads(link.line_items or "{}")
    known.update(order.line_items)
    link.line_items = json.dumps(known, sort_keys=True)
    link.held_payload = (
        json.dumps({"shape": shape, "payload": payload}) if outcome.held_for_unknown_sku else ""
    )
    link.last_error = ""
    link.applied_at = utcnow()
    uow.add(link)


@retrying
def _refuse(store: Store, name: str, message: str, actor: Actor) -> None:
    """Show an unreadable order to a supervisor, once per order and reason."""
    text = f"The shop's {message}"[:500]
    with store.unit_of_work() as uow:
        seen = uow.session.exec(
            select(WmsException.id).where(
                WmsException.kind == ExceptionKind.SHOP_SYNC,
                WmsException.message == text,
                col(WmsException.resolved_at).is_(None),
            )
        ).first()
        if seen is None:
            uow.add(
                WmsException(
                    kind=ExceptionKind.SHOP_SYNC,
                    operator_name=actor.name,
                    terminal=actor.terminal,
                    message=text,
                )
            )
            uow.commit()


HELD_BATCH = 100  # held payloads read at a time: each can be up to MAX_PAYLOAD


def retry_held(store: Store, *, actor: Actor = SHOP_ACTOR) -> list[Applied]:
    """Orders waiting on an unknown SKU, tried again with the version last received.

    The saved payloads are read a batch at a time (by link id), not all at
    once: a shop whose new SKUs are not set up yet can hold thousands.
    """
    actor.require(Role.SUPERVISOR, action="import orders")
    done = []
    after = 0
    while True:
        with store.read() as s:
            batch = s.exec(
                select(ShopOrderLink.id, ShopOrderLink.held_payload)
                .where(ShopOrderLink.held_payload != "", col(ShopOrderLink.id) > after)
                .order_by(col(ShopOrderLink.id))
                .limit(HELD_BATCH)
            ).all()
        for link_id, raw in batch:
            saved = json.loads(raw)
            done.append(apply(store, saved["shape"], saved["payload"], actor=actor))
            after = link_id  # type: ignore[assignment]
        if len(batch) < HELD_BATCH:
            return done
