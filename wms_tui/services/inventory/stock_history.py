"""One stock row's history, for F6 on the stock screen and ``wms stock --history``:
the ledger's movements of a SKU (in one bin, or everywhere) with the events the
ledger does not say, on the warehouse's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from wms_tui.domain.enums import EventKind
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Event, Location, Operator, Order, Product, Stock, StockMovement
from wms_tui.domain.shown import excerpt
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.inventory.stock_queries import filter_text
from wms_tui.store import Store

# Events about stock that the ledger does not already say (every ledger row has its
# stock.move event, shown once, as the movement).
STOCK_EVENTS = (
    EventKind.STOCK_ALLOCATE,
    EventKind.SHORT_PICK,
    EventKind.RECEIVING_DAMAGED,
    EventKind.BARCODE_LINKED,
)
# Events about a bin rather than a SKU.
BIN_EVENTS = (EventKind.CYCLE_COUNT, EventKind.LOCATION_FLAGGED)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime  # on the warehouse's clock
    what: str  # a movement's reason (RECEIVED, PICKED, …) or an event's kind
    qty: int | None
    from_loc: str
    to_loc: str
    who: str
    terminal: str
    order: str
    detail: str
    movement: bool  # a stock ledger row (else an event)


@dataclass(frozen=True)
class RowHistory:
    sku: str
    bin: str  # "" for the SKU's whole history
    tz_name: str
    entries: tuple[HistoryEntry, ...]  # newest first
    more: bool  # older entries left out


def row_history(store: Store, sku: str, bin: str = "", *, limit: int = 100) -> RowHistory:
    """One stock row's history, newest first: its ledger movements and the events
    about it (allocations, short picks, damage, counts and flags of its bins)."""
    code = filter_text(sku, "SKU")
    bin_code = filter_text(bin, "bin").upper()
    if not code:
        raise DomainError("Which SKU? Choose a row or type a SKU")
    with store.read() as s:
        product = s.exec(select(Product).where(Product.sku == code)).first()
        if product is None:
            raise NotFound(f"No SKU '{excerpt(code)}'")
        loc = None
        if bin_code:
            loc = s.exec(select(Location).where(Location.code == bin_code)).first()
            if loc is None:
                raise NotFound(f"No bin '{excerpt(bin_code)}'")
        tz = warehouse_zone(s)
        sku_code, bin_shown = product.sku, loc.code if loc is not None else ""
        src, dst = aliased(Location), aliased(Location)
        moves = (
            select(StockMovement, src.code, dst.code, Operator.name, Order.name)
            .outerjoin(src, src.id == StockMovement.from_location_id)
            .outerjoin(dst, dst.id == StockMovement.to_location_id)
            .outerjoin(Operator, col(Operator.id) == StockMovement.operator_id)
            .outerjoin(Order, col(Order.id) == StockMovement.order_id)
            .where(StockMovement.product_id == product.id)
            .order_by(col(StockMovement.at).desc(), col(StockMovement.id).desc())
            .limit(limit + 1)
        )
        if loc is not None:
            moves = moves.where(
                or_(
                    StockMovement.from_location_id == loc.id, StockMovement.to_location_id == loc.id
                )
            )
        entries = [
            HistoryEntry(
                at=mv.at.astimezone(tz),
                what=mv.reason,
                qty=mv.qty,
                from_loc=a or "",
                to_loc=b or "",
                who=who or "",
                terminal=mv.terminal,
                order=order or "",
                detail=mv.reference,
                movement=True,
            )
            for mv, a, b, who, order in s.exec(moves).all()
        ]
        moves_in = list(entries)
        # Two queries, not one with OR, each on its own index: the SKU's events newest
        # first by ix_event_sku_at; its bins' counts and flags (a few a month) by kind,
        # unordered: given "ORDER BY at LIMIT n" SQLite walked the whole log by time.
        about_sku = select(Event).where(Event.sku == product.sku, col(Event.kind).in_(STOCK_EVENTS))
        if loc is not None:
            here = or_(
                Event.location == loc.code,
                Event.from_location == loc.code,
                Event.to_location == loc.code,
            )
            # allocations name no bin: by bin, only what happened in this bin
            about_sku = about_sku.where(here)
            in_bins = Event.location == loc.code
        else:
            its_bins = (
                select(Location.code)
                .join(Stock, col(Stock.location_id) == Location.id)
                .where(Stock.product_id == product.id)
            )
            in_bins = col(Event.location).in_(its_bins)
        newest = (col(Event.at).desc(), col(Event.id).desc())
        events = sorted(
            [
                *s.exec(about_sku.order_by(*newest).limit(limit + 1)),
                *s.exec(select(Event).where(col(Event.kind).in_(BIN_EVENTS), in_bins)),
            ],
            key=lambda ev: (ev.at, ev.id),
            reverse=True,
        )
        entries += [
            HistoryEntry(
                at=ev.at.astimezone(tz),
                what=ev.kind,
                qty=ev.qty,
                from_loc=ev.from_location,
                to_loc=ev.to_location or ev.location,
                who=ev.operator_name,
                terminal=ev.terminal,
                order=ev.order_name,
                detail=ev.detail,
                movement=False,
            )
            for ev in events
        ]
    # Times are whole seconds: within one, an event follows the moves of its use case
    # (a count adjusts, then logs), and each list keeps its own (at, id) order.
    n_moves = len(moves_in)
    ranked = [(e.at, 0, -i, e) for i, e in enumerate(moves_in)]
    ranked += [(e.at, 1, -i, e) for i, e in enumerate(entries[n_moves:])]
    ranked.sort(key=lambda r: r[:3], reverse=True)
    entries = [r[3] for r in ranked]
    return RowHistory(
        sku=sku_code,
        bin=bin_shown,
        tz_name=str(tz),
        entries=tuple(entries[:limit]),
        more=len(entries) > limit,
    )
