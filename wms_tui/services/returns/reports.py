"""Return reports: why things come back, which SKUs, and whose errors they were.

Every figure is computed from the return receipts and lines booked at the
returns desk. Accountability (who picked and packed a unit that came back for
a controllable reason) is read from the event log, stock ledger, pack scans and
parcels (see :mod:`wms_tui.services.returns.accountability`). A line handled by two
people counts for both of them, so the person tables are "involved in", not
shares that add up to the total.

Periods are whole days in the warehouse's time zone, both ends included.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.codes import rma_code
from wms_tui.domain.enums import ReasonCause, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Location,
    Operator,
    Order,
    OrderLine,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
)
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.returns import accountability
from wms_tui.store import Store

NOT_RECORDED = "(not recorded)"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    returns: int  # receipts (parcels) involved
    units: int
    controllable_units: int = 0
    controllable: bool | None = None  # set for reasons only

    def share(self, total: int) -> float:
        return 100.0 * self.units / total if total else 0.0


@dataclass(frozen=True)
class DetailRow:
    """One booked return line with everything a spreadsheet needs."""

    at: datetime
    rma: str
    order: str
    sku: str
    name: str
    qty: int
    reason_code: str
    reason: str
    controllable: bool
    cause: str  # ReasonCause value
    disposition: str
    location: str
    note: str
    resolution: str
    exchange_order: str
    received_by: str
    picked_by: str
    packed_by: str


@dataclass(frozen=True)
class ReturnReport:
    date_from: date | None
    date_to: date | None
    receipts: int
    units: int
    controllable_units: int
    by_reason: tuple[Row, ...]
    by_cause: tuple[Row, ...]
    by_sku: tuple[Row, ...]
    by_packer: tuple[Row, ...]
    by_picker: tuple[Row, ...]
    details: tuple[DetailRow, ...]
    pick_units: int = 0  # units back for a reason of our pick: what pickers are measured on
    pack_units: int = 0  # ... of our pack: what packers are measured on

    @property
    def period(self) -> str:
        if self.date_from is None and self.date_to is None:
            return "all time"
        a = self.date_from.isoformat() if self.date_from else "start"
        b = self.date_to.isoformat() if self.date_to else "today"
        return a if a == b else f"{a} to {b}"


def _bounds(
    tz: ZoneInfo, date_from: date | None, date_to: date | None
) -> tuple[datetime | None, datetime | None]:
    if date_from and date_to and date_from > date_to:
        raise DomainError(f"The period starts ({date_from}) after it ends ({date_to})")
    start = datetime.combine(date_from, time.min, tz).astimezone(UTC) if date_from else None
    end = (
        datetime.combine(date_to + timedelta(days=1), time.min, tz).astimezone(UTC)
        if date_to
        else None
    )
    return start, end


class _Tally:
    """Receipts and units per key, in one pass."""

    def __init__(self) -> None:
        self.units: dict[str, int] = defaultdict(int)
        self.ctrl: dict[str, int] = defaultdict(int)
        self.receipts: dict[str, set[int]] = defaultdict(set)
        self.labels: dict[str, str] = {}
        self.flags: dict[str, bool] = {}

    def add(self, key: str, label: str, receipt: int, qty: int, controllable: bool) -> None:
        self.units[key] += qty
        self.ctrl[key] += qty if controllable else 0
        self.receipts[key].add(receipt)
        self.labels.setdefault(key, label)
        self.flags.setdefault(key, controllable)

    def rows(self, *, with_flag: bool = False) -> tuple[Row, ...]:
        rows = [
            Row(
                key=k,
                label=self.labels[k],
                returns=len(self.receipts[k]),
                units=u,
                controllable_units=self.ctrl[k],
                controllable=self.flags[k] if with_flag else None,
            )
            for k, u in self.units.items()
        ]
        return tuple(sorted(rows, key=lambda r: (-r.units, -r.returns, r.label.lower())))


def build_report(
    store: Store,
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    actor: Actor | None = None,
) -> ReturnReport:
    """The report for whole days ``date_from``..``date_to`` (None: open-ended).

    ``actor`` is checked when given (the floor screens); the CLI is an admin tool.
    """
    if actor is not None:
        actor.require(Role.SUPERVISOR, action="read return reports")
    with store.read() as s:
        tz = warehouse_zone(s)
        start, end = _bounds(tz, date_from, date_to)
        stmt = (
            select(ReturnLine, ReturnReceipt, OrderLine, ReturnReason, Order)
            .join(ReturnReceipt, col(ReturnReceipt.id) == ReturnLine.return_id)
            .join(OrderLine, col(OrderLine.id) == ReturnLine.order_line_id)
            .join(ReturnReason, col(ReturnReason.code) == ReturnLine.reason_code)
            .join(Order, col(Order.id) == ReturnReceipt.order_id)
            .order_by(col(ReturnReceipt.at), col(ReturnLine.id))
        )
        if start is not None:
            stmt = stmt.where(ReturnReceipt.at >= start)
        if end is not None:
            stmt = stmt.where(ReturnReceipt.at < end)
        rows = s.exec(stmt).all()
        handlers = accountability.handlers_for_orders(s, {o.id for *_, o in rows})  # type: ignore[misc]
        op_ids = {r.operator_id for _, r, *_ in rows if r.operator_id is not None}
        ex_ids = {r.exchange_order_id for _, r, *_ in rows if r.exchange_order_id is not None}
        loc_ids = {rl.location_id for rl, *_ in rows if rl.location_id is not None}
        operators = _names(s, Operator, op_ids)
        exchanges = _names(s, Order, ex_ids)
        locations = {
            loc.id: loc.code
            for loc in s.exec(select(Location).where(col(Location.id).in_(loc_ids)))
        }

        reasons, causes, skus, packers, pickers = _Tally(), _Tally(), _Tally(), _Tally(), _Tally()
        details: list[DetailRow] = []
        receipt_ids: set[int] = set()
        units = ctrl_units = pick_units = pack_units = 0
        for rl, receipt, line, reason, order in rows:
            rid = receipt.id
            cause = _cause(reason.cause)
            ctrl = cause.ours
            receipt_ids.add(rid)
            units += rl.qty
            ctrl_units += rl.qty if ctrl else 0
            reasons.add(reason.code, reason.label, rid, rl.qty, ctrl)
            causes.add(cause.value, cause.label.capitalize(), rid, rl.qty, ctrl)
            skus.add(line.sku, line.name, rid, rl.qty, ctrl)
            h = handlers[order.id].lines.get(line.id, accountability.LineHandlers())  # type: ignore[index, arg-type]
            # A packer answers for pack causes only, a picker for pick causes
            # only: a parcel the carrier crushed is nobody's on the floor.
            if cause is ReasonCause.PACK:
                pack_units += rl.qty
                for name in h.packers or [NOT_RECORDED]:
                    packers.add(name, name, rid, rl.qty, True)
            if cause is ReasonCause.PICK:
                pick_units += rl.qty
                for name in h.pickers or [NOT_RECORDED]:
                    pickers.add(name, name, rid, rl.qty, True)
            details.append(
                DetailRow(
                    at=receipt.at.astimezone(tz),
                    rma=rma_code(order.id),  # type: ignore[arg-type]
                    order=order.name,
                    sku=line.sku,
                    name=line.name,
                    qty=rl.qty,
                    reason_code=reason.code,
                    reason=reason.label,
                    controllable=ctrl,
                    cause=cause.value,
                    disposition=rl.disposition,
                    location=locations.get(rl.location_id, ""),  # type: ignore[arg-type]
                    note=rl.note,
                    resolution=receipt.resolution,
                    exchange_order=exchanges.get(receipt.exchange_order_id, ""),  # type: ignore[arg-type]
                    received_by=operators.get(receipt.operator_id, ""),  # type: ignore[arg-type]
                    picked_by=" / ".join(h.pickers),
                    packed_by=" / ".join(h.packers),
                )
            )

    return ReturnReport(
        date_from=date_from,
        date_to=date_to,
        receipts=len(receipt_ids),
        units=units,
        controllable_units=ctrl_units,
        by_reason=reasons.rows(with_flag=True),
        by_cause=causes.rows(with_flag=True),
        by_sku=skus.rows(),
        by_packer=packers.rows(),
        by_picker=pickers.rows(),
        details=tuple(details),
        pick_units=pick_units,
        pack_units=pack_units,
    )


def _cause(value: str) -> ReasonCause:
    try:
        return ReasonCause(value)
    except ValueError:
        return ReasonCause.CUSTOMER


def _names(session: Session, model: type, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {row.id: row.name for row in session.exec(select(model).where(model.id.in_(ids)))}


PERIODS: dict[str, tuple[str, int | None]] = {
    "today": ("today", 1),
    "week": ("last 7 days", 7),
    "month": ("last 30 days", 30),
    "all": ("all time", None),
}


def period_dates(store: Store, name: str) -> tuple[date | None, date | None]:
    """(first day, last day) of a named period ending today in the warehouse."""
    if name not in PERIODS:
        raise DomainError(f"Unknown period {name}: {', '.join(PERIODS)}")
    days = PERIODS[name][1]
    if days is None:
        return None, None
    with store.read() as s:
        today = utcnow().astimezone(warehouse_zone(s)).date()
    return today - timedelta(days=days - 1), today


def people_total(report: ReturnReport, attr: str) -> int:
    """What a section's shares are of: packers are measured against the units
    back for our pack, pickers against our pick; everything else all units."""
    return {"by_packer": report.pack_units, "by_picker": report.pick_units}.get(attr, report.units)
