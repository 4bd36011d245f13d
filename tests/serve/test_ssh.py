"""``wms serve ssh`` end to end: real app processes under ptys, an asyncssh client.

The server runs in the test's event loop on a free loopback port; each
connection starts ``python -m wms_tui run`` as a device would get it. Every
wait is bounded (``WAIT``); nothing asserts how long anything took.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select

from tests.serve.ssh_client import connect, handheld, running_server
from tests.worlds.picking import BARCODES, floor_world
from wms_tui.domain.enums import EventKind, TaskStatus
from wms_tui.domain.models import Event, PickTask
from wms_tui.serve.quiet_asyncssh import asyncssh
from wms_tui.services.devices.limits import ServeLimits
from wms_tui.store import Store

pytestmark = pytest.mark.slow  # app processes behind a real SSH server


def task(store: Store) -> tuple[str, TaskStatus, str]:
    with store.read() as s:
        t = s.exec(select(PickTask)).one()
        return t.code, TaskStatus(t.status), t.terminal


async def test_cut_off_mid_pick_then_resumed_on_another_handheld(
    empty_store: Store, tmp_path: Path
) -> None:
    world = floor_world(empty_store)
    async with running_server(world, tmp_path / "state") as server:
        hh = await handheld(server, "HH-KEY")
        await hh.expect("Scan your badge", "HH-KEY")
        await hh.type_scan("P1001")
        await hh.expect("Hello Ana Lindqvist")
        hh.send("1")
        await hh.expect("Scan bin A-01-2-A")
        # The bin and the first unit in one packet: two scans.
        await hh.type_scan("A-01-2-A", BARCODES["MUG-RED"])
        await hh.expect("1 × MUG-RED picked, 2 more")

        hh.drop()
        assert await server.apps_gone(), "the app outlived its connection"
        code, status, terminal = task(empty_store)
        assert (status, terminal) == (TaskStatus.PAUSED, "HH-KEY")
        assert "closed device=HH-KEY" in server.log()

        # Another handheld, signing in with its password, at a pack-station size.
        hh2 = await handheld(server, "HH-PW", size=(120, 40), password="floor-pass-1")
        await hh2.expect("Scan your badge")
        await hh2.type_scan("P1001")
        await hh2.expect(f"Go on with pick task {code}?", "1 unit picked", "Left open on HH-KEY")
        hh2.mark()
        hh2.send("\r")
        await hh2.expect(f"Resumed task {code}", "Scan bin A-01-2-A")
        await hh2.type_scan("A-01-2-A", BARCODES["MUG-RED"])
        await hh2.expect("1 × MUG-RED picked, 1 more")
        await hh2.close()
        assert await server.apps_gone()
    with empty_store.read() as s:
        picks = s.exec(select(Event.terminal).where(Event.kind == EventKind.PICK_UNIT)).all()
    assert picks == ["HH-KEY", "HH-PW"]


async def test_refusals_are_one_line_each_and_logged_and_others_go_on(
    sqlite_store: Store, tmp_path: Path
) -> None:
    world = floor_world(sqlite_store)
    async with running_server(world, tmp_path / "state") as server:
        good = await handheld(server, "HH-KEY")
        # Garbage as keystrokes (invalid UTF-8, NUL, a bogus cursor report,
        # backspace, Home, Shift+Tab, half a character), once the store is open
        # (the clock shows): a refused badge in one line, and the app goes on.
        # (Whether "(" survives depends on when Input's backspace binding runs.)
        await good.expect("HH-KEY · ")
        good.mark()
        good.send(b"\xff\xfe\x80\x7f\x00\x1b[999;999R\x01\xc3(\x1b[Z\xf0\x9f")
        good.send(b"\r")
        await good.expect("✗ ")

        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, "nobody", password="whatever-1")
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(
                server, "HH-KEY", client_keys=[asyncssh.generate_private_key("ssh-ed25519")]
            )
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, "HH-PW", password="not-the-password")

        conn = await connect(server, "HH-PW", password="floor-pass-1")
        ran = await conn.run("cat /etc/passwd", encoding=None, term_type="xterm")
        assert ran.exit_status == 1
        assert (
            ran.stderr.strip()
            == b"wms: this server runs the warehouse app only: connect without a command"
        )
        no_pty = await conn.run(encoding=None)
        assert no_pty.exit_status == 1 and b"no terminal" in no_pty.stderr
        tiny = await conn.run(encoding=None, term_type="xterm", term_size=(1, 1))
        assert tiny.exit_status == 1
        assert tiny.stderr.strip() == b"wms: the screen is 1x1; the app needs at least 16x6"
        with pytest.raises((asyncssh.SFTPError, asyncssh.ChannelOpenError)):
            await conn.start_sftp_client()
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
        conn.close()

        # The first handheld was not disturbed by any of that.
        await good.type_scan("P1001")
        await good.expect("Hello Ana Lindqvist")
        # A resize reaches the app: at 120 columns the header has room for the terminal.
        good.mark()
        good.resize(120, 40)
        await good.expect("Ana Lindqvist · HH-KEY · ")

        # A 1000x1000 terminal gets the app at the largest size it draws.
        huge = await handheld(server, "HH-KEY", size=(1000, 1000))
        await huge.expect("Scan your badge")
        huge.resize(1, 1)  # and a resize to nothing does not stop it
        huge.resize(40, 16)
        await huge.type_scan("P1001")
        await huge.expect("Hello Ana Lindqvist")
        await huge.close()
        await good.close()
        assert await server.apps_gone()

    log = server.log()
    for line in (
        "refused device=nobody address=127.0.0.1: unknown device",
        "refused device=HH-KEY address=127.0.0.1: key not registered for this device",
        "refused device=HH-PW address=127.0.0.1: wrong password",
        "refused device=HH-PW address=127.0.0.1: command 'cat /etc/passwd'",
        "refused device=HH-PW address=127.0.0.1: no pty",
        "refused device=HH-PW address=127.0.0.1: 1x1",
        "refused device=HH-PW address=127.0.0.1: subsystem 'sftp'",
        "refused device=HH-PW address=127.0.0.1: port forwarding (direct-tcpip)",
        "refused device=HH-PW address=127.0.0.1: remote port forwarding (127.0.0.1:0)",
    ):
        assert line in log


async def test_connections_beyond_the_limit_are_refused(
    sqlite_store: Store, tmp_path: Path
) -> None:
    world = floor_world(sqlite_store)
    limits = ServeLimits(max_connections=1, idle_seconds=0)
    async with running_server(world, tmp_path / "state", limits=limits) as server:
        first = await connect(server, "HH-PW", password="floor-pass-1")
        with pytest.raises(asyncssh.DisconnectError, match="too many devices"):
            await connect(server, "HH-PW", password="floor-pass-1")
        first.close()
    assert "too many connections (1)" in server.log()


async def test_a_device_idle_past_the_limit_is_closed_and_logged_out(
    sqlite_store: Store, tmp_path: Path
) -> None:
    world = floor_world(sqlite_store)
    limits = ServeLimits(max_connections=5, idle_seconds=3)
    async with running_server(world, tmp_path / "state", limits=limits) as server:
        hh = await handheld(server, "HH-KEY")
        # Shift+Tab (focus stays on the badge field) keeps the device active
        # while the app starts, however long a busy machine takes.
        for _ in range(120):
            if "HH-KEY · " in hh.text():
                break
            hh.send(b"\x1b[Z")
            await asyncio.sleep(0.5)
        await hh.type_scan("P1001")
        await hh.expect("Hello Ana Lindqvist")
        # No key for 3 s: the app is hung up (Ana logged out) and the session ends.
        await hh.process.wait_closed()
        assert await server.apps_gone()
    assert "idle device=HH-KEY address=127.0.0.1: no key for 0.05 min, closing" in server.log()
    with sqlite_store.read() as s:
        kinds = s.exec(select(Event.kind).where(Event.terminal == "HH-KEY")).all()
    assert kinds == [EventKind.LOGIN, EventKind.LOGOUT]
