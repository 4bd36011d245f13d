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
from wms_tui.serve import web_fonts, web_server
from wms_tui.serve.files import connection_log
from wms_tui.services.devices.limits import ServeLimits
from wms_tui.services.devices.registry import add_device
from wms_tui.store import Store

pytestmark = pytest.mark.slow  # app processes behind a browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WAIT = 60.0


# The terminal's font family draws 한 the way it draws a character no font has
# (U+E83A, private use) when the page offers no Korean face: the same box.
HANGUL_IS_A_GLYPH = """async () => {
  await document.fonts.load("16px 'Roboto Mono'", "\\uD55C");
  const draw = (ch) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 32;
    const ctx = canvas.getContext("2d");
    ctx.font = "24px 'Roboto Mono', Monaco, 'Courier New', monospace";
    ctx.fillText(ch, 2, 26);
    return Array.from(ctx.getImageData(0, 0, 32, 32).data).join(",");
  };
  return draw("\\uD55C") !== draw("\\uE83A");
}"""


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
            # Hangul is drawn with the bundled NanumGothic, not as the box a
            # missing glyph leaves (this machine has no Korean font of its own).
            assert await page.evaluate(HANGUL_IS_A_GLYPH), "Hangul drawn as boxes"
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


async def test_the_page_serves_the_korean_font_and_nothing_else_under_fonts(
    sqlite_store: Store, tmp_path: Path
) -> None:
    import aiohttp

    world = floor_world(sqlite_store)
    token = add_device(sqlite_store, world.supervisor, "tablet-3", web=True).token
    state = web_server.WebState(
        store=sqlite_store,
        db_url=sqlite_store.url,
        limits=ServeLimits(max_connections=1, idle_seconds=0),
        log=connection_log(tmp_path / "state", f"webfont{id(tmp_path)}"),
    )
    runner, port = await web_server.start_server(state, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as client:
            async with client.get(f"{base}/?token={token}") as page:
                html = await page.text()
            assert f"src: url('{base}/fonts/NanumGothic.ttf')" in html
            assert "font-family: 'Roboto Mono'" in html and "U+AC00-D7AF" in html
            async with client.get(f"{base}/fonts/NanumGothic.ttf") as font:
                assert font.status == 200
                body = await font.read()
            bundled = web_fonts.web_font("NanumGothic.ttf")
            assert body == bundled and body[:4] == b"\x00\x01\x00\x00"  # TrueType
            for other in ("DejaVuSans.ttf", "..%2Fserve%2Fweb_server.py", "LICENSE-Nanum-OFL.txt"):
                async with client.get(f"{base}/fonts/{other}") as refused:
                    assert refused.status == 404, other
    finally:
        await runner.cleanup()


def test_the_served_font_is_the_bundled_one_without_its_vtt_sources() -> None:
    import struct

    def tables(font: bytes) -> dict[bytes, bytes]:
        (count,) = struct.unpack_from(">H", font, 4)
        found = {}
        for i in range(count):
            tag, _, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * i)
            found[tag] = font[offset : offset + length]
        return found

    shipped = (web_fonts.FONT_DIR / "NanumGothic.ttf").read_bytes()
    served = web_fonts.web_font("NanumGothic.ttf")
    # Chromium refused the shipped file: "OTS parsing error: TSI3: zero-length table".
    assert tables(shipped)[b"TSI3"] == b""
    before, after = tables(shipped), tables(served)
    assert sorted(after) == sorted(t for t in before if not t.startswith(b"TSI"))
    for tag, data in after.items():
        if tag != b"head":
            assert data == before[tag], tag
    assert after[b"head"][:8] == before[b"head"][:8] and after[b"head"][12:] == before[b"head"][12:]
    padded = served + b"\0" * (-len(served) % 4)
    whole = sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
    assert whole == 0xB1B0AFBA  # the file's checksum, as the format defines it
