"""``wms trace CODE``: an order's whole life, for a supervisor at a desk or over SSH.

The code is anything a parcel, slip or cart carries (order number, tracking
number, SSCC, RMA, tote). Tracing is a supervisor's: the command takes the
operator behind ``--badge`` (or ``$WMS_BADGE``) and the service checks the role.
"""

from __future__ import annotations

from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, fail
from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption, acting


def _kg(grams: int | None) -> str:
    return f"{grams / 1000:.2f} kg" if grams is not None else "? kg"


def render(t) -> list:  # noqa: ANN001 - a trace.OrderTrace
    """The trace as rich renderables: head, answers, then the timeline (``!`` marks
    a step to look at, so colour is never the only signal)."""
    from rich.table import Table
    from rich.text import Text

    from wms_tui.render.timeline import timeline_table

    head = Text.assemble(
        (t.name, "bold"), f"  {t.status}  ", (f"found by {t.matched} · {t.rma}", "dim")
    )
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    for a in t.allocations:
        facts.add_row("Allocated", f"{a.qty} × {a.sku} from {a.bin} ({a.picked} picked)")
    for p in t.picks:
        facts.add_row(
            "Picked", f"{p.qty} × {p.sku} {p.bin} → tote {p.tote} by {p.picker} @ {p.terminal}"
        )
    for w in t.packers:
        facts.add_row(
            "Packed",
            f"{w.packer} @ {w.station}: {w.scanned} scanned, {w.counted} counted, "
            f"{w.undone} undone, {w.qc} QC",
        )
    for p in t.parcels:
        facts.add_row(
            "Parcel",
            f"{p.seq}/{p.count} {p.sscc} {p.tracking} {_kg(p.weight_g)} {p.status} "
            f"{p.carrier} {p.manifest}".rstrip(),
        )
    for r in t.returns:
        ours = "ours" if r.ours else "not ours"
        facts.add_row(
            "Returned",
            f"{r.local} {r.qty} × {r.sku}: {r.reason} ({r.cause}, {ours}) → {r.disposition}",
        )
    tl = timeline_table(t.steps, f"Timeline ({t.tz_name})", narrow=False)
    return [head, facts, tl]


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    register_report(app)

    @app.command("trace")
    def trace_cmd(
        code: Annotated[
            str, typer.Argument(help="Order number, tracking number, SSCC, RMA or tote.")
        ],
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """An order's whole life: bins, picker, tote, packers, QC, parcels, returns (supervisor)."""
        from wms_tui.cli.common import console
        from wms_tui.services.lookup.trace import trace

        with acting(db, badge, terminal, pin) as (store, actor):
            t = trace(store, actor, code)
        for part in render(t):
            console.print(part, highlight=False, soft_wrap=False)


def _day(option: str, text: str | None, default):  # noqa: ANN001, ANN202 - a date
    from datetime import date

    from wms_tui.cli.common import fail

    if text is None:
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"{option} {text!r} is not a date (YYYY-MM-DD)", 2) from None


def register_report(app: typer.Typer) -> None:
    @app.command("report")
    def report_cmd(
        kind: Annotated[str, typer.Argument(help="shift, people, carriers or returns.")],
        date_from: Annotated[
            str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: --to).")
        ] = None,
        date_to: Annotated[
            str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")
        ] = None,
        out: Annotated[
            str | None,
            typer.Option("--out", help="Folder for the PDF and CSV files (default: reports)."),
        ] = None,
        person: Annotated[
            str | None, typer.Option("--person", help="people: only this badge or name.")
        ] = None,
        carrier: Annotated[
            str | None, typer.Option("--carrier", help="carriers: only this carrier code.")
        ] = None,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """A report for the weekly review, as a PDF with charts and CSV files (supervisor)."""
        from pathlib import Path

        from wms_tui.cli.common import console
        from wms_tui.printing.errors import PrintError
        from wms_tui.services.insight import reports

        kind = kind.strip().lower()
        if kind not in reports.KINDS:
            raise fail(f"Unknown report {kind!r}: {', '.join(reports.KINDS)}", 2)
        with acting(db, badge, terminal, pin, also=(PrintError,)) as (store, actor):
            last = _day("--to", date_to, None)
            first = _day("--from", date_from, None)
            doc = reports.build(store, actor, kind, first, last, person=person, carrier=carrier)
            folder = Path(out) if out else reports.default_folder(store)
            written = reports.write(doc, folder)
        console.print(
            f"Wrote the {kind} report ({doc.period}): {written.pdf.name} and "
            f"{len(written.csv)} CSV file{'s' if len(written.csv) != 1 else ''} in {folder}",
            highlight=False,
            soft_wrap=True,
        )
