"""An order's life as one list of typed steps: the timeline of the order trace
and of the order's own screen.

Every event of the order and every customer notice becomes a
:class:`TraceStep` with its stage (shop, release, allocate, pick, QC, pack,
weigh, label, dispatch, notice, return), the step in words, who and on which
terminal, its time on the warehouse's clock, and a flag when it is something
to look at first (a QC catch, an undo, a refused scan, a take-over, a weight
override, a short pick, a return). Built here once; the trace screen, the
order screen and ``wms trace`` only render it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.models import Event, Notice

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


def event_words(ev: Event) -> str:
    if ev.kind == EventKind.ORDER_STATUS:
        return f"{ev.from_state or '·'} → {ev.to_state}"
    if ev.kind == EventKind.STOCK_MOVE:
        reason = ev.detail.split(" ", 1)[0] if ev.detail else ""
        where = f"{ev.from_location or '·'} → {ev.to_location or 'out'}"
        return f"{reason.lower()} {ev.qty or 0} × {ev.sku} {where}".strip()
    parts = [ev.kind]
    if ev.sku:
        parts.append(f"{ev.qty or ''} × {ev.sku}".strip(" ×") if ev.qty else ev.sku)
    if ev.detail:
        parts.append(ev.detail)
    return " ".join(parts)


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
    K.PACK_MISSING,
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
    if ev.kind == K.PACK_MISSING:
        return f"{qty_sku} not in tote {ev.from_location}: the supervisor decides"
    if ev.kind == K.STOCK_ALLOCATE:
        return f"allocated {qty_sku}"
    if ev.kind == K.PACK_SCAN:
        # detail is "parcel N CODE": the code only when it says more than the SKU (a
        # packer who typed the SKU read "scanned 1 × MUG, parcel 1 MUG").
        parcel, _, code = (ev.detail or "").partition(" ")[2].partition(" ")
        if not ev.detail.startswith("parcel ") or not parcel.isdigit():
            return f"scanned {qty_sku}, {ev.detail}".rstrip(", ")
        return f"scanned {qty_sku} into parcel {parcel}{_code_note(code, ev.sku)}"
    if ev.kind == K.RETURN_LINE:
        return f"came back: {qty_sku}, {ev.detail}".rstrip(", ")
    if ev.kind == K.PACK_UNDO and ev.sku:
        # An undo's event carries the units taken out as a negative quantity.
        units = f"{abs(ev.qty or 0)} × {ev.sku}"
        return f"undid a scan of {units}{_code_note(ev.detail, ev.sku)}"
    if ev.kind == K.PACK_TAKEOVER:
        return f"take-over: {ev.detail}"
    phrase = _PHRASES.get(ev.kind)
    if phrase is not None:
        return f"{phrase}: {ev.detail}" if ev.detail else phrase
    return event_words(ev)


def _code_note(code: str, sku: str | None) -> str:
    """ " (code 7350053000018)" for a barcode or case code; nothing for the SKU itself."""
    code = code.strip()
    if not code or code.casefold() == (sku or "").casefold():
        return ""
    return f" (code {code})"


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


def steps(session: Session, order_id: int, tz: ZoneInfo) -> list[TraceStep]:
    """Every event of the order and every customer notice, oldest first, as steps."""
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
