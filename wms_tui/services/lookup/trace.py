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

The event log is the record (every scan, QC catch and take-over is logged);
the pack-scan rows give the per-packer counts, the return lines the reasons.
Times are kept in UTC and also given as text on the warehouse's clock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

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
    Notice,
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
from wms_tui.services.core import order_names
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch.handover import parcel_code
from wms_tui.services.lookup.order_lookup import event_words, search
from wms_tui.store import Store

K = EventKind
S = OrderStatus
TIME_FORMAT = "%d %b %H:%M:%S"


class Stage(StrEnum):
    SHOP = "shop"
    RELEASE = "release"
    HOLD = "hold"
    ALLOCATE = "allocate"
    PICK = "pick"
    QC = "qc"
    PACK = "pack"
    WEIGH = "weigh"
    LABEL = "label"
    DISPATCH = "dispatch"
    NOTICE = "notice"
    RETURN = "return"
    OTHER = "other"


@dataclass(frozen=True)
class TraceStep:
    at: datetime  # UTC
    local: str  # ``at`` on the warehouse's clock, as text
    stage: Stage
    kind: str  # the EventKind value, or "notice"
    what: str  # in words
    who: str
    terminal: str
    flagged: bool = False  # something to look at: QC, undo, take-over, override, short, return


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
        raise NotFound(f"No order matches {q!r}")
    if len(hits) > 1:
        names = ", ".join(sorted(h.name for h in hits)[:3]) + ("…" if len(hits) > 3 else "")
        raise DomainError(f"{len(hits)} orders match {q!r} ({names}): type the order number")
    return hits[0].order_id, hits[0].matched


# --------------------------------------------------------------------------- steps


_STAGE_OF_KIND: dict[str, Stage] = {
    K.ORDER_IMPORTED: Stage.SHOP,
    K.ORDER_CREATED: Stage.SHOP,
    K.ORDER_UPDATED: Stage.SHOP,
    K.ORDER_SPLIT: Stage.SHOP,
    K.ORDER_PRIORITY: Stage.RELEASE,
    K.STOCK_ALLOCATE: Stage.ALLOCATE,
    K.STOCK_DEALLOCATE: Stage.ALLOCATE,
    K.WAVE_ORDER: Stage.PICK,
    K.TASK_CREATED: Stage.PICK,
    K.TASK_CLAIMED: Stage.PICK,
    K.TASK_RESUMED: Stage.PICK,
    K.TASK_PAUSED: Stage.PICK,
    K.TASK_RELEASED: Stage.PICK,
    K.TASK_DONE: Stage.PICK,
    K.PICK_UNIT: Stage.PICK,
    K.PICK_REFUSED: Stage.PICK,
    K.STOP_SKIPPED: Stage.PICK,
    K.SHORT_PICK: Stage.PICK,
    K.QC_FAIL: Stage.QC,
    K.PACK_WEIGHT: Stage.WEIGH,
    K.WEIGHT_OVERRIDE: Stage.WEIGH,
    K.PACK_CLOSE: Stage.LABEL,
    K.LABEL_REPRINT: Stage.LABEL,
    K.PARCEL_LOADED: Stage.DISPATCH,
    K.PARCEL_UNLOADED: Stage.DISPATCH,
    K.PARCEL_VOIDED: Stage.DISPATCH,
    K.MANIFEST_CLOSED: Stage.DISPATCH,
    K.SHOP_FULFILLED: Stage.DISPATCH,
    K.RETURN_ANNOUNCED: Stage.RETURN,
    K.RETURN_RECEIVED: Stage.RETURN,
    K.RETURN_LINE: Stage.RETURN,
    K.RETURN_SCRAP: Stage.RETURN,
    K.EXCEPTION_CLOSED: Stage.OTHER,
}

_STAGE_OF_STATUS = {
    S.READY_TO_PICK: Stage.RELEASE,
    S.BACKORDERED: Stage.ALLOCATE,
    S.PICKING: Stage.PICK,
    S.PICKED: Stage.PICK,
    S.PACKING: Stage.PACK,
    S.PACKED: Stage.LABEL,
    S.DISPATCHED: Stage.DISPATCH,
    S.RETURNED: Stage.RETURN,
    S.ON_HOLD: Stage.HOLD,
    S.CANCELLED: Stage.HOLD,
    S.NEW: Stage.SHOP,
}

_STAGE_OF_MOVE = {
    "PICKED": Stage.PICK,
    "UNPICKED": Stage.PICK,
    "PACKED": Stage.PACK,
    "SHIPPED": Stage.DISPATCH,
    "RETURNED": Stage.RETURN,
    "QUARANTINED": Stage.QC,
    "SCRAPPED": Stage.RETURN,
}

# Steps a supervisor looks at first when something went wrong.
_FLAGGED = {
    K.QC_FAIL,
    K.PACK_REFUSED,
    K.PICK_REFUSED,
    K.PACK_UNDO,
    K.PACK_TAKEOVER,
    K.PACK_MOVED,
    K.WEIGHT_OVERRIDE,
    K.SHORT_PICK,
    K.STOP_SKIPPED,
    K.TASK_RELEASED,
    K.LABEL_REPRINT,
    K.PARCEL_UNLOADED,
    K.PARCEL_VOIDED,
    K.RETURN_ANNOUNCED,
    K.RETURN_RECEIVED,
    K.RETURN_LINE,
    K.RETURN_SCRAP,
}


def _stage(ev: Event) -> Stage:
    if ev.kind == K.ORDER_STATUS:
        try:
            return _STAGE_OF_STATUS.get(S(ev.to_state), Stage.OTHER)
        except ValueError:
            return Stage.OTHER
    if ev.kind == K.STOCK_MOVE:
        reason = ev.detail.split(" ", 1)[0] if ev.detail else ""
        return _STAGE_OF_MOVE.get(reason, Stage.OTHER)
    if ev.kind in _STAGE_OF_KIND:
        return _STAGE_OF_KIND[ev.kind]
    if ev.kind.startswith("pack."):
        return Stage.PACK
    return Stage.OTHER


def _words(ev: Event) -> str:
    """The step in words; the lookup's ``event_words`` for kinds without a phrase."""
    qty_sku = f"{ev.qty or 0} × {ev.sku}"
    if ev.kind == K.ORDER_STATUS:
        phrase = {
            S.READY_TO_PICK.value: "released to the floor",
            S.ON_HOLD.value: "put on hold",
            S.DISPATCHED.value: "dispatched",
            S.RETURNED.value: "returned",
            S.CANCELLED.value: "cancelled",
            S.BACKORDERED.value: "waiting for stock",
        }.get(ev.to_state, "")
        text = f"{ev.from_state or '·'} → {ev.to_state}"
        text = f"{phrase} ({text})" if phrase else text
        return f"{text}: {ev.detail}" if ev.detail and ev.to_state == S.ON_HOLD else text
    if ev.kind == K.PICK_UNIT:
        return f"picked {qty_sku} from {ev.from_location} into tote {ev.to_location}"
    if ev.kind == K.QC_FAIL:
        return f"QC took out {qty_sku} ({ev.detail}) {ev.from_location} → {ev.to_location}"
    if ev.kind == K.STOCK_ALLOCATE:
        return f"allocated {qty_sku}"
    if ev.kind == K.PACK_SCAN:
        return f"scanned {qty_sku}, {ev.detail}".rstrip(", ")
    if ev.kind == K.RETURN_LINE:
        return f"came back: {qty_sku}, {ev.detail}".rstrip(", ")
    if ev.kind == K.PACK_UNDO and ev.sku:
        return f"undid a scan of {qty_sku} {ev.detail}".rstrip()
    if ev.kind == K.PACK_TAKEOVER:
        return f"take-over: {ev.detail}"
    phrase = _PHRASES.get(ev.kind)
    if phrase is not None:
        return f"{phrase}: {ev.detail}" if ev.detail else phrase
    return event_words(ev)


# Kinds whose meaning sits in ``detail``: a phrase in front says what happened.
_PHRASES = {
    K.ORDER_IMPORTED: "received from the shop",
    K.ORDER_CREATED: "created",
    K.TASK_CLAIMED: "pick task claimed",
    K.TASK_RESUMED: "pick task resumed",
    K.TASK_PAUSED: "pick task paused",
    K.TASK_RELEASED: "pick task taken over",
    K.PACK_OPEN: "opened at the pack station",
    K.PACK_PARCEL: "another parcel",
    K.PACK_CARTON: "carton",
    K.PACK_WEIGHT: "weighed",
    K.WEIGHT_OVERRIDE: "weight accepted by a supervisor",
    K.PACK_CLOSE: "closed, labels and slip printed",
    K.LABEL_REPRINT: "label reprinted",
    K.PACK_HANDOVER: "hand-over",
    K.PACK_MOVED: "moved to another station",
    K.PARCEL_LOADED: "handed to the carrier",
    K.PARCEL_UNLOADED: "taken off the truck",
    K.PARCEL_VOIDED: "parcel voided",
    K.SHOP_FULFILLED: "shop told it shipped",
    K.RETURN_ANNOUNCED: "return announced by the shop",
    K.RETURN_RECEIVED: "return received",
    K.WAVE_ORDER: "put on a pick wave",
    K.PACK_INSERT: "insert added",
    K.PACK_REFUSED: "wrong scan refused",
    K.PICK_REFUSED: "wrong scan refused",
}


def _steps(session: Session, order_id: int, tz) -> list[TraceStep]:  # noqa: ANN001 - ZoneInfo
    events = session.exec(
        select(Event).where(Event.order_id == order_id).order_by(col(Event.at), col(Event.id))
    ).all()
    # Each pick is logged twice: as the picker's step and as the ledger's bin -> tote
    # move. The step names the same bin, tote and picker; the move is left out.
    picks_logged = any(e.kind == K.PICK_UNIT for e in events)
    steps = [
        TraceStep(
            at=e.at,
            local=days.local_time(e.at, tz, TIME_FORMAT),
            stage=_stage(e),
            kind=str(e.kind),
            what=_words(e),
            who=e.operator_name,
            terminal=e.terminal,
            flagged=e.kind in _FLAGGED
            or (e.kind == K.PACK_WEIGHT and "MISMATCH" in e.detail)
            or (e.kind == K.ORDER_STATUS and e.to_state in (S.ON_HOLD, S.CANCELLED)),
        )
        for e in events
        if not (picks_logged and e.kind == K.STOCK_MOVE and e.detail.startswith("PICKED"))
    ]
    # Notices are rows of their own (the outbox), not events: merge them in by time.
    for n in session.exec(select(Notice).where(Notice.order_id == order_id)):
        steps.append(
            TraceStep(
                at=n.at,
                local=days.local_time(n.at, tz, TIME_FORMAT),
                stage=Stage.NOTICE,
                kind="notice",
                what=f"{n.kind} notice to the customer ({'sent' if n.sent else 'in the outbox'})",
                who="",
                terminal="",
            )
        )
    steps.sort(key=lambda s: s.at)  # stable: events keep their id order within a second
    return steps


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
        t = tally.setdefault((name or "?", scan.terminal), defaultdict(int))
        # An undo row is negative; QC rows carry the unit taken out.
        t[scan.kind] += abs(scan.qty)
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
            steps=_steps(s, order_id, tz),
            allocations=_allocations(s, order_id),
            picks=_picks(s, order_id),
            packers=_packers(s, order_id),
            parcels=_parcels(s, order_id, carrier or ""),
            returns=_returns(s, order_id, tz),
        )
