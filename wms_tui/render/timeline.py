"""An order's steps as a table: the timeline of ``wms trace``, the trace screen
and the order screen, drawn from ``services/lookup/timeline.TraceStep`` rows.

Wide: a ``!`` column, when, stage, what, who and terminal, the flagged steps
in bold; narrow (a handheld): each step as two lines, when and what, then who
@ terminal. The ``!`` marks a step to look at, so colour is never the only
signal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from wms_tui.services.lookup.timeline import TraceStep


def timeline_table(steps: Sequence[TraceStep], title: str, narrow: bool) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        show_edge=False,
        box=None,
        expand=True,
        show_header=not narrow,
    )
    if narrow:
        table.add_column("Step", overflow="fold")
        for s in steps:
            table.add_row(
                Text.assemble(
                    ("! " if s.flagged else "  ", "bold"),
                    (s.local[:12] + " ", "bold"),
                    s.what,
                    ("\n    " + f"{s.who} @ {s.terminal}".strip(" @"), "dim"),
                )
            )
    else:
        table.add_column("", no_wrap=True, width=1)
        table.add_column("When", no_wrap=True)
        table.add_column("Stage", no_wrap=True)
        table.add_column("What", ratio=1, overflow="fold")
        table.add_column("Who", no_wrap=True)
        table.add_column("Term.", no_wrap=True)
        for s in steps:
            table.add_row(
                "!" if s.flagged else "",
                s.local,
                str(s.stage),
                s.what,
                s.who,
                s.terminal,
                style="bold" if s.flagged else None,
            )
    if not steps:
        table.add_row(*([""] * (0 if narrow else 3)), "nothing on record yet")
    return table
