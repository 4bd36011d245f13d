"""Start-up: from the command to the login screen on a terminal.

    python -m bench --only startup

Each command runs in a fresh process on a pseudo-terminal (120×40), as a
handheld or pack station starts it; the clock stops when "Scan your badge"
has been written to the terminal (the login screen painted), or for
``wms --help`` when the process exits. The baseline, measured in the same
run alternating with the commands and on the same pty, is a Python that
imports ``textual.app`` and writes that text: no terminal app can paint
before that import; ``wms --help`` is timed to its exit, so against
``python -c "import textual.app"`` timed to its exit. Target: 1.5× the baseline.

Stores: an empty store for ``wms run`` and the demo for ``wms demo`` (both at
this version's schema, cached under ``bench/out/``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from bench.common import ROOT, Row, cached_sqlite

LOGIN_TEXT = b"Scan your badge"
BASELINE = (
    "import sys, time, textual.app; sys.stdout.write('Scan your badge'); sys.stdout.flush(); "
    "time.sleep(60)"
)
TIMEOUT_S = 60.0


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
        "WMS_TERMINAL": "BENCH",
    }


def _time_process(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, cwd=ROOT, env=_env())
    return time.perf_counter() - t0


def time_to_login(args: list[str]) -> float:
    """Seconds from starting ``args`` on a pty until the login screen is painted."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        args,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=_env(),
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            left = TIMEOUT_S - (time.perf_counter() - t0)
            if left <= 0:
                raise TimeoutError(f"no login screen after {TIMEOUT_S:.0f} s: {seen[-300:]!r}")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk:
                raise RuntimeError(f"{' '.join(args)} ended before the login screen: {seen!r}")
            seen += chunk
            if LOGIN_TEXT in seen:
                return time.perf_counter() - t0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)


def _stores() -> tuple[str, str]:
    def empty(url: str) -> None:
        from wms_tui.services.setup.store_init import init_store

        store, _ = init_store(url)
        store.dispose()

    def demo(url: str) -> None:
        from wms_tui.services.demo.build import create_demo

        store, _ = create_demo(url)
        store.dispose()

    here = Path(__file__)
    return str(cached_sqlite("startup-empty", empty, here)), str(
        cached_sqlite(
            "startup-demo", demo, here, ROOT / "wms_tui" / "services" / "demo" / "build.py"
        )
    )


def run(quick: bool) -> list[Row]:
    repeat = 1 if quick else 7
    empty_db, demo_db = _stores()
    py = sys.executable
    cases = {
        # Measured like the commands: on the pty, until the text is written
        # (not until the interpreter has torn every module down again).
        "baseline": lambda: time_to_login([py, "-c", BASELINE]),
        # --help is timed to its exit, so against an import timed to its exit.
        "baseline to exit": lambda: _time_process([py, "-c", "import textual.app"]),
        "wms --help": lambda: _time_process([py, "-m", "wms_tui", "--help"]),
        "wms run → login screen": lambda: time_to_login(
            [py, "-m", "wms_tui", "run", "--db", empty_db]
        ),
        "wms demo → login screen": lambda: time_to_login(
            [py, "-m", "wms_tui", "demo", "--db", demo_db]
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):  # alternating, so a burst of load hits every case alike
        for name, case in cases.items():
            times[name].append(case())
    bases = {
        "painted": statistics.median(times.pop("baseline")),
        "exited": statistics.median(times.pop("baseline to exit")),
    }
    rows = []
    for name, values in times.items():
        med = statistics.median(values)
        until = "exited" if "--help" in name else "painted"
        base = bases[until]
        rows.append(
            Row(
                f"{name} (median of {len(values)})",
                1000 * med,
                "ms",
                baseline=1000 * base,
                baseline_what="ms import textual.app, "
                + ("to exit" if until == "exited" else "to text on the pty"),
                target="≤ 1.5× the baseline",
                ok=None if quick else med <= 1.5 * base,
                note=f"min {1000 * min(values):.0f}, max {1000 * max(values):.0f} ms",
            )
        )
    return rows


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
