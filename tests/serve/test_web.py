"""``wms serve web`` in a real headless browser (Debian's chromium, driven by playwright).

The page is refused without a device token; with one, the app runs in the tab:
a badge typed on the page's keyboard logs in and the home screen is drawn.
What the browser shows is read from the websocket frames the page receives
(the terminal's bytes; xterm.js draws them on a canvas), and a screenshot is
kept in the test's folder for a person to look at.

Outside CI the test is skipped when chromium is missing (`.ci/run` installs
it with apt-get); in CI a missing browser fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from tests.serve.ssh_client import ROOT, screen_text
from tests.worlds.picking import floor_world
from wms_tui.domain.enums import EventKind
from wms_tui.domain.models import Event
from wms_tui.serve import web_server
from wms_tui.serve.files import connection_log
from wms_tui.services.devices.limits import ServeLimits
from wms_tui.services.devices.registry import add_device
from wms_tui.store import Store

pytestmark = pytest.mark.slow  # app processes behind a browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WAIT = 60.0


def _need_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"chromium not found at {CHROMIUM}: .ci/run installs it with apt-get")
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")


async def _until(check, what: str, timeout: float = WAIT) -> None:  # noqa: ANN001
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"never saw {what}")
        await asyncio.sleep(0.1)


async def test_a_browser_needs_a_token_then_logs_in_with_a_badge(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need_chromium()
    from playwright.async_api import async_playwright

    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the app processes import wms_tui
    world = floor_world(sqlite_store)
    token = add_device(sqlite_store, world.supervisor, "tablet-3", web=True).token
    state = web_server.WebState(
        store=sqlite_store,
        db_url=sqlite_store.url,
        limits=ServeLimits(max_connections=5, idle_seconds=0),
        log=connection_log(tmp_path / "state", f"web{id(tmp_path)}"),
    )
    runner, port = await web_server.start_server(state, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = await browser.new_page(viewport={"width": 900, "height": 700})

            # No token, a wrong token: refused with what to do, no app started.
            for url in (f"{base}/", f"{base}/?token=not-a-token"):
                answer = await page.goto(url)
                assert answer is not None and answer.status == 403
                assert "needs a device token" in await page.inner_text("body")
            assert not state.open_tabs

            seen: list[bytes] = []

            def on_socket(ws) -> None:  # noqa: ANN001
                def frame(payload) -> None:  # noqa: ANN001
                    seen.append(payload if isinstance(payload, bytes) else payload.encode())

                ws.on("framereceived", frame)

            page.on("websocket", on_socket)
            answer = await page.goto(f"{base}/?token={token}")
            assert answer is not None and answer.status == 200
            shown = lambda: screen_text(b"".join(seen))  # noqa: E731
            await _until(lambda: "Scan your badge" in shown(), "the login screen")
            await _until(lambda: "tablet-3 · " in shown(), "the store opened")
            await page.click("#terminal")
            await page.keyboard.type("P1001")
            await page.keyboard.press("Enter")
            await _until(lambda: "Hello Ana Lindqvist" in shown(), "the home screen")
            assert "Pick" in shown()
            await page.screenshot(path=str(tmp_path / "home.png"))
            if os.environ.get("WMS_KEEP_SCREENSHOT"):
                await page.screenshot(path=os.environ["WMS_KEEP_SCREENSHOT"])

            # The cookie keeps the device signed in without the token in the address.
            assert any(c["name"] == web_server.COOKIE for c in await page.context.cookies())
            await browser.close()
        # The tab is gone: its app ends and logs Ana out.
        await _until(lambda: not state.open_tabs, "the app process ended", timeout=30)
    finally:
        await runner.cleanup()
    with sqlite_store.read() as s:
        kinds = s.exec(
            select(Event.kind, Event.terminal).where(Event.operator_name == "Ana Lindqvist")
        ).all()
    assert (EventKind.LOGIN, "tablet-3") in kinds
    assert (EventKind.LOGOUT, "tablet-3") in kinds
    log = (tmp_path / "state" / "serve.log").read_text()
    assert "refused device=- address=127.0.0.1: web, no token" in log
    assert "refused device=- address=127.0.0.1: web, bad token" in log
    assert "signed in device=tablet-3 address=127.0.0.1 (web)" in log


async def test_the_websocket_is_refused_without_a_token_and_over_the_limit(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aiohttp

    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    world = floor_world(sqlite_store)
    token = add_device(sqlite_store, world.supervisor, "tablet-3", web=True).token
    state = web_server.WebState(
        store=sqlite_store,
        db_url=sqlite_store.url,
        limits=ServeLimits(max_connections=1, idle_seconds=0),
        log=connection_log(tmp_path / "state", f"weblimit{id(tmp_path)}"),
    )
    runner, port = await web_server.start_server(state, "127.0.0.1", 0)
    ws_url = f"http://127.0.0.1:{port}/ws?width=40&height=16"
    try:
        async with aiohttp.ClientSession() as anyone:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await anyone.ws_connect(ws_url)
            assert refused.value.status == 403
        cookies = {web_server.COOKIE: token}
        async with aiohttp.ClientSession(cookies=cookies) as device:
            first = await device.ws_connect(ws_url)
            await _until(lambda: len(state.open_tabs) == 1, "the first tab's app")
            with pytest.raises(aiohttp.WSServerHandshakeError) as full:
                await device.ws_connect(ws_url)
            assert full.value.status == 503
            await first.close()
        await _until(lambda: not state.open_tabs, "the first tab's app ended", timeout=30)
    finally:
        await runner.cleanup()
    log = (tmp_path / "state" / "serve.log").read_text()
    assert "web, websocket without a valid token" in log
    assert "refused device=tablet-3 address=127.0.0.1: too many connections (1)" in log
