"""New orders in bulk: one INSERT for a batch's orders, one for their lines, one for their log."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, insert
from sqlmodel import select

from wms_tui.adapters.shopify.csv_format import OrderRecord
from wms_tui.domain.enums import EventKind
from wms_tui.domain.models import Event, Order, OrderLine
from wms_tui.domain.text import plural
from wms_tui.services.intake import release as releasing
from wms_tui.services.intake.order_records import CHANNEL_NAMES, ImportContext, S


@cache
def _ids_by_name():
    # Built once: the order API inserts one order a call (building cost more than running).
    table = Order.__table__
    return select(table.c.name, table.c.id).where(
        table.c.name.in_(bindparam("names", expanding=True))
    )


class NewOrders(ImportContext):
    def _insert(self, new: list[tuple[OrderRecord, str]]) -> None:
        conn = self.session.connection()
        now = self.now
        rows = []
        status_logs: dict[str, dict] = {}
        for rec, digest in new:
            values = self._values(rec)
            values.update(
                name=rec.name,
                channel=self.channel,
                status=S.NEW,
                held_from=None,
                hold_reason="",
                priority=0,
                status_changed_at=now,
                cancelled_at=None,
                source_hash=digest,
                locked_by_operator_id=None,
                locked_terminal="",
                locked_at=None,
                resolution="",
            )
            if values["financial_status"] in releasing.HOLD_FINANCIAL:
                status_logs[rec.name] = self._held_on_arrival(values)
            rows.append(values)
        table = Order.__table__
        # Plain executemany (no RETURNING) is the driver's fast path; one query then
        # fetches the new ids by name.
        conn.execute(insert(table), rows)
        ids = dict(conn.execute(_ids_by_name(), {"names": [r["name"] for r in rows]}).all())
        lines: list[dict] = []
        logs: list[dict] = []
        for rec, _ in new:
            order_id = ids[rec.name]
            shipping = self._shipping_lines(rec)
            for n, line in enumerate(shipping, start=1):
                line.update(
                    order_id=order_id,
                    line_no=n,
                    qty_allocated=0,
                    qty_picked=0,
                    qty_packed=0,
                    qty_short=0,
                    short_reason="",
                    qty_returned=0,
                )
                lines.append(line)
            units = sum(line["quantity"] for line in shipping)
            logs.append(self._log_row(order_id, rec.name, len(shipping), units))
            self.report.tally("created").add(rec.name)
            held = status_logs.get(rec.name)
            if held is not None:
                held["order_id"] = order_id
                logs.append(held)
                self.report.tally("held").add(rec.name)
        if lines:
            conn.execute(insert(OrderLine.__table__), lines)
        conn.execute(insert(Event.__table__), logs)

    def _held_on_arrival(self, values: dict) -> dict:
        """Put a not-yet-inserted order on hold; returns its status log row.

        The life cycle decided once (``self._hold``) what NEW -> ON_HOLD does to an
        order and its log; every unpaid order arriving gets exactly that, without a
        load and an UPDATE per order.
        """
        reason = f"payment {values['financial_status']}"
        probe = self._hold
        values.update(
            status=probe.to_state,
            held_from=probe.from_state,
            hold_reason=reason,
            status_changed_at=self.now,
        )
        row = {c.name: getattr(probe, c.name) for c in Event.__table__.columns if c.name != "id"}
        row.update(at=self.now, order_name=values["name"], detail=reason)
        return row

    def _log_row(self, order_id: int, name: str, n_lines: int, units: int) -> dict:
        return {
            "at": self.now,
            "kind": EventKind.ORDER_IMPORTED,
            "operator_id": self.actor.operator_id,
            "operator_name": self.actor.name,
            "terminal": self.actor.terminal,
            "order_id": order_id,
            "order_name": name,
            "sku": "",
            "qty": units,
            "from_state": "",
            "to_state": S.NEW.value,
            "location": "",
            "detail": f"from {CHANNEL_NAMES.get(self.channel, self.channel)}: "
            f"{plural(n_lines, 'line')}, {plural(units, 'unit')}",
        }
