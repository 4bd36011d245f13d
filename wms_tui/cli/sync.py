"""``wms sync``: the shop and the warehouse in step (Shopify Admin API).

``wms sync``                  one pass: orders in, fulfilments and stock out
``wms sync --follow``         a pass every ``--interval`` seconds until Ctrl+C
``wms sync --retry-failed``   send again fulfilments the shop refused (once fixed)
``wms sync --full-stock``     send every SKU's level, not only the changed ones
``wms import shop-customs -b S9001``  HS codes, origins and values from the shop

The shop and its secrets come from the environment (``WMS_SHOPIFY_*``, see
``adapters/shopify/credentials.py``); a pass that met errors exits 1. It runs
as an operator, usually a service account for the cron job (``--badge
CRON-SHOP``, ``$WMS_PIN``, supervisor role): the event log names it for every
order imported, released and fulfilled.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from wms_tui.cli.common import DbOption, console, err_console, fail
from wms_tui.cli.common import open_store_or_fail as _store
from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption, operator

if TYPE_CHECKING:
    from wms_tui.services.shop.sync import SyncReport


def summary(report: SyncReport) -> str:
    parts = []
    # "unchanged" is every pass's re-read of the newest orders: not news.
    news = {word: n for word, n in report.orders.items() if word != "unchanged"}
    if news:
        parts.append("orders: " + ", ".join(f"{n} {word}" for word, n in sorted(news.items())))
    if report.released:
        parts.append(f"released {report.released}")
    ff = report.fulfilments
    sent = [f"{len(ff.sent)} sent"] if ff.sent else []
    sent += [f"{len(ff.retrying)} to retry"] if ff.retrying else []
    sent += [f"{len(ff.failed)} refused"] if ff.failed else []
    if sent:
        parts.append("fulfilments: " + ", ".join(sent))
    if report.stock is not None and report.stock.pushed_count:
        parts.append(f"stock: {report.stock.pushed_count} SKUs set")
    if report.customs is not None and report.customs.filled:
        parts.append(f"customs data: {len(report.customs.filled)} products filled")
    return " · ".join(parts) or "nothing new"


def _print(report: SyncReport) -> None:
    stamp = time.strftime("%H:%M:%S")
    console.print(f"{stamp} {summary(report)}", highlight=False, soft_wrap=True)
    for line in report.refused:
        err_console.print(f"  refused: {line}", highlight=False, soft_wrap=True, markup=False)
    for line in report.errors:
        err_console.print(f"  error: {line}", highlight=False, soft_wrap=True, markup=False)
    if report.customs is not None:
        for line in report.customs.refused:
            err_console.print(f"  refused: {line}", highlight=False, soft_wrap=True, markup=False)
        if report.customs.incomplete:
            err_console.print(
                f"  no customs data in the shop for {', '.join(report.customs.incomplete[:10])}"
                f"{' …' if len(report.customs.incomplete) > 10 else ''}: orders leaving the EU"
                " with them are refused at close (customs.csv in wms import setup)",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    @import_app.command("shop-customs")
    def shop_customs_command(
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Fill products' missing HS code, origin and customs value from Shopify (supervisor)."""
        from wms_tui.adapters.shopify.admin_api import AdminApi, ShopError
        from wms_tui.adapters.shopify.credentials import CredentialError, shop_config
        from wms_tui.cli.supervisor import supervisor
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.shop.customs_pull import pull_customs

        try:
            config = shop_config()
        except CredentialError as exc:
            raise fail(str(exc), 2) from None
        store = _store(db)
        try:
            actor = supervisor(store, badge, terminal, pin)
            with AdminApi(config) as api:
                report = pull_customs(store, actor, api)
        except DomainError as exc:  # not a supervisor
            raise fail(str(exc), 2) from None
        except ShopError as exc:
            raise fail(f"The shop did not answer: {exc}", 1) from None
        finally:
            store.dispose()
        console.print(
            f"Customs data from {config.shop}: {len(report.filled)} of {report.asked} "
            "incomplete products filled in",
            highlight=False,
            soft_wrap=True,
        )
        for line in report.refused:
            err_console.print(f"  refused: {line}", highlight=False, soft_wrap=True, markup=False)
        if report.incomplete:
            shown = ", ".join(report.incomplete[:10])
            more = f" and {len(report.incomplete) - 10} more" if len(report.incomplete) > 10 else ""
            console.print(
                f"Still without full customs data: {shown}{more} (customs.csv in wms import setup)",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )

    @app.command("sync")
    def sync_command(
        db: DbOption = None,
        follow: Annotated[
            bool, typer.Option("--follow", help="Keep syncing every --interval seconds.")
        ] = False,
        interval: Annotated[
            float, typer.Option("--interval", min=1.0, help="Seconds between passes.")
        ] = 30.0,
        retry_failed: Annotated[
            bool, typer.Option("--retry-failed", help="Send refused fulfilments again.")
        ] = False,
        full_stock: Annotated[
            bool, typer.Option("--full-stock", help="Send every SKU's stock level.")
        ] = False,
        no_stock: Annotated[bool, typer.Option("--no-stock", help="Do not push stock.")] = False,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
    ) -> None:
        """Pull orders from Shopify, send fulfilments and stock levels back."""
        from wms_tui.adapters.shopify.admin_api import AdminApi
        from wms_tui.adapters.shopify.credentials import CredentialError, shop_config
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.shop import fulfilments
        from wms_tui.services.shop import sync as shop_sync

        try:
            config = shop_config()
        except CredentialError as exc:
            raise fail(str(exc), 2) from None
        store = _store(db)
        actor = operator(store, badge, terminal or "sync", pin)
        try:
            if retry_failed:
                n = fulfilments.retry_failed(store, actor=actor)
                console.print(f"{n} refused fulfilment(s) queued again")
            with AdminApi(config) as api:
                if follow:
                    console.print(
                        f"Syncing with {config.shop} every {interval:g} s (Ctrl+C stops)",
                        highlight=False,
                    )
                    try:
                        shop_sync.follow(store, api, actor, interval=interval, on_report=_print)
                    except KeyboardInterrupt:
                        console.print("Stopped.")
                    return
                report = shop_sync.run_once(
                    store, api, actor, stock=not no_stock, full_stock=full_stock
                )
                _print(report)
                if report.errors:
                    raise typer.Exit(1)
        except DomainError as exc:
            raise fail(str(exc), 2) from None
        finally:
            store.dispose()
