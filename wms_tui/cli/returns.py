"""``wms returns ...``, ``wms export returns`` and ``wms import return-reasons``.

Return reasons are a supervisor's to change: ``reasons add``, ``reasons
remove`` and ``import return-reasons`` need a supervisor's ``--badge`` (or
``$WMS_BADGE``); ``reasons list`` does not.

``wms_tui.cli.main`` is imported inside the functions, not at the top: under
``python -m wms_tui.cli.main`` the CLI module runs as ``__main__`` and a top-level
import here would re-enter it while it is registering this very module.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, fail, use_case
from wms_tui.cli.common import open_store_or_fail as _open
from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption, acting, supervisor
from wms_tui.domain.text import plural

FromOption = Annotated[
    str | None, typer.Option("--from", help="First day (YYYY-MM-DD, warehouse time).")
]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day, included (YYYY-MM-DD).")]


def _print(text: object) -> None:
    from wms_tui.cli.common import console

    # A line is never wrapped: a file path cut over two lines cannot be copied.
    console.print(text, soft_wrap=isinstance(text, str))


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{name} must be a date like 2024-03-31, not {value!r}", 2) from None


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    returns_app = typer.Typer(help="Returned parcels: reasons and reports.", no_args_is_help=True)
    reasons_app = typer.Typer(
        help="The return reasons the returns desk chooses from.", no_args_is_help=True
    )
    returns_app.add_typer(reasons_app, name="reasons")
    app.add_typer(returns_app, name="returns")

    @reasons_app.command("list")
    def reasons_list(db: DbOption = None) -> None:
        """Show the reasons and whose cause each is, our own (pick, pack) first."""
        from rich.table import Table

        from wms_tui.services.returns.reasons import list_reasons

        store = _open(db)
        reasons = list_reasons(store)
        store.dispose()
        t = Table("code", "label", "cause", title="Return reasons")
        for r in reasons:
            t.add_row(r.code, r.label, r.cause.label)
        _print(t)

    @reasons_app.command("add")
    def reasons_add(
        code: Annotated[str, typer.Argument(help="Short code, e.g. WRONG_COLOUR.")],
        label: Annotated[str, typer.Argument(help="What the returns desk reads.")],
        cause: Annotated[
            str,
            typer.Option(
                "--cause",
                help="Whose cause: pick or pack (charged to the picker or packer), "
                "carrier, customer or supplier.",
            ),
        ],
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Add a reason, or change the label/kind of an existing one (supervisor)."""
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.returns.reasons import (
            normalise_reason_code,
            parse_cause,
            put_reason,
        )

        try:
            chosen = parse_cause(cause)
        except DomainError as exc:
            raise fail(str(exc), 2) from None
        with acting(db, badge, terminal, pin) as (store, actor):
            created = put_reason(store, code, label, chosen, actor)
        verb = "Added" if created else "Changed"
        _print(f"{verb} {normalise_reason_code(code)}: {label} ({chosen.label})")

    @reasons_app.command("remove")
    def reasons_remove(
        code: Annotated[str, typer.Argument(help="The reason's code, e.g. WRONG_COLOUR.")],
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Remove a reason no return uses yet (supervisor)."""
        from wms_tui.services.returns.reasons import normalise_reason_code, remove_reason

        with acting(db, badge, terminal, pin) as (store, actor):
            remove_reason(store, code, actor)
        _print(f"Removed {normalise_reason_code(code)}")

    @import_app.command("return-reasons")
    def import_reasons_cmd(
        file: Annotated[
            Path,
            typer.Argument(
                help="CSV with columns code,label,cause (pick, pack, carrier, customer, supplier)."
            ),
        ],
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Add or change return reasons from a CSV file, all rows or none (supervisor)."""
        from wms_tui.domain.errors import DomainError, PermissionDenied
        from wms_tui.services.returns.reasons import import_reasons, read_reasons_file

        try:
            rows = read_reasons_file(file)
        except DomainError as exc:
            raise fail(str(exc), 2) from None
        store = _open(db)
        actor = supervisor(store, badge, terminal, pin)
        try:
            added, changed = import_reasons(store, rows, actor)
        except PermissionDenied as exc:
            # About who runs it, not the file: no "<file>: ...; nothing imported" wrapper.
            raise fail(str(exc), 2) from None
        except DomainError as exc:
            raise fail(f"{file.name}: {exc}; nothing imported", 2) from None
        finally:
            store.dispose()
        _print(f"Return reasons from {file.name}: {added} added, {changed} changed")

    @returns_app.command("report")
    def report_cmd(db: DbOption = None, date_from: FromOption = None, to: ToOption = None) -> None:
        """Print the return report (reasons, SKUs, packers, pickers)."""
        from rich.table import Table

        from wms_tui.services.returns.report_csv import SECTIONS
        from wms_tui.services.returns.reports import build_report

        start, end = _day(date_from, "--from"), _day(to, "--to")
        store = _open(db)
        with use_case(store):
            report = build_report(store, start, end)
        _print(
            f"Returns {report.period}: {plural(report.receipts, 'parcel')}, "
            f"{plural(report.units, 'unit')}, "
            f"{report.controllable_units} ours (our pick or pack)"
        )
        for attr, section in SECTIONS:
            t = Table(section, "returns", "units", title=attr.replace("_", " "))
            for r in getattr(report, attr):
                t.add_row(r.label, str(r.returns), str(r.units))
            _print(t)

    @export_app.command("returns")
    def export_returns(
        file: Annotated[Path, typer.Argument(help="CSV file to write.")],
        db: DbOption = None,
        date_from: FromOption = None,
        to: ToOption = None,
        lines: Annotated[
            bool, typer.Option("--lines", help="One row per returned line instead of totals.")
        ] = False,
    ) -> None:
        """Write the return report as CSV: by reason, controllable, SKU, packer, picker."""
        from wms_tui.services.returns.report_csv import write_csv
        from wms_tui.services.returns.reports import build_report

        start, end = _day(date_from, "--from"), _day(to, "--to")
        store = _open(db)
        with use_case(store):
            report = build_report(store, start, end)
        try:
            n = write_csv(report, file, lines=lines)
        except OSError as exc:
            raise fail(f"Cannot write {file}: {exc.strerror or exc}", 2) from None
        what = "returned line" if lines else "row"
        _print(
            f"Wrote {plural(n, what)} ({report.period}, {plural(report.units, 'unit')}) to {file}"
        )
