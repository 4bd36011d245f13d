"""Printing as floor equipment: CUPS with ``-o raw`` for ZPL, raw TCP 9100, one-line failures.

CUPS is stood in for by ``lp`` and ``lpstat`` scripts on PATH that record ``lp``'s arguments
and stdin; the raw port by a socket listener on loopback. test_cups_queue.py does the same
against a real CUPS scheduler.
"""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import pytest

from tests.fakes.lp import LP
from tests.fakes.raw_printer import RawPrinter
from wms_tui.adapters import printers
from wms_tui.adapters.printers import (
    Printer,
    PrinterError,
    PrinterHeld,
    send_bytes,
    send_file,
)

# What `lpstat -p QUEUE` says (C locale) of a started queue and of a stopped one.
LPSTAT = """#!/bin/sh
if [ "$2" = "stopped" ]; then
  echo "printer stopped disabled since Mon 07 Dec 2026 12:00:00 -"
  printf '\\tPaused\\n'
else
  echo "printer $2 is idle.  enabled since Mon 07 Dec 2026 12:00:00"
fi
"""


@pytest.fixture
def lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stub ``lp`` first on PATH; returns the file it writes its arguments to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "lp.args"
    script = bin_dir / "lp"
    script.write_text(LP.format(log=log))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    lpstat = bin_dir / "lpstat"
    lpstat.write_text(LPSTAT)
    lpstat.chmod(lpstat.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    return log


def test_zpl_goes_to_cups_raw(lp: Path, tmp_path: Path) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^FDÅsa^FS^XZ", encoding="utf-8")
    send_file(label, Printer("zebra-1"), raw=True)
    assert lp.read_text().splitlines() == ["-d", "zebra-1", "-o", "raw", str(label.resolve())]


def test_pdf_goes_to_cups_as_a_document(lp: Path, tmp_path: Path) -> None:
    slip = tmp_path / "slip.pdf"
    slip.write_bytes(b"%PDF-1.4")
    send_file(slip, Printer("office-a4"), raw=False)
    assert lp.read_text().splitlines() == ["-d", "office-a4", str(slip.resolve())]


def test_bytes_go_to_cups_raw_from_stdin(lp: Path) -> None:
    send_bytes(b"~WC", Printer("zebra-1"))
    assert lp.read_text().splitlines() == ["-d", "zebra-1", "-o", "raw", "-"]
    assert Path(f"{lp}.stdin").read_bytes() == b"~WC"


def test_a_cups_refusal_is_one_line(lp: Path, tmp_path: Path) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^XZ")
    with pytest.raises(PrinterError) as err:
        send_file(label, Printer("offline"), raw=True)
    assert str(err.value) == (
        "printing label.zpl on offline failed: lp: The printer or class does not exist."
    )


def test_a_stopped_queue_is_held_not_failed(lp: Path, tmp_path: Path) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^XZ")
    with pytest.raises(PrinterHeld) as err:
        send_file(label, Printer("stopped"), raw=True)
    assert str(err.value) == (
        "queue stopped is stopped: the job waits in it and prints once the queue is started"
        " (cupsenable stopped); printing again would print it twice"
    )
    send_file(label, Printer("zebra-1"), raw=True)  # a started queue: no complaint


def test_raw_tcp_delivers_every_byte(tmp_path: Path) -> None:
    listener = RawPrinter()
    label = tmp_path / "label.zpl"
    content = ("^XA" + "^FO10,10^FDÅsa Öberg 김민준^FS" * 2000 + "^XZ").encode()
    label.write_bytes(content)
    send_file(label, Printer(f"127.0.0.1:{listener.port}", "tcp"), raw=True)
    assert listener.close() == content


def test_an_unreachable_raw_printer_is_one_line() -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    with pytest.raises(PrinterError) as err:
        send_bytes(b"^XA^XZ", Printer(f"127.0.0.1:{port}", "tcp"))
    assert str(err.value).startswith(f"printer 127.0.0.1:{port} cannot be reached: ")
    assert "\n" not in str(err.value)


def test_lp_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterError, match="'lp' command was not found"):
        send_bytes(b"x", Printer("zebra-1"))


@pytest.mark.parametrize(
    ("name", "transport", "message"),
    [
        ("-d evil", "cups", "invalid printer name"),
        ("a/b", "cups", "invalid printer name"),
        ("", "cups", "invalid printer name"),
        ("host:99999", "tcp", "port must be 1-65535"),
        ("host:http", "tcp", "must be host or host:port"),
        ("zebra", "usb", "transport must be cups or tcp"),
    ],
)
def test_bad_printer_settings(name: str, transport: str, message: str) -> None:
    with pytest.raises(PrinterError, match=message):
        Printer(name, transport)  # type: ignore[arg-type]


def test_default_raw_port() -> None:
    assert Printer("zebra-3.local", "tcp").address() == ("zebra-3.local", printers.RAW_PORT)
