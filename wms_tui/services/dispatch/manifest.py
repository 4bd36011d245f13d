"""End of day: closing a carrier's manifest, and reprinting a closed one.

Closing ``(carrier, day)`` takes the parcels loaded onto that day's manifest
at the hand-over, marks them MANIFESTED, moves their orders PACKED ->
DISPATCHED (through ``events.change_status``, so the log says who and when),
ships the packed units out of the stock ledger, and writes the manifest as a
CSV and a PDF (parcel list, weights, counts, signature lines) that the driver
signs (:mod:`manifest_sheet`); with a printer configured for the terminal (``Station.printer``) or
``WMS_PRINTER``, the PDF is also sent to it. After it commits, a shipping
confirmation is written for every dispatched order
(:mod:`wms_tui.services.dispatch.notices`).

Rules (each refused with one line, nothing changed):

* only a supervisor closes; a closed manifest cannot be closed again or
  added to (reprint it instead);
* nothing loaded, nothing to close;
* a loaded parcel whose order was cancelled must be taken out first;
* an order goes whole: if one of its parcels is loaded and another is not,
  load the rest or take the loaded ones out;
* **packed but not loaded** parcels of the carrier are *not* shipped: they
  stay packed for tomorrow's truck. Because that is usually a mistake at
  16:55, closing while any are waiting needs an explicit confirmation
  (``leave_behind_ok=True``; the screen lists them and asks, the CLI wants
  ``--leave-behind``). :class:`LeftBehind` carries the list; what a close would
  do is :mod:`manifest_preview`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import col, func, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import (
    EventKind,
    ManifestStatus,
    MovementReason,
    OrderStatus,
    ParcelStatus,
    Role,
)
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.models import (
    Carrier,
    Location,
    Manifest,
    Operator,
    Order,
    Parcel,
    Product,
    StockMovement,
)
from wms_tui.domain.text import plural
from wms_tui.services.core import events
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch.dock import ParcelLine, find_carrier, manifest_day_to_close
from wms_tui.services.dispatch.manifest_preview import preview
from wms_tui.services.dispatch.manifest_sheet import print_sheet, write_files
from wms_tui.services.inventory.stock import move_stock
from wms_tui.store import Store, UnitOfWork, retrying


class LeftBehind(DomainError):
    """Packed parcels are not loaded; closing needs a confirmation."""

    def __init__(self, message: str, waiting: list[ParcelLine]) -> None:
        super().__init__(message)
        self.waiting = waiting


@dataclass(frozen=True)
class CloseOutResult:
    number: str
    carrier_name: str
    day: date
    parcels: int
    orders: int
    weight_g: int
    csv_file: str
    pdf_file: str
    left_behind: int
    left_for: str = "tomorrow"  # when the parcels left behind go (see CloseOutPreview)
    print_problem: str = ""  # the PDF was written but lp failed: reprint later
    notices_written: int = 0
    notices_sent: int = 0
    notice_problems: list[str] = field(default_factory=list)


def _ship_stock(uow: UnitOfWork, actor: Actor, orders: list[Order], reference: str) -> None:
    """Take the orders' packed units out of the ledger.

    Wherever the pack station put them (a pack or dispatch location, per the
    PACKED movements of each order), what is still there for the order leaves
    the building now as SHIPPED. Packed units that already left the ledger at
    packing (a PACKED move with no destination) need nothing here.
    """
    s = uow.session
    by_id = {o.id: o for o in orders}
    if not by_id:
        return
    packed = s.exec(
        select(StockMovement.order_id, StockMovement.product_id, StockMovement.to_location_id,
               func.sum(StockMovement.qty))
        .where(
            col(StockMovement.order_id).in_(by_id),
            StockMovement.reason == MovementReason.PACKED.value,
            col(StockMovement.to_location_id).is_not(None),
        )
        .group_by(StockMovement.order_id, StockMovement.product_id, StockMovement.to_location_id)
    ).all()  # fmt: skip
    if not packed:
        return
    shipped = {
        (oid, pid, loc): int(qty)
        for oid, pid, loc, qty in s.exec(
            select(
                StockMovement.order_id,
                StockMovement.product_id,
                StockMovement.from_location_id,
                func.sum(StockMovement.qty),
            )
            .where(
                col(StockMovement.order_id).in_(by_id),
                StockMovement.reason == MovementReason.SHIPPED.value,
            )
            .group_by(
                StockMovement.order_id, StockMovement.product_id, StockMovement.from_location_id
            )
        ).all()  # fmt: skip
    }
    product_ids = {r[1] for r in packed}
    location_ids = {r[2] for r in packed}
    products = {p.id: p for p in s.exec(select(Product).where(col(Product.id).in_(product_ids)))}
    locations = {
        loc.id: loc for loc in s.exec(select(Location).where(col(Location.id).in_(location_ids)))
    }
    for oid, pid, loc_id, qty in packed:
        left = int(qty) - shipped.get((oid, pid, loc_id), 0)
        if left > 0:
            move_stock(
                uow,
                actor,
                products[pid],
                left,
                from_loc=locations[loc_id],
                to_loc=None,
                reason=MovementReason.SHIPPED,
                order=by_id[oid],
                reference=reference,
            )


@retrying
def close_manifest(
    store: Store,
    actor: Actor,
    carrier_code: str,
    day: date | None = None,
    *,
    leave_behind_ok: bool = False,
    send_notices: bool = True,
    send: bool = True,
) -> CloseOutResult:
    """Close ``carrier_code``'s manifest for ``day``.

    By default the carrier's oldest open manifest with parcels loaded on it, else
    today's (warehouse clock): a shift that loads past the warehouse's midnight puts
    parcels on two days' manifests, and closing only "today's" left the earlier one's
    parcels on the dock for good (no screen showed them). Closed oldest first, each
    close says its day, and the next close takes today's.

    ``send=False`` only writes the PDF and CSV (the demo's past days are not
    printed when the demo is built).
    """
    actor.require(Role.SUPERVISOR, action="close a manifest")
    with store.unit_of_work() as uow:
        s = uow.session
        carrier = find_carrier(s, carrier_code)
        tz = warehouse_zone(s)
        if day is None:
            today = days.local_day(utcnow(), tz)
            day = manifest_day_to_close(s, carrier.id, today)
        manifest = s.exec(
            select(Manifest)
            .where(Manifest.carrier_id == carrier.id, Manifest.day == day)
            .with_for_update(key_share=True)
        ).first()
        if manifest is not None and manifest.status == ManifestStatus.CLOSED:
            who = s.get(Operator, manifest.closed_by_id) if manifest.closed_by_id else None
            raise Conflict(
                f"{carrier.name}'s manifest {manifest.number} was already closed at "
                f"{days.local_time(manifest.closed_at, tz)}"
                f"{f' by {who.name}' if who else ''}; reprint it instead"
            )
        pv = preview(s, carrier.code, day)
        if manifest is None or not pv.loaded:
            raise DomainError(
                f"Nothing loaded for {carrier.name} on {day:%d %b}: scan parcels at the "
                "hand-over first"
            )
        if pv.problems:
            more = f" (+{len(pv.problems) - 1} more)" if len(pv.problems) > 1 else ""
            raise DomainError(pv.problems[0] + more)
        if pv.waiting and not leave_behind_ok:
            n = len(pv.waiting)
            raise LeftBehind(
                f"{n} packed parcel{'s' if n != 1 else ''} for {carrier.name} "
                f"{'are' if n != 1 else 'is'} not loaded; they stay for {pv.waits_for} — "
                "confirm to close anyway",
                pv.waiting,
            )
        now = utcnow()
        parcel_ids = [p.parcel_id for p in pv.loaded]
        for parcel in s.exec(select(Parcel).where(col(Parcel.id).in_(parcel_ids))):
            parcel.status = ParcelStatus.MANIFESTED
            uow.add(parcel)
        orders = list(
            s.exec(
                select(Order)
                .where(col(Order.id).in_({p.order_id for p in pv.loaded}))
                .order_by(col(Order.name))
            )
        )
        _ship_stock(uow, actor, orders, manifest.number)
        for order in orders:
            events.change_status(
                uow, order, OrderStatus.DISPATCHED, actor, detail=f"manifest {manifest.number}"
            )
        manifest.status = ManifestStatus.CLOSED
        manifest.closed_at = now
        manifest.closed_by_id = actor.operator_id
        uow.add(manifest)
        events.log(
            uow,
            actor,
            EventKind.MANIFEST_CLOSED,
            detail=f"{manifest.number} {plural(len(parcel_ids), 'parcel')} "
            f"{plural(len(orders), 'order')}"
            + (f", {len(pv.waiting)} left for {pv.waits_for}" if pv.waiting else ""),
        )
        uow.flush()
        sheet, csv_path, pdf_path = write_files(s, manifest)
        manifest.csv_file = str(csv_path)
        manifest.pdf_file = str(pdf_path)
        uow.add(manifest)
        order_ids = [o.id for o in orders]
        uow.commit()
        print_problem = print_sheet(s, actor, pdf_path) if send else ""
    result = CloseOutResult(
        number=sheet.number,
        carrier_name=sheet.carrier_name,
        day=sheet.day,
        parcels=sheet.parcel_count,
        orders=sheet.order_count,
        weight_g=sheet.total_weight_g,
        csv_file=str(csv_path),
        pdf_file=str(pdf_path),
        left_behind=len(pv.waiting),
        left_for=pv.waits_for,
        print_problem=print_problem,
    )
    if not send_notices:
        return result
    from dataclasses import replace

    from wms_tui.services.dispatch import notices

    # The trucks leave whatever the mail server does: a notice problem is
    # reported, never undoes the close-out (``wms notices shipped`` retries).
    run = notices.shipping_confirmations(store, actor, order_ids)
    return replace(
        result,
        notices_written=len(run.written),
        notices_sent=run.sent,
        notice_problems=run.problems,
    )


@dataclass(frozen=True)
class Reprint:
    number: str
    csv_file: str
    pdf_file: str
    parcels: int
    print_problem: str = ""


@retrying
def reprint_manifest(store: Store, actor: Actor, number: str) -> Reprint:
    """Write a closed manifest's CSV and PDF again, from the store."""
    actor.require(Role.SUPERVISOR, Role.PACKER, action="reprint a manifest")
    number = number.strip().upper()
    with store.unit_of_work() as uow:
        s = uow.session
        manifest = s.exec(select(Manifest).where(func.upper(Manifest.number) == number)).first()
        if manifest is None:
            raise NotFound(f"No manifest {number}")
        if manifest.status != ManifestStatus.CLOSED:
            raise DomainError(f"Manifest {manifest.number} is still open: close it first")
        sheet, csv_path, pdf_path = write_files(s, manifest)
        manifest.csv_file = str(csv_path)
        manifest.pdf_file = str(pdf_path)
        uow.add(manifest)
        events.log(uow, actor, EventKind.MANIFEST_REPRINTED, detail=manifest.number)
        uow.commit()
        print_problem = print_sheet(s, actor, pdf_path)
    return Reprint(sheet.number, str(csv_path), str(pdf_path), sheet.parcel_count, print_problem)


@dataclass(frozen=True)
class ManifestInfo:
    number: str
    carrier_code: str
    day: date
    status: str
    parcels: int
    closed_at: datetime | None


def list_manifests(store: Store, day: date | None = None) -> list[ManifestInfo]:
    with store.read() as s:
        stmt = (
            select(Manifest, Carrier.code, func.count(col(Parcel.id)))
            .join(Carrier, col(Carrier.id) == Manifest.carrier_id)
            .join(Parcel, col(Parcel.manifest_id) == Manifest.id, isouter=True)
            .group_by(Manifest.id, Carrier.code)
            .order_by(col(Manifest.day).desc(), col(Carrier.code))
        )
        if day is not None:
            stmt = stmt.where(Manifest.day == day)
        return [
            ManifestInfo(m.number, code, m.day, str(m.status), int(n), m.closed_at)
            for m, code, n in s.exec(stmt).all()
        ]
