"""``wms printers test [STATION]``: a test label and a test page on a station's printers."""

from __future__ import annotations

from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, open_store_or_fail, use_case


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    printers_app = typer.Typer(help="A station's label and document printers.")
    app.add_typer(printers_app, name="printers")

    @printers_app.command("test")
    def test(
        station: Annotated[
            str | None, typer.Argument(help="Station code; default: this terminal ($WMS_TERMINAL).")
        ] = None,
        no_print: Annotated[bool, typer.Option("--no-print", help="Only write the files.")] = False,
        db: DbOption = None,
    ) -> None:
        """Print a test label on the label printer and a test page on the document printer."""
        from wms_tui.cli.common import console, default_terminal, fail
        from wms_tui.services.setup.printers import test_page

        store = open_store_or_fail(db)
        with use_case(store):
            result = test_page(store, station or default_terminal(), send=not no_print)
        for path in result.files:
            typer.echo(str(path))
        for line in result.sent:
            console.print(f"Sent to the {line}", highlight=False)
        if not result.sent and not no_print and result.ok:
            console.print("No printer is set for this station: files written only", highlight=False)
        if result.problems:
            raise fail("; ".join(result.problems))
