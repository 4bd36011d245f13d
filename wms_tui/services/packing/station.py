"""The pack station: scanning at the bench, and the one module the screen imports.

A scan is a unit (barcode, case code or SKU), a carton code or a weight; a
keyed count, undo and a new parcel are here too. The station's other steps
have modules of their own, re-exported below so that the screen, the CLI and
the demo call one module: opening and parking (:mod:`opening`), the queue
(:mod:`queue`), choosing a carton (:mod:`carton_choice`), weighing
(:mod:`weight`), the inserts checklist (:mod:`checklist`), quality check
(:mod:`qc`), a missing unit (:mod:`missing`), closing (:mod:`close`) and
documents (:mod:`documents`).

Every function takes plain values (the actor, an order id, what was scanned or
keyed), runs one unit of work and returns a :class:`PackView` to render. A
refused request raises a :class:`DomainError` with one line for the packer and
changes nothing: the unit of work only commits at the end of an accepted one.
"""

from __future__ import annotations

from sqlmodel import Session

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, PackScanKind, ParcelStatus
from wms_tui.domain.errors import DomainError, NotFound, UnknownCode, WrongScan
from wms_tui.domain.models import Order, OrderLine, PackScan, Parcel
from wms_tui.domain.numbers import small_number
from wms_tui.domain.planning import weighing
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events, order_names
from wms_tui.services.inventory.stock import find_product_by_scan
from wms_tui.services.packing import totes as pack_totes
from wms_tui.services.packing.carton_choice import (
    CartonOption,
    carton_options,
    choose,
    choose_carton,
)
from wms_tui.services.packing.change import Answer, ensure_parcel, mutate, require_packer
from wms_tui.services.packing.checklist import confirm_insert
from wms_tui.services.packing.close import Closed, close_order
from wms_tui.services.packing.documents import Documents, produce
from wms_tui.services.packing.missing import MISSING_REASON, report_missing
from wms_tui.services.packing.opening import current_view, open_order, release
from wms_tui.services.packing.qc import REASONS as QC_REASONS
from wms_tui.services.packing.qc import qc_fail
from wms_tui.services.packing.queue import QueueRow, left_on_bench, my_open_order, station_queue
from wms_tui.services.packing.quick_scan import progress, try_count, try_scan
from wms_tui.services.packing.reprint import reprint
from wms_tui.services.packing.state import PackContext
from wms_tui.services.packing.view import PackView, Said
from wms_tui.services.packing.weight import clear_weight, enter_weight, override_weight
from wms_tui.store import Store, UnitOfWork


def _add_units(
    uow: UnitOfWork,
    actor: Actor,
    ctx: PackContext,
    line: OrderLine,
    qty: int,
    code: str = "",
    *,
    counted_to: int | None = None,
) -> Parcel:
    need = ctx.need(line)
    if line.qty_packed + qty > need:
        # Checked under the order's row lock: no unit is ever packed twice.
        raise WrongScan(
            f"Already {line.qty_packed} of {need} {line.sku}: this one is extra", sku=line.sku
        )
    parcel = ensure_parcel(uow, ctx)
    line.qty_packed += qty
    uow.add(line)
    ctx.add_scan(
        uow,
        PackScan(
            order_id=ctx.order.id,
            order_line_id=line.id,
            parcel_id=parcel.id,
            qty=qty,
            kind=PackScanKind.SCAN if counted_to is None else PackScanKind.COUNT,
            code=code[:200],
            counted_to=counted_to,
            operator_id=actor.operator_id,
            terminal=actor.terminal,
            at=utcnow(),
        ),
    )
    clear_weight(uow, actor, parcel)
    events.log(
        uow,
        actor,
        EventKind.PACK_SCAN,
        order=ctx.order,
        sku=line.sku,
        qty=qty,
        detail=f"parcel {ctx.open_parcels.index(parcel) + 1} {code}"[:400],
    )
    return parcel


def _progress(ctx: PackContext, line: OrderLine, qty: int) -> str:
    return progress(ctx.lines, line, qty)


# --------------------------------------------------------------------------- queue / open


def scan(store: Store, actor: Actor, order_id: int, raw: str) -> PackView:
    """One scan at the station: a unit (barcode, case code or SKU), a carton code or a weight."""
    code = clean_scan(raw)
    if not code:
        raise DomainError("Nothing scanned")
    if weighing.looks_like_weight(code):
        return enter_weight(store, actor, order_id, code)
    require_packer(actor)
    quick = try_scan(store, actor, order_id, code)
    if quick is not None:
        return quick

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        s = uow.session
        carton = ctx.carton_by_code(code)
        if carton is not None:
            return choose(uow, actor, ctx, carton.code)
        try:
            scanned = find_product_by_scan(s, code)
        except NotFound:
            return _not_a_product(s, ctx, code)
        product = scanned.product
        lines = [ln for ln in ctx.lines if ln.product_id == product.id]
        if not lines:
            raise WrongScan(
                f"{product.sku} ({product.name}) is not in order {ctx.order.name}: put it aside",
                sku=product.sku,
            )
        open_lines = [ln for ln in lines if ln.qty_packed < ctx.need(ln)]
        if not open_lines:
            ln = lines[0]
            if ctx.need(ln) <= 0:
                raise WrongScan(
                    f"{ln.sku} is short-shipped on this order: put it aside", sku=ln.sku
                )
            packed = sum(x.qty_packed for x in lines)
            need = sum(ctx.need(x) for x in lines)
            raise WrongScan(
                f"Already {packed} of {need} {ln.sku} packed: this one is extra", sku=ln.sku
            )
        line = open_lines[0]
        left = ctx.need(line) - line.qty_packed
        if scanned.pack_qty > left:
            raise WrongScan(
                f"Case code counts {scanned.pack_qty} {line.sku} but only {left} "
                "more are needed: scan single units",
                sku=line.sku,
            )
        _add_units(uow, actor, ctx, line, scanned.pack_qty, code)
        return Said.ok(_progress(ctx, line, scanned.pack_qty)), line.line_no

    try:
        return mutate(store, actor, order_id, do)
    except WrongScan as refusal:
        # Pack accuracy counts it (docs/insight.md): on the record after the rollback.
        events.record_refusal(store, actor, EventKind.PACK_REFUSED, refusal, order_id)
        raise


# A bare number this long or shorter that is no product is taken for grams keyed
# without their unit (a count is three digits at most; the screen asks for those).
MAX_BARE_GRAMS_DIGITS = 5


def _not_a_product(session: Session, ctx: PackContext, code: str) -> str:
    """Explain a scan that is no product; only the order's own tote is not an error."""
    tote = pack_totes.find_tote(session, code)
    if tote is not None:
        own = [t.id for t in pack_totes.order_totes(session, ctx.order.id)]  # type: ignore[arg-type]
        if tote.id in own:
            return f"{tote.code} is this order's tote: scan the items in it"
        others = pack_totes.orders_in_tote(session, tote)
        if others:
            raise DomainError(
                f"Tote {tote.code} belongs to order {others[0].name}, not {ctx.order.name}"
            )
        raise DomainError(f"Tote {tote.code} is not this order's tote")
    # Indexed forms only: an unknown barcode must be refused as fast as a good scan.
    order = order_names.find(session, code, mixed_case=False)
    if order is not None:
        if order.id == ctx.order.id:
            return f"That is this order ({order.name}): scan the items"
        raise DomainError(f"That is order {order.name}: close or park {ctx.order.name} first (F12)")
    if code.isascii() and code.isdigit() and len(code) <= MAX_BARE_GRAMS_DIGITS:
        # No barcode is this short (EAN-8 is the shortest): the grams off the scale,
        # keyed without a unit. Said as such, and not a wrong scan on the record.
        raise DomainError(f"{code} is no barcode: key a weight with its unit, {code} g")
    raise UnknownCode(f"Unknown barcode {excerpt(code)}")


def line_for_scan(store: Store, actor: Actor, order_id: int, code: str) -> int:
    """The order line a scanned unit (barcode, case code, SKU) or a typed line number is."""
    require_packer(actor)
    code = clean_scan(code)
    if not code:
        raise DomainError("Scan the item or type its line number")
    with store.read() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise NotFound(f"No order with id {order_id}")
        ctx = PackContext(s, order)
        line_no = small_number(code, 3)
        if line_no is not None:
            return ctx.line_by_no(line_no).line_no
        product = find_product_by_scan(s, code).product
        for ln in ctx.lines:
            if ln.product_id == product.id:
                return ln.line_no
        raise DomainError(f"{product.sku} is not in order {order.name}")


def set_count(store: Store, actor: Actor, order_id: int, line_no: int, total: int) -> PackView:
    """Key the count of a line with many units after scanning one of them (confirmed in the UI)."""

    require_packer(actor)
    quick = try_count(store, actor, order_id, line_no, total)
    if quick is not None:
        return quick

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        line = ctx.line_by_no(line_no)
        need = ctx.need(line)
        if total <= 0:
            raise DomainError(f"Count must be at least 1 (got {total})")
        if total > need:
            raise DomainError(f"Line {line.sku} needs {need}, not {total}: count again")
        if not any(sc.order_line_id == line.id and sc.qty > 0 for sc in ctx.scans):
            raise DomainError(f"Scan one {line.sku} first, then key the count")
        if total < line.qty_packed:
            raise DomainError(
                f"{line.qty_packed} {line.sku} already scanned: undo scans to take units out"
            )
        if total == line.qty_packed:
            raise DomainError(f"{line.sku} is already at {total}")
        add = total - line.qty_packed
        _add_units(uow, actor, ctx, line, add, counted_to=total)
        return Said.ok("counted " + _progress(ctx, line, add)), line.line_no

    return mutate(store, actor, order_id, do)


def undo(store: Store, actor: Actor, order_id: int) -> PackView:
    """Take back the last scan (or count); a new empty parcel is removed first."""

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        current = ctx.current
        if current is not None and len(ctx.open_parcels) > 1 and not ctx.units_in(current):
            n = len(ctx.open_parcels)
            ctx.remove_parcel(uow, current)
            events.log(
                uow, actor, EventKind.PACK_UNDO, order=ctx.order, detail=f"parcel {n} removed"
            )
            return f"Undone: empty parcel {n} removed"
        live = ctx.live_scans()
        if not live:
            raise DomainError("Nothing to undo")
        last, qty = live[-1]
        line = ctx.line_by_id(last.order_line_id)
        line.qty_packed -= qty
        uow.add(line)
        ctx.add_scan(
            uow,
            PackScan(
                order_id=ctx.order.id,
                order_line_id=line.id,
                parcel_id=last.parcel_id,
                qty=-qty,
                kind=PackScanKind.UNDO,
                operator_id=actor.operator_id,
                terminal=actor.terminal,
                at=utcnow(),
            ),
        )
        parcel = next((p for p in ctx.parcels if p.id == last.parcel_id), None)
        if parcel is not None:
            clear_weight(uow, actor, parcel)
        events.log(
            uow,
            actor,
            EventKind.PACK_UNDO,
            order=ctx.order,
            sku=line.sku,
            qty=-qty,
            detail=last.code,
        )
        return f"Undone: {qty}× {line.sku}, now {line.qty_packed}/{ctx.need(line)}", line.line_no

    return mutate(store, actor, order_id, do)


def new_parcel(store: Store, actor: Actor, order_id: int) -> PackView:
    """Start the next box; scans go into it from now on."""

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        current = ctx.current
        n = len(ctx.open_parcels)
        if current is not None and not ctx.units_in(current):
            raise DomainError(f"Parcel {n} is still empty: scan items into it first")
        if all(ln.qty_packed >= ctx.need(ln) for ln in ctx.lines):
            raise DomainError("Every unit is already scanned: no need for another parcel")
        seq = max((p.seq for p in ctx.parcels), default=0) + 1
        ctx.add_parcel(uow, Parcel(order_id=ctx.order.id, seq=seq, status=ParcelStatus.OPEN))
        events.log(
            uow, actor, EventKind.PACK_PARCEL, order=ctx.order, detail=f"parcel {n + 1} started"
        )
        return f"Parcel {n + 1} started: scans go into it"

    return mutate(store, actor, order_id, do)


# The screen, the CLI and the demo call the station's every step through this module.
close_parcel = close_order

__all__ = [
    "PackView",
    "QueueRow",
    "CartonOption",
    "station_queue",
    "open_order",
    "my_open_order",
    "left_on_bench",
    "current_view",
    "scan",
    "set_count",
    "line_for_scan",
    "undo",
    "new_parcel",
    "carton_options",
    "choose_carton",
    "enter_weight",
    "override_weight",
    "confirm_insert",
    "release",
    "Closed",
    "Documents",
    "MISSING_REASON",
    "QC_REASONS",
    "close_order",
    "close_parcel",
    "produce",
    "qc_fail",
    "report_missing",
    "reprint",
]
