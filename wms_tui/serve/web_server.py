"""``wms serve web``: the app in a browser page, one app process per tab (textual-serve).

A device opens ``http://HOST:PORT/?token=TOKEN`` once; the token (from ``wms
devices add NAME --web``) is checked and kept in a cookie (HttpOnly,
SameSite=Strict), so the page can be bookmarked without it. The page and its
websocket are refused without a valid token: 403 and one line saying what to
do, logged with the address. Every websocket runs ``python -m wms_tui run
--terminal DEVICE`` under Textual's web driver; closing the tab ends it (the
app logs its operator out, pausing a claimed pick task, as on a hang-up).
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from wms_tui.serve.app_process import MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS, app_command
from wms_tui.serve.web_fonts import CJK_RANGES, WEB_FONTS, web_font
from wms_tui.services.devices import registry
from wms_tui.services.devices.limits import ServeLimits
from wms_tui.store import Store

COOKIE = "wms_device"
NO_TOKEN = (
    "This page needs a device token: a supervisor runs `wms devices add NAME --web` "
    "and opens the address it prints on this device."
)


@dataclass
class WebState:
    store: Store
    db_url: str
    limits: ServeLimits
    log: logging.Logger
    open_tabs: set[AppService] = field(default_factory=set)


def font_head(base: str) -> str:
    """The page's head lines that give its terminal font the bundled Korean faces.

    The page's terminal draws with 'Roboto Mono', which has no Hangul: a browser on
    a machine without a Korean font drew boxes for Korean names and addresses. These
    faces join that family for the characters in ``CJK_RANGES``, so the browser takes
    them per character and Latin stays Roboto Mono.

    The regular face is fetched as the page loads (and its Hangul asked for at
    once): xterm.js keeps the glyphs it drew, so a name drawn before the font
    arrived would stay a box.
    """
    faces = "".join(
        f"@font-face {{ font-family: 'Roboto Mono'; src: url('{base}/fonts/{name}') "
        f"format('truetype'); font-weight: {weight}; unicode-range: {CJK_RANGES}; }}\n"
        for name, weight in WEB_FONTS.items()
    )
    regular = next(iter(WEB_FONTS))
    return (
        f'<link rel="preload" href="{base}/fonts/{regular}" as="font" type="font/ttf" '
        "crossorigin />\n"
        f"<style>\n{faces}</style>\n"
        '<script>document.fonts.load("16px \'Roboto Mono\'", "\\uD55C");</script>\n'
    )


class DeviceWebServer(Server):
    """textual-serve's server with a device token in front and the wms app behind."""

    def __init__(self, state: WebState, host: str, port: int) -> None:
        super().__init__("wms", host=host, port=port, title="wms")
        self.state = state

    def initialize_logging(self) -> None:
        """The connection log is ours (``serve.log``); textual-serve's own goes to stderr."""
        logging.getLogger("textual-serve").setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing printed here: the command says where it listens."""

    def _address(self, request: web.Request) -> str:
        return request.remote or "?"

    async def _device(self, request: web.Request) -> tuple[str | None, str]:
        """The device behind the request's token (query or cookie), and the token."""
        token = request.query.get("token") or request.cookies.get(COOKIE, "")
        if not token:
            return None, ""
        try:
            name = await asyncio.to_thread(registry.device_for_token, self.state.store, token)
        except Exception as exc:  # noqa: BLE001 - a store error refuses this page only
            self.state.log.info(f"refused web address={self._address(request)}: store error {exc}")
            return None, token
        return name, token

    def _refuse(self, request: web.Request, why: str) -> web.Response:
        self.state.log.info(f"refused device=- address={self._address(request)}: web, {why}")
        return web.Response(status=403, text=NO_TOKEN + "\n", content_type="text/plain")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        device, token = await self._device(request)
        if device is None:
            return self._refuse(request, "bad token" if token else "no token")
        base = f"{request.scheme}://{request.host}"
        ws_base = ("wss://" if request.scheme == "https" else "ws://") + request.host
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": ws_base + str(request.app.router["websocket"].url_for()),
            "config": {"static": {"url": base + "/static/"}},
            "application": {"name": f"wms · {device}"},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        assert response.text is not None
        response.text = response.text.replace("</head>", font_head(base) + "</head>", 1)
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="Strict", max_age=400 * 24 * 3600
        )
        return response

    async def handle_font(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in WEB_FONTS:  # only the faces above: no path reaches past them
            raise web.HTTPNotFound(text="No such font\n")
        body = await asyncio.to_thread(web_font, name)
        return web.Response(
            body=body, content_type="font/ttf", headers={"Cache-Control": "public, max-age=604800"}
        )

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_get("/fonts/{name}", self.handle_font, name="fonts")
        return app

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        device, token = await self._device(request)
        if device is None:
            return self._refuse(request, "download without a valid token")
        return await super().handle_download(request)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        state = self.state
        device, token = await self._device(request)
        if device is None:
            return self._refuse(request, "websocket without a valid token")
        address = self._address(request)
        if len(state.open_tabs) >= state.limits.max_connections:
            state.log.info(
                f"refused device={device} address={address}: too many connections "
                f"({state.limits.max_connections})"
            )
            return web.Response(status=503, text="Too many devices connected, try later\n")
        width = max(MIN_COLS, min(to_int(request.query.get("width", "80"), 80), MAX_COLS))
        height = max(MIN_ROWS, min(to_int(request.query.get("height", "24"), 24), MAX_ROWS))
        websocket = web.WebSocketResponse(heartbeat=5)
        await websocket.prepare(request)
        service = AppService(
            shlex.join(app_command(state.db_url, device)),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        state.open_tabs.add(service)
        state.log.info(f"signed in device={device} address={address} (web)")
        watch: asyncio.Task[None] | None = None
        try:
            await service.start(width, height)
            if state.limits.idle_seconds:
                watch = asyncio.create_task(self._close_when_idle(websocket, device, address))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            pass
        finally:
            if watch is not None:
                watch.cancel()
            state.open_tabs.discard(service)
            await service.stop()
            if not websocket.closed:
                await websocket.close()
            state.log.info(f"closed device={device} address={address} (web)")
        return websocket

    async def _close_when_idle(
        self, websocket: web.WebSocketResponse, device: str, address: str
    ) -> None:
        limit = self.state.limits.idle_seconds
        while True:
            await asyncio.sleep(min(limit, 30.0))
            if time.monotonic() - getattr(websocket, "wms_last_input", 0.0) >= limit:
                minutes = f"{limit / 60:g}"
                self.state.log.info(
                    f"idle device={device} address={address}: no key for {minutes} min, closing"
                )
                await websocket.close()
                return

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: Any) -> None:
        websocket.wms_last_input = time.monotonic()  # type: ignore[attr-defined]
        original = app_service.send_bytes

        async def send_bytes(data: bytes) -> bool:
            websocket.wms_last_input = time.monotonic()  # type: ignore[attr-defined]
            return await original(data)

        app_service.send_bytes = send_bytes
        await super()._process_messages(websocket, app_service)


async def start_server(state: WebState, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Listen; returns the runner (``cleanup()`` stops it) and the port (0 picks one)."""
    server = DeviceWebServer(state, host, port)
    server.initialize_logging()
    app = await server._make_app()
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
    return runner, sockets[0].getsockname()[1] if sockets else port
