"""Random receive / put-away / move / allocate / count sequences keep the books straight.

A model of where every unit should be is kept beside the database; after every step
the database must agree with the model and with its own ledger (stock equals the sum
of movements), reservations must never exceed stock, and nothing may be reserved
outside pick and bulk bins.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func
from sqlmodel import select

from tests.conftest import sqlite_schema_copy, temp_root
from tests.worlds import factories as f
from tests.worlds.receiving import MUG_CASE, TEE_EAN, build
from wms_tui.domain.enums import LocationKind, MovementReason
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Allocation,
    DeliveryLine,
    Location,
    OrderLine,
    Product,
    Stock,
)
from wms_tui.services.inventory import cycle_count
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.inventory.stock import find_location, ledger_mismatches, move_stock
from wms_tui.services.receiving import closing, putaway
from wms_tui.services.receiving import receipt as receiving

SKUS = ("TEE", "MUG", "PRINT")
CODES = {"TEE": (TEE_EAN, 1), "MUG": (MUG_CASE, 6), "PRINT": ("PRINT", 1)}
BINS = ("A-01-1-A", "A-01-1-B", "A-01-2-A", "B-01-1-A", "R-11-1-A")
COUNTABLE = (*BINS, "QUAR-1")
REASONS = ("Lost or stolen", "Found stock")


class StockBooks(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="wms-ledger-", dir=temp_root()))
        self.store = sqlite_schema_copy(f"sqlite:///{self.tmp / 'wms.db'}")
        self.world = build(self.store)
        # where units should be, per (sku, location); starts as build() left it
        self.model: Counter[tuple[str, str]] = Counter(
            {("TEE", "A-01-1-A"): 5, ("MUG", "A-01-2-A"): 2}
        )
        self.waiting: Counter[tuple[str, str]] = Counter()  # (delivery, sku) -> good units in RCV
        self.reference = "PO-1"
        self.orders = 0

    def teardown(self) -> None:
        self.store.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @initialize()
    def start(self) -> None:
        assert self.store.is_initialised()

    # -- rules -----------------------------------------------------------------

    @rule(sku=st.sampled_from(SKUS), count=st.integers(-1, 4), damaged=st.booleans())
    def receive(self, sku: str, count: int, damaged: bool) -> None:
        code, pack = CODES[sku]
        try:
            res = receiving.receive_scan(
                self.store,
                self.world.receiver,
                self.reference,
                code,
                count=count,
                damaged_reason="Crushed or broken" if damaged else None,
                confirmed=True,  # an over-receipt's question is the screen's; the books must agree
            )
        except DomainError:
            assert count < 1
            return
        assert count >= 1 and res.qty == count * pack
        if damaged:
            self.model[(sku, "QUAR-1")] += res.qty
        else:
            self.model[(sku, "RCV-1")] += res.qty
            self.waiting[(self.reference, sku)] += res.qty

    @precondition(lambda self: any(self.waiting.values()))
    @rule(data=st.data(), bin_code=st.sampled_from((*BINS, "QUAR-1", "RCV-2")))
    def put_away(self, data: st.DataObject, bin_code: str) -> None:
        (ref, sku), waiting = data.draw(
            st.sampled_from(sorted((k, v) for k, v in self.waiting.items() if v))
        )
        qty = data.draw(st.integers(0, waiting + 1))
        try:
            res = putaway.put_away(
                self.store,
                self.world.receiver,
                reference=ref,
                product_code=sku,
                bin_code=bin_code,
                qty=qty,
            )
        except DomainError:
            holds_other = bin_code.startswith(("A-", "B-")) and any(
                n for (s, loc), n in self.model.items() if loc == bin_code and s != sku
            )
            assert qty < 1 or qty > waiting or bin_code in ("QUAR-1", "RCV-2") or holds_other
            return
        assert res.qty == qty
        self.model[(sku, "RCV-1")] -= qty
        self.model[(sku, bin_code)] += qty
        self.waiting[(ref, sku)] -= qty

    @rule(sku=st.sampled_from(SKUS), src=st.sampled_from(BINS), dst=st.sampled_from(BINS))
    def move(self, sku: str, src: str, dst: str) -> None:
        """A replenishment: one unit from bin to bin, through the inventory primitive."""
        try:
            with self.store.unit_of_work() as uow:
                s = uow.session
                product = s.exec(select(Product).where(Product.sku == sku)).one()
                move_stock(
                    uow,
                    self.world.supervisor,
                    product,
                    1,
                    from_loc=find_location(s, src),
                    to_loc=find_location(s, dst),
                    reason=MovementReason.MOVED,
                )
                uow.commit()
        except DomainError:
            return
        self.model[(sku, src)] -= 1
        self.model[(sku, dst)] += 1

    @rule(sku=st.sampled_from(SKUS), qty=st.integers(1, 4))
    def order(self, sku: str, qty: int) -> None:
        self.orders += 1
        with self.store.unit_of_work() as uow:
            product = uow.session.exec(select(Product).where(Product.sku == sku)).one()
            o = f.order(uow, f"#{self.orders}", [(product, qty)])
            allocate_order(uow, o)
            uow.commit()

    @rule(bin_code=st.sampled_from(COUNTABLE), data=st.data())
    def count(self, bin_code: str, data: st.DataObject) -> None:
        present = sorted(s for (s, loc), n in self.model.items() if loc == bin_code and n > 0)
        counted = {sku: data.draw(st.integers(0, 8), label=sku) for sku in present}
        if data.draw(st.booleans(), label="found another SKU"):
            counted[data.draw(st.sampled_from(SKUS))] = data.draw(st.integers(0, 3))
        cycle_count.approve_count(
            self.store,
            self.world.supervisor,
            bin_code,
            counted,
            reason=data.draw(st.sampled_from(REASONS)),
        )
        for sku, n in counted.items():
            self.model[(sku, bin_code)] = n

    @rule()
    def close_and_start_blind(self) -> None:
        try:
            closing.close_receipt(self.store, self.world.receiver, self.reference)
        except DomainError as exc:
            assert "Nothing received" in str(exc)
            return
        self.reference = receiving.start_blind_receipt(self.store, self.world.receiver).reference

    # -- invariants ------------------------------------------------------------

    @invariant()
    def books_agree(self) -> None:
        with self.store.read() as s:
            assert ledger_mismatches(s) == []
            actual: dict[tuple[str, str], int] = defaultdict(int)
            for st_row, p, loc in s.exec(
                select(Stock, Product, Location)
                .join(Product, Product.id == Stock.product_id)
                .join(Location, Location.id == Stock.location_id)
            ):
                assert 0 <= st_row.allocated <= st_row.qty, (p.sku, loc.code)
                if loc.kind not in (LocationKind.PICK, LocationKind.BULK):
                    assert st_row.allocated == 0, (p.sku, loc.code)
                reserved = s.exec(
                    select(
                        func.coalesce(func.sum(Allocation.qty - Allocation.qty_picked), 0)
                    ).where(Allocation.product_id == p.id, Allocation.location_id == loc.id)
                ).one()
                assert reserved == st_row.allocated, (p.sku, loc.code)
                if st_row.qty:
                    actual[(p.sku, loc.code)] = st_row.qty
            assert actual == {k: v for k, v in self.model.items() if v}
            for line in s.exec(select(OrderLine)):
                got = s.exec(
                    select(func.coalesce(func.sum(Allocation.qty), 0)).where(
                        Allocation.order_line_id == line.id
                    )
                ).one()
                assert got == line.qty_allocated
            waiting = sum(
                ln.received_qty - ln.damaged_qty - ln.put_away_qty
                for ln in s.exec(select(DeliveryLine))
            )
            assert waiting == sum(n for (s_, loc), n in self.model.items() if loc == "RCV-1")


StockBooks.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestStockBooks = StockBooks.TestCase
