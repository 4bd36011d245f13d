"""``wms import asn``, ``wms sku-labels`` and ``wms receipt-report``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from tests.worlds.receiving import World, build, snapshot
from wms_tui.cli.main import app
from wms_tui.domain.models import Delivery
from wms_tui.services.receiving import receipt as receiving
from wms_tui.store import Store

runner = CliRunner()

ASN = "reference,supplier,expected_date,sku,quantity\nPO-7,Nordic Tees AB,2026-03-02,TEE,10\n"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str, World]]:
    monkeypatch.setenv("WMS_BADGE", "S9001")  # who imports (with $WMS_PIN)
    path = tmp_path / "wms.db"
    store = Store(f"sqlite:///{path}")
    store.create_schema()
    world = build(store)
    yield store, str(path), world
    store.dispose()


def test_import_asn_dry_run_then_for_real(db, tmp_path: Path) -> None:
    store, path, world = db
    csv = tmp_path / "asn.csv"
    csv.write_bytes(b"\xef\xbb\xbf" + ASN.encode())  # Excel's UTF-8 with BOM
    before = snapshot(store)
    dry = runner.invoke(app, ["import", "asn", str(csv), "--dry-run", "--db", path])
    assert dry.exit_code == 0, dry.output
    assert "Would import 1 delivery" in dry.output and "PO-7" in dry.output
    assert snapshot(store) == before
    real = runner.invoke(app, ["import", "asn", str(csv), "--db", path])
    assert real.exit_code == 0, real.output
    assert "Imported 1 delivery" in real.output and "1 SKU, 10 units [new]" in real.output
    with store.read() as s:
        assert s.exec(select(Delivery).where(Delivery.reference == "PO-7")).one()
    again = runner.invoke(app, ["import", "asn", str(csv), "--db", path])
    assert "Imported 0 deliveries (1 unchanged)" in again.output


def test_malformed_asn_exits_2_with_row_exact_errors(db, tmp_path: Path) -> None:
    store, path, world = db
    csv = tmp_path / "bad.csv"
    csv.write_text(ASN + "PO-7,Nordic Tees AB,2026-03-02,NOPE,x\n", encoding="utf-8")
    before = snapshot(store)
    result = runner.invoke(app, ["import", "asn", str(csv), "--db", path])
    assert result.exit_code == 2
    assert "bad.csv: row 3, column sku: unknown SKU 'NOPE'" in result.output
    assert "bad.csv: row 3, column quantity: 'x' is not a whole number" in result.output
    assert "2 problems in the ASN file; nothing imported" in result.output
    assert snapshot(store) == before
    missing = runner.invoke(app, ["import", "asn", str(tmp_path / "nope.csv"), "--db", path])
    assert missing.exit_code == 2 and "No such file" in missing.output


def test_one_label_is_counted_in_the_singular(db, tmp_path: Path) -> None:
    store, path, world = db
    receiving.receive_scan(store, world.receiver, "PO-1", "PRINT", count=1)
    out = tmp_path / "out"
    one = runner.invoke(app, ["sku-labels", "-d", "PO-1", "--out", str(out), "--db", path])
    assert one.exit_code == 0, one.output
    assert one.output.startswith("1 label: ")


def test_sku_labels_and_report(db, tmp_path: Path) -> None:
    store, path, world = db
    receiver = world.receiver
    receiving.receive_scan(store, receiver, "PO-1", "PRINT", count=3)
    receiving.receive_scan(store, receiver, "PO-1", "TEE", count=2)
    out = tmp_path / "out"
    labels = runner.invoke(app, ["sku-labels", "-d", "PO-1", "--out", str(out), "--db", path])
    assert labels.exit_code == 0, labels.output
    assert labels.output.startswith("3 labels: ")  # PRINT only: TEE has a barcode
    every = runner.invoke(
        app, ["sku-labels", "-d", "PO-1", "--all", "--layout", "roll", "--out", str(out),
              "--db", path]
    )  # fmt: skip
    assert every.exit_code == 0 and every.output.startswith("5 labels: ")
    bad = runner.invoke(app, ["sku-labels", "-d", "PO-1", "--layout", "a5", "--db", path])
    assert bad.exit_code == 2 and "sheet or roll" in bad.output
    none = runner.invoke(app, ["sku-labels", "-d", "PO-404", "--db", path])
    assert none.exit_code == 2 and "No delivery PO-404" in none.output
    report = runner.invoke(app, ["receipt-report", "PO-1", "--out", str(out), "--db", path])
    assert report.exit_code == 0, report.output
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert len(pdfs) == 3 and any(n.startswith("receipt_PO-1") for n in pdfs)
    with store.read() as s:
        d = s.exec(select(Delivery).where(Delivery.reference == "PO-1")).one()
        assert Path(d.report_file).parent == out.resolve()


LONG_SKU = "TS-ORG-BLK-XL-2026"  # 18 characters: a sheet label carries it, a 62 mm roll not


def test_an_over_long_sku_is_named_and_the_other_labels_print(db, tmp_path: Path) -> None:
    store, path, world = db
    from tests.worlds import factories as f
    from wms_tui.domain.models import DeliveryLine

    with store.unit_of_work() as uow:
        tee = f.product(uow, LONG_SKU, name="Organic Cotton Tee")
        po1 = uow.session.exec(select(Delivery).where(Delivery.reference == "PO-1")).one()
        uow.add(DeliveryLine(delivery_id=po1.id, product_id=tee.id, expected_qty=2))
        uow.commit()
    receiving.receive_scan(store, world.receiver, "PO-1", "PRINT", count=1)
    receiving.receive_scan(store, world.receiver, "PO-1", LONG_SKU, count=2)
    out = tmp_path / "out"
    roll = runner.invoke(
        app, ["sku-labels", "-d", "PO-1", "--layout", "roll", "--out", str(out), "--db", path]
    )
    assert roll.exit_code == 0, roll.output
    first, skipped = roll.output.splitlines()
    assert first.startswith("1 label: ") and first.endswith(".pdf")  # PRINT's, not the tee's
    assert skipped == (
        f"Not printed: SKU {LONG_SKU} is too long for a roll label barcode: print a sheet instead"
    )
    sheet = runner.invoke(app, ["sku-labels", "-d", "PO-1", "--out", str(out), "--db", path])
    assert sheet.exit_code == 0 and sheet.output.startswith("3 labels: ")
    assert "Not printed" not in sheet.output


def test_a_job_where_no_label_can_print_is_refused(db, tmp_path: Path) -> None:
    store, path, world = db
    from tests.worlds import factories as f
    from wms_tui.domain.models import DeliveryLine

    with store.unit_of_work() as uow:
        tee = f.product(uow, LONG_SKU, name="Organic Cotton Tee")
        d = Delivery(reference="PO-9", supplier="Nordic Tees AB")
        uow.add(d)
        uow.flush()
        uow.add(DeliveryLine(delivery_id=d.id, product_id=tee.id, expected_qty=1))
        uow.commit()
    receiving.receive_scan(store, world.receiver, "PO-9", LONG_SKU, count=1)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["sku-labels", "-d", "PO-9", "--layout", "roll", "--out", str(out), "--db", path]
    )
    assert result.exit_code == 2
    assert f"No label can print: SKU {LONG_SKU} is too long for a roll label" in result.output
    assert not out.exists() or not list(out.glob("*.pdf"))
