"""``wms manifest …`` and ``wms notices …`` on a store with a loaded truck."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.worlds import factories as f
from tests.worlds.dispatch import Dock, build_dock
from wms_tui.cli.main import app
from wms_tui.domain.enums import OrderStatus
from wms_tui.services.dispatch import handover
from wms_tui.store import Store

runner = CliRunner()


@pytest.fixture
def dock(sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dock:
    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    monkeypatch.delenv("WMS_BADGE", raising=False)
    monkeypatch.delenv("WMS_PRINTER", raising=False)
    d = build_dock(sqlite_store, tmp_path)
    for k in ("#1", "#2"):
        handover.load_parcel(d.store, d.packer, "PN", d.sscc[k])
    f.give_pin(d.store, "K2001")  # so the role, not a missing PIN, refuses the packer
    return d


def wms(dock: Dock, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", dock.store.url])
    return result.exit_code, result.output


def test_close_needs_a_badge_and_the_right_role(dock: Dock) -> None:
    code, out = wms(dock, "manifest", "close", "PN")
    assert code == 2 and "--badge" in out
    code, out = wms(dock, "manifest", "close", "PN", "--badge", "K2001")
    assert code == 2 and "Johan Öberg may not close a manifest" in out


def test_close_refuses_a_half_loaded_order_then_leaves_the_rest_behind(dock: Dock) -> None:
    before = dock.state()
    code, out = wms(dock, "manifest", "close", "PN", "-b", "S9001")
    assert code == 2
    assert "Order #2: parcel 2 of 2 is not loaded" in out
    assert dock.state() == before
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#2/2"])
    handover.take_out(dock.store, dock.packer, "PN", dock.sscc["#1"])
    code, out = wms(dock, "manifest", "close", "PN", "-b", "S9001")
    assert code == 2 and "1 packed parcel for PN Carrier is not loaded" in out
    assert "--leave-behind" in out and dock.sscc["#1"] in out
    code, out = wms(dock, "manifest", "close", "PN", "-b", "S9001", "--leave-behind")
    assert code == 0, out
    assert "Manifest PN-20260310 closed: 2 parcels, 1 order, 2.750 kg" in out
    assert "1 packed parcel stays for tomorrow" in out
    assert "1 shipping confirmation written, 0 sent" in out
    assert "(s)" not in out
    assert dock.order("#2").status == OrderStatus.DISPATCHED
    assert dock.order("#1").status == OrderStatus.PACKED


def test_a_one_parcel_manifest_reads_in_the_singular(dock: Dock) -> None:
    handover.take_out(dock.store, dock.packer, "PN", dock.sscc["#2"])
    code, out = wms(dock, "manifest", "close", "PN", "-b", "S9001", "--leave-behind")
    assert code == 0, out
    assert "closed: 1 parcel, 1 order, " in out
    assert "2 packed parcels stay for tomorrow" in out
    code, out = wms(dock, "manifest", "list", "--date", "2026-03-10")
    assert code == 0 and out.rstrip().endswith("    1 parcel")
    code, out = wms(dock, "manifest", "reprint", "PN-20260310", "-b", "S9001")
    assert code == 0 and "Manifest PN-20260310 (1 parcel)" in out


def test_close_twice_reprint_and_list(dock: Dock) -> None:
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#2/2"])
    assert wms(dock, "manifest", "close", "PN", "-b", "S9001")[0] == 0
    code, out = wms(dock, "manifest", "close", "pn", "-b", "S9001")
    assert code == 2 and "already closed at 14:00 by Karin Holmgren; reprint it instead" in out
    code, out = wms(dock, "manifest", "reprint", "PN-20260310", "-b", "K2001")
    assert code == 0 and "Manifest PN-20260310 (3 parcels)" in out
    pdf = next(line.split(" ", 3)[-1] for line in out.splitlines() if "PDF" in line)
    assert Path(pdf.strip()).is_file()
    code, out = wms(dock, "manifest", "list", "--date", "2026-03-10")
    assert code == 0 and "PN-20260310" in out and "CLOSED" in out and "3 parcels" in out
    code, out = wms(dock, "manifest", "list", "--date", "10/3")
    assert code == 2 and "Not a date" in out


def test_notices_commands(dock: Dock) -> None:
    dock.clock.at = dock.clock.at.replace(hour=16)  # 17:00 local, after PN's cut-off
    code, out = wms(dock, "notices", "delays", "-b", "S9001")
    assert code == 0, out
    # #3 (DHL, promised today) missed its cut-off, and #2's second parcel is not on
    # PN's truck after its cut-off; #1 is loaded.
    assert [ln.split()[0] for ln in out.splitlines()[:2]] == ["#2", "#3"]
    assert "missed cut-off" in out and "#1 " not in out
    assert "2 orders will miss the promised date, 2 without a notice (--send" in out
    assert list(dock.outbox.glob("delay-*.eml")) == []  # listing writes nothing
    code, out = wms(dock, "notices", "delays", "--send", "-b", "S9001")
    assert code == 0 and "2 delay notices written" in out
    assert "SMTP not configured" in out
    names = sorted(p.name for p in dock.outbox.glob("delay-*.eml"))
    assert names == ["delay-2-2.eml", "delay-3-3.eml"]
    code, out = wms(dock, "notices", "delays", "--send", "-b", "S9001")
    assert code == 0 and "0 delay notices written" in out and "notice 10 Mar 17:00" in out
    before = dock.state()
    for what in ("send", "shipped"):
        code, out = wms(dock, "notices", what)
        assert code == 2 and "Say who you are: --badge" in out
        code, out = wms(dock, "notices", what, "-b", "K2001")
        assert code == 2 and "may not" in out and "notices" in out
    assert dock.state() == before
    code, out = wms(dock, "notices", "send", "-b", "S9001")
    assert code == 2 and "SMTP is not configured" in out
    code, out = wms(dock, "notices", "shipped", "-b", "S9001")
    assert code == 0 and out.startswith("0 shipping confirmations written")


def test_delay_notices_are_a_supervisors(dock: Dock) -> None:
    before = dock.state()
    code, out = wms(dock, "notices", "delays", "--send")
    assert code == 2 and "--badge" in out
    code, out = wms(dock, "notices", "delays", "--send", "-b", "K2001")
    assert code == 2 and "Johan Öberg may not list orders that will miss their date" in out
    assert dock.state() == before


def test_unknown_carrier_and_missing_store(dock: Dock, tmp_path: Path) -> None:
    code, out = wms(dock, "manifest", "close", "NOPE", "-b", "S9001")
    assert code == 2 and "Unknown carrier 'NOPE': use one of DHL, PN" in out
    result = runner.invoke(app, ["manifest", "list", "--db", str(tmp_path / "nowhere" / "x.db")])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_errors_are_printed_as_typed_not_as_markup(dock: Dock) -> None:
    # dispatch printed its own errors through rich markup: "[x]" vanished.
    code, out = wms(dock, "manifest", "list", "--date", "[bold]x[/]")
    assert code == 2
    assert "Not a date: '[bold]x[/]'; use YYYY-MM-DD" in out
