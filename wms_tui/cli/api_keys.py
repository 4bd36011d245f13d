"""``wms api-keys create|list|revoke``: keys for the HTTP API (``wms serve api``).

``wms api-keys create brand-erp --scope read --scope write --badge S9001``
prints the key once; only a hash is kept. ``list`` shows names, scopes and
state (never a key), ``revoke NAME`` stops a key at its next request.
"""

from __future__ import annotations

from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, console, reading
from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption, acting


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    keys_app = typer.Typer(help="API keys for the HTTP API (wms serve api).", no_args_is_help=True)
    app.add_typer(keys_app, name="api-keys")

    @keys_app.command("create")
    def create(
        name: Annotated[str, typer.Argument(help="The integration's name, e.g. brand-erp.")],
        scope: Annotated[
            list[str] | None, typer.Option("--scope", help="read and/or write (default: read).")
        ] = None,
        rate: Annotated[int, typer.Option("--rate", help="Requests a minute.")] = 120,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Create a key; it is printed once and never stored in clear."""
        from wms_tui.services.integrations import api_keys

        with acting(db, badge, terminal, pin) as (store, actor):
            info, key = api_keys.create_key(store, actor, name, scope or ["read"], rate)
        console.print(
            f"Key {info.name} ({', '.join(info.scopes)}, {info.rate_per_minute}/min):",
            highlight=False,
        )
        console.print(key, highlight=False, markup=False)
        console.print("Store it now: it is not shown again.")

    @keys_app.command("list")
    def list_keys(db: DbOption = None) -> None:
        """Every key: name, scopes, rate, created, revoked."""
        from wms_tui.services.integrations import api_keys, webhook_delivery

        with reading(db) as store:
            keys = api_keys.list_keys(store)
            backlog = webhook_delivery.backlog(store)
        if not keys:
            console.print("No API keys: wms api-keys create NAME --badge …")
            return
        for k in keys:
            state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
            used = f"used {k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never used"
            waiting, gave_up = backlog.get(k.id, (0, 0))
            hooks = (
                f"  webhooks: {waiting} waiting, {gave_up} gave up" if waiting or gave_up else ""
            )
            console.print(
                f"{k.name:<24} {','.join(k.scopes):<11} {k.rate_per_minute:>6}/min  "
                f"created {k.created_at:%Y-%m-%d}  {used}  {state}{hooks}",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )

    @keys_app.command("revoke")
    def revoke(
        name: Annotated[str, typer.Argument(help="The key's name.")],
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Revoke a key: its next request is refused."""
        from wms_tui.services.integrations import api_keys

        with acting(db, badge, terminal, pin) as (store, actor):
            info = api_keys.revoke_key(store, actor, name)
        console.print(f"Key {info.name} revoked", highlight=False)
