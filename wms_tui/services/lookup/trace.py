"""The trace of one order: its whole life from the event log, for a supervisor
asking "where did this go wrong?".

:func:`trace` finds the order by anything a parcel, a slip or a cart carries
(order name, tracking number, SSCC, RMA, tote; a customer's name when it names
one order only) and answers with a typed :class:`OrderTrace`: a timeline where
every step has a stage (shop, release, allocate, pick, QC, pack, weigh, label,
dispatch, notice, return) and a flag when it is something to look at (a QC
catch, an undo, a take-over, a weight override, a short pick, a return), plus
the answers a supervisor asks first: from which bins, picked by whom into
which tote, packed by whom at which station with how many scans, counts, undos
and QC catches, which parcels went with which carrier, and why it came back.

The timeline's steps come from :mod:`timeline` (the order screen shows the
same ones). The event log is the record (every scan, QC catch and take-over is logged);
the pack-scan rows give the per-packer counts, the return lines the reasons.
Times are kept in UTC and also given as text on the warehouse's clock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.codes import parse_rma, rma_code
from wms_tui.domain.enums import (
    CAUSE_LABELS,
    EventKind,
    LocationKind,
    OrderStatus,
    PackScanKind,
    ReasonCause,
    Role,
)
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import (
    Allocation,
    Carrier,
    Event,
    Location,
    Manifest,
    Operator,
    Order,
    OrderLine,
    PackScan,
    Parcel,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import order_names
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch.handover import parcel_code
from wms_tui.services.lookup import timeline
from wms_tui.services.lookup.order_search import search
from wms_tui.services.lookup.timeline import TIME_FORMAT, TraceStep
from wms_tui.store import Store

K = EventKind
S = OrderStatus


@dataclass(frozen=True)
class BinAllocation:
    sku: str
    bin: str
    qty: int
    picked: int


@dataclass(frozen=True)
class PickDone:
    picker: str
    terminal: str
    sku: str
    bin: str
    tote: str
    qty: int


@dataclass(frozen=True)
class PackerWork:
    """One packer at one station: units scanned, keyed as a count, undone, caught at QC."""

    packer: str
    station: str
    scanned: int
    counted: int
    undone: int
    qc: int


@dataclass(frozen=True)
class ParcelTrace:
    seq: int
    count: int
    sscc: str
    tracking: str
    weight_g: int | None
    status: str
    packed_by: str
    station: str
    carrier: str
    manifest: str


@dataclass(frozen=True)
class ReturnedUnit:
    at: datetime
    local: str
    sku: str
    qty: int
    reason: str
    cause: str  # "our pick", "our pack", "carrier", "customer", "supplier"
    ours: bool  # the warehouse's own error
    disposition: str


@dataclass(frozen=True)
class OrderTrace:
    order_id: int
    name: str
    status: str
    matched: str  # what the code matched: order, SSCC, tracking, RMA, tote, customer
    rma: str
    carrier: str
    tz_name: str
    steps: list[TraceStep]
    allocations: list[BinAllocation]
    picks: list[PickDone]
    packers: list[PackerWork]
    parcels: list[ParcelTrace]
    returns: list[ReturnedUnit]

    @property
    def flagged(self) -> list[TraceStep]:
        return [s for s in self.steps if s.flagged]

    @property
    def totes(self) -> list[str]:
        return list(dict.fromkeys(p.tote for p in self.picks if p.tote))


# --------------------------------------------------------------------------- finding


def resolve(session: Session, code: str, *, contacts: bool = True) -> tuple[int, str]:
    """The order ``code`` names and what it matched; refuses a code naming several."""
    q = clean_scan(code)
    if not q:
        raise DomainError("Scan or type an order, tracking number, SSCC, RMA or tote")
    rma_id = parse_rma(q)
    if rma_id is not None:
        if session.get(Order, rma_id) is None:
            raise NotFound(f"{rma_code(rma_id)} matches no order: check the slip")
        return rma_id, "RMA"
    pc = parcel_code(q)
    row = session.exec(
        select(Parcel.order_id, Parcel.sscc).where(
            (Parcel.sscc == pc) | col(Parcel.tracking_number).in_({pc, q})
        )
    ).first()
    if row is not None:
        return row[0], "SSCC" if row[1] == pc else "tracking"
    named = order_names.find(session, q)
    if named is not None:
        return named.id, "order"  # type: ignore[return-value]
    tote = session.exec(
        select(Location.code).where(
            Location.kind == LocationKind.TOTE, col(Location.code).in_({q, q.upper()})
        )
    ).first()
    if tote is not None:
        # A tote is reused all day: the order of its latest pick is the one in it.
        oid = session.exec(
            select(Event.order_id)
            .where(Event.kind == K.PICK_UNIT, Event.to_location == tote)
            .order_by(col(Event.at).desc(), col(Event.id).desc())
        ).first()
        if oid is None:
            raise NotFound(f"Tote {tote} has no picks on record")
        return oid, "tote"
    hits = search(session, q, limit=5, contacts=contacts)
    if not hits:
        raise NotFound(f"No order matches '{excerpt(q)}'")
    if len(hits) > 1:
        names = ", ".join(sorted(h.name for h in hits)[:3]) + ("…" if len(hits) > 3 else "")
        raise DomainError(
            f"{len(hits)} orders match '{excerpt(q)}' ({names}): type the order number"
        )
    return hits[0].order_id, hits[0].matched


# --------------------------------------------------------------------------- summaries


def _allocations(session: Session, order_id: int) -> list[BinAllocation]:
    return [
        BinAllocation(sku, code, qty, picked)
        for sku, code, qty, picked in session.exec(
            select(OrderLine.sku, Location.code, Allocation.qty, Allocation.qty_picked)
            .join(OrderLine, col(OrderLine.id) == Allocation.order_line_id)
            .join(Location, col(Location.id) == Allocation.location_id)
            .where(OrderLine.order_id == order_id)
            .order_by(col(OrderLine.line_no), col(Location.code))
        ).all()
    ]


def _picks(session: Session, order_id: int) -> list[PickDone]:
    done: dict[tuple[str, str, str, str, str], int] = defaultdict(int)
    for ev in session.exec(
        select(Event)
        .where(Event.order_id == order_id, Event.kind == K.PICK_UNIT)
        .order_by(col(Event.at), col(Event.id))
    ):
        key = (ev.operator_name, ev.terminal, ev.sku, ev.from_location, ev.to_location)
        done[key] += ev.qty or 0
    return [PickDone(*key, qty) for key, qty in done.items()]


def _packers(session: Session, order_id: int) -> list[PackerWork]:
    tally: dict[tuple[str, str], dict[str, int]] = {}
    for scan, name in session.exec(
        select(PackScan, Operator.name)
        .join(Operator, col(Operator.id) == PackScan.operator_id, isouter=True)
        .where(PackScan.order_id == order_id)
        .order_by(col(PackScan.at), col(PackScan.id))
    ).all():
        if scan.kind == PackScanKind.QC:
            continue  # counted from the event log below
        t = tally.setdefault((name or "?", scan.terminal), defaultdict(int))
        # An undo row is negative.
        t[scan.kind] += abs(scan.qty)
    # QC catches from their qc.fail events, as the shift dashboard counts them: a unit
    # taken out of the tote before any scan has no pack-scan row (a simulated day's
    # #S1024: Märta's catch at PACK-4 was on the dashboard, not in the trace's facts).
    for name, terminal, qty in session.exec(
        select(Event.operator_name, Event.terminal, Event.qty)
        .where(Event.order_id == order_id, Event.kind == K.QC_FAIL)
        .order_by(col(Event.at), col(Event.id))
    ).all():
        t = tally.setdefault((name or "?", terminal), defaultdict(int))
        t[PackScanKind.QC] += abs(qty or 0)
    return [
        PackerWork(
            packer,
            station,
            t[PackScanKind.SCAN],
            t[PackScanKind.COUNT],
            t[PackScanKind.UNDO],
            t[PackScanKind.QC],
        )
        for (packer, station), t in tally.items()
    ]


def _parcels(session: Session, order_id: int, carrier: str) -> list[ParcelTrace]:
    return [
        ParcelTrace(
            p.seq,
            p.count,
            p.sscc or "",
            p.tracking_number or "",
            p.weight_g,
            str(p.status),
            p.packed_by_name,
            p.terminal,
            carrier,
            number or "",
        )
        for p, number in session.exec(
            select(Parcel, Manifest.number)
            .join(Manifest, col(Manifest.id) == Parcel.manifest_id, isouter=True)
            .where(Parcel.order_id == order_id)
            .order_by(col(Parcel.seq), col(Parcel.id))
        ).all()
    ]


def _returns(session: Session, order_id: int, tz) -> list[ReturnedUnit]:  # noqa: ANN001
    out = []
    for receipt, line, sku, reason in session.exec(
        select(ReturnReceipt, ReturnLine, OrderLine.sku, ReturnReason)
        .join(ReturnLine, col(ReturnLine.return_id) == ReturnReceipt.id)
        .join(OrderLine, col(OrderLine.id) == ReturnLine.order_line_id)
        .join(ReturnReason, col(ReturnReason.code) == ReturnLine.reason_code, isouter=True)
        .where(ReturnReceipt.order_id == order_id)
        .order_by(col(ReturnReceipt.at), col(ReturnLine.id))
    ).all():
        try:
            cause = ReasonCause(reason.cause) if reason else ReasonCause.CUSTOMER
        except ValueError:
            cause = ReasonCause.CUSTOMER
        out.append(
            ReturnedUnit(
                at=receipt.at,
                local=days.local_time(receipt.at, tz, TIME_FORMAT),
                sku=sku,
                qty=line.qty,
                reason=reason.label if reason else line.reason_code,
                cause=CAUSE_LABELS[cause],
                ours=cause.ours,
                disposition=line.disposition,
            )
        )
    return out


# --------------------------------------------------------------------------- the use case


def trace(store: Store, actor: Actor, code: str) -> OrderTrace:
    """The whole life of the order ``code`` names (supervisors only)."""
    actor.require(Role.SUPERVISOR, action="trace an order")
    with store.read() as s:
        order_id, matched = resolve(s, code)
        row = s.exec(
            select(Order, Carrier.name)
            .join(Carrier, col(Carrier.id) == Order.carrier_id, isouter=True)
            .where(Order.id == order_id)
        ).first()
        if row is None:
            raise NotFound(f"No order with id {order_id}")
        order, carrier = row
        tz = warehouse_zone(s)
        return OrderTrace(
            order_id=order_id,
            name=order.name,
            status=str(order.status),
            matched=matched,
            rma=rma_code(order_id),
            carrier=carrier or "",
            tz_name=str(tz),
            steps=timeline.steps(s, order_id, tz),
            allocations=_allocations(s, order_id),
            picks=_picks(s, order_id),
            packers=_packers(s, order_id),
            parcels=_parcels(s, order_id, carrier or ""),
            returns=_returns(s, order_id, tz),
        )
