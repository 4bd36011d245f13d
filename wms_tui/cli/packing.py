"""``wms reprint ORDER``: a packed order's courier label(s) and packing slip again.

Everything is rebuilt from what packing stored, so a reprint shows the same
SSCC, tracking number, weight, packer and time as the first print. Files land
in the label folder (setting ``label_dir``); with a printer (``--printer``, the
station's, or ``$WMS_PRINTER``) they are also sent to it.

``wms_tui.cli.main`` is imported inside the functions: under ``python -m
wms_tui.cli.main`` the CLI module runs as ``__main__`` and a top-level import here
would re-enter it while it is registering this module.
"""

from __future__ import annotations

from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, open_store_or_fail, use_case
from wms_tui.cli.supervisor import BadgeOption, PinOption, operator


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    @app.command()
    def reprint(
        order: Annotated[
            str, typer.Argument(help="Order number (#1042 or 1042), SSCC or tracking number.")
        ],
        zpl: Annotated[bool, typer.Option("--zpl", help="Label as ZPL for a thermal printer.")] = (
            False
        ),
        label: Annotated[bool, typer.Option("--label", help="Only the label(s).")] = False,
        slip: Annotated[bool, typer.Option("--slip", help="Only the packing slip.")] = False,
        printer: Annotated[
            str | None, typer.Option("--printer", help="Send to this CUPS printer.")
        ] = None,
        no_print: Annotated[bool, typer.Option("--no-print", help="Only write the files.")] = False,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: Annotated[
            str | None,
            typer.Option("--terminal", "-t", help="Station whose printer and label format to use."),
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Reprint a packed order's label(s) (with their customs papers) and/or packing slip."""
        from wms_tui.cli.common import console, default_terminal, fail
        from wms_tui.services.packing.reprint import reprint

        store = open_store_or_fail(db)
        with use_case(store):
            actor = operator(store, badge, terminal or default_terminal(), pin)
            both = not (label or slip)
            docs = reprint(
                store,
                actor,
                order,
                labels=label or both,
                # An SSCC or tracking number: that parcel's label alone, unless --slip.
                slip=True if slip else (None if both else False),
                zpl=True if zpl else None,
                printer=printer,
                send=not no_print,
            )
        for path in docs.files:
            typer.echo(str(path))  # one path per line, never wrapped: scripts read it
        if docs.printed:
            console.print(f"Sent to {', '.join(sorted(set(docs.printed)))}", highlight=False)
        if not docs.ok:
            raise fail("; ".join(docs.problems + docs.held))
