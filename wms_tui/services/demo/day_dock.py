"""The receivers' and the dock's turns in a simulated day: late deliveries received blind
and put away, parcels loaded, cancelled orders' parcels stopped, manifests closed, and
parcels of earlier in the day back at the returns desk.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import (
    Disposition,
    LocationKind,
    ManifestStatus,
    OrderStatus,
    ParcelStatus,
    Resolution,
)
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Carrier,
    Location,
    Manifest,
    Order,
    OrderLine,
    Parcel,
    ReturnReason,
    Stock,
)

S = OrderStatus


class DockWork:
    """Mixed into :class:`~wms_tui.services.demo.simulate._Day` (its state is set there)."""

    # -- receiving ----------------------------------------------------------

    def receive(self, receiver: Actor) -> bool:
        from wms_tui.services.receiving import closing, putaway
        from wms_tui.services.receiving import receipt as receiving

        due = [d for d in self.deliveries if d[0] <= self.round]
        if due:
            delivery = due[0]
            self.deliveries.remove(delivery)
            r = receiving.start_blind_receipt(self.store, receiver, supplier="Late supplier")
            for sku, qty in delivery[1].items():
                receiving.receive_scan(self.store, receiver, r.reference, sku, count=qty)
            closing.close_receipt(self.store, receiver, r.reference)
            self.putaway_waiting = True
            self.note("late delivery received")
            return True
        if not self.putaway_waiting:
            return False
        lines = putaway.pending(self.store)
        if not lines:
            self.putaway_waiting = False
            return False
        line = lines[0]
        if line.suggestion is None:
            return False
        putaway.put_away(
            self.store,
            receiver,
            reference=line.reference,
            product_code=line.sku,
            bin_code=line.suggestion.bin,
        )
        self.note("put away")
        return True

    # -- dock ---------------------------------------------------------------

    def load(self) -> bool:
        from wms_tui.services.dispatch import handover

        took_out = self.stop_cancelled_parcels()
        with self.store.read() as s:
            rows = s.exec(
                select(Carrier.code, Parcel.sscc)
                .join(Order, col(Order.id) == Parcel.order_id)
                .join(Carrier, col(Carrier.id) == Order.carrier_id)
                .where(Parcel.status == ParcelStatus.CLOSED, Order.status == S.PACKED)
                .order_by(col(Parcel.id))
                .limit(10)
            ).all()
        for carrier, sscc in rows:
            try:
                handover.load_parcel(self.store, self.dock, carrier, str(sscc))
                self.note("parcel loaded")
            except DomainError as exc:
                self.refused("load", exc)
        return bool(rows) or took_out

    def stop_cancelled_parcels(self) -> bool:
        """The dock takes off the truck the parcels of orders cancelled after packing."""
        from wms_tui.services.dispatch import handover

        with self.store.read() as s:
            rows = s.exec(
                select(Carrier.code, Parcel.sscc)
                .join(Order, col(Order.id) == Parcel.order_id)
                .join(Carrier, col(Carrier.id) == Order.carrier_id)
                .where(Parcel.status == ParcelStatus.LOADED, Order.status == S.CANCELLED)
            ).all()
        for carrier, sscc in rows:
            try:
                handover.take_out(self.store, self.dock, carrier, str(sscc))
                self.note("stopped parcel taken off the truck")
            except DomainError as exc:
                self.refused("take out", exc)
        return bool(rows)

    def close_manifests(self, before: date | None = None) -> None:
        """Close every open manifest with parcels loaded (only those dated ``before``)."""
        from wms_tui.services.dispatch import manifest

        self.stop_cancelled_parcels()
        # Each open manifest by its own day: a long day's rounds run past the warehouse's
        # midnight, and closing only "today's" left the earlier day's parcels loaded on
        # an open manifest (401 orders PACKED at the end of a 5,000-order day).
        with self.store.read() as s:
            open_days = s.exec(
                select(Carrier.code, Manifest.day)
                .join(Manifest, col(Manifest.carrier_id) == Carrier.id)
                .join(Parcel, col(Parcel.manifest_id) == Manifest.id)
                .where(
                    Manifest.status == ManifestStatus.OPEN,
                    Parcel.status == ParcelStatus.LOADED,
                    *([Manifest.day < before] if before is not None else []),
                )
                .distinct()
                .order_by(col(Manifest.day))
            ).all()
        for code, on_day in open_days:
            try:
                manifest.close_manifest(
                    self.store, self.office, code, on_day, send_notices=False, send=False
                )
                self.note("manifest closed")
            except DomainError as exc:
                self.refused("manifest", exc)

    def returns(self) -> None:
        from wms_tui.services.returns import desk

        with self.store.read() as s:
            ids = s.exec(
                select(Order.id).where(Order.status == S.DISPATCHED).order_by(col(Order.id))
            ).all()
            reason = s.exec(select(ReturnReason.code).order_by(col(ReturnReason.code))).first()
        desk_actor = self.receivers[0]
        for oid in ids:
            if self.rng.random() >= self.faults.returns or reason is None:
                continue
            with self.store.read() as s:
                lines = s.exec(
                    select(OrderLine.id, OrderLine.qty_packed, Stock.location_id)
                    .join(Stock, col(Stock.product_id) == OrderLine.product_id, isouter=True)
                    .where(OrderLine.order_id == oid, OrderLine.qty_packed > 0)
                ).all()
                bins = {}
                for line_id, qty, loc_id in lines:
                    loc = s.get(Location, loc_id) if loc_id else None
                    if loc is not None and loc.kind == LocationKind.PICK:
                        bins.setdefault(line_id, (qty, loc.code))
            units = [
                desk.ReturnUnit(
                    order_line_id=line_id,
                    reason_code=reason,
                    disposition=Disposition.RESTOCK,
                    location=code,
                    qty=qty,
                )
                for line_id, (qty, code) in bins.items()
            ]
            if not units:
                continue
            try:
                desk.register_return(
                    self.store, desk_actor, desk.ReturnRequest(oid, units, Resolution.REFUND)
                )
                self.note("returned and restocked")
            except DomainError as exc:
                self.refused("return", exc)
