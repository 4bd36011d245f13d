"""Printers on the floor: a CUPS queue (``lp``) or a label printer's raw TCP port 9100.

A pack station has a label printer (4x6/A6 stock, PDF or ZPL) and a document printer
(A4/Letter: slips, customs papers). ZPL must reach a Zebra untouched: through CUPS it goes
with ``-o raw`` (a queue with a driver would otherwise print the ZPL source as text), or
straight to the printer's port 9100. PDFs go through CUPS, which rasterises them.

Every failure is a :class:`PrinterError` with one line a packer can act on ("label printer
zebra-3 did not answer at 10.0.0.7:9100"); nothing here retries or waits longer than
:data:`TIMEOUT_S`.
"""

from __future__ import annotations

import os
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Transport = Literal["cups", "tcp"]
TRANSPORTS: tuple[str, ...] = ("cups", "tcp")
RAW_PORT = 9100
TIMEOUT_S = 30.0


class PrinterError(Exception):
    """A job could not be handed to a printer; the message is one line for the operator."""


class PrinterHeld(PrinterError):
    """CUPS took the job, but the queue is stopped (``cupsdisable``): the job waits in it.

    ``lp`` succeeds on a stopped queue, so without this the packer would read "printed" and
    find no label. Printing again would print twice once the queue is started: the message
    says how to start it instead.
    """


@dataclass(frozen=True)
class Printer:
    """Where a job goes: a CUPS queue name, or ``host[:port]`` for raw TCP."""

    name: str
    transport: Transport = "cups"

    def __post_init__(self) -> None:
        if self.transport not in TRANSPORTS:
            raise PrinterError(f"printer transport must be cups or tcp, got {self.transport!r}")
        if self.transport == "cups":
            _check_queue_name(self.name)
        else:
            self.address()  # refuses a bad host:port now, not at the first label

    def address(self) -> tuple[str, int]:
        host, sep, port = self.name.rpartition(":")
        if not sep:
            host, port = self.name, str(RAW_PORT)
        if not host or any(c.isspace() for c in host) or not port.isdigit():
            raise PrinterError(f"printer address must be host or host:port, got {self.name!r}")
        number = int(port)
        if not 0 < number < 65536:
            raise PrinterError(f"printer port must be 1-65535, got {number}")
        return host.strip("[]"), number

    def __str__(self) -> str:
        return self.name


def _check_queue_name(name: str) -> None:
    # CUPS queue names are printable, without spaces, '/' or '#'; a leading '-' would be
    # read by lp as an option.
    if (
        not name
        or name.startswith("-")
        or any(c.isspace() or c in "/#" or not c.isprintable() for c in name)
    ):
        raise PrinterError(f"invalid printer name {name!r}")


def send_file(path: Path | str, printer: Printer, *, raw: bool) -> None:
    """Print a file: ``raw`` for printer language (ZPL) that must not be converted."""
    file_path = Path(path)
    if not file_path.is_file():
        raise PrinterError(f"nothing to print: {file_path} does not exist")
    if printer.transport == "tcp":
        send_bytes(file_path.read_bytes(), printer)
        return
    # An absolute path can never be mistaken for an lp option.
    command = ["lp", "-d", printer.name, *(["-o", "raw"] if raw else []), str(file_path.resolve())]
    _run_lp(command, printer, file_path.name)
    _refuse_stopped_queue(printer)


def send_bytes(data: bytes, printer: Printer, *, name: str = "job") -> None:
    """Send printer-language bytes: raw to port 9100, or ``lp -o raw`` from stdin for CUPS."""
    if printer.transport == "cups":
        _run_lp(["lp", "-d", printer.name, "-o", "raw", "-"], printer, name, data)
        _refuse_stopped_queue(printer)
        return
    host, port = printer.address()
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT_S) as conn:
            conn.sendall(data)
            # Half-close so the printer sees the end of the job, then wait for it to close:
            # a job torn down mid-send prints half a label.
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(4096):
                pass
    except TimeoutError:
        raise PrinterError(f"printer {printer} did not answer within {TIMEOUT_S:.0f} s") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise PrinterError(f"printer {printer} cannot be reached: {reason}") from None


def _run_lp(command: list[str], printer: Printer, what: str, data: bytes | None = None) -> None:
    try:
        result = subprocess.run(
            command, input=data, capture_output=True, timeout=TIMEOUT_S, check=False
        )
    except FileNotFoundError:
        raise PrinterError(
            "cannot print: the 'lp' command was not found (install the CUPS client tools)"
        ) from None
    except subprocess.TimeoutExpired:
        raise PrinterError(
            f"lp did not answer within {TIMEOUT_S:.0f} s (printer {printer})"
        ) from None
    except OSError as exc:
        raise PrinterError(f"cannot run lp: {exc}") from None
    if result.returncode != 0:
        output = (result.stderr or result.stdout or b"").decode("utf-8", "replace").strip()
        message = output.splitlines()[0] if output else f"exit status {result.returncode}"
        raise PrinterError(f"printing {what} on {printer} failed: {message}")


def _refuse_stopped_queue(printer: Printer) -> None:
    """Raise :class:`PrinterHeld` when the CUPS queue is stopped (its job is waiting)."""
    try:
        result = subprocess.run(
            ["lpstat", "-p", printer.name],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
            # lpstat's words are translated; its C-locale wording is what is read here.
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return  # the job was accepted; not knowing the queue's state is no failure
    words = result.stdout.decode("utf-8", "replace").split()
    # "printer zebra disabled since Mon 07 Dec 2026 ..." (enabled: "is idle." / "now printing")
    if words[:3] == ["printer", printer.name, "disabled"]:
        raise PrinterHeld(
            f"queue {printer} is stopped: the job waits in it and prints once the queue is"
            f" started (cupsenable {printer}); printing again would print it twice"
        )
