"""``wms serve ssh``: each SSH connection runs the app under a pty of its size.

A device signs in with its registered key or password (its name is the SSH
user and becomes the app's terminal code); the operator then logs in with a
badge inside the app as on any terminal. Only the app runs: a command, a
subsystem (SFTP), port or agent forwarding and a session without a pty are
refused with one line and logged. Bytes pass through unchanged, except that
invalid UTF-8 is dropped on the way in: the app's terminal driver would stop
on it (``codecs`` raises), and no scanner or keyboard sends it.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from wms_tui.serve.app_process import PtyApp, app_command, too_small
from wms_tui.serve.quiet_asyncssh import asyncssh
from wms_tui.services.devices import registry
from wms_tui.services.devices.limits import ServeLimits
from wms_tui.store import Store

KEEPALIVE_SECONDS = 5  # a device gone from the network is noticed after 2 of these
LOGIN_TIMEOUT_SECONDS = 30
ONLY_THE_APP = "wms: this server runs the warehouse app only: connect without a command"


@dataclass
class ServerState:
    """What every connection of one server shares."""

    store: Store
    db_url: str
    limits: ServeLimits
    log: logging.Logger
    env: dict[str, str] | None = None
    connections: set[DeviceConnection] = field(default_factory=set)
    apps: set[PtyApp] = field(default_factory=set)


class DeviceConnection(asyncssh.SSHServer):
    """One SSH connection: authentication, refusals, the log."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.device = ""
        self.refusal = ""
        self.authenticated = False

    def _refused(self, why: str) -> None:
        self.state.log.info(f"refused device={self.device or '-'} address={self.address}: {why}")

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"
        self.state.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.state.connections.discard(self)
        if not self.authenticated:
            self._refused(self.refusal or "left before signing in")
        else:
            why = f": {exc}" if exc else ""
            self.state.log.info(f"closed device={self.device} address={self.address}{why}")

    def begin_auth(self, username: str) -> bool:
        self.device = username
        if len(self.state.connections) > self.state.limits.max_connections:
            self.refusal = f"too many connections ({self.state.limits.max_connections})"
            assert self.conn is not None
            self.conn.disconnect(
                asyncssh.DISC_TOO_MANY_CONNECTIONS, "wms: too many devices connected, try later"
            )
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    async def _check(self, check, username: str, secret: str, wrong: str) -> bool:  # noqa: ANN001
        """Ask the registry (in a thread: argon2 and the store take time); any failure refuses."""
        store = self.state.store
        try:
            if await asyncio.to_thread(check, store, username, secret):
                return True
            known = await asyncio.to_thread(registry.is_registered, store, username)
        except Exception as exc:  # noqa: BLE001 - a store error refuses this device only
            self.refusal = f"store error: {str(exc).splitlines()[0][:120]}"
            return False
        self.refusal = wrong if known else "unknown device"
        return False

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        line = key.export_public_key("openssh").decode()
        return await self._check(
            registry.key_allowed, username, line, "key not registered for this device"
        )

    def password_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        return await self._check(registry.password_allowed, username, password, "wrong password")

    def auth_completed(self) -> None:
        self.authenticated = True
        self.state.log.info(f"signed in device={self.device} address={self.address}")

    def session_requested(self) -> AppSession:
        return AppSession(self)

    def connection_requested(self, *args: Any) -> bool:
        self._refused("port forwarding (direct-tcpip)")
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        self._refused(f"remote port forwarding ({listen_host}:{listen_port})")
        return False

    def unix_connection_requested(self, *args: Any) -> bool:
        self._refused("socket forwarding")
        return False

    def unix_server_requested(self, *args: Any) -> bool:
        self._refused("socket forwarding")
        return False

    def tun_requested(self, *args: Any) -> bool:
        self._refused("tunnel")
        return False

    def tap_requested(self, *args: Any) -> bool:
        self._refused("tunnel")
        return False


class AppSession(asyncssh.SSHServerSession):
    """The session channel: the app under a pty, or a one-line refusal."""

    def __init__(self, owner: DeviceConnection) -> None:
        self.owner = owner
        self.chan: asyncssh.SSHServerChannel | None = None
        self.app: PtyApp | None = None
        self.size: tuple[int, int] | None = None
        self.term = "xterm-256color"
        self.refusal = ""
        self.last_input = time.monotonic()
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="ignore").decode
        self._idle: asyncio.Task[None] | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], modes) -> bool:  # noqa: ANN001
        self.term = term_type or self.term
        self.size = (term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only to say why on the client's screen, then closed.
        self.refusal = f"command {command[:60]!r}"
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        # An SFTP client reads binary replies: a refused request is what it understands.
        self.owner._refused(f"subsystem {subsystem!r}")
        return False

    def _close_with(self, message: str, why: str) -> None:
        assert self.chan is not None
        self.owner._refused(why)
        self.chan.write_stderr((message + "\r\n").encode())
        self.chan.exit(1)

    def session_started(self) -> None:
        if self.refusal:
            self._close_with(ONLY_THE_APP, self.refusal)
            return
        if self.size is None:
            self._close_with(
                "wms: no terminal: connect with a terminal (ssh -t), not a pipe", "no pty"
            )
            return
        cols, rows = self.size
        if too_small(cols, rows):
            self._close_with(
                f"wms: the screen is {cols}x{rows}; the app needs at least 16x6", f"{cols}x{rows}"
            )
            return
        asyncio.get_running_loop().create_task(self._start(cols, rows))

    async def _start(self, cols: int, rows: int) -> None:
        state = self.owner.state
        self.app = PtyApp(
            app_command(state.db_url, self.owner.device),
            on_output=self._output,
            on_exit=self._app_ended,
            env=state.env,
        )
        try:
            await self.app.start(cols, rows, self.term)
        except OSError as exc:
            self.app = None
            self._close_with("wms: the app could not be started, see the server log", str(exc))
            return
        state.apps.add(self.app)
        if state.limits.idle_seconds:
            self._idle = asyncio.get_running_loop().create_task(self._watch_idle())

    async def _watch_idle(self) -> None:
        limit = self.owner.state.limits.idle_seconds
        while True:
            await asyncio.sleep(min(limit, 30.0))
            if time.monotonic() - self.last_input >= limit:
                self.owner.state.log.info(
                    f"idle device={self.owner.device} address={self.owner.address}: "
                    f"no key for {limit / 60:g} min, closing"
                )
                if self.app is not None:
                    self.app.hangup()
                return

    def _output(self, data: bytes) -> None:
        if self.chan is not None:
            try:
                self.chan.write(data)
            except BrokenPipeError:  # the client closed its side first
                self.chan = None

    def _app_ended(self, code: int) -> None:
        state = self.owner.state
        if self.app is not None:
            state.apps.discard(self.app)
        if self._idle is not None:
            self._idle.cancel()
        if self.chan is not None:
            self.chan.exit(max(code, 0))

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self.last_input = time.monotonic()
        if self.app is not None:
            self.app.write(self._decode(data).encode())

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width, height)
        if self.app is not None:
            self.app.resize(width, height)

    def pause_writing(self) -> None:
        if self.app is not None:
            self.app.pause_output()

    def resume_writing(self) -> None:
        if self.app is not None:
            self.app.resume_output()

    def eof_received(self) -> bool:
        if self.app is not None:
            self.app.hangup()
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.chan = None
        if self._idle is not None:
            self._idle.cancel()
        if self.app is not None:
            # Keep draining the pty: an app blocked on a full one could not quit.
            self.app.resume_output()
            self.app.hangup()


async def start_server(
    state: ServerState, host: str, port: int, host_key: asyncssh.SSHKey
) -> asyncssh.SSHAcceptor:
    return await asyncssh.create_server(
        lambda: DeviceConnection(state),
        host,
        port,
        server_host_keys=[host_key],
        encoding=None,
        line_editor=False,
        allow_pty=True,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        login_timeout=LOGIN_TIMEOUT_SECONDS,
        keepalive_interval=KEEPALIVE_SECONDS,
        keepalive_count_max=2,
    )


async def stop_apps(state: ServerState) -> None:
    """On shutdown: every app is hung up (operators logged out) and awaited."""
    apps = list(state.apps)
    for app in apps:
        app.hangup()
    if apps:
        await asyncio.wait([asyncio.ensure_future(a.wait()) for a in apps], timeout=10)
