"""The dispatch overview's wide layout: its four tables (the trucks and their
services, the orders that need attention, the open exceptions, the people)
filled from the overview's snapshot, each keeping its cursor on the same row.

:class:`~wms_tui.ui.screens.dispatch.DispatchScreen` mixes this in and calls
the fills from ``show``; how each value reads is ``dispatch_text``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable, Static

from wms_tui.ui.screens.dispatch_text import (
    SHORT_KIND,
    SHORT_STATUS,
    STATUS_COLUMNS,
    count_text,
    idle_text,
    outlook_style,
    time_left_text,
    why_text,
)

if TYPE_CHECKING:
    from wms_tui.services.dispatch.overview import ServiceRow, Snapshot


class OverviewTables:
    """Mixed into DispatchScreen (see the module's docstring)."""

    @staticmethod
    def _refill(table: DataTable, rows: list[tuple[str, list]]) -> None:
        """Replace the rows, keeping the cursor on the same row key if it is still there."""
        key = None
        if table.row_count and 0 <= table.cursor_row < table.row_count:
            key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        index = table.cursor_row
        table.clear()
        for row_key, cells in rows:
            table.add_row(*cells, key=row_key)
        if not rows:
            return
        keys = [k for k, _ in rows]
        target = keys.index(key) if key in keys else min(index, len(rows) - 1)
        table.move_cursor(row=max(0, target), animate=False)

    def _fill_trucks(self, s: Snapshot) -> None:
        rows: list[tuple[str, list]] = []
        by_carrier: dict[str, list[ServiceRow]] = {}
        for sv in s.services:
            by_carrier.setdefault(sv.carrier_code, []).append(sv)
        for c in s.carriers:
            svcs = by_carrier.get(c.code, [])
            total = {h: sum(sv.counts.get(st, 0) for sv in svcs for st in sts)
                     for h, sts in STATUS_COLUMNS}  # fmt: skip
            rows.append(
                (
                    f"carrier:{c.code}",
                    [
                        Text(c.code, style=outlook_style(c)),
                        c.cutoff.strftime("%H:%M") if c.cutoff else "—",
                        time_left_text(c.minutes_left, c.manifest),
                        *(count_text(total[h]) for h, _ in STATUS_COLUMNS),
                        count_text(c.packed, "bold"),
                        count_text(c.handed_over, "bold green"),
                        count_text(sum(sv.counts.get("ON_HOLD", 0) for sv in svcs)),
                        count_text(sum(sv.counts.get("BACKORDERED", 0) for sv in svcs)),
                        count_text(c.at_risk + c.missed, "bold red"),
                        count_text(c.late, "bold red"),
                    ],
                )
            )
            for sv in svcs:
                left = int((sv.cutoff_at - s.now).total_seconds() // 60) if sv.cutoff_at else None
                rows.append(
                    (
                        f"service:{c.code}:{sv.service_code}",
                        [
                            Text(f"  {sv.service_code or '(none)'}", style="dim"),
                            sv.cutoff.strftime("%H:%M") if sv.cutoff else "—",
                            time_left_text(left, c.manifest),
                            *(
                                count_text(sum(sv.counts.get(st, 0) for st in sts))
                                for _, sts in STATUS_COLUMNS
                            ),
                            count_text(sv.packed_waiting),
                            count_text(sv.on_truck, "green"),
                            count_text(sv.counts.get("ON_HOLD", 0)),
                            count_text(sv.counts.get("BACKORDERED", 0)),
                            count_text(sv.at_risk + sv.missed, "red"),
                            count_text(sv.late, "red"),
                        ],
                    )
                )
        self._refill(self.query_one("#dsp-trucks", DataTable), rows)

    def _fill_attention(self, s: Snapshot) -> None:
        more = f" (first {len(s.attention)})" if len(s.attention) >= 200 else ""
        self.query_one("#t-att", Static).update(
            f"Orders: {s.n_late} late · {s.n_at_risk} at risk · {s.n_missed} missed · "
            f"{s.n_stuck} stuck{more} (Enter: timeline)"
        )
        rows = [
            (
                f"order:{a.order_id}",
                [
                    Text(a.name, style="bold"),
                    a.carrier_code,
                    SHORT_STATUS.get(a.status, a.status),
                    why_text(a, s),
                    idle_text(a, s),
                    f"{a.last_by} @{a.last_terminal}".strip(" @"),
                ],
            )
            for a in s.attention
        ]
        self._refill(self.query_one("#dsp-attention", DataTable), rows)

    def _fill_issues(self, s: Snapshot) -> None:
        self.query_one("#t-exc", Static).update(f"Open exceptions: {s.n_exceptions}")
        rows = [
            (
                f"exc:{e.kind}:{e.id}:{e.order_id or ''}",
                [
                    s.local(e.at, "%H:%M")
                    if e.at and s.local(e.at, "%d") == f"{s.day:%d}"
                    else s.local(e.at, "%d %b"),
                    Text(SHORT_KIND.get(e.kind, e.kind.lower()), style="yellow"),
                    e.order_name,
                    f"{e.operator_name} @{e.terminal}".strip(" @"),
                    e.location,
                    e.message,
                ],
            )  # fmt: skip
            for e in s.exceptions
        ]
        self._refill(self.query_one("#dsp-issues", DataTable), rows)

    def _fill_people(self, s: Snapshot) -> None:
        table = self.query_one("#dsp-people", DataTable)
        table.clear(columns=True)
        table.add_column("Name", key="name")
        table.add_column("Work", key="work")
        for h in s.hours:
            table.add_column(f"{h:02d}", key=f"h{h}")
        table.add_column("Today", key="today")
        table.add_column("Per hour", key="rate")
        picks = sum(1 for t in s.throughput if t.role == "pick")
        packs = len(s.throughput) - picks
        self.query_one("#t-people", Static).update(
            f"Throughput today: {picks} picking (units), {packs} packing (orders)"
            if s.throughput
            else "Throughput today: nothing picked or packed yet"
        )
        for t in s.throughput:
            table.add_row(
                t.operator_name,
                f"{t.role} {t.unit}",
                *(count_text(t.by_hour.get(h, 0)) for h in s.hours),
                count_text(t.total, "bold"),
                Text(f"{t.per_hour:.1f}", justify="right"),
                key=f"person:{t.role}:{t.operator_name}",
            )
