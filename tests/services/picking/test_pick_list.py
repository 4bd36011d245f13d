"""Paper pick lists: the PDF holds the route, and its barcodes scan back."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.printing.helpers import decode, page_texts, render_pages
from tests.worlds.picking import build_world
from wms_tui.cli.main import app
from wms_tui.domain.errors import DomainError
from wms_tui.services.picking import walk as picking
from wms_tui.services.picking.pick_list import PickListFile, pick_list_data, print_pick_list
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store

ORDERS = [
    ("#1", [("MUG-RED", 2), ("TEE-M", 1), ("BAG-XL", 1)]),
    ("#2", [("MUG-BLU", 1), ("SOCK-6", 6)]),
    ("#3", [("MUG-RED", 1), ("CAP-1", 3)]),
]


@pytest.fixture
def task(sqlite_store: Store) -> str:
    w = build_world(sqlite_store, ORDERS)
    return build_wave(sqlite_store, w.supervisor).tasks[0].code


def test_pick_list_pdf_in_route_order_with_barcodes(
    sqlite_store: Store, task: str, tmp_path: Path
) -> None:
    view = picking.current_stop(sqlite_store, _picker(sqlite_store), task)
    result = print_pick_list(sqlite_store, task, folder=tmp_path, printer="")
    assert result.path.parent == tmp_path and result.path.name.startswith("picklist_W0001-01_")
    assert (result.stops, result.units) == (len(view.stops), view.units_total)
    pdf = result.path.read_bytes()
    text = "\n".join(page_texts(pdf))
    # Route order: every bin appears in the order the handheld walks them.
    bins = [s.bin for s in view.stops]
    positions = [text.index(b) for b in bins]
    assert positions == sorted(positions)
    for expected in ("W0001-01", "PACK-1", "1=T-0001 #1", "2=T-0002 #2", "3=T-0003 #3", "R-11-4-B"):
        assert expected in text, expected
    decoded = [b.text for image in render_pages(pdf) for b in decode(image)]
    assert "W0001-01" in decoded
    assert set(bins) <= set(decoded)  # every bin scans
    assert {"MUG-RED", "TEE-M", "SOCK-6", "CAP-1"} <= set(decoded)  # and the SKUs


def test_reprint_after_a_short_pick_shows_what_is_left(sqlite_store: Store, task: str) -> None:
    ana = _picker(sqlite_store)
    first = picking.claim_next_task(sqlite_store, ana).stop
    assert (first.bin, first.sku) == ("A-01-2-A", "MUG-RED")
    before = pick_list_data(sqlite_store, task)
    assert [(s.bin, s.qty) for s in before.stops if s.sku == "MUG-RED"] == [
        ("A-01-2-A", 2),
        ("A-01-2-A", 1),
    ]
    picking.report_short(sqlite_store, ana, task, "empty")  # both totes move to A-03-5-B
    after = pick_list_data(sqlite_store, task)
    assert sorted((s.bin, s.qty, s.tote) for s in after.stops if s.sku == "MUG-RED") == [
        ("A-03-5-B", 1, "3"),
        ("A-03-5-B", 2, "1"),
    ]
    assert [s.seq for s in after.stops] == list(range(1, len(after.stops) + 1))
    assert len(after.stops) == len(before.stops)


def _picker(store: Store):
    from sqlmodel import select

    from wms_tui.domain.actor import Actor
    from wms_tui.domain.models import Operator

    with store.read() as s:
        op = s.exec(select(Operator).where(Operator.badge == "P1001")).one()
        return Actor(op.id, op.name, op.role_set, "HH-01")


def test_unknown_task(sqlite_store: Store) -> None:
    with pytest.raises(DomainError, match="No pick task W0404-01"):
        pick_list_data(sqlite_store, "w0404-01")


def test_cli_picklist(sqlite_store: Store, task: str, tmp_path: Path) -> None:
    runner = CliRunner()
    db = sqlite_store.url
    out = tmp_path / "lists"
    ok = runner.invoke(app, ["picklist", task, "--db", db, "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert "Pick list W0001-01" in ok.output and "saved" in ok.output
    (pdf,) = out.glob("picklist_*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    bad = runner.invoke(app, ["picklist", "W0404-01", "--db", db, "--out", str(out)])
    assert bad.exit_code == 2 and "No pick task W0404-01" in bad.output
    paper = runner.invoke(app, ["picklist", task, "--db", db, "--paper", "A5"])
    assert paper.exit_code == 2 and "A4 or Letter" in paper.output
    printer = runner.invoke(
        app, ["picklist", task, "--db", db, "--out", str(out), "--printer", "bad name"]
    )
    assert printer.exit_code == 1 and "invalid printer name" in printer.output


def test_cli_wave_build(sqlite_store: Store) -> None:
    build_world(sqlite_store, ORDERS)
    runner = CliRunner()
    db = sqlite_store.url
    boss = ["--badge", "S9001", "--pin", "9001"]  # building a wave is a supervisor's
    few = runner.invoke(app, ["wave", "build", "--db", db, "--min-orders", "6", *boss])
    assert few.exit_code == 2 and "Only 3 orders ready, the rule wants 6" in few.output
    ok = runner.invoke(app, ["wave", "build", "--db", db, "--cart-size", "2", *boss])
    assert ok.exit_code == 0, ok.output
    assert "Wave W0001: 3 orders in 2 tasks" in ok.output
    assert "W0001-01: 2 totes" in ok.output and "S-shape" in ok.output
    assert "W0001-02: 1 tote, 2 stops, 4 units, " in ok.output
    bad = runner.invoke(app, ["wave", "build", "--db", db, "--cutoff", "noon", *boss])
    assert bad.exit_code == 2 and "not a time" in bad.output


def test_the_message_counts_stops_in_words() -> None:
    one = PickListFile("W0001-01", Path("/srv/labels/picklist.pdf"), 1, 3, None)
    assert one.message == "Pick list W0001-01 (1 stop) saved: /srv/labels/picklist.pdf"
    two = PickListFile("W0001-01", Path("picklist.pdf"), 2, 3, "PRN-1")
    said = two.said_with("picklist.pdf")
    assert said == "Pick list W0001-01 (2 stops) sent to PRN-1: picklist.pdf"
