"""A real CUPS scheduler of the test's own: private config, spool and socket, queues to loopback.

Debian's ``cups`` package (cupsd, lpadmin, cupsdisable) and ``cups-client``/``cups-bsd``
(lp, lpstat) are what a pack station runs. :class:`CupsServer` starts ``cupsd -f`` with a
``cupsd.conf`` and ``cups-files.conf`` in a temporary folder, listening only on a Unix
socket there, so it touches no system queue and two test workers never share one. Clients
find it through ``CUPS_SERVER``; queues send to a :class:`~tests.fakes.raw_printer.RawPrinter`
with CUPS's own ``socket://`` backend, the one a Zebra on the network is reached by.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.raw_printer import RawPrinter
from wms_tui.adapters.printers import Printer

TOOLS = (
    "cupsd",
    "lp",
    "lpstat",
    "lpadmin",
    "cupsdisable",
    "cupsenable",
    "cupsreject",
    "cupsaccept",
)
#: CUPS's sample Zebra ZPL driver: a queue *with a driver*, where only ``-o raw`` keeps a
#: ZPL file from being filtered as text.
ZEBRA_DRIVER = "drv:///sample.drv/zebra.ppd"

CUPSD_CONF = """\
Listen {socket}
LogLevel warn
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""

CUPS_FILES_CONF = """\
ServerRoot {root}
RequestRoot {root}/spool
TempDir {root}/tmp
CacheDir {root}/cache
StateDir {root}/state
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
SystemGroup {group}
{user}"""


def _tool(name: str) -> str | None:
    return shutil.which(name) or next(
        (p for d in ("/usr/sbin", "/sbin") if os.access(p := f"{d}/{name}", os.X_OK)), None
    )


def missing_tools() -> list[str]:
    return [t for t in TOOLS if _tool(t) is None]


def needs_ipptool() -> None:
    """Skip a test that needs a job's IPP state: only ipptool tells aborted from completed."""
    if _tool("ipptool") is None:
        pytest.skip("ipptool is not installed (apt-get install cups-ipp-utils)")


class CupsUnavailable(Exception):
    """cupsd is installed but would not start here; the message says why."""


class CupsServer:
    def __init__(self) -> None:
        # Not under pytest's 0700 tmp folder: cupsd runs its backends as the `lp` user,
        # which must reach the spooled files.
        self.root = Path(tempfile.mkdtemp(prefix="wms-cups-"))
        self.root.chmod(0o755)
        for sub in ("spool", "tmp", "cache", "state", "log"):
            (self.root / sub).mkdir()
        self.socket = self.root / "cups.sock"
        (self.root / "cupsd.conf").write_text(CUPSD_CONF.format(socket=self.socket))
        if os.geteuid() == 0:
            group, user = "root", ""
        else:  # an unprivileged cupsd cannot switch user: run everything as ourselves
            import grp
            import pwd

            group = grp.getgrgid(os.getegid()).gr_name
            name = pwd.getpwuid(os.geteuid()).pw_name
            user = f"User {name}\nGroup {group}\n"
        (self.root / "cups-files.conf").write_text(
            CUPS_FILES_CONF.format(root=self.root, group=group, user=user)
        )
        self.env = {**os.environ, "CUPS_SERVER": str(self.socket), "LC_ALL": "C"}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        self.process = subprocess.Popen(
            [
                _tool("cupsd") or "cupsd",
                "-f",
                "-c",
                str(self.root / "cupsd.conf"),
                "-s",
                str(self.root / "cups-files.conf"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = (self.process.stderr.read() if self.process.stderr else b"").decode()
                raise CupsUnavailable(f"cupsd exited at start: {self._last_line(err)}")
            if self.run("lpstat", "-r", check=False).returncode == 0:
                return
            time.sleep(0.1)
        self.stop()
        raise CupsUnavailable(f"cupsd did not answer within {timeout:.0f} s")

    def _last_line(self, text: str) -> str:
        log = self.root / "log" / "error_log"
        lines = (text + (log.read_text() if log.exists() else "")).strip().splitlines()
        return lines[-1] if lines else "no message"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [_tool(args[0]) or args[0], *args[1:]],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: {result.stderr.strip() or result.stdout}")
        return result

    def add_queue(self, name: str, port: int) -> str:
        """A queue sending to 127.0.0.1:port; with the Zebra driver when CUPS has it.

        Returns ``"driver"`` or ``"raw"``: what kind of queue was made."""
        device = f"socket://127.0.0.1:{port}"
        made = self.run("lpadmin", "-p", name, "-E", "-v", device, "-m", ZEBRA_DRIVER, check=False)
        if made.returncode == 0:
            return "driver"
        self.run("lpadmin", "-p", name, "-E", "-v", device)
        return "raw"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


# -- pytest fixtures (import them into a test module) ----------------------------------------

_names = itertools.count(1)


@pytest.fixture(scope="module")
def cups_server() -> Iterator[CupsServer]:
    missing = missing_tools()
    if missing:
        pytest.skip(
            f"CUPS is not installed ({', '.join(missing)} missing; apt-get install cups"
            " cups-client cups-bsd): the real-queue tests cannot run"
        )
    server = CupsServer()
    try:
        server.start()
    except CupsUnavailable as exc:
        server.remove()
        pytest.skip(f"CUPS is installed but its scheduler cannot run here: {exc}")
    yield server
    server.remove()


@pytest.fixture
def cups(cups_server: CupsServer, monkeypatch: pytest.MonkeyPatch) -> CupsServer:
    """The private scheduler, found by every ``lp``/``lpstat`` the code under test runs."""
    monkeypatch.setenv("CUPS_SERVER", str(cups_server.socket))
    return cups_server


@pytest.fixture
def zebra(cups: CupsServer) -> Iterator[tuple[Printer, RawPrinter]]:
    """A new queue (Zebra driver when CUPS has it) to a new listener, for one test."""
    listener = RawPrinter()
    name = f"zebra-{next(_names)}"
    cups.add_queue(name, listener.port)
    yield Printer(name), listener
    cups.run("lpadmin", "-x", name, check=False)
    listener.close()
