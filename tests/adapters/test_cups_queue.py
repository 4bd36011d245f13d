"""The print path against a real CUPS scheduler: ZPL reaches the printer's port byte for byte.

A private ``cupsd`` (tests/fakes/cups.py) holds a queue set up with CUPS's Zebra ZPL driver
whose device is ``socket://`` to a loopback listener standing in for the Zebra's port 9100.
Through such a queue only ``lp -o raw`` keeps ZPL from being filtered; what the listener
receives must be exactly the file we wrote. Skipped, saying why, where CUPS is not installed
(``apt-get install cups cups-client cups-bsd``); the raw-socket tests in test_printers.py
always run.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fakes.cups import CupsServer
from tests.fakes.raw_printer import RawPrinter
from tests.printing.helpers import KOREAN, SWEDISH, label_data
from wms_tui.adapters.printers import Printer, PrinterError, PrinterHeld, send_bytes, send_file
from wms_tui.printing.zpl import label_program


def test_a_label_reaches_the_printer_byte_for_byte(
    zebra: tuple[Printer, RawPrinter], tmp_path: Path
) -> None:
    printer, port = zebra
    # Hangul beside Å Ö and ^ ~ escapes: every byte of UTF-8 and ZPL must pass untouched.
    ship_to = replace(KOREAN, line1="Östra Ågatan 5 ^~_")
    program, _ = label_program(label_data(ship_to), "4x6", dpi=300)
    label = tmp_path / "label.zpl"
    label.write_bytes(program.encode("utf-8"))
    send_file(label, printer, raw=True)
    assert port.wait_for(1) == [label.read_bytes()]


def test_a_font_download_from_stdin_reaches_the_printer(
    zebra: tuple[Printer, RawPrinter],
) -> None:
    printer, port = zebra
    data = b"~DYE:TEST.TTF,A,T,4,,00010000" + bytes(range(256)) * 64
    send_bytes(data, printer, name="fonts")
    assert port.wait_for(1) == [data]


def test_a_driver_queue_is_what_is_tested(cups: CupsServer) -> None:
    """The proof above is only worth something on a queue that would filter a non-raw job."""
    listener = RawPrinter()
    try:
        kind = cups.add_queue("zebra-driver-check", listener.port)
        if kind != "driver":
            pytest.skip("this CUPS has no Zebra sample driver: the queue above was a raw one")
        ppd = (cups.root / "ppd" / "zebra-driver-check.ppd").read_text(errors="replace")
        assert "rastertolabel" in ppd  # the queue's filter: a raster driver, not pass-through
    finally:
        cups.run("lpadmin", "-x", "zebra-driver-check", check=False)
        listener.close()


def test_a_stopped_queue_holds_the_job_and_says_so(
    zebra: tuple[Printer, RawPrinter], cups: CupsServer, tmp_path: Path
) -> None:
    printer, port = zebra
    program, _ = label_program(label_data(SWEDISH), "4x6")
    label = tmp_path / "label.zpl"
    label.write_bytes(program.encode("utf-8"))
    cups.run("cupsdisable", printer.name)
    with pytest.raises(PrinterHeld) as err:
        send_file(label, printer, raw=True)
    message = str(err.value)
    assert "\n" not in message
    assert f"queue {printer.name} is stopped" in message
    assert f"cupsenable {printer.name}" in message
    time.sleep(1.0)
    assert port.jobs == []  # nothing printed while stopped ...
    cups.run("cupsenable", printer.name)
    assert port.wait_for(1) == [label.read_bytes()]  # ... and nothing lost


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("reject", "is not accepting jobs"),
        ("unknown", "does not exist"),
    ],
)
def test_a_refused_job_is_one_line(
    zebra: tuple[Printer, RawPrinter], cups: CupsServer, tmp_path: Path, how: str, message: str
) -> None:
    printer, _ = zebra
    if how == "reject":
        cups.run("cupsreject", printer.name)
    else:
        printer = Printer("no-such-queue")
    label = tmp_path / "label.zpl"
    label.write_bytes(b"^XA^XZ")
    with pytest.raises(PrinterError) as err:
        send_file(label, printer, raw=True)
    assert not isinstance(err.value, PrinterHeld)
    assert str(err.value).startswith(f"printing label.zpl on {printer.name} failed: lp: ")
    assert message in str(err.value) and "\n" not in str(err.value)
