"""Importing Shopify orders: create, re-import, update, cancel, hold, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.worlds import factories as f
from tests.worlds.intake import (
    ORDERS_CSV,
    lines_of,
    order_row,
    orders_by_name,
    shop,
    snapshot,
    stock_up,
    write_csv,
)
from wms_tui.adapters.shopify.csv_format import RowError
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import ExceptionKind, OrderStatus, TaskStatus
from wms_tui.domain.models import (
    Allocation,
    Event,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Service,
    Stock,
    WmsException,
)
from wms_tui.services.core import settings
from wms_tui.services.intake.order_import import import_orders
from wms_tui.services.intake.release import release_due_orders, retry_backorders
from wms_tui.store import Store

S = OrderStatus
NOW = datetime(2024, 3, 5, 13, 40, tzinfo=UTC)  # a Tuesday
CREATED = "2024-03-05 14:30:00 +0100"  # 13:30 UTC, ten minutes before NOW


@pytest.fixture
def store(empty_store: Store) -> Store:
    shop(empty_store)
    return empty_store


@pytest.fixture
def lite(sqlite_store: Store) -> Store:
    """SQLite only: file handling and pure rules, which do not depend on the backend."""
    shop(sqlite_store)
    return sqlite_store


def freeze(at: datetime) -> None:
    set_clock(lambda: at)


def csv_of(tmp_path: Path, *rows, name: str = "orders.csv") -> Path:
    return write_csv(tmp_path / name, rows)


def one(name: str = "#1", sku: str = "HOOD-NAVY-M", qty: int = 1, **cols: str) -> dict:
    cols.setdefault("Created at", CREATED)
    return order_row(name, **{"Lineitem sku": sku, "Lineitem quantity": str(qty), **cols})


def more(name: str, sku: str, qty: int = 1) -> dict:
    return order_row(
        name,
        first=False,
        **{"Lineitem sku": sku, "Lineitem quantity": str(qty), "Created at": CREATED},
    )


# ---------------------------------------------------------------------------- fixture file


def test_fixture_file_into_a_fresh_store(store: Store) -> None:
    report = import_orders(store, ORDERS_CSV, release=False)
    assert report.ok, report.errors
    assert (report.records, report.lines) == (6, 10)
    assert report.tally("created").names == ["#1041", "#1042", "#1043", "#1044", "#1046"]
    assert report.tally("skipped: cancelled in the shop").names == ["#1045"]
    assert sorted(report.tally("held").names) == ["#1043", "#1044", "#1046"]

    orders = orders_by_name(store)
    assert set(orders) == {"#1041", "#1042", "#1043", "#1044", "#1046"}
    kim = orders["#1041"]
    assert (kim.status, kim.ship_name, kim.ship_city) == (S.NEW, "김민준", "서울특별시 강남구")
    assert kim.gift_message == "생일 축하해, 지우야!"
    assert kim.tags == "split-ok,gift-wrap,vip" and kim.split_allowed
    assert kim.created_at == datetime(2024, 3, 4, 0, 15, 31, tzinfo=UTC)
    assert kim.release_at == kim.created_at + timedelta(minutes=30)
    assert kim.source_hash
    asa = orders["#1042"]
    assert (asa.ship_name, asa.ship_zip, asa.ship_city) == ("Åsa Öberg", "412 54", "Göteborg")
    # "PostNord, Ombud" names the carrier only: its first standard service.
    with store.read() as s:
        service = s.get(Service, asa.service_id)
        assert service is not None and service.code == "PN-COLLECT"
    assert report.guessed_methods["PostNord, Ombud"][1] == 1
    assert report.unmatched_methods["EMS 국제특급"] == 1
    assert kim.carrier_id is None and kim.service_id is None

    assert orders["#1043"].status is S.ON_HOLD
    assert orders["#1043"].hold_reason == "payment pending"
    assert orders["#1044"].hold_reason == "payment refunded"
    assert lines_of(store, "#1041") == {"HOOD-NAVY-M": 2, "MUG-FIKA": 1, "NOTE-HANJI-A5": 1}
    # The gift card needs no shipping and is not a warehouse line.
    assert lines_of(store, "#1046") == {"HOOD-NAVY-S": 1}
    with store.read() as s:
        names = {ln.sku: ln.name for ln in s.exec(select(OrderLine))}
        assert names["NOTE-HANJI-A5"] == "한지 노트 (Hanji Notebook)"
        assert names["MUG-FIKA"] == "Stoneware Mug “Fika”"
        price = s.exec(select(OrderLine.price).where(OrderLine.sku == "SOCK-ARE-3639")).one()
        assert Decimal(price) == Decimal("199.00")
        imported = s.exec(select(Event).where(Event.kind == "order.imported")).all()
        assert sorted(e.order_name for e in imported) == sorted(orders)
        held = s.exec(select(Event).where(Event.to_state == "ON_HOLD")).all()
        assert {e.order_name for e in held} == {"#1043", "#1044", "#1046"}


def test_reimport_of_the_same_file_changes_nothing(store: Store) -> None:
    stock_up(store, HOOD_NAVY_M=5, MUG_FIKA=5, NOTE_HANJI_A5=5, SOCK_ARE_3639=5, HOOD_GREEN_M=5)
    first = import_orders(store, ORDERS_CSV)
    assert first.ok and first.released is not None
    assert first.released["ready"] == ["#1041", "#1042"]
    before = snapshot(store)
    again = import_orders(store, ORDERS_CSV)
    assert again.ok
    assert again.count("unchanged") == 5 and again.count("created") == 0
    assert again.count("updated") == 0 and again.note_count == 0
    assert again.released == {"ready": [], "backordered": [], "held": []}
    assert snapshot(store) == before


def test_dry_run_reports_and_changes_nothing(store: Store) -> None:
    stock_up(store, HOOD_NAVY_M=5, MUG_FIKA=5, NOTE_HANJI_A5=5)
    before = snapshot(store)
    report = import_orders(store, ORDERS_CSV, dry_run=True)
    assert report.ok and report.dry_run
    assert report.count("created") == 5 and report.count("held") == 3
    # What the release would do too: #1041 has stock, #1042 not.
    assert report.released == {"ready": ["#1041"], "backordered": ["#1042"], "held": []}
    assert snapshot(store) == before


# ---------------------------------------------------------------------------- all or nothing


def test_bad_row_in_the_middle_imports_nothing(store: Store, tmp_path: Path) -> None:
    path = csv_of(
        tmp_path,
        one("#1"),
        one("#2"),
        more("#2", "MUG-FIKA", 1),
        order_row("#2", first=False, **{"Lineitem sku": "NOPE-1", "Created at": CREATED}),
        one("#3", qty=-2),
        one("#4", **{"Lineitem quantity": "two"}),
        one("#5", **{"Shipping Address1": ""}),
        one("#6"),
        more("#6", "HOOD-NAVY-M"),
        one("#7"),
    )
    before = snapshot(store)
    report = import_orders(store, path)
    assert not report.ok
    got = {(e.row, e.column) for e in report.errors}
    assert {
        (5, "Lineitem sku"),
        (6, "Lineitem quantity"),
        (7, "Lineitem quantity"),
        (8, "Shipping Address1"),
        (10, "Lineitem sku"),
    } <= got
    reasons = " | ".join(e.reason for e in report.errors)
    assert "unknown SKU NOPE-1" in reasons
    assert "quantity must be at least 1, not -2" in reasons
    assert "'two' is not a whole number" in reasons
    assert "duplicate line for SKU HOOD-NAVY-M" in reasons
    assert "missing ship-to Shipping Address1" in reasons
    assert snapshot(store) == before


def test_error_after_two_written_batches_rolls_everything_back(
    store: Store, tmp_path: Path
) -> None:
    rows = [one(f"#{n}") for n in range(1, 1200)]
    rows += [one("#bad", "GONE-1"), one("#after", qty=0)]
    path = csv_of(tmp_path, *rows)
    before = snapshot(store)
    report = import_orders(store, path)
    # Every problem is listed, also those after the first one.
    assert report.errors == [
        RowError(1201, "Lineitem sku", "unknown SKU GONE-1", "#bad"),
        RowError(1202, "Lineitem quantity", "quantity must be at least 1, not 0", "#after"),
    ]
    # More than two batches were written in the transaction before the error: all gone.
    assert snapshot(store) == before
    assert report.tallies == {} and report.records == 0


def test_lock_is_given_back_at_the_first_error(sqlite_store: Store, tmp_path: Path) -> None:
    """While the rest of a bad file is read for more errors, terminals can write again."""
    import sqlite3

    from wms_tui.store.urls import sqlite_path

    shop(sqlite_store)
    rows = [one("#1", "GONE-1")] + [one(f"#{n}") for n in range(2, 3000)]
    path = csv_of(tmp_path, *rows)
    seen: list[bool] = []
    calls: list[int] = []

    def probe(phase: str, done: int, total: int) -> None:
        calls.append(done)
        # The first call comes before the first (bad) row is read, while the lock is held.
        if len(calls) > 1 and done < total:
            conn = sqlite3.connect(sqlite_path(sqlite_store.url), timeout=0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                seen.append(True)
            except sqlite3.OperationalError:
                seen.append(False)
            finally:
                conn.close()

    report = import_orders(sqlite_store, path, progress=probe)
    assert len(report.errors) == 1
    assert seen and all(seen)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a UTF-8 text CSV"),
        (b"PK\x03\x04" + bytes(range(256)), "Excel .xlsx"),
        (b"Name;Email;Financial Status\n#1;a@b;paid\n", "missing required columns"),
        (b"Name\tLineitem sku\n#1\tX\n", "missing required columns"),
        (b"Handle,Title,Variant SKU\nh,t,s\n", "this is a Shopify products export"),
    ],
)
def test_malformed_files_import_nothing(
    lite: Store, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    before = snapshot(lite)
    report = import_orders(lite, path)
    assert not report.ok and expected in report.file_error
    assert snapshot(lite) == before


def test_wrong_delimiter_is_named(lite: Store, tmp_path: Path) -> None:
    rows = [one("#1")]
    path = tmp_path / "orders.csv"
    from tests.worlds.intake import ORDER_HEADER

    write_csv(path, rows, ORDER_HEADER, delimiter=";")
    report = import_orders(lite, path)
    assert "semicolon-delimited" in report.file_error


def test_missing_file_and_folder(lite: Store, tmp_path: Path) -> None:
    assert import_orders(lite, tmp_path / "nope.csv").file_error == "no such file"
    assert import_orders(lite, tmp_path).file_error == "is a folder, not a CSV file"


def test_a_5_mib_line_is_a_row_error_and_nothing_is_imported(lite: Store, tmp_path: Path) -> None:
    from tests.worlds.intake import ORDER_HEADER

    path = write_csv(tmp_path / "orders.csv", [one("#1")])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("#2," + "x" * (5 << 20) + "\n")
    write_csv(tmp_path / "tail.csv", [one("#3")])
    tail = (tmp_path / "tail.csv").read_text(encoding="utf-8").split("\n", 1)[1]
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(tail)
    assert ORDER_HEADER
    before = snapshot(lite)
    report = import_orders(lite, path)
    assert [(e.row, e.reason) for e in report.errors][:1] == [(3, "line longer than 4 MiB")]
    assert snapshot(lite) == before


# ---------------------------------------------------------------------------- updates


def test_later_export_updates_a_new_order(store: Store, tmp_path: Path) -> None:
    freeze(NOW)
    import_orders(store, csv_of(tmp_path, one("#1", qty=1), more("#1", "MUG-FIKA", 2)))
    changed = csv_of(
        tmp_path,
        one("#1", qty=3, **{"Shipping City": "Malmö"}),
        more("#1", "SOCK-ARE-3639", 1),
        name="later.csv",
    )
    report = import_orders(store, changed)
    assert report.tally("updated").names == ["#1"]
    assert lines_of(store, "#1") == {"HOOD-NAVY-M": 3, "SOCK-ARE-3639": 1}
    order = orders_by_name(store)["#1"]
    assert (order.status, order.ship_city) == (S.NEW, "Malmö")
    with store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "order.updated")).one()
        assert ev.detail == "re-imported: lines, address"


def test_update_of_an_allocated_order_reallocates(store: Store, tmp_path: Path) -> None:
    stock_up(store, HOOD_NAVY_M=4, MUG_FIKA=1)
    import_orders(store, csv_of(tmp_path, one("#1", qty=2)))
    assert orders_by_name(store)["#1"].status is S.READY_TO_PICK
    # Now three hoodies and a mug: three are there, so it stays ready with more reserved.
    import_orders(store, csv_of(tmp_path, one("#1", qty=3), more("#1", "MUG-FIKA"), name="b.csv"))
    assert orders_by_name(store)["#1"].status is S.READY_TO_PICK
    with store.read() as s:
        reserved = {st.product_id: st.allocated for st in s.exec(select(Stock))}
        assert sorted(reserved.values()) == [1, 3]
        live = s.exec(select(func.sum(Allocation.qty))).one()
        assert live == 4
    # Five hoodies: not enough, so it is backordered and gives its stock back.
    import_orders(store, csv_of(tmp_path, one("#1", qty=5), name="c.csv"))
    assert orders_by_name(store)["#1"].status is S.BACKORDERED
    with store.read() as s:
        assert all(st.allocated == 0 for st in s.exec(select(Stock)))


def test_changes_after_picking_started_are_too_late(store: Store, tmp_path: Path) -> None:
    stock_up(store, HOOD_NAVY_M=4)
    import_orders(store, csv_of(tmp_path, one("#1", qty=1)))
    with store.unit_of_work() as uow:
        order = uow.session.exec(select(Order).where(Order.name == "#1")).one()
        from wms_tui.services.core import events

        events.change_status(uow, order, S.PICKING, f.SYSTEM)
        uow.commit()
    report = import_orders(store, csv_of(tmp_path, one("#1", qty=2), name="b.csv"))
    assert report.notes == ["too late to change #1 (lines): it is already picking"]
    assert report.tally("too late").names == ["#1"]
    assert lines_of(store, "#1") == {"HOOD-NAVY-M": 1}


def test_ready_order_in_an_open_pick_task_is_not_changed(store: Store, tmp_path: Path) -> None:
    stock_up(store, HOOD_NAVY_M=4)
    import_orders(store, csv_of(tmp_path, one("#1", qty=1)))
    with store.unit_of_work() as uow:
        line = uow.session.exec(select(OrderLine)).one()
        alloc = uow.session.exec(select(Allocation)).one()
        task = PickTask(code="T1", status=TaskStatus.OPEN)
        uow.add(task)
        uow.flush()
        uow.add(
            PickTaskLine(
                task_id=task.id,
                seq=1,
                allocation_id=alloc.id,
                order_line_id=line.id,
                product_id=line.product_id,
                location_id=alloc.location_id,
                qty=1,
            )
        )
        uow.commit()
    report = import_orders(store, csv_of(tmp_path, one("#1", qty=2), name="b.csv"))
    assert report.notes == ["too late to change #1 (lines): it is already ready to pick"]
    assert lines_of(store, "#1") == {"HOOD-NAVY-M": 1}


def test_split_order_lines_are_compared_with_the_backorder(store: Store, tmp_path: Path) -> None:
    stock_up(store, HOOD_NAVY_M=1)
    tags = {"Tags": "split-ok"}
    import_orders(store, csv_of(tmp_path, one("#1", qty=3, **tags)))
    orders = orders_by_name(store)
    assert orders["#1"].status is S.READY_TO_PICK and orders["#1-B1"].status is S.BACKORDERED
    # Only the address changes: the split lines (1 + 2) still match the shop's 3.
    report = import_orders(
        store,
        csv_of(tmp_path, one("#1", qty=3, **tags, **{"Shipping City": "Lund"}), name="b.csv"),
    )
    assert report.tally("updated").names == ["#1"] and report.notes == []
    assert lines_of(store, "#1") == {"HOOD-NAVY-M": 1}
    # The quantity changes after the split: not guessed at.
    report = import_orders(store, csv_of(tmp_path, one("#1", qty=4, **tags), name="c.csv"))
    assert report.notes == [
        "#1 changed in the shop after it was split: lines not updated, check it by hand"
    ]


# ---------------------------------------------------------------------------- cancel


def test_cancelled_at_cancels_and_gives_stock_back(store: Store, tmp_path: Path) -> None:
    stock_up(store, HOOD_NAVY_M=2)
    import_orders(store, csv_of(tmp_path, one("#1", qty=2), one("#2")))
    assert orders_by_name(store)["#1"].status is S.READY_TO_PICK
    cancelled = {"Cancelled at": "2024-03-06 09:00:00 +0100"}
    report = import_orders(store, csv_of(tmp_path, one("#1", qty=2, **cancelled), name="b.csv"))
    assert report.tally("cancelled").names == ["#1"]
    orders = orders_by_name(store)
    assert orders["#1"].status is S.CANCELLED
    with store.read() as s:
        assert all(st.allocated == 0 for st in s.exec(select(Stock)))
    # The freed stock goes to the order that was waiting for it.
    with store.unit_of_work() as uow:
        assert retry_backorders(uow) == ["#2"]
        uow.commit()


def test_cancel_after_packing_is_too_late_and_raises_an_exception(
    store: Store, tmp_path: Path
) -> None:
    import_orders(store, csv_of(tmp_path, one("#1")), release=False)
    with store.unit_of_work() as uow:
        order = uow.session.exec(select(Order).where(Order.name == "#1")).one()
        order.status = S.PACKED  # set up directly: packing is not this module's business
        uow.add(order)
        uow.commit()
    cancelled = {"Cancelled at": "2024-03-06 09:00:00 +0100"}
    report = import_orders(store, csv_of(tmp_path, one("#1", **cancelled), name="b.csv"))
    assert report.ok
    assert report.notes == ["too late to cancel #1: it is already packed"]
    assert orders_by_name(store)["#1"].status is S.PACKED
    with store.read() as s:
        exc = s.exec(select(WmsException)).one()
        assert exc.kind == ExceptionKind.CANCELLED_AFTER_PACK
    again = import_orders(store, csv_of(tmp_path, one("#1", **cancelled), name="b.csv"))
    assert again.count("unchanged") == 1 and again.notes == []


def test_order_cancelled_or_fulfilled_in_the_shop_is_not_created(
    lite: Store, tmp_path: Path
) -> None:
    report = import_orders(
        lite,
        csv_of(
            tmp_path,
            one("#1", **{"Cancelled at": "2024-03-06 09:00:00 +0100"}),
            one("#2", **{"Fulfillment Status": "fulfilled"}),
            one("#3", **{"Lineitem sku": "", "Lineitem requires shipping": "false"}),
        ),
    )
    assert report.ok
    assert orders_by_name(lite) == {}
    assert report.count("skipped: cancelled in the shop") == 1
    assert report.count("skipped: fulfilled in the shop") == 1
    assert report.count("skipped: nothing to ship") == 1


# ---------------------------------------------------------------------------- payment


def test_payment_hold_and_release(store: Store, tmp_path: Path) -> None:
    freeze(NOW)
    import_orders(store, csv_of(tmp_path, one("#1", **{"Financial Status": "pending"})))
    order = orders_by_name(store)["#1"]
    assert (order.status, order.hold_reason, order.held_from) == (
        S.ON_HOLD,
        "payment pending",
        S.NEW,
    )
    report = import_orders(store, csv_of(tmp_path, one("#1"), name="b.csv"))
    assert report.tally("hold lifted").names == ["#1"]
    order = orders_by_name(store)["#1"]
    assert (order.status, order.hold_reason, order.financial_status) == (S.NEW, "", "paid")
    # Refunded later while waiting: held again.
    import_orders(store, csv_of(tmp_path, one("#1", **{"Financial Status": "refunded"}), name="c"))
    assert orders_by_name(store)["#1"].hold_reason == "payment refunded"


def test_paid_export_does_not_lift_a_supervisors_hold(store: Store, tmp_path: Path) -> None:
    freeze(NOW)
    import_orders(store, csv_of(tmp_path, one("#1", **{"Financial Status": "pending"})))
    with store.unit_of_work() as uow:
        order = uow.session.exec(select(Order).where(Order.name == "#1")).one()
        order.hold_reason = "address check"
        uow.add(order)
        uow.commit()
    import_orders(store, csv_of(tmp_path, one("#1"), name="b.csv"))
    order = orders_by_name(store)["#1"]
    assert (order.status, order.hold_reason) == (S.ON_HOLD, "address check")


# ---------------------------------------------------------------------------- release


def test_grace_period_then_release(store: Store, tmp_path: Path) -> None:
    stock_up(store, HOOD_NAVY_M=3)
    freeze(NOW)
    report = import_orders(store, csv_of(tmp_path, one("#1")))
    assert report.released == {"ready": [], "backordered": [], "held": []}
    assert orders_by_name(store)["#1"].status is S.NEW
    freeze(NOW + timedelta(minutes=19))
    assert release_due_orders(store)["ready"] == []
    freeze(NOW + timedelta(minutes=20))  # created 13:30 + 30 min grace
    assert release_due_orders(store)["ready"] == ["#1"]
    assert orders_by_name(store)["#1"].status is S.READY_TO_PICK


def test_grace_zero_releases_at_import_end_and_backorders_wait_for_stock(
    store: Store, tmp_path: Path
) -> None:
    freeze(NOW)
    with store.unit_of_work() as uow:
        settings.put(uow.session, "grace_period_minutes", "0")
        uow.commit()
    stock_up(store, HOOD_NAVY_M=1)
    report = import_orders(store, csv_of(tmp_path, one("#1"), one("#2", qty=2)))
    assert report.released == {"ready": ["#1"], "backordered": ["#2"], "held": []}
    with store.read() as s:
        exc = s.exec(select(WmsException)).one()
        assert "HOOD-NAVY-M short 2 (need 2, have 0)" in exc.message
    # Receiving adds stock: the backorder is released automatically.
    stock_up(store, HOOD_NAVY_M=2)
    with store.unit_of_work() as uow:
        assert retry_backorders(uow) == ["#2"]
        uow.commit()
    assert orders_by_name(store)["#2"].status is S.READY_TO_PICK


def test_same_day_rule_sets_the_ship_day(lite: Store, tmp_path: Path) -> None:
    freeze(NOW)
    rows = [
        one("#am", **{"Created at": "2024-03-05 11:59:00 +0100", "Shipping Method": "DHL Economy"}),
        one("#pm", **{"Created at": "2024-03-05 12:00:00 +0100", "Shipping Method": "DHL Economy"}),
        one("#fri", **{"Created at": "2024-03-08 16:00:00 +0100"}),
    ]
    import_orders(lite, csv_of(tmp_path, *rows), release=False)
    orders = orders_by_name(lite)
    # The warehouse (factories) is in Europe/Stockholm, UTC+1 in March.
    assert str(orders["#am"].promised_ship_date) == "2024-03-05"
    assert str(orders["#pm"].promised_ship_date) == "2024-03-06"
    assert str(orders["#fri"].promised_ship_date) == "2024-03-11"  # Friday afternoon -> Monday


def test_shipping_method_mapping_from_settings(store: Store, tmp_path: Path) -> None:
    from wms_tui.services.intake.shipping_methods import save_mapping

    with store.unit_of_work() as uow:
        save_mapping(uow, [("Express (1-2 dagar)", "POSTNORD", "PN-EXP")])
        uow.commit()
    rows = [
        one("#1", **{"Shipping Method": "express (1-2 DAGAR)"}),
        one("#2", **{"Shipping Method": "Fri frakt (PostNord MyPack Collect)"}),
        one("#3", **{"Shipping Method": "Budbee"}),
    ]
    report = import_orders(store, csv_of(tmp_path, *rows), release=False)
    with store.read() as s:
        codes = {
            o.name: (s.get(Service, o.service_id).code if o.service_id else None)
            for o in s.exec(select(Order))
        }
    assert codes == {"#1": "PN-EXP", "#2": "PN-COLLECT", "#3": None}
    assert dict(report.unmatched_methods) == {"Budbee": 1}


def test_release_at_import_is_bounded_and_most_urgent_first(store: Store, tmp_path: Path) -> None:
    stock_up(store, HOOD_NAVY_M=5)
    rows = [one("#old"), one("#boss", **{"Tags": "vip"}), one("#young")]
    freeze(NOW + timedelta(hours=2))
    import_orders(store, csv_of(tmp_path, *rows), release=False)
    with store.unit_of_work() as uow:
        boss = uow.session.exec(select(Order).where(Order.name == "#boss")).one()
        boss.priority = 1
        uow.add(boss)
        uow.commit()
    report = import_orders(store, csv_of(tmp_path, one("#later"), name="b.csv"), release_limit=2)
    assert report.released == {"ready": ["#boss", "#old"], "backordered": [], "held": []}
    assert report.still_due == 2
    assert release_due_orders(store)["ready"] == ["#young", "#later"]


@pytest.mark.parametrize("variant", ["no BOM", "CRLF", "no BOM, CRLF"])
def test_fixture_without_bom_or_with_crlf_imports_the_same(
    lite: Store, tmp_path: Path, variant: str
) -> None:
    data = ORDERS_CSV.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    if "no BOM" in variant:
        data = data[3:]
    if "CRLF" in variant:
        # Only line ends between records: line breaks inside quoted notes stay as they are.
        data = data.replace(b"\n#", b"\r\n#")
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    report = import_orders(lite, path, release=False)
    assert report.ok, report.errors
    assert report.tally("created").names == ["#1041", "#1042", "#1043", "#1044", "#1046"]
    kim = orders_by_name(lite)["#1041"]
    assert kim.notes.startswith("부재 시 경비실에 맡겨 주세요.")
    # The same content whatever the encoding details: a later import of the original is a no-op.
    again = import_orders(lite, ORDERS_CSV, release=False)
    assert again.count("unchanged") == 5
