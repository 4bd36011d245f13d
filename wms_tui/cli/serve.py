"""``wms serve …``: long-running servers. ``wms serve api`` runs the HTTP API.

``wms serve api [--host 127.0.0.1] [--port 8470]`` serves the API (OpenAPI at
``/openapi.json``, docs at ``/docs``) and, in a background thread, delivers
the outgoing webhooks integrators registered. It listens on 127.0.0.1 unless
told otherwise: put a TLS proxy in front before opening it to a network.
"""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, console, err_console, fail
from wms_tui.cli.common import open_store_or_fail as _store

serve_app = typer.Typer(
    help="Run a server: the HTTP API (api), the app for floor devices over SSH (ssh) "
    "or in a browser (web).",
    no_args_is_help=True,
)


def _deliver_forever(store, stop: threading.Event, interval: float, allow_private: bool) -> None:  # noqa: ANN001
    import httpx

    from wms_tui.services.integrations import webhook_delivery, webhooks_out

    with httpx.Client() as client:
        while not stop.wait(interval):
            try:
                webhooks_out.queue_new(store)
                webhook_delivery.deliver_due(store, client, allow_private=allow_private)
            except Exception as exc:  # noqa: BLE001 - the API must outlive a bad pass
                err_console.print(f"webhooks: {exc}".splitlines()[0], markup=False)


@serve_app.command("api")
def serve_api(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8470,
    webhook_interval: Annotated[
        float, typer.Option("--webhook-interval", min=1.0, help="Seconds between deliveries.")
    ] = 5.0,
    allow_private_webhooks: Annotated[
        bool,
        typer.Option(
            "--allow-private-webhooks",
            envvar="WMS_WEBHOOKS_ALLOW_PRIVATE",
            help="Let webhooks go to http and to this machine's or its network's "
            "addresses (a test receiver only).",
        ),
    ] = False,
) -> None:
    """Serve the HTTP API (orders, stock, deliveries, returns, webhooks)."""
    import uvicorn

    from wms_tui.adapters.shopify.credentials import CredentialError, webhook_secret
    from wms_tui.api.app import create_app

    try:
        secret = webhook_secret()
    except CredentialError as exc:
        raise fail(str(exc), 2) from None
    store = _store(db)
    stop = threading.Event()
    worker = threading.Thread(
        target=_deliver_forever,
        args=(store, stop, webhook_interval, allow_private_webhooks),
        daemon=True,
    )
    worker.start()
    console.print(f"wms API on http://{host}:{port} (OpenAPI: /openapi.json)", highlight=False)
    if allow_private_webhooks:
        console.print(
            "Webhooks may go to http and private addresses (--allow-private-webhooks)",
            highlight=False,
        )
    if not secret:
        console.print(
            "Shopify webhooks are refused: WMS_SHOPIFY_WEBHOOK_SECRET(_FILE) is not set",
            highlight=False,
        )
    try:
        app = create_app(store, allow_private_webhooks=allow_private_webhooks)
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        stop.set()
        store.dispose()


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(serve_app, name="serve")
