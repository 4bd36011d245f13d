"""A packed order printed through a real CUPS scheduler: what the packer sees when it fails.

The station's label printer is a queue with CUPS's Zebra driver, its document printer a
second queue; both send to loopback listeners (tests/fakes/cups.py). Skipped where CUPS is
not installed.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from sqlmodel import select

from tests.fakes.cups import CupsServer, needs_ipptool
from tests.fakes.raw_printer import RawPrinter
from tests.worlds import packing as pw
from tests.worlds.packing import pack
from wms_tui.adapters import printers
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order, Station
from wms_tui.services.exceptions.inbox import Action, open_exceptions
from wms_tui.services.packing import station as packing
from wms_tui.store import Store


@pytest.fixture
def world(sqlite_store: Store, tmp_path: Path) -> pw.World:
    return pw.build(sqlite_store, label_dir=str(tmp_path / "labels"), carrier_check="s10")


@pytest.fixture
def office(cups: CupsServer) -> Iterator[tuple[str, RawPrinter]]:
    listener = RawPrinter()
    cups.run("lpadmin", "-p", "office-a4", "-E", "-v", f"socket://127.0.0.1:{listener.port}")
    yield "office-a4", listener
    cups.run("lpadmin", "-x", "office-a4", check=False)
    listener.close()


@pytest.fixture
def station(world: pw.World, zebra, office) -> tuple[str, RawPrinter, RawPrinter]:
    """PACK-1 prints ZPL to the Zebra queue and papers to the office queue."""
    label_printer, label_port = zebra
    office_name, office_port = office
    with world.store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-1")).one()
        st.printer, st.label_format, st.printer_transport = label_printer.name, "zpl", "cups"
        st.document_printer = office_name
        uow.add(st)
        uow.commit()
    return label_printer.name, label_port, office_port


def test_a_stopped_label_queue_holds_the_labels_and_the_parcel_stays_closed(
    world: pw.World, cups: CupsServer, station: tuple[str, RawPrinter, RawPrinter]
) -> None:
    queue, label_port, office_port = station
    cups.run("cupsdisable", queue)
    oid = pack(world, "#1043")
    docs = packing.produce(world.store, oid, "PACK-1")
    assert docs.problems == ()
    # One line, naming the queue and how to start it; not "reprint" (that would print twice).
    assert len(docs.held) == 1 and "\n" not in docs.held[0]
    assert docs.held[0].startswith(f"label printer: queue {queue} is stopped")
    assert f"cupsenable {queue}" in docs.held[0]
    # A handheld's second row (38 columns) keeps the command, which names the queue.
    assert docs.short_trouble() == f"queue stopped: cupsenable {queue}"
    with world.store.read() as s:
        assert s.get(Order, oid).status == OrderStatus.PACKED
    label, slip = docs.files
    assert label.suffix == ".zpl" and label.exists() and slip.exists()
    # The slip went on to the office printer, untouched by the stopped label queue.
    assert office_port.wait_for(1) == [slip.read_bytes()]
    time.sleep(1.0)
    assert label_port.jobs == []
    cups.run("cupsenable", queue)
    fonts, printed = label_port.wait_for(2)
    assert fonts.startswith(b"~DYE:WMSSANS")  # the printer gets its fonts first, once
    assert printed == label.read_bytes()


def test_a_refusing_label_queue_is_one_line_and_f10_prints_again(
    world: pw.World, cups: CupsServer, station: tuple[str, RawPrinter, RawPrinter]
) -> None:
    queue, label_port, _ = station
    cups.run("cupsreject", queue)
    oid = pack(world, "#1043")
    docs = packing.produce(world.store, oid, "PACK-1")
    assert len(docs.problems) == 1 and "\n" not in docs.problems[0]
    assert docs.problems[0].startswith("label printer: printing ")
    assert "not accepting jobs" in docs.problems[0]
    with world.store.read() as s:
        assert s.get(Order, oid).status == OrderStatus.PACKED
    assert all(p.exists() for p in docs.files)
    cups.run("cupsaccept", queue)
    again = packing.reprint(world.store, world.packer, "#1043", slip=False)
    assert again.ok and again.printed == (queue,)
    label = again.files[0]
    assert label_port.wait_for(2)[-1] == label.read_bytes()


def printing_exceptions(world: pw.World) -> list:
    return [i for i in open_exceptions(world.store, world.supervisor) if i.kind == "PRINT"]


def test_a_stopped_queue_is_in_the_supervisors_inbox(
    world: pw.World, cups: CupsServer, station: tuple[str, RawPrinter, RawPrinter]
) -> None:
    queue, _, _ = station
    cups.run("cupsdisable", queue)
    try:
        oid = pack(world, "#1043")
        packing.produce(world.store, oid, "PACK-1")
        (item,) = printing_exceptions(world)
        assert item.kind_label == "Printing" and item.order == "#1043"
        assert item.terminal == "PACK-1" and item.raised_by
        assert f"queue {queue} is stopped" in item.cause
        assert Action.ACKNOWLEDGE in item.actions  # the packed order waits on nothing
    finally:
        cups.run("cupsenable", queue)


def test_a_label_cups_aborts_is_reprinted_and_the_inbox_clears(
    world: pw.World, cups: CupsServer, station: tuple[str, RawPrinter, RawPrinter]
) -> None:
    """The label queue's printer is gone and the queue aborts what it cannot deliver: lp
    succeeded, yet no label. The packer reads it with F10; the supervisor sees it until a
    reprint goes through."""
    needs_ipptool()
    queue, label_port, _ = station
    with socket.create_server(("127.0.0.1", 0)) as s:
        dead = s.getsockname()[1]
    cups.run("lpadmin", "-p", queue, "-v", f"socket://127.0.0.1:{dead}/?contimeout=1")
    cups.run("lpadmin", "-p", queue, "-o", "printer-error-policy=abort-job")
    oid = pack(world, "#1043")
    with patch.object(printers, "CONFIRM_S", 60.0):
        docs = packing.produce(world.store, oid, "PACK-1")
    assert not docs.ok and docs.held == ()
    assert len(docs.problems) >= 1 and all("\n" not in p for p in docs.problems)
    assert docs.problems[-1].startswith("label printer: CUPS aborted job ")
    assert docs.problems[-1].endswith(".zpl did not print")
    # Fonts and label lost alike: a handheld reads it once, in words that fit its row.
    assert docs.short_trouble() == "label printer: aborted, not printed"
    with world.store.read() as s:
        assert s.get(Order, oid).status == OrderStatus.PACKED
        # The fonts went the same way: the next label to this printer sends them again.
        st = s.exec(select(Station).where(Station.code == "PACK-1")).one()
        assert st.printer_fonts == ""
    (item,) = printing_exceptions(world)
    assert "CUPS aborted job" in item.cause and item.order == "#1043"
    cups.run("lpadmin", "-p", queue, "-v", f"socket://127.0.0.1:{label_port.port}")
    again = packing.reprint(world.store, world.packer, "#1043", slip=False)
    assert again.ok, again.problems
    fonts, label = label_port.wait_for(2)
    assert fonts.startswith(b"~DYE:WMSSANS") and label == again.files[0].read_bytes()
    assert printing_exceptions(world) == []  # the reprint that printed closed it
