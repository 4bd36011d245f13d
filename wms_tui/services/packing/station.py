"""The pack station: open an order, scan every unit, box, weigh, inserts, park.

Every function takes plain values (the actor, an order id, what was scanned or
keyed), runs one unit of work and returns a :class:`PackView` to render. A
refused request raises a :class:`DomainError` with one line for the packer and
changes nothing: the unit of work only commits at the end of an accepted one.

Only the station that opened an order may change it (``Order.locked_*``): a
second station opening it is told who has it; a supervisor can take an
abandoned order over. Quality check lives in :mod:`pack_qc`, closing (SSCC,
tracking, stock, PACKED) in :mod:`pack_close`, documents in :mod:`documents`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import (
    EventKind,
    ExceptionKind,
    LocationKind,
    OrderStatus,
    PackScanKind,
    ParcelStatus,
    Role,
)
from wms_tui.domain.errors import Conflict, DomainError, NotFound, UnknownCode, WrongScan
from wms_tui.domain.lifecycle import illegal_message
from wms_tui.domain.models import (
    CartonType,
    Location,
    Order,
    OrderLine,
    PackScan,
    Parcel,
    PickTask,
    PickTaskLine,
    Service,
    WmsException,
)
from wms_tui.domain.numbers import small_number
from wms_tui.domain.planning import weighing
from wms_tui.domain.planning.cartonization import ItemLine
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.domain.text import plural
from wms_tui.services.core import approval, events, order_names, priority
from wms_tui.services.inventory.stock import find_product_by_scan
from wms_tui.services.packing import totes as pack_totes
from wms_tui.services.packing.cartons import check_fit, to_carton
from wms_tui.services.packing.state import (
    INSERT_EVENT,
    STOPPED,
    PackContext,
    clear_weight,
    lock_order,
    operator_name,
    parcel_tag,
    require_open_here,
    resolve_weight_exceptions,
)
from wms_tui.services.packing.view import PackView, Said
from wms_tui.store import Store, UnitOfWork, retrying

__all__ = [
    "PackView",
    "QueueRow",
    "CartonOption",
    "station_queue",
    "open_order",
    "my_open_order",
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
]


@dataclass(frozen=True)
class QueueRow:
    order_id: int
    name: str
    status: str
    lines: int
    units: int
    totes: str
    priority: int
    carrier: str
    here: bool  # sent to this station by picking, or already open here


@dataclass(frozen=True)
class CartonOption:
    code: str
    name: str
    inner: str
    ok: bool
    reason: str
    suggested: bool


# --------------------------------------------------------------------------- helpers


def _require_packer(actor: Actor) -> None:
    actor.require(Role.PACKER, action="pack orders")


def _find_tote(session: Session, code: str) -> Location | None:
    loc = session.exec(select(Location).where(Location.code == code.upper())).first()
    return loc if loc is not None and loc.kind == LocationKind.TOTE else None


def _resolve_order(session: Session, code: str) -> Order:
    """The order behind a scanned tote or a typed/scanned order name."""
    tote = _find_tote(session, code)
    if tote is not None:
        orders = pack_totes.orders_in_tote(session, tote)
        if not orders:
            if pack_totes.units_in_totes(session, [tote]):
                raise NotFound(
                    f"Tote {tote.code} holds units but no order waits for them: "
                    "give it to a supervisor"
                )
            raise NotFound(f"Tote {tote.code} is empty: no order in it")
        return orders[0]
    order = order_names.find(session, code)
    if order is None:
        raise NotFound(f"No order or tote {excerpt(code)}")
    return order


def _open_elsewhere(session: Session, order: Order) -> Conflict:
    who = operator_name(session, order.locked_by_operator_id)
    return Conflict(f"Order {order.name} is open at {order.locked_terminal} by {who}")


def _replacement_task(session: Session, order: Order) -> PickTask | None:
    return session.exec(
        select(PickTask)
        .join(PickTaskLine, col(PickTaskLine.task_id) == PickTask.id)
        .join(OrderLine, col(OrderLine.id) == PickTaskLine.order_line_id)
        .where(
            OrderLine.order_id == order.id,
            col(PickTask.code).startswith("RPL-"),
            col(PickTask.status).in_(["OPEN", "CLAIMED", "PAUSED"]),
        )
    ).first()


# What a change returns: its answer to the packer, and the line it counted on.
Answer = Said | str | tuple[Said | str, int | None]


@retrying
def _mutate(store: Store, actor: Actor, order_id: int, fn) -> PackView:
    """Run ``fn(uow, ctx) -> message`` on an order open at this station; return the view."""
    _require_packer(actor)
    with store.unit_of_work() as uow:
        order = lock_order(uow.session, order_id)
        require_open_here(uow.session, order, actor.operator_id, actor.terminal)
        ctx = PackContext(uow.session, order)
        result = fn(uow, ctx)
        message, focus = result if isinstance(result, tuple) else (result, None)
        uow.flush()
        view = ctx.view(message, focus)
        uow.commit()
    return view


def _ensure_parcel(uow: UnitOfWork, ctx: PackContext) -> Parcel:
    if ctx.current is not None:
        return ctx.current
    seq = max((p.seq for p in ctx.parcels), default=0) + 1
    parcel = Parcel(order_id=ctx.order.id, seq=seq, status=ParcelStatus.OPEN)
    ctx.add_parcel(uow, parcel)
    return parcel


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
    parcel = _ensure_parcel(uow, ctx)
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
    need = ctx.need(line)
    text = f"{qty}× " if qty > 1 else ""
    text += f"{line.sku}  {line.qty_packed}/{need}"
    if line.qty_packed >= need:
        text += "  line done"
    if all(ln.qty_packed >= ctx.need(ln) for ln in ctx.lines):
        text += " · all units scanned: weigh the parcel"
    return text


# --------------------------------------------------------------------------- queue / open


def station_queue(store: Store, actor: Actor, limit: int = 20) -> list[QueueRow]:
    """Orders waiting for a pack station: this station's first, then the house ranking."""
    _require_packer(actor)
    with store.read() as s:
        mine = s.exec(
            select(Order).where(
                Order.status == OrderStatus.PACKING,
                Order.locked_by_operator_id == actor.operator_id,
                Order.locked_terminal == actor.terminal,
            )
        ).all()
        here_ids = set(
            s.exec(
                select(OrderLine.order_id)
                .join(PickTaskLine, col(PickTaskLine.order_line_id) == OrderLine.id)
                .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
                .join(Order, col(Order.id) == OrderLine.order_id)
                .where(PickTask.pack_station == actor.terminal, Order.status == OrderStatus.PICKED)
            ).all()
        )
        # Orders with totes at (or sent to) this station first, then the house ranking.
        here_first = case((col(Order.id).in_(here_ids), 0), else_=1)
        waiting = s.exec(
            select(Order)
            .outerjoin(Service, col(Service.id) == Order.service_id)
            .where(
                (Order.status == OrderStatus.PICKED)
                | (
                    (Order.status == OrderStatus.PACKING)
                    & col(Order.locked_by_operator_id).is_(None)
                )
            )
            .order_by(here_first, *priority.order_by())
            .limit(limit)
        ).all()
        ordered = (list(mine) + list(waiting))[:limit]
        # Lines and totes of every row at once: the queue is refreshed all day.
        ids = [o.id for o in ordered]
        lines_of: dict[int, list[OrderLine]] = {}
        for ln in s.exec(select(OrderLine).where(col(OrderLine.order_id).in_(ids))).all():
            lines_of.setdefault(ln.order_id, []).append(ln)
        totes_of = pack_totes.totes_of_orders(s, ids)  # type: ignore[arg-type]
        rows: list[QueueRow] = []
        for o in ordered:
            lines = lines_of.get(o.id, [])  # type: ignore[arg-type]
            totes = totes_of.get(o.id, [])  # type: ignore[arg-type]
            rows.append(
                QueueRow(
                    order_id=o.id,  # type: ignore[arg-type]
                    name=o.name,
                    status=str(o.status),
                    lines=len(lines),
                    units=sum(ln.need for ln in lines),
                    totes=" ".join(t.code for t in totes),
                    priority=o.priority,
                    carrier=o.shipping_method,
                    here=o in mine or o.id in here_ids,
                )
            )
    return rows


def my_open_order(store: Store, actor: Actor) -> int | None:
    """The order this packer has open at this station (after a restart or logout)."""
    _require_packer(actor)
    with store.read() as s:
        return s.exec(
            select(Order.id).where(
                Order.status == OrderStatus.PACKING,
                Order.locked_by_operator_id == actor.operator_id,
                Order.locked_terminal == actor.terminal,
            )
        ).first()


def left_on_bench(store: Store, actor: Actor) -> str | None:
    """The name of an order another packer left open at this station, if any."""
    _require_packer(actor)
    with store.read() as s:
        return s.exec(
            select(Order.name).where(
                Order.status == OrderStatus.PACKING,
                Order.locked_terminal == actor.terminal,
                col(Order.locked_by_operator_id).is_not(None),
                Order.locked_by_operator_id != actor.operator_id,
            )
        ).first()


@retrying
def open_order(
    store: Store, actor: Actor, code: str, *, take_over: Credential | None = None
) -> PackView:
    """Open the order behind a tote or an order name at this station.

    PICKED -> PACKING, locked to this packer and terminal. An order open at
    another station is refused with who has it, unless ``take_over`` (or
    the actor) is a supervisor taking over an abandoned order.
    """
    _require_packer(actor)
    code = clean_scan(code)
    if not code:
        raise DomainError("Scan a tote or an order number")
    approved = approval.verify(store, actor, take_over, action="a take-over")
    with store.unit_of_work() as uow:
        s = uow.session
        from wms_tui.services.packing.readiness import station_readiness

        if problems := station_readiness(s, actor.terminal):
            raise DomainError(f"{actor.terminal} cannot close parcels: {problems[0]}")
        found = _resolve_order(s, code)
        order = lock_order(s, found.id)  # type: ignore[arg-type]
        opened_msg = ""
        status = OrderStatus(order.status)
        other = s.exec(
            select(Order).where(
                Order.status == OrderStatus.PACKING,
                Order.locked_terminal == actor.terminal,
                Order.id != order.id,
            )
        ).first()
        if other is not None:
            if other.locked_by_operator_id not in (None, actor.operator_id):
                was = operator_name(s, other.locked_by_operator_id)
                raise DomainError(
                    f"Order {other.name} was left open here by {was}: scan it to go on "
                    "with it, then close or park it"
                )
            raise Conflict(f"Order {other.name} is still open here: close or park it first")
        if status is OrderStatus.PICKED:
            events.change_status(
                uow, order, OrderStatus.PACKING, actor, detail=f"opened at {actor.terminal}"
            )
        elif status is OrderStatus.PACKING:
            holder = order.locked_by_operator_id
            here = holder == actor.operator_id and order.locked_terminal == actor.terminal
            if holder is not None and not here and order.locked_terminal == actor.terminal:
                # Left on this bench by the previous packer (end of a shift, a
                # break): the tote is here, so whoever packs here goes on with
                # it. Every scan keeps its own packer; the closer signs the slip.
                was = operator_name(s, holder)
                events.log(
                    uow,
                    actor,
                    EventKind.PACK_HANDOVER,
                    order=order,
                    prior_operator=was,
                    detail=f"continued at {actor.terminal}, left open by {was}",
                )
                opened_msg = f"Going on with {order.name}, left here by {was}"
            elif holder is not None and not here:
                # Even a supervisor must ask for the take-over: opening an order
                # someone is packing must never happen by accident.
                if take_over is None:
                    raise _open_elsewhere(s, order)
                boss = approval.supervisor(actor, approved, action="a take-over")
                was = operator_name(s, holder)
                events.log(
                    uow,
                    actor,
                    EventKind.PACK_TAKEOVER,
                    order=order,
                    prior_terminal=order.locked_terminal,
                    detail=f"taken over from {was} at {order.locked_terminal}, "
                    f"approved by {boss.name}",
                )
            else:
                events.log(
                    uow,
                    actor,
                    EventKind.PACK_OPEN,
                    order=order,
                    detail=f"resumed at {actor.terminal}",
                )
        elif status is OrderStatus.PACKED:
            who = s.exec(select(Parcel.packed_by_name).where(Parcel.order_id == order.id)).first()
            by = f" by {who}" if who else ""
            raise DomainError(f"Order {order.name} is already packed{by}: reprint with F10")
        elif status is OrderStatus.PICKING and (task := _replacement_task(s, order)):
            raise DomainError(f"Order {order.name} waits for a replacement pick (task {task.code})")
        else:
            raise DomainError(illegal_message(order, OrderStatus.PACKING))
        order.locked_by_operator_id = actor.operator_id
        order.locked_terminal = actor.terminal
        order.locked_at = utcnow()
        uow.add(order)
        ctx = PackContext(s, order)
        _ensure_parcel(uow, ctx)
        uow.flush()
        view = ctx.view(f"{opened_msg or f'Order {order.name} open'}: {_open_hint(ctx)}")
        uow.commit()
    return view


def _open_hint(ctx: PackContext) -> str:
    left = sum(max(0, ctx.need(ln) - ln.qty_packed) for ln in ctx.lines)
    if left:
        return f"scan {plural(left, 'unit')}"
    return "every unit is scanned"


def current_view(store: Store, actor: Actor, order_id: int, message: str = "") -> PackView:
    _require_packer(actor)
    with store.read() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise NotFound(f"No order with id {order_id}")
        return PackContext(s, order).view(message)


@retrying
def release(store: Store, actor: Actor, order_id: int) -> str:
    """Park the order: PACKING -> PICKED, lock released; scans and boxes are kept."""
    _require_packer(actor)
    with store.unit_of_work() as uow:
        s = uow.session
        order = lock_order(s, order_id)
        status = OrderStatus(order.status)
        if status in STOPPED and order.locked_terminal == actor.terminal:
            # Stopped by a supervisor while on this bench: just let go of it.
            order.locked_by_operator_id = None
            order.locked_terminal = ""
            order.locked_at = None
            uow.add(order)
            events.log(uow, actor, EventKind.PACK_RELEASE, order=order, detail=f"{status.label}")
            uow.commit()
            return f"Order {order.name} is {status.label}: the tote goes to a supervisor"
        if status is not OrderStatus.PACKING:
            raise DomainError(illegal_message(order, OrderStatus.PICKED))
        mine = (
            order.locked_by_operator_id == actor.operator_id
            and order.locked_terminal == actor.terminal
        )
        if order.locked_by_operator_id is not None and not mine and not actor.has(Role.SUPERVISOR):
            raise _open_elsewhere(s, order)
        ctx = PackContext(s, order)
        packed = sum(ln.qty_packed for ln in ctx.lines)
        need = sum(max(0, ctx.need(ln)) for ln in ctx.lines)
        order.locked_by_operator_id = None
        order.locked_terminal = ""
        order.locked_at = None
        events.change_status(
            uow,
            order,
            OrderStatus.PICKED,
            actor,
            detail=f"parked at {actor.terminal}: {packed} of {plural(need, 'unit')} scanned",
        )
        uow.commit()
        name = order.name
    return f"Order {name} parked: {packed} of {plural(need, 'unit')} scanned, kept for later"


# --------------------------------------------------------------------------- scanning


def scan(store: Store, actor: Actor, order_id: int, raw: str) -> PackView:
    """One scan at the station: a unit (barcode, case code or SKU), a carton code or a weight."""
    code = clean_scan(raw)
    if not code:
        raise DomainError("Nothing scanned")
    if weighing.looks_like_weight(code):
        return enter_weight(store, actor, order_id, code)

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        s = uow.session
        carton = ctx.carton_by_code(code)
        if carton is not None:
            return _choose(uow, actor, ctx, carton.code)
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
        return _mutate(store, actor, order_id, do)
    except WrongScan as refusal:
        # Pack accuracy counts it (docs/insight.md): on the record after the rollback.
        events.record_refusal(store, actor, EventKind.PACK_REFUSED, refusal, order_id)
        raise


# A bare number this long or shorter that is no product is taken for grams keyed
# without their unit (a count is three digits at most; the screen asks for those).
MAX_BARE_GRAMS_DIGITS = 5


def _not_a_product(session: Session, ctx: PackContext, code: str) -> str:
    """Explain a scan that is no product; only the order's own tote is not an error."""
    tote = _find_tote(session, code)
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
    _require_packer(actor)
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

    return _mutate(store, actor, order_id, do)


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

    return _mutate(store, actor, order_id, do)


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

    return _mutate(store, actor, order_id, do)


# --------------------------------------------------------------------------- cartons


def carton_options(store: Store, actor: Actor, order_id: int) -> list[CartonOption]:
    """Every carton with whether the current parcel's units fit, smallest first."""
    _require_packer(actor)
    with store.read() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise NotFound(f"No order with id {order_id}")
        ctx = PackContext(s, order)
        parcel = ctx.current
        if parcel is None:
            return []
        suggested = ctx.suggested_carton(parcel)
        items = _items_for_choice(ctx, parcel)
        out = []
        for c in ctx.cartons():
            ok, reason = (True, "") if not items else _check(ctx, items, c)
            out.append(
                CartonOption(
                    code=c.code,
                    name=c.name,
                    inner=f"{c.inner_length_mm}×{c.inner_width_mm}×{c.inner_height_mm}",
                    ok=ok,
                    reason=reason,
                    suggested=suggested is not None and suggested.id == c.id,
                )
            )
        return out


def _items_for_choice(ctx: PackContext, parcel: Parcel) -> tuple[ItemLine, ...]:
    """What the chosen carton must hold: with one parcel, the whole order."""
    if len(ctx.open_parcels) == 1:
        lines, _ = ctx.item_lines()
        return lines
    return ctx.parcel_item_lines(parcel)


def _check(ctx: PackContext, items: tuple[ItemLine, ...], carton: CartonType) -> tuple[bool, str]:
    return check_fit(items, to_carton(carton), ctx.padding_mm)


def _choose(uow: UnitOfWork, actor: Actor, ctx: PackContext, code: str) -> Said | str:
    parcel = _ensure_parcel(uow, ctx)
    n = ctx.open_parcels.index(parcel) + 1
    if not code.strip():
        if parcel.carton_type_id is None:
            raise DomainError("The parcel already uses the suggested carton")
        parcel.carton_type_id = None
        uow.add(parcel)
        clear_weight(uow, actor, parcel)
        events.log(
            uow, actor, EventKind.PACK_CARTON, order=ctx.order, detail=f"parcel {n}: suggested"
        )
        return f"Parcel {n}: back to the suggested carton"
    carton = ctx.carton_by_code(code)
    if carton is None:
        raise NotFound(f"No carton type {excerpt(code)}")
    items = _items_for_choice(ctx, parcel)
    if items:
        ok, reason = _check(ctx, items, carton)
        if not ok:
            raise DomainError(f"{carton.name} will not do: {reason}")
    if parcel.carton_type_id == carton.id:
        return f"Parcel {n} is already in {carton.name}"
    parcel.carton_type_id = carton.id
    uow.add(parcel)
    clear_weight(uow, actor, parcel)
    events.log(
        uow, actor, EventKind.PACK_CARTON, order=ctx.order, detail=f"parcel {n}: {carton.code}"
    )
    return Said.ok(f"Parcel {n}: {carton.name}")


def choose_carton(store: Store, actor: Actor, order_id: int, code: str) -> PackView:
    """The packer's own carton for the current parcel ('' = back to the suggestion)."""
    return _mutate(store, actor, order_id, lambda uow, ctx: _choose(uow, actor, ctx, code))


# --------------------------------------------------------------------------- weight


def enter_weight(
    store: Store, actor: Actor, order_id: int, text: str, *, parcel_no: int | None = None
) -> PackView:
    """The scale's reading for the first parcel still needing one (or ``parcel_no``).

    0, negative, unreadable and absurd weights are refused and change nothing.
    A believable weight outside tolerance is stored with a WEIGHT_MISMATCH
    exception: the parcel cannot close until it is re-weighed within tolerance
    or a supervisor overrides.
    """
    grams = weighing.parse_weight(text)

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        parcels = ctx.open_parcels
        if parcel_no is not None:
            if not 1 <= parcel_no <= len(parcels):
                raise DomainError(f"There is no parcel {parcel_no}")
            parcel = parcels[parcel_no - 1]
        else:
            view = {p.parcel_id: p for p in ctx.view().parcels}
            pending = [p for p in parcels if view[p.id].units and not view[p.id].weight_ok]
            parcel = pending[0] if pending else parcels[-1]
        n = parcels.index(parcel) + 1
        if not ctx.units_in(parcel):
            raise DomainError(f"Parcel {n} is empty: scan the items before weighing")
        carton, _ = ctx.carton_for(parcel)
        if carton is None:
            raise DomainError(f"Parcel {n} has no carton: choose one (F5) before weighing")
        expected = ctx.expected_for(parcel)
        weighing.check_believable(grams, expected, ctx.weight_rules)
        resolve_weight_exceptions(uow, actor, parcel)
        parcel.weight_g = grams
        parcel.expected_weight_g = expected
        uow.add(parcel)
        text = weighing.describe(grams, expected, ctx.weight_rules)
        name = f"Parcel {n}" if len(parcels) > 1 else "Parcel"
        if weighing.within_tolerance(grams, expected, ctx.weight_rules):
            events.log(uow, actor, EventKind.PACK_WEIGHT, order=ctx.order, detail=f"{name}: {text}")
            return Said.ok(f"{name}: {text}")
        uow.add(
            WmsException(
                kind=ExceptionKind.WEIGHT_MISMATCH,
                order_id=ctx.order.id,
                location=parcel_tag(parcel.id),
                operator_id=actor.operator_id,
                operator_name=actor.name,
                terminal=actor.terminal,
                message=f"Order {ctx.order.name} {name.lower()}: {text}",
            )
        )
        events.log(
            uow, actor, EventKind.PACK_WEIGHT, order=ctx.order, detail=f"{name}: MISMATCH {text}"
        )
        # Two handheld rows with four-digit grams: the way out was the part cut off
        # ("Parcel: … check the items and weigh again, or supervisor (F11)"), so the one
        # parcel is not named and the advice is the blocker's.
        which = f"{name}: " if len(parcels) > 1 else ""
        return Said.refused(f"{which}{text}: re-weigh or supervisor (F11)")

    return _mutate(store, actor, order_id, do)


def override_weight(
    store: Store, actor: Actor, order_id: int, approver: Credential | None = None
) -> PackView:
    """A supervisor accepts the parcel weights that are outside tolerance."""
    approved = approval.verify(store, actor, approver, action="a weight override")

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        view = ctx.view()
        bad = [p for p in view.parcels if p.weight_state == "mismatch"]
        if not bad:
            raise DomainError("No parcel weight to override: every weighed parcel is within range")
        boss = approval.supervisor(actor, approved, action="a weight override")
        exceptions = ctx.weight_exceptions()
        for p in bad:
            exc = exceptions[parcel_tag(p.parcel_id)]
            exc.resolved_at = utcnow()
            exc.resolved_by_id = boss.operator_id
            uow.add(exc)
            events.log(
                uow,
                boss,
                EventKind.WEIGHT_OVERRIDE,
                order=ctx.order,
                detail=f"parcel {p.seq}: {p.weight_g} g accepted (expected {p.expected_g} g) "
                f"at {actor.terminal} for {actor.name}",
            )
        which = ", ".join(str(p.seq) for p in bad)
        return Said.ok(f"Weight of parcel {which} accepted by {boss.name}")

    return _mutate(store, actor, order_id, do)


# --------------------------------------------------------------------------- inserts


def confirm_insert(store: Store, actor: Actor, order_id: int, which: int | str) -> PackView:
    """Tick one checklist item (by its number or key) after putting it in the parcel."""

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        items = ctx.inserts()
        n = which if isinstance(which, int) else small_number(str(which), 3)
        if n is not None:
            if not 1 <= n <= len(items):
                raise DomainError(f"No checklist item {n} (1–{len(items)})")
            item = items[n - 1]
        else:
            match = [i for i in items if i.key == str(which).lower()]
            if not match:
                raise DomainError(f"No checklist item {excerpt(str(which))}")
            item = match[0]
        done = ctx.confirmed_inserts()
        if item.key in done:
            raise DomainError(f"Already confirmed: {item.label}")
        events.log(uow, actor, INSERT_EVENT, order=ctx.order, detail=item.key)
        left = len([i for i in items if i.key not in done]) - 1
        return Said.ok(f"{item.label}" + (f" · {left} to go" if left else " · checklist done"))

    return _mutate(store, actor, order_id, do)


# --------------------------------------------------------------------------- the rest of the flow
# Quality check, closing and reprinting have modules of their own; the screen
# imports this one.
from wms_tui.services.packing.close import Closed, close_order  # noqa: E402
from wms_tui.services.packing.documents import Documents, produce, reprint  # noqa: E402
from wms_tui.services.packing.missing import MISSING_REASON, report_missing  # noqa: E402
from wms_tui.services.packing.qc import REASONS as QC_REASONS  # noqa: E402
from wms_tui.services.packing.qc import qc_fail  # noqa: E402

close_parcel = close_order

__all__ += [
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
