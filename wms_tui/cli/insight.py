"""``wms trace CODE``: an order's whole life, for a supervisor at a desk or over SSH.

The code is anything a parcel, slip or cart carries (order number, tracking
number, SSCC, RMA, tote). Tracing is a supervisor's: the command takes the
operator behind ``--badge`` (or ``$WMS_BADGE``) and the service checks the role.
"""

from __future__ import annotations

from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, fail
from wms_tui.cli.common import open_store_or_fail as _open
from wms_tui.cli.supervisor import BadgeOption, TerminalOption, supervisor


def _kg(grams: int | None) -> str:
    return f"{grams / 1000:.2f} kg" if grams is not None else "? kg"


def render(t) -> list:  # noqa: ANN001 - a trace.OrderTrace
    """The trace as rich renderables: head, answers, then the timeline (``!`` marks
    a step to look at, so colour is never the only signal)."""
    from rich.table import Table
    from rich.text import Text

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
    tl = Table(title=f"Timeline ({t.tz_name})", title_justify="left", box=None, show_edge=False)
    for name in ("", "When", "Stage", "What", "Who", "Terminal"):
        tl.add_column(name)
    for s in t.steps:
        tl.add_row(
            "!" if s.flagged else "",
            s.local,
            str(s.stage),
            s.what,
            s.who,
            s.terminal,
            style="bold" if s.flagged else None,
        )
    if not t.steps:
        tl.add_row("", "", "", "nothing on record yet", "", "")
    return [head, facts, tl]


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    @app.command("trace")
    def trace_cmd(
        code: Annotated[
            str, typer.Argument(help="Order number, tracking number, SSCC, RMA or tote.")
        ],
        badge: BadgeOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """An order's whole life: bins, picker, tote, packers, QC, parcels, returns (supervisor)."""
        from wms_tui.cli.common import console
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.lookup.trace import trace

        store = _open(db)
        actor = supervisor(store, badge, terminal)
        try:
            t = trace(store, actor, code)
        except DomainError as exc:
            raise fail(str(exc), 2) from None
        finally:
            store.dispose()
        for part in render(t):
            console.print(part, highlight=False, soft_wrap=False)
