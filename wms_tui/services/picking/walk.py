"""Walking a pick task: claim, bin scan, item scans, put to tote, skip, pause, short.

One task is a cart of totes (one order per tote) and a list of stops in route
order. At each stop the picker

1. scans the bin (the handheld remembers that and passes it back as ``at_bin``;
   nothing is written),
2. scans the item once per unit, a case code for ``pack_qty`` units, or types
   a count and scans once (``count``): each accepted scan moves the units from
   the bin into the tote in the ledger (``move_stock`` with the allocation
   consumed) and logs a ``pick.unit`` event with order, SKU, quantity and bin,
3. when the stop's quantity is reached, scans the tote the units go into; that
   closes the stop. A wrong tote, a repeated item scan (a double-pressed
   trigger) or any over-pick is refused there and changes nothing.

Every function opens one unit of work and commits only when the request is
accepted, so a refused scan leaves the database as it was. State lives in the
database (``PickTaskLine.qty_picked/qty_short/done/skipped``); the only thing
the handheld keeps is which bin it has confirmed.

Short picks live in :mod:`wms_tui.services.picking.short_pick`, the task state
(current stop, stage, completion) in :mod:`wms_tui.services.picking.task`, its views
in :mod:`~wms_tui.services.picking.task_view`, and who holds a task (resume, pause,
release) in :mod:`~wms_tui.services.picking.holding`; they are re-exported here so
screens import one module.

What an accepted item scan writes (the allocation and the stop by guarded updates, the
ledger, the order line, the ``pick.unit`` event) is :mod:`~wms_tui.services.picking.units`.

Order status: READY_TO_PICK -> PICKING when its task is claimed, PICKING ->
PICKED when the task completes with every unit picked. A BACKORDERED order
keeps what was picked in its tote, and the tote goes to the supervisor.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import (
    OPEN_TASK,
    EventKind,
    LocationKind,
)
from wms_tui.domain.errors import DomainError, NotFound, UnknownCode, WrongScan
from wms_tui.domain.models import (
    Location,
    PickTask,
    PickTaskLine,
    Product,
    ProductBarcode,
)
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events
from wms_tui.services.inventory import stock as inventory
from wms_tui.services.inventory.stock import ScannedProduct
from wms_tui.services.picking.claiming import claim_next_task
from wms_tui.services.picking.holding import (
    current_stop,
    my_open_task,
    pause_at_logout,
    pause_task,
    release_task,
    resume_task,
)
from wms_tui.services.picking.short_pick import SHORT_REASONS, report_short
from wms_tui.services.picking.stop import StopContext
from wms_tui.services.picking.task import (
    TaskContext,
    advance,
    complete,
    my_task,
    stage,
)
from wms_tui.services.picking.task_view import (
    Completion,
    ScanOutcome,
    Stage,
    StopInfo,
    TaskView,
    ToteInfo,
)
from wms_tui.services.picking.units import pick_units
from wms_tui.store import Store, UnitOfWork, retrying

__all__ = [
    "SHORT_REASONS",
    "Completion",
    "ScanOutcome",
    "Stage",
    "StopInfo",
    "TaskView",
    "ToteInfo",
    "claim_next_task",
    "complete_task",
    "current_stop",
    "my_open_task",
    "pause_at_logout",
    "pause_task",
    "release_task",
    "report_short",
    "resume_task",
    "scan",
    "scan_bin",
    "scan_item",
    "scan_tote",
    "skip_stop",
]

MAX_COUNT = 999


# --------------------------------------------------------------------------- scanning


@cache
def _what_is() -> Select:
    """A scanned code's location (by its code), product barcode and SKU, in one statement."""
    code = bindparam("code")
    barcode = select(ProductBarcode.product_id, ProductBarcode.pack_qty).where(
        ProductBarcode.code == code
    )
    return select(
        select(Location.id).where(Location.code == bindparam("upper")).limit(1).scalar_subquery(),
        barcode.with_only_columns(ProductBarcode.product_id).limit(1).scalar_subquery(),
        barcode.with_only_columns(ProductBarcode.pack_qty).limit(1).scalar_subquery(),
        select(Product.id).where(Product.sku == code).limit(1).scalar_subquery(),
    )


def _identify(session: Session, code: str) -> Location | ScannedProduct | None:
    """A location first (its code), else a product (a barcode, else a SKU typed by hand).

    The location, the barcode and the SKU as typed are looked up in one statement;
    the rows they name are nearly always the stop's bin, tote or product, which the
    session holds.
    """
    loc_id, product_id, pack_qty, sku_id = session.execute(
        _what_is(), {"code": code, "upper": code.upper()}
    ).one()
    if loc_id is not None:
        return session.get(Location, loc_id)
    if product_id is not None or sku_id is not None:
        product = session.get(Product, product_id if product_id is not None else sku_id)
        assert product is not None
        return ScannedProduct(product, pack_qty if product_id is not None else 1, code)
    try:
        return inventory.find_product_by_scan(session, code)  # a SKU typed in lower case
    except NotFound:
        return None


def _tote_owner(session: Session, tote: Location) -> str | None:
    """Code of the open task whose cart holds ``tote``."""
    return session.exec(
        select(PickTask.code)
        .join(PickTaskLine, col(PickTaskLine.task_id) == PickTask.id)
        .where(
            PickTaskLine.tote_id == tote.id,
            col(PickTask.status).in_(OPEN_TASK),
        )
    ).first()


def _wrong_tote(ctx: TaskContext, ln: PickTaskLine, tote: Location) -> str:
    if isinstance(ctx, StopContext):  # which order's tote it is: the whole cart says
        ctx = ctx.full()
    want = f"tote {ctx.slot.get(ln.tote_id or 0, 0)} {ctx.loc_code(ln.tote_id)}"
    if tote.id in ctx.slot:
        other = next(x for x in ctx.lines if x.tote_id == tote.id)
        return f"Wrong tote {tote.code} ({ctx.order_of(other).name}): these go in {want}"
    owner = _tote_owner(ctx.session, tote)
    if owner:
        return f"Tote {tote.code} belongs to task {owner}: use {want}"
    return f"Tote {tote.code} is not on this cart: use {want}"


def scan(
    store: Store,
    actor: Actor,
    task_code: str,
    code: str,
    *,
    at_bin: str | None = None,
    count: int = 1,
    known: TaskView | None = None,
) -> ScanOutcome:
    """Interpret a scan at the current stop: bin, item(s) or tote, by stage.

    ``at_bin`` is the bin the handheld confirmed earlier; ``count`` multiplies
    an item scan ("5", Enter, then scan once). ``known`` is the view the handheld
    shows (the last answer): when the stop read still matches it, only that stop
    is read and the rest of the answer's view is taken from it
    (:mod:`~wms_tui.services.picking.stop`); the outcome is the same. Raises DomainError with the
    reason (nothing changed) for anything but the expected code; a wrong bin,
    item, tote or an unknown code is then put on the record (``pick.refused``)
    in a unit of work of its own, for the pickers' accuracy.
    """
    try:
        return _scan(store, actor, task_code, code, at_bin=at_bin, count=count, known=known)
    except WrongScan as refusal:
        events.record_refusal(store, actor, EventKind.PICK_REFUSED, refusal, refusal.order_id)
        raise


@retrying
def _scan(
    store: Store,
    actor: Actor,
    task_code: str,
    code: str,
    *,
    at_bin: str | None,
    count: int,
    known: TaskView | None,
) -> ScanOutcome:
    code = code.strip()
    if not code:
        raise DomainError("Nothing scanned")
    if not 1 <= count <= MAX_COUNT:
        raise DomainError(f"Count must be 1 to {MAX_COUNT} (got {count})")
    with store.unit_of_work() as uow:
        task = my_task(uow, actor, task_code)
        ctx = StopContext.reuse(uow.session, task, known) or TaskContext(uow.session, task)
        ln = ctx.current()
        if ln is None:
            raise DomainError(f"Task {task.code} has no stops left")
        thing = _identify(uow.session, code)
        try:
            if stage(ln) is Stage.TOTE:
                outcome = _scan_tote(uow, actor, ctx, ln, thing, code, at_bin)
            elif at_bin is None or at_bin.upper() != ctx.loc_code(ln.location_id):
                if count != 1:
                    raise DomainError(f"Scan the bin {ctx.loc_code(ln.location_id)} first")
                outcome = _scan_bin(ctx, ln, thing, code)
            else:
                outcome = _scan_item(uow, actor, ctx, ln, thing, code, count)
        except WrongScan as refusal:
            # recorded against the stop's order, so the trace shows it there
            refusal.order_id = ctx.order_of(ln).id
            raise
        uow.commit()
    return outcome


def scan_bin(store: Store, actor: Actor, task_code: str, code: str) -> ScanOutcome:
    return scan(store, actor, task_code, code, at_bin=None)


def scan_item(
    store: Store, actor: Actor, task_code: str, code: str, *, at_bin: str, count: int = 1
) -> ScanOutcome:
    return scan(store, actor, task_code, code, at_bin=at_bin, count=count)


def scan_tote(store: Store, actor: Actor, task_code: str, code: str) -> ScanOutcome:
    return scan(store, actor, task_code, code)


def _scan_bin(
    ctx: TaskContext, ln: PickTaskLine, thing: Location | ScannedProduct | None, code: str
) -> ScanOutcome:
    want = ctx.loc_code(ln.location_id)
    if isinstance(thing, Location):
        if thing.id == ln.location_id:
            sku = ctx.products[ln.product_id].sku
            n = ln.qty - ln.qty_picked - ln.qty_short
            return ScanOutcome("bin", f"At {want}: scan {sku} ({n} to pick)", ctx.view(), want)
        if thing.kind == LocationKind.TOTE:
            raise WrongScan(f"{thing.code} is a tote: scan the bin {want} first")
        raise WrongScan(f"Wrong bin {thing.code}: go to {want}")
    if isinstance(thing, ScannedProduct):
        raise DomainError(f"Scan the bin {want} first, then {thing.product.sku}")
    raise UnknownCode(f"Unknown code {excerpt(code)}: scan the bin {want}")


def _scan_item(
    uow: UnitOfWork,
    actor: Actor,
    ctx: TaskContext,
    ln: PickTaskLine,
    thing: Location | ScannedProduct | None,
    code: str,
    count: int,
) -> ScanOutcome:
    bin_code = ctx.loc_code(ln.location_id)
    product = ctx.products[ln.product_id]
    remaining = ln.qty - ln.qty_picked - ln.qty_short
    if isinstance(thing, Location):
        if thing.id == ln.location_id:
            return ScanOutcome("bin", f"At {bin_code}: scan {product.sku}", ctx.view(), bin_code)
        if thing.kind == LocationKind.TOTE:
            raise DomainError(f"Pick {remaining} more {product.sku} before the tote")
        raise WrongScan(f"Wrong bin {thing.code}: pick {product.sku} from {bin_code}")
    if thing is None:
        raise UnknownCode(f"Unknown barcode {excerpt(code)}: scan {product.sku}")
    if thing.product.id != product.id:
        raise WrongScan(
            f"Wrong item {thing.product.sku}: pick {product.sku} {product.name}",
            sku=thing.product.sku,
        )
    n = count * thing.pack_qty
    if n > remaining:
        what = f"{count} × case of {thing.pack_qty}" if thing.pack_qty > 1 else str(n)
        raise WrongScan(
            f"Too many: {what} is more than the {remaining} left to pick here", sku=product.sku
        )
    pick_units(uow, actor, ctx, ln, n)
    left = remaining - n
    tote = f"tote {ctx.slot.get(ln.tote_id or 0, 0)} {ctx.loc_code(ln.tote_id)}"
    if left:
        msg = f"{n} × {product.sku} picked, {left} more"
    else:
        msg = f"{ln.qty_picked} × {product.sku}: put in {tote}, scan the tote"
    return ScanOutcome("item", msg, ctx.view(), bin_code)


def _scan_tote(
    uow: UnitOfWork,
    actor: Actor,
    ctx: TaskContext,
    ln: PickTaskLine,
    thing: Location | ScannedProduct | None,
    code: str,
    at_bin: str | None,
) -> ScanOutcome:
    tote_code = ctx.loc_code(ln.tote_id)
    want = f"tote {ctx.slot.get(ln.tote_id or 0, 0)} {tote_code}"
    if isinstance(thing, ScannedProduct):
        raise WrongScan(
            f"All {ln.qty_picked} picked: put them in {want} and scan it", sku=thing.product.sku
        )
    if thing is None:
        raise UnknownCode(f"Unknown code {excerpt(code)}: scan {want}")
    if thing.kind != LocationKind.TOTE:
        raise WrongScan(f"Put the items in {want} first: scan the tote")
    if thing.id != ln.tote_id:
        raise WrongScan(_wrong_tote(ctx, ln, thing))
    ln.done = True
    uow.add(ln)
    sku = ctx.products[ln.product_id].sku
    msg = f"{ln.qty_picked} × {sku} in {tote_code}"
    here = ctx.loc_code(ln.location_id)
    if isinstance(ctx, StopContext):
        ctx = ctx.next_stop(ln)
    return advance(uow, actor, ctx, "tote", msg, here)


# --------------------------------------------------------------------------- skip


@retrying
def skip_stop(store: Store, actor: Actor, task_code: str) -> ScanOutcome:
    """Leave the current stop for later; it comes back after the others."""
    with store.unit_of_work() as uow:
        task = my_task(uow, actor, task_code)
        ctx = TaskContext(uow.session, task)
        ln = ctx.current()
        if ln is None:
            raise DomainError(f"Task {task.code} has no stops left")
        bin_code = ctx.loc_code(ln.location_id)
        if stage(ln) is Stage.TOTE:
            raise DomainError(f"Put the items in tote {ctx.loc_code(ln.tote_id)} first")
        if ln.qty_picked:
            raise DomainError(
                f"{ln.qty_picked} already picked at {bin_code}: pick the rest or report short"
            )
        others = [x for x in ctx.open_lines() if x is not ln]
        if not others:
            raise DomainError("This is the last stop: pick it or report it short")
        if all(x.skipped for x in others):
            # Second time round: the stops skipped earlier come first again.
            for x in others:
                x.skipped = False
                uow.add(x)
        ln.skipped = True
        uow.add(ln)
        sku = ctx.products[ln.product_id].sku
        events.log(
            uow,
            actor,
            EventKind.STOP_SKIPPED,
            order=ctx.order_of(ln),
            sku=sku,
            location=bin_code,
            detail=f"task {task.code}",
        )
        nxt = ctx.current()
        assert nxt is not None
        msg = f"Skipped {bin_code}: it comes back at the end. Next: {ctx.loc_code(nxt.location_id)}"
        outcome = ScanOutcome("skip", msg, ctx.view(), None)
        uow.commit()
    return outcome


@retrying
def complete_task(store: Store, actor: Actor, code: str) -> Completion:
    """Close a task whose stops are all done (scanning the last tote does this too)."""
    with store.unit_of_work() as uow:
        task = my_task(uow, actor, code)
        ctx = TaskContext(uow.session, task)
        left = ctx.open_lines()
        if left:
            raise DomainError(
                f"{len(left)} stop{'s' if len(left) != 1 else ''} left: "
                "pick them or report them short"
            )
        done = complete(uow, actor, ctx)
        uow.commit()
    return done
