"""A handheld for the serve tests: an asyncssh client with a pty that reads the screen.

The app's output is terminal bytes; ``screen_text`` drops the escape
sequences, which leaves each widget's text whole (Textual writes a run of
text of one style in one piece), enough to wait for what a worker reads.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.worlds.picking import World
from wms_tui.serve import ssh_server
from wms_tui.serve.files import connection_log, host_key
from wms_tui.serve.quiet_asyncssh import asyncssh
from wms_tui.services.devices.limits import ServeLimits
from wms_tui.services.devices.registry import add_device

ROOT = Path(__file__).resolve().parents[2]
_ESCAPES = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)"
)
WAIT = 40.0  # seconds: an app process starts in about 2 s, much slower on a busy CI box


def screen_text(data: bytes) -> str:
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


@dataclass
class Server:
    state: ssh_server.ServerState
    port: int
    folder: Path
    keys: dict[str, asyncssh.SSHKey] = field(default_factory=dict)

    def log(self) -> str:
        return (self.folder / "serve.log").read_text()

    async def apps_gone(self, timeout: float = 15.0) -> bool:
        deadline = asyncio.get_running_loop().time() + timeout
        while self.state.apps:
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.1)
        return True


@asynccontextmanager
async def running_server(
    world: World, folder: Path, *, limits: ServeLimits | None = None
) -> AsyncIterator[Server]:
    """A server on a free loopback port with devices HH-KEY (key) and HH-PW (password)."""
    store = world.store
    device_key = asyncssh.generate_private_key("ssh-ed25519")
    add_device(
        store, world.supervisor, "HH-KEY", public_key=device_key.export_public_key().decode()
    )
    add_device(store, world.supervisor, "HH-PW", password="floor-pass-1")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    state = ssh_server.ServerState(
        store=store,
        db_url=store.url,
        limits=limits or ServeLimits(max_connections=10, idle_seconds=0),
        log=connection_log(folder, f"test-{folder.parent.name}"),
        env=env,
    )
    acceptor = await ssh_server.start_server(state, "127.0.0.1", 0, host_key(folder))
    try:
        yield Server(state, acceptor.get_port(), folder, {"HH-KEY": device_key})
    finally:
        acceptor.close()
        await ssh_server.stop_apps(state)


class Handheld:
    """One SSH connection with a pty, as a floor device has."""

    def __init__(self, conn: asyncssh.SSHClientConnection, process) -> None:  # noqa: ANN001
        self.conn = conn
        self.process = process
        self.seen = b""
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            data = await self.process.stdout.read(65536)
            if not data:
                return
            self.seen += data

    def text(self) -> str:
        return screen_text(self.seen)

    async def expect(self, *texts: str, timeout: float = WAIT) -> str:
        """Wait until every text shows (since the last ``mark``); the screen text."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not all(t in self.text() for t in texts):
            if asyncio.get_running_loop().time() > deadline or self._reader.done():
                ended = f"app ended ({self.process.exit_status})" if self._reader.done() else ""
                raise AssertionError(f"never saw {texts!r} {ended}; saw {self.text()[-1500:]!r}")
            await asyncio.sleep(0.05)
        return self.text()

    def mark(self) -> None:
        self.seen = b""

    def send(self, data: bytes | str) -> None:
        self.process.stdin.write(data.encode() if isinstance(data, str) else data)

    async def type_scan(self, *codes: str) -> None:
        """Codes as a scanner sends them: each ended with CR, all in one write."""
        self.send("".join(f"{c}\r" for c in codes))

    def resize(self, cols: int, rows: int) -> None:
        self.process.change_terminal_size(cols, rows)

    def drop(self) -> None:
        """The Wi-Fi goes: the TCP connection is cut, no goodbye."""
        self.conn.abort()
        self._reader.cancel()

    async def close(self) -> None:
        self._reader.cancel()
        self.conn.close()
        await self.conn.wait_closed()


async def connect(server: Server, device: str, **kwargs) -> asyncssh.SSHClientConnection:  # noqa: ANN003
    if device in server.keys and "password" not in kwargs and "client_keys" not in kwargs:
        kwargs["client_keys"] = [server.keys[device]]
    kwargs.setdefault("client_keys", [])
    return await asyncssh.connect(
        "127.0.0.1",
        server.port,
        username=device,
        known_hosts=None,
        agent_path=None,
        preferred_auth="publickey,password",
        **kwargs,
    )


async def handheld(
    server: Server,
    device: str,
    size: tuple[int, int] = (40, 16),
    **kwargs,  # noqa: ANN003
) -> Handheld:
    conn = await connect(server, device, **kwargs)
    process = await conn.create_process(term_type="xterm-256color", term_size=size, encoding=None)
    return Handheld(conn, process)
