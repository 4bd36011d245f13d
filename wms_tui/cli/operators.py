"""``wms operators set-pin BADGE --badge S``: a supervisor sets or resets a PIN.

Setting a PIN also unlocks a badge locked after wrong PINs. The new PIN is
read from ``--new-pin``, ``$WMS_NEW_PIN`` or, at a terminal, a hidden prompt
asked twice. A store where no supervisor has a PIN yet (one from before PINs)
takes its first supervisor PIN without ``--badge``.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from wms_tui.cli.common import DbOption
from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption


def _new_pin(value: str | None) -> str:
    from wms_tui.cli.common import fail

    pin = value or os.environ.get("WMS_NEW_PIN", "")
    if pin:
        return pin
    if not sys.stdin.isatty():
        raise fail("Give the new PIN: --new-pin or $WMS_NEW_PIN", 2)
    pin = typer.prompt("New PIN", hide_input=True)
    if typer.prompt("Again", hide_input=True) != pin:
        raise fail("The two PINs differ; nothing was changed", 2)
    return pin


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    operators_app = typer.Typer(help="Operators: PINs.", no_args_is_help=True)
    app.add_typer(operators_app, name="operators")

    @operators_app.command("set-pin")
    def set_pin_cmd(
        operator_badge: Annotated[
            str, typer.Argument(metavar="BADGE", help="Whose PIN: their badge.")
        ],
        new_pin: Annotated[
            str | None, typer.Option("--new-pin", help="The new PIN, 4-12 digits (default: asked).")
        ] = None,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Set or reset an operator's PIN (a supervisor's job); unlocks a locked badge."""
        from wms_tui.cli.common import console, default_terminal, fail
        from wms_tui.cli.common import open_store_or_fail as _open
        from wms_tui.cli.supervisor import operator
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.core import pins

        store = _open(db)
        try:
            value = _new_pin(new_pin)
            name = None
            if not (badge or os.environ.get("WMS_BADGE")):
                name = pins.first_pin(store, operator_badge, value, terminal or default_terminal())
                if name is None:
                    raise fail(
                        "Say who you are: --badge (or $WMS_BADGE) and --pin of a supervisor", 2
                    )
            else:
                actor = operator(store, badge, terminal, pin)
                name = pins.set_pin(store, actor, operator_badge, value)
        except DomainError as exc:
            raise fail(f"{exc}; nothing was changed", 2) from None
        finally:
            store.dispose()
        console.print(f"PIN set for {name}", highlight=False)
