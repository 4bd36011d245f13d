"""``wms carriers list`` and ``wms carriers set``: carriers' tracking numbers.

``wms carriers list``                          next number and how many are left
``wms carriers set CJ --next 70500000001 --badge S9001``   a new range from the carrier
``wms carriers set POSTNORD --prefix RS -b S9001``        a new format (checked first)

Changing a range is a supervisor's decision: ``set`` needs a supervisor's
``--badge`` (or ``$WMS_BADGE``) and logs who made the change.

``wms_tui.cli.main`` is imported inside the functions (see ``cli/returns.py``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, reading
from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption, acting


def _print(text: object) -> None:
    from wms_tui.cli.common import console

    console.print(text, highlight=False, soft_wrap=True)


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    carriers_app = typer.Typer(
        help="Carriers' tracking numbers: show them, enter a new range.", no_args_is_help=True
    )
    app.add_typer(carriers_app, name="carriers")

    @carriers_app.command("list")
    def carriers_list(db: DbOption = None) -> None:
        """Each carrier's tracking format, next number and how many numbers are left."""
        from rich import box
        from rich.table import Table

        from wms_tui.services.setup.carriers import list_carriers

        with reading(db) as store:
            carriers = list_carriers(store)

        def widest(values: list[str], header: str) -> int:
            return max([len(header), *map(len, values)])

        # The numbers are what a supervisor reads and copies: whole on one line
        # at 80 columns; the carrier's name and number format give way (wrap).
        nexts = [c.next_number or "wrong setup" for c in carriers]
        lefts = [f"{c.left:,}" for c in carriers]
        t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column("carrier")
        t.add_column("format")
        t.add_column("next number", no_wrap=True, min_width=widest(nexts, "next number"))
        t.add_column("left", no_wrap=True, justify="right", min_width=widest(lefts, "left"))
        problems = []
        for c, nxt, left in zip(carriers, nexts, lefts, strict=True):
            fmt = f"{c.prefix + ' ' if c.prefix else ''}{c.length} {c.check}"
            if c.check == "sscc_s10":  # the range only numbers parcels going abroad
                fmt += " (abroad; at home the parcel's SSCC)"
            t.add_row(
                f"{c.code}\n[dim]{c.name}[/]" if c.name != c.code else c.code,
                fmt,
                nxt if c.next_number else f"[red]{nxt}[/]",
                left,
            )
            if c.problem:
                problems.append(c.problem)
        _print(t)
        for problem in problems:
            _print(f"[red]![/] {problem}")

    @carriers_app.command("set")
    def carriers_set(
        code: Annotated[str, typer.Argument(help="Carrier code, e.g. CJ.")],
        prefix: Annotated[
            str | None, typer.Option("--prefix", help="Fixed leading characters.")
        ] = None,
        length: Annotated[
            int | None, typer.Option("--length", help="Characters in a whole number.")
        ] = None,
        check: Annotated[
            str | None,
            typer.Option(
                "--check",
                help="Check digit: mod10, mod7, ups, s10, sscc_s10 (the SSCC at home, "
                "S10 abroad: PostNord) or none.",
            ),
        ] = None,
        next_serial: Annotated[
            int | None,
            typer.Option("--next", help="Next serial (the part after the prefix)."),
        ] = None,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Change a carrier's tracking format or next serial, e.g. for a new range (supervisor)."""
        from wms_tui.services.setup.carriers import change_tracking

        with acting(db, badge, terminal, pin) as (store, actor):
            info = change_tracking(
                store,
                actor,
                code,
                prefix=prefix,
                length=length,
                check=check,
                next_serial=next_serial,
            )
        _print(f"Carrier {info.code}: next number {info.next_number}, {info.left:,} left")
