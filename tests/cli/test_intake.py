"""``wms import products|orders|shipping-methods``, ``wms export fulfillments``, ``wms release``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.worlds.intake import (
    ORDER_HEADER,
    ORDERS_CSV,
    PRODUCTS_CSV,
    order_row,
    snapshot,
    write_csv,
)
from wms_tui.cli.main import app
from wms_tui.store import Store

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(tmp_path / "wms.db")
    assert runner.invoke(app, ["init", "--db", path]).exit_code == 0
    _staff(path)
    monkeypatch.setenv("WMS_BADGE", "S9001")  # commands that change the store: who
    return path


def wms(*args: str):
    return runner.invoke(app, list(args), terminal_width=120)


def test_help_lists_the_intake_commands() -> None:
    out = wms("--help").output
    assert "release" in out and "import" in out and "export" in out
    out = wms("import", "--help").output
    assert "products" in out and "orders" in out and "shipping-methods" in out
    assert "fulfillments" in wms("export", "--help").output


def test_import_products_then_orders(db: str) -> None:
    result = wms("import", "products", str(PRODUCTS_CSV), "--db", db)
    assert result.exit_code == 0, result.output
    assert "Imported products.csv (7 product variants)" in result.output
    result = wms("import", "orders", str(ORDERS_CSV), "--db", db)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Imported orders.csv (6 orders, 10 lines)" in out
    assert "Created" in out and "#1041, #1042, #1043, #1044, #1046" in out
    assert "Put on hold" in out and "Skipped: cancelled in the shop" in out
    assert "EMS 국제특급" in out and "none: imported without a carrier" in out
    # Created in 2024: long past the grace period, released straight away (no stock here).
    assert "Released after the grace period: 2 backordered (#1041, #1042)" in out
    again = wms("import", "orders", str(ORDERS_CSV), "--db", db)
    assert again.exit_code == 0 and "Unchanged" in again.output and "Created" not in again.output


def test_dry_run_says_so_and_changes_nothing(db: str) -> None:
    wms("import", "products", str(PRODUCTS_CSV), "--db", db)
    store = Store(f"sqlite:///{db}")
    before = snapshot(store)
    result = wms("import", "orders", str(ORDERS_CSV), "--dry-run", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Dry run of orders.csv (6 orders, 10 lines): nothing was changed" in result.output
    assert "Would create" in result.output and "Would hold" in result.output
    assert "Would release after the grace period" in result.output
    assert snapshot(store) == before
    store.dispose()


def test_row_errors_are_a_table_and_exit_2(db: str, tmp_path: Path) -> None:
    wms("import", "products", str(PRODUCTS_CSV), "--db", db)
    rows = [
        order_row("#1"),
        order_row("#2", **{"Lineitem quantity": "-1", "Lineitem sku": "HOOD-NAVY-S"}),
        order_row("#3", **{"Lineitem sku": "GONE-1"}),
    ]
    path = write_csv(tmp_path / "bad.csv", rows, ORDER_HEADER)
    result = wms("import", "orders", str(path), "--db", db)
    assert result.exit_code == 2
    out = result.output
    assert "2 problems in bad.csv" in out
    assert "Row" in out and "Column" in out and "Reason" in out
    assert "Lineitem quantity" in out and "quantity must be at least 1, not -1" in out
    assert "unknown SKU GONE-1" in out and "import the shop's products first" in out
    assert "Nothing was imported from bad.csv" in out


def test_escape_codes_in_a_file_are_never_printed_raw(db: str, tmp_path: Path) -> None:
    """SKUs with terminal escape codes were printed raw by `wms import orders`."""
    wms("import", "products", str(PRODUCTS_CSV), "--db", db)
    sku = "\x1b[2J\x1b[31mEVIL\u202e-1"
    path = write_csv(tmp_path / "bad.csv", [order_row("#1", **{"Lineitem sku": sku})], ORDER_HEADER)
    result = wms("import", "orders", str(path), "--db", db)
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "unknown SKU" in result.output and "\\x1b[2J" in result.output  # shown, escaped


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "error: orders.csv: file is empty; nothing was imported"),
        (b"\x00\x01\x02binary", "error: orders.csv: not a UTF-8 text CSV (byte 0)"),
    ],
)
def test_file_errors_are_one_line(db: str, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    result = wms("import", "orders", str(path), "--db", db)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[0].startswith(message)
    assert len(result.output.strip().splitlines()) == 1


def test_missing_file_and_missing_store(db: str, tmp_path: Path) -> None:
    result = wms("import", "orders", str(tmp_path / "nope.csv"), "--db", db)
    assert result.exit_code == 2
    assert result.output.strip() == "error: nope.csv: no such file; nothing was imported"
    result = wms("import", "orders", str(ORDERS_CSV), "--db", str(tmp_path / "no" / "x.db"))
    assert result.exit_code == 1 and "does not exist" in result.output


def test_export_fulfillments_and_since(db: str, tmp_path: Path) -> None:
    out = tmp_path / "ful.csv"
    result = wms("export", "fulfillments", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    assert "Wrote 0 fulfilment lines" in result.output and out.exists()
    result = wms("export", "fulfillments", str(out), "--since", "yesterday", "--db", db)
    assert result.exit_code == 2 and "not a date" in result.output
    result = wms("export", "fulfillments", str(out), "--since", "2024-03-05", "--db", db)
    assert result.exit_code == 0, result.output
    result = wms("export", "fulfillments", str(tmp_path / "no" / "f.csv"), "--db", db)
    assert result.exit_code == 2 and "does not exist" in result.output


def test_release_command(db: str) -> None:
    wms("import", "products", str(PRODUCTS_CSV), "--db", db)
    wms("import", "orders", str(ORDERS_CSV), "--no-release", "--db", db)
    result = wms("release", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Released after the grace period: 2 backordered (#1041, #1042)" in result.output
    again = wms("release", "--db", db)
    assert "No orders due for release." in again.output


def test_shipping_methods_mapping(db: str, tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text("Shipping Method,Carrier,Service\nEMS 국제특급,CJ,CJ-EXP\n", encoding="utf-8")
    result = wms("import", "shipping-methods", str(path), "--db", db)
    assert result.exit_code == 2
    assert "Unknown carrier service CJ CJ-EXP" in result.output
    assert "nothing was changed" in result.output


def _staff(db: str) -> None:
    """A supervisor (S9001) and a packer (K2001), both with PIN 9001 ($WMS_PIN in tests):
    setting the rules is the supervisor's."""
    from tests.worlds import factories as f
    from wms_tui.store import open_store

    store = open_store(db)
    try:
        with store.unit_of_work() as uow:
            f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
            f.operator(uow, "Johan Öberg", "packer", badge="K2001", pin=f.SUPERVISOR_PIN)
            uow.commit()
    finally:
        store.dispose()


def test_intake_rules(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlmodel import select

    from wms_tui.domain.models import Event
    from wms_tui.store import open_store

    monkeypatch.delenv("WMS_BADGE", raising=False)
    shown = wms("intake-rules", "--db", db)  # showing needs no badge
    assert shown.exit_code == 0
    assert "Grace period: 30 min · same-day cut-off: 12:00" in shown.output
    boss = ("--badge", "S9001", "--terminal", "OFFICE")
    wms("import", "products", str(PRODUCTS_CSV), *boss, "--db", db)
    result = wms("intake-rules", "--grace", "0", "--same-day-cutoff", "1330", *boss, "--db", db)
    assert result.exit_code == 0, result.output
    assert "Grace period set to 0 min" in result.output
    assert "Grace period: 0 min · same-day cut-off: 13:30" in result.output
    store = open_store(db)
    try:
        with store.read() as s:
            changed = s.exec(select(Event).where(Event.kind == "setting.changed")).all()
            who = {(e.operator_name, e.terminal) for e in changed}
    finally:
        store.dispose()
    assert len(changed) == 2 and who == {("Karin Holmgren", "OFFICE")}
    for bad in (["--grace", "-5"], ["--same-day-cutoff", "noon"]):
        result = wms("intake-rules", *bad, *boss, "--db", db)
        assert result.exit_code == 2 and "nothing was changed" in result.output


@pytest.mark.parametrize(
    "change",
    [("--grace", "0"), ("--same-day-cutoff", "13:30")],
    ids=["grace", "cutoff"],
)
@pytest.mark.parametrize(
    ("badge", "message"),
    [
        ((), "error: Say who you are: --badge (or $WMS_BADGE) and --pin (or $WMS_PIN)"),
        (("--badge", "X0000"), "error: Unknown badge X0000: see a supervisor"),
        (("--badge", "K2001"), "error: Johan Öberg may not change the "),
    ],
    ids=["no-badge", "unknown-badge", "packer"],
)
def test_setting_intake_rules_takes_a_supervisors_badge(
    db: str,
    monkeypatch: pytest.MonkeyPatch,
    change: tuple[str, str],
    badge: tuple[str, ...],
    message: str,
) -> None:
    from wms_tui.store import open_store

    monkeypatch.delenv("WMS_BADGE", raising=False)
    store = open_store(db)
    try:
        before = snapshot(store)
        result = wms("intake-rules", *change, *badge, "--db", db)
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1
        assert result.output.startswith(message), result.output
        if badge == ("--badge", "K2001"):
            assert "needs the supervisor role" in result.output
        assert snapshot(store) == before
    finally:
        store.dispose()


def test_wms_badge_in_the_environment_sets_intake_rules(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WMS_BADGE", "S9001")
    result = wms("intake-rules", "--grace", "45", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Grace period: 45 min" in result.output


def test_a_bad_cutoff_with_a_good_grace_changes_neither(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wms_tui.store import open_store

    monkeypatch.delenv("WMS_BADGE", raising=False)
    store = open_store(db)
    try:
        before = snapshot(store)
        result = wms(
            "intake-rules", "--grace", "5", "--same-day-cutoff", "25:99",
            "--badge", "S9001", "--db", db,
        )  # fmt: skip
        assert result.exit_code == 2, result.output
        assert "nothing was changed" in result.output
        assert snapshot(store) == before
    finally:
        store.dispose()
