"""``wms wave build`` (a supervisor's or cron's wave rule) and ``wms picklist TASK``."""

# No ``from __future__ import annotations``: Typer reads the parameter
# annotations at run time and DbOption is only imported inside register().
from pathlib import Path
from typing import Annotated

import typer

from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption, acting
from wms_tui.domain.text import plural


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    # Imported here, not at the top: under ``python -m wms_tui.cli.main`` the CLI
    # module is ``__main__`` and a top-level import would be circular.
    from wms_tui.cli.common import DbOption, console, fail, open_store_or_fail

    wave_app = typer.Typer(help="Pick waves.", no_args_is_help=True)
    app.add_typer(wave_app, name="wave")

    @wave_app.command("build")
    def wave_build(
        db: DbOption = None,
        carrier: Annotated[str | None, typer.Option(help="Only this carrier (code).")] = None,
        cutoff: Annotated[
            str | None, typer.Option(help="Only services with a cut-off at or before HH:MM.")
        ] = None,
        max_orders: Annotated[int | None, typer.Option("--max", help="At most this many.")] = None,
        cart_size: Annotated[int | None, typer.Option(help="Totes per cart (task).")] = None,
        picker: Annotated[str | None, typer.Option(help="Assign to this picker (badge).")] = None,
        min_orders: Annotated[
            int, typer.Option(help="Build only when at least this many orders are ready.")
        ] = 1,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
    ) -> None:
        """Build a pick wave from ready orders (most urgent first; supervisor)."""
        from wms_tui.services.picking.waves import build_wave

        with acting(db, badge, terminal, pin) as (store, actor):
            result = build_wave(
                store,
                actor,
                carrier=carrier,
                cutoff_before=cutoff,
                max_orders=max_orders,
                cart_size=cart_size,
                picker_badge=picker,
                min_orders=min_orders,
                rule="wms wave build" + (f" --min-orders {min_orders}" if min_orders > 1 else ""),
            )
        console.print(result.message, highlight=False)
        for t in result.tasks:
            console.print(
                f"  {t.code}: {plural(len(t.orders), 'tote')}, {plural(t.stops, 'stop')}, "
                f"{plural(t.units, 'unit')}, "
                f"{t.route_length_m:.0f} m (S-shape {t.s_shape_m:.0f} m) → {t.pack_station}",
                highlight=False,
            )

    @app.command("picklist")
    def picklist(
        task: Annotated[str, typer.Argument(help="Pick task code, e.g. W0001-01.")],
        db: DbOption = None,
        out: Annotated[
            Path | None, typer.Option(help="Folder for the PDF (default: setting label_dir).")
        ] = None,
        printer: Annotated[
            str | None, typer.Option(help="Send to this CUPS printer (default: $WMS_PRINTER).")
        ] = None,
        paper: Annotated[str, typer.Option(help="A4 or Letter.")] = "A4",
    ) -> None:
        """Write a task's pick list (route order, bins, SKUs, totes, barcodes) as a PDF."""
        from wms_tui.domain.errors import DomainError
        from wms_tui.printing.errors import PrintError
        from wms_tui.services.picking.pick_list import print_pick_list

        if paper not in ("A4", "Letter"):
            raise fail(f"Paper must be A4 or Letter, not {paper!r}", 2)
        store = open_store_or_fail(db)
        try:
            result = print_pick_list(store, task, folder=out, printer=printer, paper=paper)
        except DomainError as exc:
            raise fail(str(exc), 2) from None
        except PrintError as exc:
            raise fail(str(exc)) from None
        finally:
            store.dispose()
        console.print(result.message, highlight=False, soft_wrap=True)
