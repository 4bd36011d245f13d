"""``wms serve ssh`` and ``wms serve web``: floor devices reach the app (issue #17).

Commands of the ``wms serve`` group (``wms_tui.cli.serve``, which also holds
``wms serve api``). Both listen on 127.0.0.1 unless ``--host`` names another
address; listening on every interface is said at start-up. Each connection
runs its own app process against the same store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, err_console, fail
from wms_tui.cli.common import open_store_or_fail as _open

HostOption = Annotated[
    str,
    typer.Option("--host", help="Address to listen on (0.0.0.0: every interface)."),
]
StateDirOption = Annotated[
    Path | None,
    typer.Option(
        "--state-dir",
        help="Folder for the host key and serve.log (default: the SQLite file's folder, "
        "else data/).",
        show_default=False,
    ),
]


def _say(text: str) -> None:
    err_console.print(text, highlight=False, soft_wrap=True)


def _warn_if_open(host: str, port: int, what: str) -> None:
    if host in ("0.0.0.0", "::", ""):
        _say(
            f"Listening on EVERY interface, port {port} ({what}): any machine that can reach "
            "this one can try to connect; open the port only to the floor network"
        )


def _prepare(db: str | None, state_dir: Path | None):  # noqa: ANN202
    """The store (its schema checked), its absolute URL, the limits, the state folder."""
    from wms_tui.domain.errors import DomainError
    from wms_tui.serve.files import state_dir as folder_for
    from wms_tui.services.devices.limits import serve_limits
    from wms_tui.store.urls import resolve_url, sqlite_path

    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None:
        # The app processes may start elsewhere than here: give them the file itself.
        url = f"sqlite:///{path.resolve()}"
    store = _open(url)
    try:
        limits = serve_limits(store)
    except DomainError as exc:
        store.dispose()
        raise fail(str(exc), 2) from None
    return store, url, limits, folder_for(url, state_dir)


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    from wms_tui.cli.serve import serve_app

    @serve_app.command("ssh")
    def serve_ssh(
        host: HostOption = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port.")] = 2222,
        state_dir: StateDirOption = None,
        db: DbOption = None,
    ) -> None:
        """SSH server: a registered device connects (ssh -p 2222 picker-07@HOST), gets the app."""
        import asyncio

        from wms_tui.domain.errors import StoreError
        from wms_tui.serve import files, ssh_server

        store, url, limits, folder = _prepare(db, state_dir)
        try:
            key = files.host_key(folder)
        except StoreError as exc:
            store.dispose()
            raise fail(str(exc)) from None
        log = files.connection_log(folder, "ssh")
        state = ssh_server.ServerState(store=store, db_url=url, limits=limits, log=log)

        async def main() -> None:
            try:
                server = await ssh_server.start_server(state, host, port, key)
            except OSError as exc:
                raise fail(f"Cannot listen on {host}:{port}: {exc.strerror or exc}") from None
            _say(
                f"wms serve ssh on {host}:{port} (host key {key.get_fingerprint()}, "
                f"log {folder / files.LOG_NAME}); Ctrl+C stops"
            )
            _warn_if_open(host, port, "SSH")
            try:
                await server.wait_closed()
            finally:
                server.close()
                await ssh_server.stop_apps(state)

        try:
            asyncio.run(main())
        except KeyboardInterrupt:
            pass
        finally:
            store.dispose()

    @serve_app.command("web")
    def serve_web(
        host: HostOption = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8080,
        state_dir: StateDirOption = None,
        db: DbOption = None,
    ) -> None:
        """The app in a browser: a device opens http://HOST:8080/?token=TOKEN (one app per tab)."""
        import asyncio

        from wms_tui.serve import files, web_server

        store, url, limits, folder = _prepare(db, state_dir)
        log = files.connection_log(folder, "web")
        state = web_server.WebState(store=store, db_url=url, limits=limits, log=log)

        async def main() -> None:
            try:
                runner, bound = await web_server.start_server(state, host, port)
            except OSError as exc:
                raise fail(f"Cannot listen on {host}:{port}: {exc.strerror or exc}") from None
            _say(
                f"wms serve web on http://{host}:{bound}/?token=… (log "
                f"{folder / files.LOG_NAME}); Ctrl+C stops"
            )
            _warn_if_open(host, bound, "web")
            try:
                await asyncio.Event().wait()
            finally:
                await runner.cleanup()

        try:
            asyncio.run(main())
        except KeyboardInterrupt:
            pass
        finally:
            store.dispose()
