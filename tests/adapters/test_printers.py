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
    Job,
    Printer,
    PrinterError,
    confirm,
    send_bytes,
    send_file,
)

# What lpstat (C locale) says of the jobs still in a queue (`-W not-completed -l -o QUEUE`)
# and of queues (`-p QUEUE...`): "stopped" is a stopped queue with its job waiting,
# "holding" holds every job, "offline-zebra" keeps trying a printer that does not answer;
# any other queue's job has printed and left.
LPSTAT = """#!/bin/sh
job() {  # request id, queue, the job's lines
  printf '%s  root  1024  Mon 07 Dec 2026 12:00:00\\n' "$1"
  printf '\\t%s\\n' "$3" "queued for $2"
}
if [ "$1" = "-W" ]; then
  case "$5" in
    stopped) job stopped-1 stopped "Alerts: none" ;;
    holding) job holding-1 holding "Alerts: job-hold-until-specified" ;;
    offline-zebra) job offline-zebra-1 offline-zebra "Status: The printer is not responding." ;;
  esac
  exit 0
fi
shift
for q; do
  if [ "$q" = "stopped" ]; then
    echo "printer stopped disabled since Mon 07 Dec 2026 12:00:00 -"
    printf '\\tPaused\\n'
  else
    echo "printer $q is idle.  enabled since Mon 07 Dec 2026 12:00:00"
  fi
done
"""
# IPP's job-state of a job that left its queue: aborted once the test touched "aborted".
IPPTOOL = """#!/bin/sh
state=completed
if [ -f "{aborted}" ]; then state=aborted; fi
echo "        job-state (enum) = $state"
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
    for name, text in (
        ("lpstat", LPSTAT),
        ("ipptool", IPPTOOL.format(aborted=tmp_path / "aborted")),
    ):
        tool = bin_dir / name
        tool.write_text(text)
        tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
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


def test_lp_gives_the_job_its_request_id(lp: Path, tmp_path: Path) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^XZ")
    assert send_file(label, Printer("zebra-1"), raw=True) == Job(
        Printer("zebra-1"), "label.zpl", "zebra-1-1"
    )


def test_a_printed_job_is_no_trouble(lp: Path, tmp_path: Path) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^XZ")
    assert confirm([send_file(label, Printer("zebra-1"), raw=True)]) == []


def test_a_stopped_queue_holds_the_job(lp: Path, tmp_path: Path) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^XZ")
    (trouble,) = confirm([send_file(label, Printer("stopped"), raw=True)])
    assert trouble.fate == "stopped" and not trouble.lost
    assert trouble.message == (
        "queue stopped is stopped: the job waits in it and prints once the queue is started"
        " (cupsenable stopped); printing again would print it twice"
    )
    assert trouble.short == "queue stopped: cupsenable stopped"


def test_a_held_job_says_how_to_release_it(lp: Path, tmp_path: Path) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^XZ")
    (trouble,) = confirm([send_file(label, Printer("holding"), raw=True)])
    assert trouble.fate == "held" and not trouble.lost
    assert trouble.message == (
        "job holding-1 is held in queue holding: it prints once released"
        " (lp -i holding-1 -H resume); printing again would print it twice"
    )
    assert trouble.short == "held: lp -i holding-1 -H resume"


def test_a_printer_that_does_not_answer_is_said_with_cups_reason(lp: Path, tmp_path: Path) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^XZ")
    job = send_file(label, Printer("offline-zebra"), raw=True)
    (trouble,) = confirm([job], wait_s=0.3, poll_s=0.1)
    assert trouble.fate == "waiting" and not trouble.lost
    assert trouble.message.startswith(
        "queue offline-zebra cannot print job offline-zebra-1 (The printer is not responding)"
    )


def test_an_aborted_job_is_lost(lp: Path, tmp_path: Path) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^XZ")
    (tmp_path / "aborted").touch()
    (trouble,) = confirm([send_file(label, Printer("zebra-1"), raw=True)])
    assert trouble.fate == "aborted" and trouble.lost
    assert trouble.message == "CUPS aborted job zebra-1-1 on zebra-1: label.zpl did not print"
    assert trouble.short == "aborted, not printed"


def test_no_lpstat_is_no_trouble(lp: Path, tmp_path: Path, monkeypatch) -> None:
    label = tmp_path / "label.zpl"
    label.write_text("^XA^XZ")
    job = send_file(label, Printer("stopped"), raw=True)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert confirm([job]) == []


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
