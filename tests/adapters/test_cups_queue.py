"""The print path against a real CUPS scheduler: ZPL reaches the printer's port byte for byte.

A private ``cupsd`` (tests/fakes/cups.py) holds a queue set up with CUPS's Zebra ZPL driver
whose device is ``socket://`` to a loopback listener standing in for the Zebra's port 9100.
Through such a queue only ``lp -o raw`` keeps ZPL from being filtered; what the listener
receives must be exactly the file we wrote. Skipped, saying why, where CUPS is not installed
(``apt-get install cups cups-client cups-bsd``); the raw-socket tests in test_printers.py
always run.
"""

from __future__ import annotations

import socket
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fakes.cups import CupsServer, needs_ipptool
from tests.fakes.raw_printer import RawPrinter
from tests.printing.helpers import KOREAN, SWEDISH, label_data
from wms_tui.adapters.printers import Printer, PrinterError, confirm, send_bytes, send_file
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


def test_a_printed_job_is_followed_to_its_end(
    zebra: tuple[Printer, RawPrinter], tmp_path: Path
) -> None:
    printer, port = zebra
    label = tmp_path / "label.zpl"
    label.write_bytes(b"^XA^XZ")
    job = send_file(label, printer, raw=True)
    assert job.id.startswith(f"{printer.name}-")  # lp's request id, what lpstat is asked about
    assert confirm([job], wait_s=30) == []
    assert port.jobs == [b"^XA^XZ"]  # confirmed only once the printer had it


def test_a_stopped_queue_holds_the_job_and_says_so(
    zebra: tuple[Printer, RawPrinter], cups: CupsServer, tmp_path: Path
) -> None:
    printer, port = zebra
    program, _ = label_program(label_data(SWEDISH), "4x6")
    label = tmp_path / "label.zpl"
    label.write_bytes(program.encode("utf-8"))
    cups.run("cupsdisable", printer.name)
    (trouble,) = confirm([send_file(label, printer, raw=True)])
    assert trouble.fate == "stopped" and not trouble.lost
    assert "\n" not in trouble.message
    assert f"queue {printer.name} is stopped" in trouble.message
    assert f"cupsenable {printer.name}" in trouble.message
    time.sleep(1.0)
    assert port.jobs == []  # nothing printed while stopped ...
    cups.run("cupsenable", printer.name)
    assert port.wait_for(1) == [label.read_bytes()]  # ... and nothing lost


def test_a_held_job_is_named_with_how_to_release_it(
    zebra: tuple[Printer, RawPrinter], cups: CupsServer, tmp_path: Path
) -> None:
    """A queue that holds every job until someone releases it (job-hold-until indefinite,
    as a print room sets up to check jobs first): lp succeeds, nothing prints."""
    printer, port = zebra
    cups.run("lpadmin", "-p", printer.name, "-o", "job-hold-until-default=indefinite")
    label = tmp_path / "label.zpl"
    label.write_bytes(b"^XA^FDheld^FS^XZ")
    job = send_file(label, printer, raw=True)
    (trouble,) = confirm([job])
    assert trouble.fate == "held" and not trouble.lost
    assert trouble.message.startswith(f"job {job.id} is held in queue {printer.name}")
    assert f"lp -i {job.id} -H resume" in trouble.message
    cups.run("lp", "-i", job.id, "-H", "resume")  # the way out the message names
    assert port.wait_for(1) == [label.read_bytes()]


def test_a_job_cups_aborts_is_lost(cups: CupsServer, tmp_path: Path) -> None:
    """Nothing listens at the queue's device and the queue aborts a job its backend gives
    up on (printer-error-policy abort-job, a 1 s connect timeout): CUPS drops the label."""
    needs_ipptool()
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    device = f"socket://127.0.0.1:{port}/?contimeout=1"
    cups.run("lpadmin", "-p", "zebra-gone", "-E", "-v", device)
    cups.run("lpadmin", "-p", "zebra-gone", "-o", "printer-error-policy=abort-job")
    try:
        label = tmp_path / "label.zpl"
        label.write_bytes(b"^XA^XZ")
        job = send_file(label, Printer("zebra-gone"), raw=True)
        (trouble,) = confirm([job], wait_s=60)
        assert trouble.fate == "aborted" and trouble.lost
        assert trouble.message.startswith(f"CUPS aborted job {job.id} on zebra-gone")
        assert trouble.message.endswith("label.zpl did not print")
    finally:
        cups.run("lpadmin", "-x", "zebra-gone", check=False)


def test_a_printer_cups_cannot_reach_is_said_while_the_job_waits(
    cups: CupsServer, tmp_path: Path
) -> None:
    """The default error policy: CUPS keeps retrying the printer, the job stays in the
    queue and prints when the printer answers; we say why it has not printed yet."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    cups.run("lpadmin", "-p", "zebra-off", "-E", "-v", f"socket://127.0.0.1:{port}")
    try:
        label = tmp_path / "label.zpl"
        label.write_bytes(b"^XA^XZ")
        job = send_file(label, Printer("zebra-off"), raw=True)
        # The job never leaves the queue, so each confirm waits out its wait_s (this
        # test waited 8 s). Asked again each second, it is answered once the backend
        # has said why: at its first failed connection.
        deadline = time.monotonic() + 30
        while not (troubles := confirm([job], wait_s=1)) and time.monotonic() < deadline:
            pass
        (trouble,) = troubles
        assert trouble.fate == "waiting" and not trouble.lost
        assert trouble.message.startswith(f"queue zebra-off cannot print job {job.id} (")
        assert "printing again would print it twice" in trouble.message
    finally:
        cups.run("cancel", "-a", "zebra-off", check=False)
        cups.run("lpadmin", "-x", "zebra-off", check=False)


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
    assert str(err.value).startswith(f"printing label.zpl on {printer.name} failed: lp: ")
    assert message in str(err.value) and "\n" not in str(err.value)
