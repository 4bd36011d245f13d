"""Who picked and who packed each order line, read back from what was recorded.

Picking and packing record their work in several places; this module reads all
of them so the answer does not depend on one feature's naming:

* pickers: events whose kind starts with ``pick`` naming the line's SKU, and
  stock movements with reason PICKED for the order and product;
* packers: pack-station scans (``PackScan``), events whose kind contains
  ``pack`` naming the SKU, stock movements with reason PACKED; when nothing
  names the line, whoever packed the order's parcels (``Parcel.packed_by_name``)
  or logged an order-level packing event.

Events that undo or skip work (``pick.short``, ``pack.undo`` ...) name someone
who did *not* handle the unit, so they are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from wms_tui.domain.enums import MovementReason, ParcelStatus
from wms_tui.domain.models import (
    Event,
    Operator,
    OrderLine,
    PackScan,
    Parcel,
    StockMovement,
)

_NOT_HANDLING = ("short", "skip", "undo", "cancel", "void", "unlock", "release", "unpick")
_CHUNK = 500  # stay far below every driver's bound-parameter limit


@dataclass
class LineHandlers:
    pickers: list[str] = field(default_factory=list)
    packers: list[str] = field(default_factory=list)


@dataclass
class OrderHandlers:
    lines: dict[int, LineHandlers] = field(default_factory=dict)
    packed_at: datetime | None = None

    @property
    def pickers(self) -> list[str]:
        return _unique(n for h in self.lines.values() for n in h.pickers)

    @property
    def packers(self) -> list[str]:
        return _unique(n for h in self.lines.values() for n in h.packers)


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for n in names:
        if n:
            seen.setdefault(n, None)
    return list(seen)


def _handles(kind: str) -> bool:
    k = kind.lower()
    return not any(word in k for word in _NOT_HANDLING)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def handlers_for_orders(session: Session, order_ids: Iterable[int]) -> dict[int, OrderHandlers]:
    """Per order id: pickers and packers of each line (by order line id)."""
    ids = sorted(set(order_ids))
    out: dict[int, OrderHandlers] = {oid: OrderHandlers() for oid in ids}
    if not ids:
        return out
    lines: list[OrderLine] = []
    events: list[Event] = []
    moves: list[StockMovement] = []
    scans: list[PackScan] = []
    parcels: list[Parcel] = []
    for chunk in _chunks(ids):
        lines += session.exec(select(OrderLine).where(col(OrderLine.order_id).in_(chunk))).all()
        events += session.exec(
            select(Event)
            .where(
                col(Event.order_id).in_(chunk),
                col(Event.kind).like("%pick%") | col(Event.kind).like("%pack%"),
            )
            .order_by(col(Event.at), col(Event.id))
        ).all()
        moves += session.exec(
            select(StockMovement)
            .where(
                col(StockMovement.order_id).in_(chunk),
                col(StockMovement.reason).in_([MovementReason.PICKED, MovementReason.PACKED]),
            )
            .order_by(col(StockMovement.at), col(StockMovement.id))
        ).all()
        scans += session.exec(
            select(PackScan)
            .where(col(PackScan.order_id).in_(chunk))
            .order_by(col(PackScan.at), col(PackScan.id))
        ).all()
        parcels += session.exec(
            select(Parcel)
            .where(col(Parcel.order_id).in_(chunk), Parcel.status != ParcelStatus.VOID)
            .order_by(col(Parcel.seq))
        ).all()

    op_ids = {m.operator_id for m in moves} | {s.operator_id for s in scans}
    op_ids.discard(None)
    names: dict[int, str] = {}
    if op_ids:
        for op in session.exec(select(Operator).where(col(Operator.id).in_(op_ids))):
            names[op.id] = op.name  # type: ignore[index]

    pick_by_sku: dict[tuple[int, str], list[str]] = defaultdict(list)
    pack_by_sku: dict[tuple[int, str], list[str]] = defaultdict(list)
    pick_by_order: dict[int, list[str]] = defaultdict(list)
    pack_by_order: dict[int, list[str]] = defaultdict(list)
    for ev in events:
        kind = ev.kind.lower()
        if not _handles(kind) or ev.order_id is None or (ev.qty is not None and ev.qty <= 0):
            continue
        if kind.startswith("pick"):
            target = pick_by_sku[(ev.order_id, ev.sku)] if ev.sku else pick_by_order[ev.order_id]
            target.append(ev.operator_name)
        elif "pack" in kind:
            target = pack_by_sku[(ev.order_id, ev.sku)] if ev.sku else pack_by_order[ev.order_id]
            target.append(ev.operator_name)

    move_names: dict[tuple[int, int, str], list[str]] = defaultdict(list)
    for mv in moves:
        if mv.operator_id in names and mv.order_id is not None:
            move_names[(mv.order_id, mv.product_id, mv.reason)].append(names[mv.operator_id])

    scan_qty: dict[tuple[int, int], int] = defaultdict(int)
    for sc in scans:
        if sc.operator_id is not None:
            scan_qty[(sc.order_line_id, sc.operator_id)] += sc.qty
    scan_names: dict[int, list[str]] = defaultdict(list)
    for (line_id, op_id), qty in scan_qty.items():
        if qty > 0 and op_id in names:
            scan_names[line_id].append(names[op_id])

    parcel_packers: dict[int, list[str]] = defaultdict(list)
    for p in parcels:
        parcel_packers[p.order_id].append(p.packed_by_name)
        oh = out[p.order_id]
        if p.packed_at is not None and (oh.packed_at is None or p.packed_at > oh.packed_at):
            oh.packed_at = p.packed_at

    for line in sorted(lines, key=lambda ln: (ln.order_id, ln.line_no)):
        oid = line.order_id
        pickers = _unique(
            [
                *pick_by_sku.get((oid, line.sku), []),
                *move_names.get((oid, line.product_id, MovementReason.PICKED), []),
            ]
        ) or _unique(pick_by_order.get(oid, []))
        packers = _unique(
            [
                *scan_names.get(line.id, []),  # type: ignore[arg-type]
                *pack_by_sku.get((oid, line.sku), []),
                *move_names.get((oid, line.product_id, MovementReason.PACKED), []),
            ]
        ) or _unique([*parcel_packers.get(oid, []), *pack_by_order.get(oid, [])])
        out[oid].lines[line.id] = LineHandlers(pickers, packers)  # type: ignore[index]
    return out
