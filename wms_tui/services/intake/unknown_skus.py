"""One order naming a SKU we do not know: taken in ON_HOLD, and let go once every SKU is known.

A file is refused for an unknown SKU; an order from the API or a webhook has
nobody watching, so it waits with an UNKNOWN_SKU exception for a supervisor.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlmodel import col, select

from wms_tui.adapters.shopify.csv_format import OrderRecord
from wms_tui.domain.enums import EventKind, ExceptionKind
from wms_tui.domain.models import Order, WmsException
from wms_tui.services.core import events
from wms_tui.services.intake.order_records import CHANNEL_NAMES, EDITABLE, ImportContext, S
from wms_tui.services.inventory import allocation

UNKNOWN_SKU_HOLD = "unknown SKU"


@cache
def _order_locked_by_name():
    # Built once: every order the API imports asks (building cost more than running).
    return select(Order).where(Order.name == bindparam("name")).with_for_update(key_share=True)


class UnknownSkus(ImportContext):
    def hold_unknown(self, rec: OrderRecord, unknown: tuple[str, ...]) -> None:
        reason = f"{UNKNOWN_SKU_HOLD} {', '.join(unknown)}"[:120]
        order = self.session.exec(
            select(Order).where(Order.name == rec.name).with_for_update(key_share=True)
        ).first()
        if order is None:
            if why := self._not_created(rec):
                self.report.tally(f"skipped: {why}").add(rec.name)
                return
            values = self._values(rec)
            values.pop("release_at")
            order = Order(
                name=rec.name,
                channel=self.channel,
                status=S.NEW,
                status_changed_at=self.now,
                release_at=None,
                **values,
            )
            self.uow.add(order)
            self.uow.flush()
            events.log(
                self.uow,
                self.actor,
                EventKind.ORDER_IMPORTED,
                order=order,
                to_state=S.NEW.value,
                detail=f"from {CHANNEL_NAMES.get(self.channel, self.channel)}: waiting, {reason}",
            )
            self.report.tally("created").add(rec.name)
        status = S(order.status)
        where = S(order.held_from) if status is S.ON_HOLD and order.held_from else status
        if where not in EDITABLE or self._in_open_task(allocation.order_lines(self.uow, order)):
            self.report.note(f"too late to change {rec.name} (lines): it is already {where.label}")
            self.report.tally("too late").add(rec.name)
            return
        # Whatever the shop sends next must be looked at again, even if unchanged.
        order.source_hash = ""
        self.uow.add(order)
        if status is not S.ON_HOLD:
            allocation.deallocate_order(self.uow, order, self.actor)
            events.change_status(self.uow, order, S.ON_HOLD, self.actor, detail=reason)
            order.hold_reason = reason
            if order.held_from in (S.READY_TO_PICK, S.BACKORDERED):
                # Its stock went back; when the hold lifts it is released afresh.
                order.held_from = S.NEW
        elif order.hold_reason.startswith(UNKNOWN_SKU_HOLD):
            if order.hold_reason == reason and self._open_exception(
                order, ExceptionKind.UNKNOWN_SKU
            ):
                # Sent again while still waiting (a replay, the next pull): nothing new.
                self.report.tally("unchanged").add(rec.name)
                return
            order.hold_reason = reason
        if not self._open_exception(order, ExceptionKind.UNKNOWN_SKU):
            self.uow.add(
                WmsException.raised_by(
                    self.actor,
                    ExceptionKind.UNKNOWN_SKU,
                    f"{rec.name} names {reason}: add the product "
                    "(wms import products); the next sync takes the order in",
                    order_id=order.id,
                    sku=unknown[0],
                )
            )
        self.report.tally("held").add(rec.name)

    def lift_unknown_hold(self, name: str) -> None:
        """Every SKU of a held order is known now: back where it was, exception resolved."""
        order = self.session.exec(_order_locked_by_name(), params={"name": name}).first()
        if order is None or order.status != S.ON_HOLD:
            return
        if not order.hold_reason.startswith(UNKNOWN_SKU_HOLD):
            return
        events.change_status(
            self.uow,
            order,
            S(order.held_from or S.NEW),
            self.actor,
            detail="every SKU is known now",
        )
        order.hold_reason = ""
        if order.release_at is None:
            order.release_at = order.created_at + self.grace
        self.uow.add(order)
        for exc in self.session.exec(
            select(WmsException).where(
                WmsException.order_id == order.id,
                WmsException.kind == ExceptionKind.UNKNOWN_SKU,
                col(WmsException.resolved_at).is_(None),
            )
        ):
            exc.resolved_at = self.now
            exc.resolved_by_id = self.actor.operator_id
            self.uow.add(exc)
        self.uow.flush()
        self.report.tally("hold lifted").add(name)
