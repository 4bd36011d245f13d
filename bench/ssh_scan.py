"""Scan → screen answer over a local SSH connection vs the same app on a local pty.

The same app (``python -m wms_tui run``) gets the same scans: a badge the
store does not know, typed as a scanner sends it (code + CR in one write), and
the time runs until its answer ("Unknown badge …", one store read) has come
back as terminal bytes. Baseline: the app on a pty this process holds
(``serve.app_process.PtyApp``, no network). Measured: ``wms serve ssh`` in
this process, an asyncssh client with a pty on 127.0.0.1, so encryption, the
SSH channel and the server's byte pump are what the ratio shows.

    python -m bench --only ssh_scan      # with the other benchmarks' table
    python bench/ssh_scan.py             # alone: both, and the ratio
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Row, latency_row  # noqa: E402

_ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|.)")
READY = 60.0  # seconds for an app to start and open its store (a busy machine)
ANSWER = 20.0


class _Screen:
    """What an app wrote, searchable as text."""

    def __init__(self) -> None:
        self.data = b""
        self.changed = asyncio.Event()

    def feed(self, data: bytes) -> None:
        self.data += data
        if len(self.data) > 200_000:
            self.data = self.data[-100_000:]
        self.changed.set()

    def text(self) -> str:
        return _ESCAPES.sub(b"", self.data).decode("utf-8", "replace")

    async def wait_for(self, needle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {needle!r} on the screen")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)


async def _scans(send: Callable[[bytes], None], screen: _Screen, n: int) -> list[float]:
    await screen.wait_for("Scan your badge", READY)
    await screen.wait_for(" · ", READY)  # the clock: the store is open
    samples = []
    # One scan first, not counted: the first answer imports the login service.
    for i in range(-1, n):
        code = f"NOBODY{i + 1:04d}"
        t0 = time.perf_counter()
        send(f"{code}\r".encode())
        await screen.wait_for(f"Unknown badge {code}", ANSWER)
        if i >= 0:
            samples.append(time.perf_counter() - t0)
        await asyncio.sleep(0.3)  # a picker's pause between scans
    return samples


def _store(folder: Path) -> str:
    from wms_tui.domain.actor import SYSTEM
    from wms_tui.services.devices.registry import add_device
    from wms_tui.store import Store

    url = f"sqlite:///{folder / 'bench.db'}"
    store = Store(url)
    store.create_schema()
    add_device(store, SYSTEM, "BENCH-1", password="bench-password")
    # Every timed scan is an unknown badge on purpose (one store read, no side
    # effects); lift the failed-login throttle so the terminal never has to wait.
    from wms_tui.services.core import settings

    with store.unit_of_work() as uow:
        settings.put(uow.session, "failed_logins_per_terminal", "100000")
        uow.commit()
    store.dispose()
    return url


async def _local(url: str, n: int) -> list[float]:
    from wms_tui.serve.app_process import PtyApp, app_command

    screen = _Screen()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    app = PtyApp(
        app_command(url, "BENCH-1"), on_output=screen.feed, on_exit=lambda _: None, env=env
    )
    await app.start(40, 16)
    try:
        return await _scans(app.write, screen, n)
    finally:
        app.hangup()
        await app.wait()


async def _ssh(url: str, folder: Path, n: int) -> list[float]:
    import logging

    from wms_tui.serve import ssh_server
    from wms_tui.serve.files import host_key
    from wms_tui.serve.quiet_asyncssh import asyncssh
    from wms_tui.services.devices.limits import ServeLimits
    from wms_tui.store import Store

    store = Store(url)
    log = logging.getLogger("wms.bench.ssh")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    state = ssh_server.ServerState(
        store=store,
        db_url=url,
        limits=ServeLimits(max_connections=4, idle_seconds=0),
        log=log,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    server = await ssh_server.start_server(state, "127.0.0.1", 0, host_key(folder))
    try:
        async with asyncssh.connect(
            "127.0.0.1",
            server.get_port(),
            username="BENCH-1",
            password="bench-password",
            known_hosts=None,
            client_keys=[],
            agent_path=None,
        ) as conn:
            process = await conn.create_process(
                term_type="xterm-256color", term_size=(40, 16), encoding=None
            )
            screen = _Screen()

            async def pump() -> None:
                while data := await process.stdout.read(65536):
                    screen.feed(data)

            reader = asyncio.ensure_future(pump())
            try:
                return await _scans(process.stdin.write, screen, n)
            finally:
                reader.cancel()
    finally:
        server.close()
        await ssh_server.stop_apps(state)
        store.dispose()


def _measure(n: int) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory(prefix="wms-bench-ssh-") as tmp:
        folder = Path(tmp)
        url = _store(folder)

        def go(coro: Callable[[], Awaitable[list[float]]]) -> list[float]:
            return asyncio.run(coro())

        local = go(lambda: _local(url, n))
        over_ssh = go(lambda: _ssh(url, folder, n))
    return local, over_ssh


def run(quick: bool) -> list[Row]:
    n = 3 if quick else 30
    local, over_ssh = _measure(n)
    ratio = statistics.median(over_ssh) / statistics.median(local)
    return [
        latency_row(
            f"scan → answer, local pty ({n} scans)",
            local,
            note=f"min {1000 * min(local):.1f}, max {1000 * max(local):.1f} ms",
        ),
        latency_row(
            f"scan → answer over SSH, 127.0.0.1 ({n} scans)",
            over_ssh,
            local,
            baseline_what="ms p99 on a local pty",
            max_ratio=2.0,
            target="≤ 2× the local pty",
            judge=not quick,
            note=f"median ratio {ratio:.2f}; min {1000 * min(over_ssh):.1f}, "
            f"max {1000 * max(over_ssh):.1f} ms",
        ),
    ]


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    n = 3 if quick else 30
    local, over_ssh = _measure(n)
    for name, values in (("local pty", local), ("SSH 127.0.0.1", over_ssh)):
        ms = sorted(1000 * v for v in values)
        print(
            f"{name:14} scan → answer: min {ms[0]:6.1f}  median {statistics.median(ms):6.1f}"
            f"  max {ms[-1]:6.1f} ms  ({len(ms)} scans)"
        )
    ratio = statistics.median(over_ssh) / statistics.median(local)
    print(f"ratio SSH / local pty (medians): {ratio:.2f}")
