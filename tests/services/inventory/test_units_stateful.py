"""Random days on the floor keep every unit in exactly one place.

A hypothesis state machine drives receive / put away / move / order (allocate)
/ wave + pick / pack / ship / return / count through the same use cases the
screens call, and keeps its own model of where every unit should be: per SKU
and location, plus what left the building. After every step the database
must agree with the model exactly (no unit in two places, none lost), stock
must equal the sum of its movements, and nothing may be negative or reserved
beyond what is there.

The sister machine in ``test_stock_ledger_stateful.py`` covers receiving and
counting in more detail; this one follows units all the way out and back.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlmodel import select

from tests.conftest import sqlite_schema_copy, temp_root
from tests.worlds import factories as f
from wms_tui.domain import clock
from wms_tui.domain.enums import Disposition, LocationKind, OrderStatus, Resolution
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Location, Order, OrderLine, Parcel, Product, Stock
from wms_tui.services.demo.walk import scale_reading
from wms_tui.services.dispatch import handover, manifest
from wms_tui.services.inventory import cycle_count
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.inventory.stock import find_location, ledger_mismatches, move_stock
from wms_tui.services.packing import station as packing
from wms_tui.services.picking import claiming, waves
from wms_tui.services.picking import walk as picking
from wms_tui.services.receiving import closing, putaway
from wms_tui.services.receiving import receipt as receiving
from wms_tui.services.returns import desk as returns
from wms_tui.services.setup.reference_data import seed_reference_data

SKUS = ("MUG", "TEE", "CAP")
BARCODE = {sku: f.ean13(40 + i) for i, sku in enumerate(SKUS)}
BINS = ("A-01-1-A", "A-01-2-A", "A-01-3-A", "R-11-1-A")
HOME = {"MUG": "A-01-1-A", "TEE": "A-01-2-A", "CAP": "A-01-3-A"}
START = {("MUG", "A-01-1-A"): 6, ("TEE", "A-01-2-A"): 4, ("CAP", "R-11-1-A"): 3}
OUT = "(shipped)"


class UnitsOnTheFloor(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # One manifest per carrier and day: each shipment closes the day's, so
        # the clock moves on a day after it (a Tuesday morning to start).
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
        clock.set_clock(lambda: self.now)
        self.tmp = Path(tempfile.mkdtemp(prefix="wms-units-", dir=temp_root()))
        self.cwd = Path.cwd()
        import os

        os.chdir(self.tmp)  # labels/, manifests/ land here
        self.store = sqlite_schema_copy(f"sqlite:///{self.tmp / 'wms.db'}")
        with self.store.unit_of_work() as uow:
            seed_reference_data(uow)
            f.warehouse(uow)
            self.receiver = replace(f.operator(uow, "Björn", "receiver"), terminal="RCV-1")
            self.picker = replace(f.operator(uow, "Ana", "picker"), terminal="HH-1")
            self.packer = replace(f.operator(uow, "Johan", "packer"), terminal="PACK-1")
            self.boss = replace(f.operator(uow, "Karin", "supervisor"), terminal="OFFICE")
            for code in BINS[:3]:
                f.location(uow, code)
            f.location(uow, "R-11-1-A", LocationKind.BULK, zone="R")
            f.location(uow, "RCV-1", LocationKind.RECEIVING, zone="RCV")
            f.location(uow, "QUAR-1", LocationKind.QUARANTINE, zone="Q")
            for i in range(1, 7):
                f.location(uow, f"T-{i:04d}", LocationKind.TOTE, zone="TOTE")
            f.station(uow, "PACK-1", zone="PACK")
            self.carrier, self.service = f.carrier(uow, "PN", cutoff=time(23, 59))
            f.carton(uow, "BOX-M", 400, 300, 200, max_g=20000)
            products = {
                sku: f.product(uow, sku, barcode=BARCODE[sku], dims=(100, 80, 50)) for sku in SKUS
            }
            for (sku, code), n in START.items():
                f.receive(uow, products[sku], find_location(uow.session, code), n)
            uow.commit()
        self.model: Counter[tuple[str, str]] = Counter(START)
        self.waiting: Counter[tuple[str, str]] = Counter()  # (delivery, sku): units in RCV-1
        self.reference = receiving.start_blind_receipt(self.store, self.receiver).reference
        self.orders = 0
        # Units picked per order and where they are: (sku, tote) -> n
        self.in_totes: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        self.packed: dict[str, Counter[str]] = defaultdict(Counter)  # at PACK-1, per order
        self.shipped: dict[str, Counter[str]] = defaultdict(Counter)
        for lines in ([("MUG", 1), ("TEE", 1)], [("CAP", 2)]):  # the day starts with orders
            self.order(lines)

    def teardown(self) -> None:
        import os

        self.store.dispose()
        clock.set_clock(None)
        os.chdir(self.cwd)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- stock arriving and moving ---------------------------------------------

    @rule(sku=st.sampled_from(SKUS), count=st.integers(1, 4))
    def receive(self, sku: str, count: int) -> None:
        res = receiving.receive_scan(self.store, self.receiver, self.reference, sku, count=count)
        self.model[(sku, "RCV-1")] += res.qty
        self.waiting[(self.reference, sku)] += res.qty

    @precondition(lambda self: any(self.waiting.values()))
    @rule(data=st.data())
    def put_away(self, data: st.DataObject) -> None:
        (ref, sku), n = data.draw(st.sampled_from(sorted(self.waiting.items())))
        if n == 0:
            return
        bin_code = data.draw(st.sampled_from((HOME[sku], "R-11-1-A")))
        try:
            putaway.put_away(
                self.store, self.receiver, reference=ref, product_code=sku, bin_code=bin_code
            )
        except DomainError:
            return  # e.g. the home bin holds another SKU after a move
        self.model[(sku, "RCV-1")] -= n
        self.model[(sku, bin_code)] += n
        self.waiting[(ref, sku)] = 0

    @rule(sku=st.sampled_from(SKUS), src=st.sampled_from(BINS), dst=st.sampled_from(BINS))
    def move(self, sku: str, src: str, dst: str) -> None:
        try:
            with self.store.unit_of_work() as uow:
                s = uow.session
                product = s.exec(select(Product).where(Product.sku == sku)).one()
                move_stock(
                    uow,
                    self.boss,
                    product,
                    1,
                    from_loc=find_location(s, src),
                    to_loc=find_location(s, dst),
                    reason="MOVED",
                )
                uow.commit()
        except DomainError:
            return
        self.model[(sku, src)] -= 1
        self.model[(sku, dst)] += 1

    @rule(bin_code=st.sampled_from(BINS), data=st.data())
    def count(self, bin_code: str, data: st.DataObject) -> None:
        present = sorted(s for (s, loc), n in self.model.items() if loc == bin_code and n > 0)
        counted = {sku: data.draw(st.integers(0, 6), label=sku) for sku in present}
        try:
            cycle_count.approve_count(
                self.store, self.boss, bin_code, counted, reason="Found stock"
            )
        except DomainError:
            return  # e.g. counting below what is reserved for an order being picked
        for sku, n in counted.items():
            self.model[(sku, bin_code)] = n

    # -- orders out -----------------------------------------------------------

    @rule(
        lines=st.lists(
            st.tuples(st.sampled_from(SKUS), st.integers(1, 2)),
            min_size=1,
            max_size=2,
            unique_by=lambda t: t[0],
        )
    )
    def order(self, lines: list[tuple[str, int]]) -> None:
        self.orders += 1
        with self.store.unit_of_work() as uow:
            s = uow.session
            items = [(s.exec(select(Product).where(Product.sku == k)).one(), q) for k, q in lines]
            o = f.order(
                uow,
                f"#{self.orders}",
                items,
                carrier_id=self.carrier.id,
                service_id=self.service.id,
            )
            allocate_order(uow, o)
            uow.commit()

    @rule()
    def wave(self) -> None:
        with contextlib.suppress(DomainError):
            waves.build_wave(self.store, self.boss, cart_size=2)

    @rule()
    def pick(self) -> None:
        view = claiming.claim_next_task(self.store, self.picker)
        if view is None:
            self.wave()  # the supervisor releases the next wave
            view = claiming.claim_next_task(self.store, self.picker)
        if view is None:
            return
        while (stop := view.stop) is not None:
            try:
                at = picking.scan(self.store, self.picker, view.code, stop.bin).at_bin
                for _ in range(stop.remaining):
                    picking.scan(self.store, self.picker, view.code, stop.sku, at_bin=at)
                    self.model[(stop.sku, stop.bin)] -= 1
                    self.model[(stop.sku, stop.tote)] += 1
                    self.in_totes[stop.order][(stop.sku, stop.tote)] += 1
                    event("picked a unit")
                view = picking.scan(self.store, self.picker, view.code, stop.tote, at_bin=at).view
            except DomainError:
                # A bin counted short under the picker: report it, as the screen offers.
                view = picking.report_short(
                    self.store, self.picker, view.code, reason=next(iter(picking.SHORT_REASONS))
                ).view
                if view.stop is not None and view.stop.line_id == stop.line_id:
                    picking.pause_task(self.store, self.picker, view.code)
                    return

    @precondition(lambda self: bool(self.in_totes))
    @rule()
    def pack(self) -> None:
        with self.store.read() as s:
            name = s.exec(
                select(Order.name).where(Order.status == OrderStatus.PICKED).order_by(Order.id)
            ).first()
        if name is None:
            return
        view = packing.open_order(self.store, self.packer, name)
        for line in view.lines:
            for _ in range(line.need - line.packed):
                view = packing.scan(self.store, self.packer, view.order_id, line.sku)
        for parcel in view.parcels:
            reading = scale_reading(parcel.expected_g, view.order_id)
            view = packing.enter_weight(
                self.store, self.packer, view.order_id, reading, parcel_no=parcel.seq
            )
        for item in view.inserts:
            if not item.done:
                view = packing.confirm_insert(self.store, self.packer, view.order_id, item.n)
        try:
            packing.close_parcel(self.store, self.packer, view.order_id)
        except DomainError:
            packing.release(self.store, self.packer, view.order_id)
            return
        for (sku, tote), n in self.in_totes.pop(name).items():
            self.model[(sku, tote)] -= n
            self.model[(sku, "PACK-1")] += n
            self.packed[name][sku] += n
        event("packed an order")

    @precondition(lambda self: bool(self.packed))
    @rule()
    def ship(self) -> None:
        with self.store.read() as s:
            codes = s.exec(
                select(Parcel.sscc)
                .join(Order, Order.id == Parcel.order_id)
                .where(Order.status == OrderStatus.PACKED)
            ).all()
        for code in codes:
            handover.load_parcel(self.store, self.boss, "PN", code)
        manifest.close_manifest(self.store, self.boss, "PN", send=False, send_notices=False)
        for name, units in self.packed.items():
            for sku, n in units.items():
                self.model[(sku, "PACK-1")] -= n
                self.model[(sku, OUT)] += n
                self.shipped[name][sku] += n
        self.packed.clear()
        self.now += timedelta(days=1)
        event("shipped a manifest")

    @precondition(lambda self: any(+u for u in self.shipped.values()))
    @rule(data=st.data(), restock=st.booleans())
    def give_back(self, data: st.DataObject, restock: bool) -> None:
        name = data.draw(st.sampled_from(sorted(n for n, u in self.shipped.items() if +u)))
        with self.store.read() as s:
            order = s.exec(select(Order).where(Order.name == name)).one()
            lines = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
            line = data.draw(st.sampled_from([ln for ln in lines if self.shipped[name][ln.sku]]))
            order_id, line_id, sku = order.id, line.id, line.sku
        where = HOME[sku] if restock else "QUAR-1"
        try:
            returns.register_return(
                self.store,
                self.boss,
                returns.ReturnRequest(
                    order_id=order_id,
                    units=[
                        returns.ReturnUnit(
                            order_line_id=line_id,
                            reason_code="CHANGED_MIND",
                            disposition=Disposition.RESTOCK if restock else Disposition.QUARANTINE,
                            location=where,
                        )
                    ],
                    resolution=Resolution.REFUND,
                ),
            )
        except DomainError as exc:
            assert "holds" in str(exc) or "return" in str(exc).lower(), str(exc)
            return
        self.shipped[name][sku] -= 1
        self.model[(sku, OUT)] -= 1
        self.model[(sku, where)] += 1
        event("booked a return")

    @rule()
    def next_delivery(self) -> None:
        try:
            closing.close_receipt(self.store, self.receiver, self.reference)
        except DomainError:
            return
        self.reference = receiving.start_blind_receipt(self.store, self.receiver).reference

    # -- invariants -----------------------------------------------------------

    @invariant()
    def every_unit_in_one_place(self) -> None:
        with self.store.read() as s:
            assert ledger_mismatches(s) == []
            actual: Counter[tuple[str, str]] = Counter()
            for row, p, loc in s.exec(
                select(Stock, Product, Location)
                .join(Product, Product.id == Stock.product_id)
                .join(Location, Location.id == Stock.location_id)
            ):
                assert 0 <= row.allocated <= row.qty, (p.sku, loc.code, row.qty, row.allocated)
                if row.qty:
                    actual[(p.sku, loc.code)] = row.qty
        expected = {k: v for k, v in self.model.items() if v and k[1] != OUT}
        assert dict(actual) == expected
        assert all(n >= 0 for n in self.model.values()), self.model


UnitsOnTheFloor.TestCase.settings = settings(
    max_examples=10,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestUnitsOnTheFloor = UnitsOnTheFloor.TestCase
