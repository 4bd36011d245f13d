"""``wms devices add|list|remove``: the floor devices allowed to reach ``wms serve``.

Adding and removing a device is a supervisor's (``--badge`` or ``$WMS_BADGE``);
``list`` is not. A password is asked for twice without echo (or read from
``$WMS_DEVICE_PASSWORD`` for scripts); a browser token is printed once, only
its hash is kept.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, fail, reading
from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption, acting


def _print(text: object) -> None:
    from wms_tui.cli.common import console

    console.print(text, highlight=False, soft_wrap=True)


def _read_key(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or exc
        raise fail(f"Cannot read key file {path}: {why}", 2) from None


def _ask_password() -> str:
    from_env = os.environ.get("WMS_DEVICE_PASSWORD")
    if from_env is not None:
        return from_env
    return typer.prompt("Device password", hide_input=True, confirmation_prompt=True)


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    devices_app = typer.Typer(
        help="Floor devices allowed to reach `wms serve` (SSH and browser).",
        no_args_is_help=True,
    )
    app.add_typer(devices_app, name="devices")

    @devices_app.command("add")
    def devices_add(
        name: Annotated[str, typer.Argument(help="Device name: SSH user and terminal code.")],
        key: Annotated[
            Path | None, typer.Option("--key", help="The device's SSH public key (.pub file).")
        ] = None,
        password: Annotated[
            bool, typer.Option("--password", help="Ask for a password the device signs in with.")
        ] = False,
        web: Annotated[
            bool, typer.Option("--web", help="Make a browser token for `wms serve web`.")
        ] = False,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Register a device (supervisor): --key FILE, --password and/or --web."""
        from wms_tui.services.devices.registry import add_device

        key_text = _read_key(key) if key is not None else None
        with acting(db, badge, terminal, pin) as (store, actor):
            secret = _ask_password() if password else None
            added = add_device(store, actor, name, public_key=key_text, password=secret, web=web)
        d = added.device
        how = ", ".join(d.methods)
        _print(f"Added device {d.name} ({how})")
        if d.key_fingerprint:
            _print(f"  key {d.key_fingerprint}")
        if added.token:
            _print(f"  browser token (shown once): {added.token}")
            _print(f"  open http://HOST:8080/?token={added.token} on the device")

    @devices_app.command("list")
    def devices_list(db: DbOption = None) -> None:
        """Show the registered devices and how each signs in."""
        from rich.table import Table

        from wms_tui.services.devices.registry import list_devices

        with reading(db) as store:
            devices = list_devices(store)
        if not devices:
            _print("No devices registered: `wms devices add NAME --key FILE` adds one")
            return
        t = Table("device", "signs in with", "key", "added", "by", title="Devices")
        for d in devices:
            t.add_row(
                d.name,
                ", ".join(d.methods),
                d.key_fingerprint,
                d.created_at.strftime("%Y-%m-%d %H:%M"),
                d.created_by,
            )
        _print(t)

    @devices_app.command("remove")
    def devices_remove(
        name: Annotated[str, typer.Argument(help="The device's name.")],
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Forget a device (supervisor): new connections from it are refused."""
        from wms_tui.services.devices.registry import remove_device

        with acting(db, badge, terminal, pin) as (store, actor):
            remove_device(store, actor, name)
        _print(f"Removed device {name.strip()}")
