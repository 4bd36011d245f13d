"""An order the shop sends again: update it while it may change, cancel it, hold it for payment.

What a re-import may still change is in the module docstring of
:mod:`~wms_tui.services.intake.order_import` ("What a row of the file does to the store").
"""

from __future__ import annotations

from wms_tui.adapters.shopify.csv_format import OrderRecord
from wms_tui.domain.enums import EventKind, ExceptionKind
from wms_tui.domain.models import Order, OrderLine
from wms_tui.services.core import events, priority
from wms_tui.services.intake import release as releasing
from wms_tui.services.intake.cancelling import cancel_on_floor
from wms_tui.services.intake.order_records import (
    EDITABLE,
    GONE,
    LATE_FOR_CANCEL,
    OTHER_FIELDS,
    SHIP_FIELDS,
    SHIPPED_IN_SHOP,
    ImportContext,
    S,
)
from wms_tui.services.inventory import allocation


class OrderUpdates(ImportContext):
    def _hold_for_payment(self, order: Order) -> None:
        reason = f"payment {order.financial_status}"
        events.change_status(self.uow, order, S.ON_HOLD, self.actor, detail=reason)
        order.hold_reason = reason
        self.report.tally("held").add(order.name)

    def _update(self, order: Order, rec: OrderRecord, digest: str) -> None:
        report, name = self.report, order.name
        status = S(order.status)
        where = S(order.held_from) if status is S.ON_HOLD and order.held_from else status
        order.source_hash = digest
        self.uow.add(order)
        changed = False

        if rec.cancelled_at is not None and status is not S.CANCELLED:
            self._cancel(order, status, where)
            return
        if status is S.CANCELLED:
            report.tally("unchanged").add(name)
            if rec.cancelled_at is None:
                report.note(f"{name} was cancelled here but is still open in the shop")
            return
        if where in GONE:
            # The everyday case: yesterday's orders come back "fulfilled" or refunded.
            # Nothing to compare or re-allocate, so no queries per order.
            changed = self._payment(order, status, where, rec.financial_status.lower())
            report.tally("updated" if changed else "unchanged").add(name)
            return

        values = self._values(rec)
        # Our own arrival time stays: the grace period and ship day were counted from it.
        cutoff = self.cutoffs.get(values["service_id"]) if values["service_id"] else None
        values["promised_ship_date"] = priority.ship_day(order.created_at, cutoff, self.rules)
        values["release_at"] = order.created_at + self.grace
        new_lines = {line["sku"]: line for line in self._shipping_lines(rec)}
        lines = allocation.order_lines(self.uow, order)
        children = self._split_children(order)
        totals: dict[str, int] = {}
        for line in [*lines, *(ln for child in children for ln in self._lines_of(child))]:
            totals[line.sku] = totals.get(line.sku, 0) + line.quantity
        lines_changed = {k: v for k, v in totals.items() if v} != {
            sku: line["quantity"] for sku, line in new_lines.items()
        }
        ship_changed = any(getattr(order, f) != values[f] for f in SHIP_FIELDS)
        other_changed = any(getattr(order, f) != values[f] for f in OTHER_FIELDS)

        editable = where in EDITABLE and not self._in_open_task(lines)
        if editable:
            if ship_changed or other_changed:
                for f in (*SHIP_FIELDS, *OTHER_FIELDS, "release_at"):
                    setattr(order, f, values[f])
                changed = True
            if lines_changed:
                if children:
                    report.note(
                        f"{name} changed in the shop after it was split: "
                        "lines not updated, check it by hand"
                    )
                else:
                    self._replace_lines(order, status, lines, new_lines)
                    changed = True
            if changed:
                what = [w for w, c in (("lines", lines_changed), ("address", ship_changed)) if c]
                events.log(
                    self.uow,
                    self.actor,
                    EventKind.ORDER_UPDATED,
                    order=order,
                    detail="re-imported" + (f": {', '.join(what)}" if what else ""),
                )
        elif (lines_changed or ship_changed) and where not in GONE:
            what = "lines" if lines_changed else "address or shipping"
            report.note(f"too late to change {name} ({what}): it is already {where.label}")
            report.tally("too late").add(name)
            self._payment(order, status, where, rec.financial_status.lower())
            return

        changed |= self._payment(order, status, where, rec.financial_status.lower())
        if rec.fulfillment_status.lower() in SHIPPED_IN_SHOP and where in EDITABLE:
            report.note(f"{name} is fulfilled in the shop but has not left here: check it")
        report.tally("updated" if changed else "unchanged").add(name)

    def _cancel(self, order: Order, status: S, where: S) -> None:
        name = order.name
        if status in LATE_FOR_CANCEL:
            self.report.note(f"too late to cancel {name}: it is already {status.label}")
            if status is S.PACKED and not self._open_exception(
                order, ExceptionKind.CANCELLED_AFTER_PACK
            ):
                self._exception(
                    order,
                    ExceptionKind.CANCELLED_AFTER_PACK,
                    "cancelled in the shop after packing: stop the parcel",
                )
            self.report.tally("too late").add(name)
            return
        cancel_on_floor(
            self.uow, self.actor, order, by="in the shop", detail="cancelled in the shop"
        )
        self.report.tally("cancelled").add(name)

    def _payment(self, order: Order, status: S, where: S, financial: str) -> bool:
        changed = order.financial_status != financial
        order.financial_status = financial
        wants_hold = financial in releasing.HOLD_FINANCIAL
        if wants_hold and status is not S.ON_HOLD:
            if where in EDITABLE:
                self._hold_for_payment(order)
                return True
            if where not in GONE:
                self.report.note(
                    f"{order.name} is now '{financial}' in the shop "
                    f"but already {where.label}: check it"
                )
        elif not wants_hold and status is S.ON_HOLD and order.hold_reason.startswith("payment"):
            events.change_status(
                self.uow,
                order,
                S(order.held_from or S.NEW),
                self.actor,
                detail=f"payment {financial}",
            )
            self.report.tally("hold lifted").add(order.name)
            return True
        return changed

    def _replace_lines(
        self, order: Order, status: S, lines: list[OrderLine], new_lines: dict[str, dict]
    ) -> None:
        allocation.deallocate_order(self.uow, order, self.actor)
        by_sku = {line.sku: line for line in lines}
        next_no = max((line.line_no for line in lines), default=0) + 1
        for sku, values in new_lines.items():
            line = by_sku.pop(sku, None)
            if line is None:
                self.uow.add(OrderLine(order_id=order.id, line_no=next_no, **values))
                next_no += 1
                continue
            line.quantity = values["quantity"]
            line.price = values["price"]
            line.name = values["name"]
            line.qty_short = min(line.qty_short, line.quantity)
            self.uow.add(line)
        for line in by_sku.values():
            # Kept with quantity 0 rather than deleted: allocations and the log point at it.
            line.quantity = 0
            line.qty_short = 0
            self.uow.add(line)
        self.uow.flush()
        if status in (S.READY_TO_PICK, S.BACKORDERED):
            allocation.allocate_order(self.uow, order, self.actor)
        elif status is S.ON_HOLD and order.held_from in (S.READY_TO_PICK, S.BACKORDERED):
            # Its stock was given back; when the hold is lifted it is released afresh.
            order.held_from = S.NEW
            order.release_at = min(order.release_at or self.now, self.now)
