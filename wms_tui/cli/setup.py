"""``wms import setup``: a warehouse's master data from CSV files.

``wms import setup mywh/``                   every setup file in the folder
``wms import setup mywh/operators.csv``      just that file
``wms import setup mywh/ --dry-run``         check and show what would change
``wms import setup mywh/ --badge S9001``     a supervisor changing operators or carriers

The files are the demo's (``wms_tui/demo_data/``): warehouse, locations, stations,
operators, carriers, services and cartons, each optional. Exit codes: 0 done,
1 store problem, 2 bad input (nothing was imported).

``wms_tui.cli.main`` is imported inside the functions (see ``cli/returns.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wms_tui.cli.common import DbOption
from wms_tui.cli.common import open_store_or_fail as _open
from wms_tui.cli.supervisor import PinOption, TerminalOption

if TYPE_CHECKING:
    from wms_tui.services.setup.master_data import SetupReport

BadgeOption = Annotated[
    str | None,
    typer.Option(
        "--badge",
        "-b",
        help="Your badge (default: $WMS_BADGE): a supervisor's, to change operators or "
        "carriers' tracking numbers.",
        show_default=False,
    ),
]
SHOWN_PROBLEMS = 50


def _cli():
    from wms_tui.cli import common as cli

    return cli


def print_report(report: SetupReport) -> None:
    from rich.table import Table

    console = _cli().console
    if report.dry_run:
        title = "Dry run, nothing was changed:"
    elif report.changed:
        title = "Master data imported:"
    else:
        title = "Nothing changed: every row matches the store."
    console.print(title, highlight=False)
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 2))
    table.add_column("File", no_wrap=True)
    table.add_column("What", overflow="fold")
    for out in report.outcomes:
        summary = out.summary()
        if report.dry_run:
            summary = summary.replace(" created", " to create").replace(" updated", " to update")
        table.add_row(out.what, summary)
    console.print(table)
    if report.not_read:
        console.print(
            f"Not read (not setup files): {', '.join(report.not_read)}",
            highlight=False,
            soft_wrap=True,
        )


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    @import_app.command("setup")
    def import_setup_cmd(
        paths: Annotated[
            list[Path],
            typer.Argument(
                help="A folder with warehouse.csv, locations.csv, stations.csv, operators.csv, "
                "carriers.csv, services.csv, cartons.csv, customs.csv, stock_levels.csv (each "
                "optional; the demo's format), or some of those files.",
                show_default=False,
            ),
        ],
        dry_run: Annotated[
            bool,
            typer.Option("--dry-run", help="Check and show what would change; change nothing."),
        ] = False,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Create or update the warehouse, locations, stations, operators, carriers and cartons."""
        from wms_tui.cli.supervisor import credential
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.setup.master_data import SetupRefused, import_setup

        cli = _cli()
        # The first import into a store brings its first supervisor in: no badge then.
        who = credential(badge, pin) if badge or os.environ.get("WMS_BADGE") else None
        store = _open(db)
        try:
            report = import_setup(
                store,
                paths,
                credential=who,
                terminal=terminal or cli.default_terminal(),
                dry_run=dry_run,
            )
        except SetupRefused as exc:
            problems = exc.problems
            if len(problems) == 1:
                raise cli.fail(f"{problems[0]}; nothing was imported", 2) from None
            for problem in problems[:SHOWN_PROBLEMS]:
                cli.err_console.print(str(problem), highlight=False, markup=False, soft_wrap=True)
            if len(problems) > SHOWN_PROBLEMS:
                cli.err_console.print(
                    f"… and {len(problems) - SHOWN_PROBLEMS} more", highlight=False
                )
            raise cli.fail(f"{len(problems)} problems; nothing was imported", 2) from None
        except DomainError as exc:
            raise cli.fail(f"{exc}; nothing was imported", 2) from None
        finally:
            store.dispose()
        print_report(report)
