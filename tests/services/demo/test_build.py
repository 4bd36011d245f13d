"""The demo warehouse: created from the seed files, idempotent, consistent.

Built on SQLite and PostgreSQL (CJ's tracking range is past 2^31, which a
32-bit PostgreSQL INTEGER counter refused).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from tests.worlds.dbstate import snapshot
from tests.worlds.demo import LEFT_BEFORE_RESET, BuiltDemo, row_counts
from tests.worlds.factories import store_folder
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import (
    ExceptionKind,
    LocationKind,
    ManifestStatus,
    MovementReason,
    OrderStatus,
    ParcelStatus,
    Role,
)
from wms_tui.domain.errors import DomainError
from wms_tui.domain.identifiers.tracking import (
    make_tracking_number,
    sscc_at_home,
    validate_tracking_number,
)
from wms_tui.domain.models import (
    Carrier,
    CartonType,
    Event,
    Location,
    Manifest,
    Notice,
    Operator,
    Order,
    OrderLine,
    Parcel,
    Product,
    ReturnLine,
    ReturnReceipt,
    Stock,
    StockMovement,
    Warehouse,
    WmsException,
)
from wms_tui.services.demo import walk as demo_walk
from wms_tui.services.demo.build import create_demo
from wms_tui.services.demo.seed_files import DEMO_DIR, load_demo
from wms_tui.services.dispatch import fulfillment_export
from wms_tui.services.dispatch import overview as dispatch_overview
from wms_tui.services.intake.order_import import import_orders
from wms_tui.services.intake.product_import import import_products
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.lookup import order_search
from wms_tui.services.returns import returnable
from wms_tui.services.setup.carrier_tracking import rule_for
from wms_tui.store import Store

# The demo is built once per backend for every test that reads it (tests/worlds/demo.py);
# the group keeps those tests on the worker that built it, and they start early
# (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo_build")]

SHOPIFY = Path(__file__).resolve().parents[2] / "fixtures" / "shopify"
SHIPPED_OR_CANCELLED = {OrderStatus.DISPATCHED, OrderStatus.RETURNED, OrderStatus.CANCELLED}


@pytest.fixture
def demo(demo_build: BuiltDemo) -> Store:
    return demo_build.store


def test_a_second_run_changes_nothing(demo_build: BuiltDemo) -> None:
    before = snapshot(demo_build.store)
    store, created = create_demo(demo_build.url)
    store.dispose()
    assert not created
    assert snapshot(demo_build.store) == before, "a second run must change nothing"


def test_a_reset_drops_what_the_store_held_before(pg_demo: BuiltDemo) -> None:
    """On PostgreSQL a reset drops every table (and enum type) and builds again
    (the shared demo was built so); SQLite's reset is tests/cli/test_demo_reset.py."""
    names = pg_demo.order_names()
    assert LEFT_BEFORE_RESET not in names and "#D1001" in names


def test_the_demo_holds_every_stage_walked_by_the_real_services(demo_build: BuiltDemo) -> None:
    store = demo_build.store
    n_products, n_orders, *_ = row_counts(store)
    assert 150 <= n_products <= 260 and 80 <= n_orders <= 130
    with store.read() as s:
        assert ledger_mismatches(s) == []
        statuses = set(s.exec(select(Order.status)).all())
        assert {
            OrderStatus.NEW,
            OrderStatus.READY_TO_PICK,
            OrderStatus.BACKORDERED,
            OrderStatus.PICKING,
            OrderStatus.PICKED,
            OrderStatus.PACKING,
            OrderStatus.PACKED,
            OrderStatus.DISPATCHED,
        } <= statuses
        # Packed at PACK-1 by a named packer, with a label and slip on disk.
        parcels = s.exec(select(Parcel).where(Parcel.status == ParcelStatus.CLOSED)).all()
        assert parcels and all(p.packed_by_name == "Johan Öberg" for p in parcels)
        labels = store_folder(store, demo_build.folder / "labels")  # this store's own folder
        assert all((labels / p.label_file).is_file() for p in parcels)
        # In-progress orders were walked there by the real services.
        picked = s.exec(select(Order).where(Order.status == OrderStatus.PICKED)).all()
        for o in picked:
            lines = s.exec(select(OrderLine).where(OrderLine.order_id == o.id)).all()
            assert all(ln.qty_picked == ln.quantity for ln in lines), o.name
        in_totes = s.exec(
            select(func.sum(Stock.qty))
            .join(Location, Location.id == Stock.location_id)
            .where(Location.kind == LocationKind.TOTE)
        ).one()
        assert in_totes and in_totes > 0
        ready = s.exec(select(Order).where(Order.status == OrderStatus.READY_TO_PICK)).all()
        assert ready and all(
            s.exec(
                select(func.sum(OrderLine.qty_allocated)).where(OrderLine.order_id == o.id)
            ).one()
            for o in ready
        )
        roles = {r for op in s.exec(select(Operator)) for r in op.role_set}
        assert roles == {r.value for r in Role}
        names = " ".join(s.exec(select(Order.ship_name)).all())
        assert any("\uac00" <= ch <= "\ud7a3" for ch in names)  # Hangul
        assert any(ch in names for ch in "ÅÄÖåäö")


def test_a_real_shops_first_orders_import_beside_the_demo_orders(empty_store: Store) -> None:
    """Shopify numbers orders from #1001; the demo's #D1001... must not be "updated"."""
    with empty_store.unit_of_work() as uow:
        load_demo(uow)
        uow.commit()

    def demo_orders() -> list[tuple]:
        with empty_store.read() as s:
            return [
                (o.name, o.status, o.ship_name, o.source_hash)
                for o in s.exec(select(Order).where(Order.name.startswith("#D")).order_by(Order.id))
            ]

    before = demo_orders()
    assert len(before) == 100
    assert import_products(empty_store, SHOPIFY / "products.csv").ok
    report = import_orders(empty_store, SHOPIFY / "orders.csv", release=False)
    assert report.ok, report.errors
    assert report.count("updated") == 0 and report.count("unchanged") == 0
    assert report.tally("created").names == ["#1041", "#1042", "#1043", "#1044", "#1046"]
    assert demo_orders() == before


# --------------------------------------------------------------------------- the past week


def seeded(status: str) -> list[str]:
    with (DEMO_DIR / "orders.csv").open(encoding="utf-8") as fh:
        return [r["name"] for r in csv.DictReader(fh) if r["status"] == status]


def test_shipped_orders_left_in_labelled_parcels_on_a_closed_manifest(demo: Store) -> None:
    shipped = seeded("DISPATCHED") + seeded("RETURNED")
    assert len(shipped) >= 5
    with demo.read() as s:
        for name in shipped:
            order = s.exec(select(Order).where(Order.name == name)).one()
            parcels = s.exec(select(Parcel).where(Parcel.order_id == order.id)).all()
            assert parcels, f"{name} has no parcel"
            lines = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
            assert all(ln.qty_packed == ln.quantity for ln in lines), name
            for p in parcels:
                assert p.status == ParcelStatus.MANIFESTED, name
                assert p.sscc and len(p.sscc) == 18 and p.tracking_number, name
                assert p.packed_by_id is not None and p.packed_by_name, name
                assert p.terminal.startswith("PACK-"), name
                assert p.carton_type_id and s.get(CartonType, p.carton_type_id), name
                assert p.weight_g and p.expected_weight_g, name
                m = s.get(Manifest, p.manifest_id)
                assert m is not None and m.status == ManifestStatus.CLOSED, name
                assert m.carrier_id == order.carrier_id, name
                # Packed, loaded, shipped: in that order, on earlier days than today.
                assert p.packed_at < p.loaded_at <= m.closed_at < utcnow(), name
            dispatched = s.exec(
                select(Event.at).where(
                    Event.order_id == order.id, Event.to_state == OrderStatus.DISPATCHED.value
                )
            ).one()
            assert dispatched == max(s.get(Manifest, p.manifest_id).closed_at for p in parcels)
            assert order.created_at < min(p.packed_at for p in parcels), name
        # Numbers come from the counters: no two parcels share one.
        ssccs = s.exec(select(Parcel.sscc).where(col(Parcel.sscc).is_not(None))).all()
        assert len(ssccs) == len(set(ssccs))


def test_every_carriers_parcels_are_numbered_from_its_range(demo: Store) -> None:
    """CJ's range starts at 60500000001 and USPS's at 11000000000000001, past 32 bits:
    the counters are 64-bit on every backend and the numbers are the carriers' own."""
    with (DEMO_DIR / "carriers.csv").open(encoding="utf-8") as fh:
        start = {r["code"]: int(r["tracking_start"]) for r in csv.DictReader(fh)}
    with demo.read() as s:
        wh = s.exec(select(Warehouse)).one()
        for carrier in s.exec(select(Carrier)):
            rows = s.exec(
                select(Parcel.tracking_number, Parcel.sscc, Order.ship_country)
                .join(Order, col(Order.id) == Parcel.order_id)
                .where(Order.carrier_id == carrier.id, col(Parcel.tracking_number).is_not(None))
            ).all()
            rule = rule_for(carrier, wh.country_code)
            # PostNord (sscc_s10) at home: the parcel's SSCC is its item ID, no range used.
            home = [
                (n, sscc) for n, sscc, to in rows if sscc_at_home(rule.check, wh.country_code, to)
            ]
            assert all(n == sscc for n, sscc in home), carrier.code
            numbers = [n for n, _, to in rows if not sscc_at_home(rule.check, wh.country_code, to)]
            assert carrier.tracking_next == start[carrier.code] + len(numbers), carrier.code
            assert sorted(numbers) == sorted(
                make_tracking_number(rule, n)
                for n in range(start[carrier.code], carrier.tracking_next)
            ), carrier.code
            assert all(validate_tracking_number(rule, n) for n in numbers), carrier.code
            if carrier.code == "POSTNORD":
                assert home, "the demo ships PostNord parcels inside Sweden"
        cj = s.exec(select(Carrier).where(Carrier.code == "CJ")).one()
        assert cj.tracking_next > 60_500_000_001, "the demo ships some CJ parcels"


def test_no_order_is_promised_before_it_was_placed_and_some_are_late(demo: Store) -> None:
    today = utcnow().date()
    late = []
    with demo.read() as s:
        for name, status, created, promised in s.exec(
            select(Order.name, Order.status, Order.created_at, Order.promised_ship_date)
        ):
            assert promised is not None and promised >= created.date(), name
            if promised < today and status not in SHIPPED_OR_CANCELLED:
                late.append(name)
    assert late, "the demo shows late orders"


def test_shipped_orders_are_found_by_tracking_number_and_exported(demo: Store) -> None:
    with demo.read() as s:
        shipped = s.exec(
            select(Order.name, Parcel.tracking_number, Parcel.sscc)
            .join(Parcel, col(Parcel.order_id) == Order.id)
            .where(col(Order.name).in_(seeded("DISPATCHED")))
            .order_by(Order.name)
        ).all()
    supervisor = demo_walk.actor(demo, "S9001", "OFFICE")
    # A carrier's own number, and a PostNord parcel at home whose number is its SSCC.
    name, tracking, _ = next(row for row in shipped if row[1] != row[2])
    hits = order_search.find(demo, supervisor, tracking)
    assert [(h.name, h.matched, h.tracking) for h in hits] == [(name, "tracking", tracking)]
    name, tracking, _ = next(row for row in shipped if row[1] == row[2])
    hits = order_search.find(demo, supervisor, tracking)
    assert [(h.name, h.matched, h.tracking) for h in hits] == [(name, "SSCC", tracking)]
    rows = {r.name: r for r in fulfillment_export.fulfillment_rows(demo)}
    assert set(rows) == set(seeded("DISPATCHED") + seeded("RETURNED"))
    assert all(r.tracking_numbers for r in rows.values())


def test_the_returned_order_came_back_through_the_returns_desk(demo: Store) -> None:
    (name,) = seeded("RETURNED")
    with demo.read() as s:
        order = s.exec(select(Order).where(Order.name == name)).one()
        assert order.status == OrderStatus.RETURNED and order.resolution == "REFUND"
        receipt = s.exec(select(ReturnReceipt).where(ReturnReceipt.order_id == order.id)).one()
        back = s.exec(select(ReturnLine).where(ReturnLine.return_id == receipt.id)).all()
        lines = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
        assert sum(r.qty for r in back) == sum(ln.quantity for ln in lines)
        assert {r.disposition for r in back} == {"RESTOCK"}
        shipped_at = max(p.loaded_at for p in s.exec(select(Parcel)) if p.order_id == order.id)
        assert shipped_at < receipt.at < utcnow()
        seen = returnable.describe(s, order)
        assert seen.parcels and all(p.tracking_number and p.packed_by for p in seen.parcels)
        assert seen.packed_by and seen.picked_by and seen.dispatched_at
    with pytest.raises(DomainError, match="already returned on .* by Björn Åkesson"):
        returnable.lookup(demo, name)


def test_backordered_orders_are_on_the_supervisors_exception_list(demo: Store) -> None:
    names = seeded("BACKORDERED")
    assert names
    with demo.read() as s:
        for name in names:
            order = s.exec(select(Order).where(Order.name == name)).one()
            assert order.status == OrderStatus.BACKORDERED
            exc = s.exec(
                select(WmsException).where(
                    WmsException.order_id == order.id,
                    WmsException.kind == ExceptionKind.BACKORDER,
                    col(WmsException.resolved_at).is_(None),
                )
            ).one()
            assert exc.sku and "short" in exc.message, name
            assert order.created_at < exc.at < utcnow()
    listed = {e.order_name for e in dispatch_overview.snapshot(demo).exceptions}
    assert set(names) <= listed


def test_the_week_ships_only_what_it_had_and_the_ledger_adds_up(demo: Store) -> None:
    """The past week's units were on hand before it: every SKU ends with stock.csv's total."""
    with (DEMO_DIR / "stock.csv").open(encoding="utf-8") as fh:
        seeded_total: Counter[str] = Counter()
        for r in csv.DictReader(fh):
            seeded_total[r["sku"]] += int(r["qty"])
    with demo.read() as s:
        assert ledger_mismatches(s) == []
        on_hand: Counter[str] = Counter()
        for sku, qty in s.exec(
            select(Product.sku, Stock.qty).join(Product, col(Product.id) == Stock.product_id)
        ):
            if qty:
                on_hand[sku] += qty
        assert on_hand == seeded_total
        shipped = s.exec(
            select(func.sum(StockMovement.qty)).where(
                StockMovement.reason == MovementReason.SHIPPED.value
            )
        ).one()
        assert shipped and shipped > 0
        # Replayed days are past days: nothing happened after the demo was built.
        for at in (Event.at, StockMovement.at, WmsException.at):
            assert s.exec(select(at).order_by(col(at).desc()).limit(1)).one() <= utcnow()


def test_building_the_demo_prints_and_mails_nothing(demo_build: BuiltDemo) -> None:
    """Last week's labels and manifests are files; nobody gets a shipping e-mail for them."""
    store = demo_build.store
    assert demo_build.printed == []
    with store.read() as s:
        assert s.exec(select(func.count()).select_from(Notice)).one() == 0
        pdfs = s.exec(select(Manifest.pdf_file)).all()
    assert pdfs and all(Path(pdf).is_file() for pdf in pdfs)


def test_the_package_carries_the_demo_files() -> None:
    """`pip install .` then `wms simulate day` (or `wms demo`) in another folder
    ended in a traceback: '/tmp/x/data/demo: no such folder or file'. The CSVs are
    the package's own data (``wms_tui/demo_data``, a real folder: a symlink to the
    checkout is followed by some builds and not by others) and pyproject ships them
    in the wheel; the builder reads them beside its package, wherever it runs."""
    import tomllib

    checkout = Path(__file__).resolve().parents[3]
    folder = checkout / "wms_tui" / "demo_data"
    assert folder.is_dir() and not folder.is_symlink()
    assert folder == DEMO_DIR
    config = tomllib.loads((checkout / "pyproject.toml").read_text(encoding="utf-8"))
    assert "demo_data/*.csv" in config["tool"]["setuptools"]["package-data"]["wms_tui"]
    for name in ("warehouse.csv", "locations.csv", "products.csv", "orders.csv", "asn.csv"):
        assert (DEMO_DIR / name).is_file(), name


def test_the_insight_numbers_agree_with_the_ledger_and_the_pack_scans(demo: Store) -> None:
    """The dashboard and the people report count picks and packs from the event log;
    the stock ledger and the pack-scan rows record the same work on their own."""
    from datetime import timedelta

    from wms_tui.domain.actor import SYSTEM
    from wms_tui.domain.enums import MovementReason
    from wms_tui.domain.models import PackScan, StockMovement
    from wms_tui.domain.shipping_days import day_bounds
    from wms_tui.services.core.clock import warehouse_zone
    from wms_tui.services.insight import reports
    from wms_tui.services.insight.dashboard import dashboard

    now = utcnow()
    with demo.read() as s:
        tz = warehouse_zone(s)
    today = now.astimezone(tz).date()

    def ledger(start, end) -> tuple[int, int]:  # noqa: ANN001
        with demo.read() as s:
            picked = s.exec(
                select(func.coalesce(func.sum(StockMovement.qty), 0)).where(
                    StockMovement.reason == MovementReason.PICKED,
                    StockMovement.at >= start,
                    StockMovement.at < end,
                )
            ).one()
            packed = s.exec(
                select(func.coalesce(func.sum(PackScan.qty), 0)).where(
                    col(PackScan.kind).in_(("scan", "count", "undo")),
                    PackScan.at >= start,
                    PackScan.at < end,
                )
            ).one()
        return int(picked), int(packed)

    d = dashboard(demo, SYSTEM, now)
    # The same windows on both sides: the dashboard counts up to now, the report
    # whole days (the demo's walk may have stamped work a moment after "now").
    picked, packed = ledger(d.day_start, now)
    # Today's numbers may be zero: the demo's shift packs from 08:00 local, and a
    # run before that (CI at any hour) has picked but not yet packed today.
    assert sum(p.units for p in d.pickers) == picked
    assert sum(p.units for p in d.packers) == packed

    week = reports.build(demo, SYSTEM, "people", today - timedelta(days=14), today)
    pickers = next(t for t in week.tables if t.title == "Pickers").rows
    packers = next(t for t in week.tables if t.title == "Packers").rows
    start = day_bounds(today - timedelta(days=14), tz)[0]
    end = day_bounds(today, tz)[1]
    picked, packed = ledger(start, end)
    assert picked > 0 and packed > 0  # the demo's past week picked and packed
    assert sum(r[2] for r in pickers) == picked and sum(r[1] for r in packers) == packed


def test_deliveries_on_their_way_bring_what_backorders_wait_for(
    sqlite_demo: BuiltDemo, tmp_path: Path
) -> None:
    """A new receiver found no expected delivery in the demo, only blind receipts, and
    its backorders waited for stock nothing would bring."""
    from wms_tui.services.receiving import putaway
    from wms_tui.services.receiving import receipt as rcv
    from wms_tui.services.receiving.deliveries import open_deliveries

    store = Store(sqlite_demo.copy(tmp_path / "demo.db"))
    try:
        assert {d.reference for d in open_deliveries(store)} == {"PO-D2001", "PO-D2002"}
        with store.read() as s:
            waiting = s.exec(
                select(Order.name).where(Order.status == OrderStatus.BACKORDERED)
            ).all()
        assert "#D1023" in waiting  # 2 × TS-ORG-WHT-S, on PO-D2001
        receiver = demo_walk.actor(store, "R3001", "RCV-1")
        rcv.receive_scan(store, receiver, "PO-D2001", "TS-ORG-WHT-S", count=12)
        [line] = [ln for ln in putaway.pending(store, "PO-D2001") if ln.sku == "TS-ORG-WHT-S"]
        done = putaway.put_away(
            store, receiver, reference="PO-D2001", product_code="TS-ORG-WHT-S",
            bin_code=line.suggestion.bin, qty=12,
        )  # fmt: skip
        assert "#D1023" in done.released_orders
    finally:
        store.dispose()
