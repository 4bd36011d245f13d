"""Printers on the floor: a CUPS queue (``lp``) or a label printer's raw TCP port 9100.

A pack station has a label printer (4x6/A6 stock, PDF or ZPL) and a document printer
(A4/Letter: slips, customs papers). ZPL must reach a Zebra untouched: through CUPS it goes
with ``-o raw`` (a queue with a driver would otherwise print the ZPL source as text), or
straight to the printer's port 9100. PDFs go through CUPS, which rasterises them.

Every failure is a :class:`PrinterError` with one line a packer can act on ("label printer
zebra-3 did not answer at 10.0.0.7:9100"); nothing here retries or waits longer than
:data:`TIMEOUT_S`.

``lp`` succeeding only means CUPS took the job. :func:`confirm` then follows each job by
its request id until it has left the queue, or is held, or its queue is stopped, for at
most :data:`CONFIRM_S`, and names the jobs that will not print by themselves or did not
print at all (:class:`JobTrouble`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

Transport = Literal["cups", "tcp"]
TRANSPORTS: tuple[str, ...] = ("cups", "tcp")
RAW_PORT = 9100
TIMEOUT_S = 30.0
#: How long :func:`confirm` follows the jobs of one print: a label reaches a Zebra in well
#: under a second; a job still in its queue after this is reported only with a reason.
CONFIRM_S = 5.0


class PrinterError(Exception):
    """A job could not be handed to a printer; the message is one line for the operator."""


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


@dataclass(frozen=True)
class Job:
    """A job handed over: ``id`` is CUPS's request id (``zebra-1-42``); a raw TCP job has
    none, as the printer closing the connection was its delivery."""

    printer: Printer
    name: str
    id: str = ""


def send_file(path: Path | str, printer: Printer, *, raw: bool) -> Job:
    """Print a file: ``raw`` for printer language (ZPL) that must not be converted."""
    file_path = Path(path)
    if not file_path.is_file():
        raise PrinterError(f"nothing to print: {file_path} does not exist")
    if printer.transport == "tcp":
        return send_bytes(file_path.read_bytes(), printer, name=file_path.name)
    # An absolute path can never be mistaken for an lp option.
    command = ["lp", "-d", printer.name, *(["-o", "raw"] if raw else []), str(file_path.resolve())]
    return Job(printer, file_path.name, _run_lp(command, printer, file_path.name))


def send_bytes(data: bytes, printer: Printer, *, name: str = "job") -> Job:
    """Send printer-language bytes: raw to port 9100, or ``lp -o raw`` from stdin for CUPS."""
    if printer.transport == "cups":
        command = ["lp", "-d", printer.name, "-o", "raw", "-"]
        return Job(printer, name, _run_lp(command, printer, name, data))
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
    return Job(printer, name)


def _run_lp(command: list[str], printer: Printer, what: str, data: bytes | None = None) -> str:
    """Run ``lp``; the request id it printed ("request id is zebra-1-42 (1 file(s))")."""
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
    words = result.stdout.decode("utf-8", "replace").split()
    return words[3] if words[:3] == ["request", "id", "is"] and len(words) > 3 else ""


@dataclass(frozen=True)
class JobTrouble:
    """A job that will not print by itself, or did not print.

    ``fate``: ``held`` (a hold on the job), ``stopped`` (its queue is stopped), ``waiting``
    (CUPS keeps trying a printer that does not answer) — these print once the cause is
    removed, so printing again would print twice — or ``aborted`` / ``canceled``: nothing
    printed, print again (``lost``). ``message`` is one line for the packer, ``short`` the
    form that fits a handheld's second row (38 columns at 40x16) with the way out kept:
    the command names the queue or job, so the words around it give way.
    """

    job: Job
    fate: str
    message: str
    short: str

    @property
    def lost(self) -> bool:
        return self.fate in ("aborted", "canceled")


def confirm(
    jobs: list[Job], *, wait_s: float | None = None, poll_s: float = 0.1
) -> list[JobTrouble]:
    """Follow each CUPS job by its request id; the troubles, in the order of ``jobs``.

    ``lpstat -W not-completed -l -o QUEUE`` lists the jobs still in a queue with their
    hold ("Alerts: job-hold-until-specified") and the backend's last message ("Status: The
    printer is not responding."); ``lpstat -p`` says whether the queue is stopped. A job
    held or in a stopped queue is known at once; one still printing is followed until it
    leaves the queue or ``wait_s`` (:data:`CONFIRM_S`) passes. lpstat cannot tell a job
    that ended completed from one aborted or cancelled, so that is asked of the IPP job
    itself with ``ipptool`` where it is installed. Not knowing (no lpstat, it fails) is
    no trouble: the job was taken, as before this check existed.
    """
    followed = [j for j in jobs if j.id and j.printer.transport == "cups"]
    wait_s = CONFIRM_S if wait_s is None else wait_s
    wait_s = CONFIRM_S if wait_s is None else wait_s
    troubles: dict[str, JobTrouble] = {}
    status: dict[str, str] = {}
    deadline = time.monotonic() + wait_s
    while followed:
        queues = sorted({j.printer.name for j in followed})
        listing = _queued_jobs(queues)
        if listing is None:
            return []
        stopped = _stopped_queues(queues)
        printing = []
        for job in followed:
            if job.id not in listing:
                if (ended := _ended_as(job)) is not None:
                    troubles[job.id] = _trouble(job, ended, status.get(job.id, ""))
                continue
            status[job.id], alerts = listing[job.id]
            if any(a.startswith(("job-hold", "job-held")) for a in alerts):
                troubles[job.id] = _trouble(job, "held")
            elif job.printer.name in stopped:
                troubles[job.id] = _trouble(job, "stopped")
            else:
                printing.append(job)
        followed = printing
        if not followed or time.monotonic() >= deadline:
            break
        time.sleep(poll_s)
    for job in followed:
        if status.get(job.id):  # still in its queue, with the backend saying why
            troubles[job.id] = _trouble(job, "waiting", status[job.id])
    return [troubles[j.id] for j in jobs if j.id in troubles]


def _trouble(job: Job, fate: str, reason: str = "") -> JobTrouble:
    q, n = job.printer.name, job.id
    twice = "printing again would print it twice"
    if fate == "held":
        return JobTrouble(
            job,
            fate,
            f"job {n} is held in queue {q}: it prints once released (lp -i {n} -H resume); {twice}",
            f"held: lp -i {n} -H resume",
        )
    if fate == "stopped":
        return JobTrouble(
            job,
            fate,
            f"queue {q} is stopped: the job waits in it and prints once the queue is started"
            f" (cupsenable {q}); {twice}",
            f"queue stopped: cupsenable {q}",
        )
    if fate == "waiting":
        return JobTrouble(
            job,
            fate,
            f"queue {q} cannot print job {n} ({reason.rstrip('.')}): it waits and prints once"
            f" the printer answers; {twice}",
            f"{q}: printer not answering",
        )
    why = f" ({reason.rstrip('.')})" if reason else ""
    word = "aborted" if fate == "aborted" else "cancelled"
    return JobTrouble(
        job,
        fate,
        f"CUPS {word} job {n} on {q}{why}: {job.name} did not print",
        f"{word}, not printed",
    )


def _lpstat(*args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(
            ["lpstat", *args],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
            # lpstat's words are translated; its C-locale wording is what is read here.
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def _queued_jobs(queues: list[str]) -> dict[str, tuple[str, list[str]]] | None:
    """The jobs not completed in ``queues``: request id -> (backend status, alerts)."""
    jobs: dict[str, tuple[str, list[str]]] = {}
    for queue in queues:
        result = _lpstat("-W", "not-completed", "-l", "-o", queue)
        if result is None or result.returncode != 0:
            return None
        current = ""
        for line in result.stdout.decode("utf-8", "replace").splitlines():
            if line and not line[0].isspace():
                current = line.split()[0]
                jobs[current] = ("", [])
            elif current and (text := line.strip()).startswith("Status:"):
                jobs[current] = (text.removeprefix("Status:").strip(), jobs[current][1])
            elif current and text.startswith("Alerts:"):
                alerts = text.removeprefix("Alerts:").replace(",", " ").split()
                jobs[current] = (jobs[current][0], alerts)
    return jobs


def _stopped_queues(queues: list[str]) -> set[str]:
    result = _lpstat("-p", *queues)
    if result is None:
        return set()
    stopped = set()
    # "printer zebra disabled since Mon 07 Dec 2026 ..." (enabled: "is idle." / "now printing")
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        words = line.split()
        if words[:1] == ["printer"] and len(words) > 2 and words[2] == "disabled":
            stopped.add(words[1])
    return stopped


def _ended_as(job: Job) -> str | None:
    """``aborted`` or ``canceled`` for a job that left its queue without printing, from
    its IPP ``job-state``; None when it completed or that cannot be asked."""
    tool = shutil.which("ipptool")
    number = job.id.rpartition("-")[2]
    if tool is None or not number.isdigit():
        return None
    server = os.environ.get("CUPS_SERVER") or "localhost"
    # A CUPS_SERVER that is a socket path goes in the URI's host, percent-encoded.
    host = quote(server, safe="") if server.startswith("/") else server
    try:
        result = subprocess.run(
            [tool, "-T", "10", "-tv", f"ipp://{host}/jobs/{number}", "get-job-attributes.test"],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        name, _, value = line.strip().partition(" = ")
        if name == "job-state (enum)":
            return value.strip() if value.strip() in ("aborted", "canceled") else None
    return None
