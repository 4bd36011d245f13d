"""What the shift dashboard draws: a :class:`Dashboard` in, rich text out.

Plain functions of the read model and a width, so the screen only places
them. Every chart has its number beside it, and every verdict reads as a
word and a mark (✓ ✗), never as a colour alone.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from wms_tui.domain.shipping_days import duration_text
from wms_tui.services.insight import rules
from wms_tui.services.insight.carrier_outlook import CarrierOutlook
from wms_tui.services.insight.dashboard import Dashboard
from wms_tui.ui.widgets.text_bars import bar, bar_rows

STAGE_LABELS = {
    "NEW": "new",
    "READY_TO_PICK": "ready to pick",
    "BACKORDERED": "backordered",
    "ON_HOLD": "on hold",
    "PICKING": "picking",
    "PICKED": "picked",
    "PACKING": "packing",
    "PACKED": "packed",
    "DISPATCHED": "dispatched today",
    "CANCELLED": "cancelled today",
}
SHORT_STAGE = {"READY_TO_PICK": "ready", "DISPATCHED": "out today", "CANCELLED": "cancel. today"}
VERDICT = {
    rules.MAKES_IT: ("✓", "makes it", "green"),
    rules.DONE: ("✓", "done", "green"),
    rules.NO_CUTOFF: ("·", "no cut-off", ""),
    rules.WILL_MISS: ("✗", "will miss", "bold red"),
    rules.MISSED: ("✗", "missed", "bold red"),
}


def short_name(name: str) -> str:
    """``Ana Lindqvist`` -> ``Ana L.`` (a handheld's column)."""
    parts = name.split()
    return parts[0] if len(parts) < 2 else f"{parts[0]} {parts[-1][0]}."


def minutes(value: float | None) -> str:
    """A cycle time to the nearest minute: duration_text() drops the seconds (right for
    the time left to a cut-off), which showed a p50 of 3.8 minutes as 3m."""
    return "–" if value is None else duration_text(round(value))


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def summary(d: Dashboard, narrow: bool) -> Text:
    stages = dict(d.stages)
    missing = sum(1 for c in d.carriers if not c.makes_it)
    t = Text()
    if narrow:
        t.append(f"{d.open_orders} open · {stages['DISPATCHED']} out · ")
    else:
        t.append(f"{d.open_orders} open · {stages['DISPATCHED']} dispatched today · ")
        t.append(f"pace {d.pace.per_hour:.0f} packs/h · ")
        t.append(f"cycle p50 {minutes(d.cycle.p50)} p90 {minutes(d.cycle.p90)} · ")
    # A row per cut-off, not per truck: a carrier's services can close at different times.
    if missing:
        t.append(f"✗ {missing} cut-off{'s' if missing > 1 else ''} short", style="bold red")
    else:
        t.append("✓ cut-offs on pace", style="green")
    if not narrow:  # the operator bar's clock is beside it on a handheld
        t.append(f" · {d.local(d.now)}", style="dim")
    return t


def stages(d: Dashboard, width: int, narrow: bool) -> Text:
    names = SHORT_STAGE if narrow else {}
    rows = [(names.get(st, STAGE_LABELS[st]), float(n), str(n)) for st, n in d.stages]
    return bar_rows(rows, width, style="cyan")


def flow_numbers(values: tuple[int, ...]) -> str:
    return f"{sum(values):>5} {values[-1] if values else 0:>5}"


def shown_hours(d: Dashboard) -> int:
    """Hours of today to chart: from the first with any flow (at least the last 8)."""
    n = len(d.hours)
    first = next(
        (i for i in range(n) if any(vals[i] for _, vals in d.flow)),
        n,
    )
    return max(1, min(n, max(n - first, 8)))


def hours_axis(d: Dashboard, shown: int) -> str:
    if not d.hours:
        return ""
    first = d.hours[len(d.hours) - shown]
    return f"{d.local(first, '%H')}–{d.local(d.hours[-1], '%H')}h"


def pace(d: Dashboard) -> str:
    """``24 packs/h, last 60 min`` or ``30 packs/h, planned``: the pace that judges the
    cut-offs (the dispatch overview and the delay list print the same number)."""
    return f"{d.pace.per_hour:.0f} packs/h, {d.pace.basis}"


def trucks_title(d: Dashboard, narrow: bool) -> str:
    """The cut-offs' pace, and at 120 columns the floor's units of the same 60 minutes (the
    summary line has no room for them: it wrapped at 120)."""
    title = f"Cut-offs · {pace(d)}"
    if narrow:
        return title
    return (
        f"{title} · floor: pick {d.pick_units_per_hour:.0f} u/h, "
        f"pack {d.pack_units_per_hour:.0f} u/h"
    )


def fit(candidates: list[str], width: int) -> str:
    """The first of ``candidates`` (longest first) that fits ``width`` columns, else the
    last cut to it: a handheld's line never wraps a word onto the next."""
    for text in candidates:
        if len(text) <= width:
            return text
    return candidates[-1][:width]


def trucks(d: Dashboard, narrow: bool, width: int = 200) -> Table | Text:
    if narrow:
        out = Text()
        for i, c in enumerate(d.carriers):
            if i:
                out.append("\n")
            mark, _, style = VERDICT[c.verdict]
            cut = c.cutoff.strftime("%H:%M") if c.cutoff else "--:--"
            head = f"{c.code[:8]:<8} {cut} "
            out.append(head)
            out.append(
                fit([f"{mark} {o}" for o in _outlooks(c, d)], width - len(head)), style=style
            )
            n, ln, up, uk = c.orders, c.lines_to_pick, c.units_to_pick, c.units_to_pack
            work = fit(
                [
                    f"  {n} ord · pick {ln} ln/{up} u · pack {uk} u",
                    f"  {n} ord · pick {ln}ln/{up}u · pack {uk}u",
                    f"  {n} ord · pick {up}u · pack {uk}u",
                    f"  {n}o pick {up}u pack {uk}u",
                ],
                width,
            )
            out.append("\n" + work, style="dim")
        if not d.carriers:
            out.append("no carriers set up", style="dim")
        return out
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
    for name, justify in (
        ("Carrier", "left"), ("Cut-off", "left"), ("Orders", "right"),
        ("Pick ln", "right"), ("Pick u", "right"), ("Pack u", "right"),
        ("Packed by", "right"), ("Outlook", "left"),
    ):  # fmt: skip
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for c in d.carriers:
        mark, _, style = VERDICT[c.verdict]
        table.add_row(
            _carrier(c.code, c.name),
            c.cutoff.strftime("%H:%M") if c.cutoff else "--:--",
            str(c.orders),
            str(c.lines_to_pick),
            str(c.units_to_pick),
            str(c.units_to_pack),
            _done(d, c),
            Text(f"{mark} {_outlooks(c, d)[0]}", style=style),
        )
    if not d.carriers:
        table.add_row("no carriers set up", *[""] * 7)
    return table


def _done(d: Dashboard, c: CarrierOutlook) -> str:
    if c.orders <= 0:
        return "done"
    if c.verdict == rules.MISSED:
        return "–"  # its truck has gone: its orders wait for the next one
    return d.local(c.done_at) if c.done_at is not None else "no pace"


def _outlooks(c: CarrierOutlook, d: Dashboard) -> list[str]:
    """The outlook in words, longest first (the narrow screen takes what fits)."""
    _, word, _ = VERDICT[c.verdict]
    if c.verdict == rules.WILL_MISS:
        k = c.at_risk
        return [
            f"{word}, {k} order{'s' if k != 1 else ''} at risk",
            f"{word}, {k} at risk",
            f"{k} at risk",
        ]
    if c.verdict == rules.MAKES_IT and c.cutoff_at is not None and c.done_at is not None:
        spare = duration_text((c.cutoff_at - c.done_at).total_seconds() / 60)
        return [f"{word}, {spare} spare", word]
    return [word]


def people(d: Dashboard, width: int, narrow: bool) -> Text:
    out = Text()
    for title, group in (
        ("Pick lines/hour (lines/active hours)", d.pickers),
        ("Pack units/hour (units/active hours)", d.packers),
    ):
        if out:
            out.append("\n")
        out.append(title + "\n", style="bold")
        rows = [
            (
                short_name(p.name) if narrow else p.name,
                p.per_hour or 0.0,
                (
                    rate(p.per_hour)
                    if narrow
                    else f"{rate(p.per_hour)} ({p.count}/{p.active_hours}h)"
                )
                # a picker's wrong scans (a packer's are on the accuracy panel)
                + (f" {p.refused} wrong" if p.role == "pick" and p.refused else ""),
            )
            for p in group
        ]
        out.append_text(bar_rows(rows, width, style="cyan", empty="nobody yet today"))
    return out


def accuracy(d: Dashboard, width: int, narrow: bool) -> Table | Text:
    packers = [p for p in d.packers if p.units or p.returned or p.refused]
    if narrow:
        out = Text("per 1,000 u: refused/undo/QC/return\n", style="dim")
        rows = [
            (
                short_name(p.name),
                p.errors_per_1000 or 0.0,
                f"{rate(p.errors_per_1000)} {p.refused}/{p.undone}/{p.qc}/{p.returned}",
            )
            for p in packers
        ]
        out.append_text(bar_rows(rows, width, style="yellow", empty="nothing packed yet today"))
        return out
    if not packers:
        return Text("nothing packed yet today", style="dim")
    headers = ("Packer", "Units", "Wrong", "QC", "Returns", "per 1k")
    # Wrong scans: refused at the station + undone after they got through.
    cells = [
        (
            p.name,
            str(p.units),
            _per(p.wrong_scans, p.wrong_per_1000, f"{p.refused}+{p.undone}"),
            _per(p.qc, p.qc_per_1000),
            _per(p.returned, p.returned_per_1000),
            "–" if p.errors_per_1000 is None else f"{p.errors_per_1000:.0f}",
        )
        for p in packers
    ]
    # Every figure at its full width, one space between columns, the name cut to what
    # is left and the bar to what is left after that: at 120 columns four packers' QC
    # read "3 (3…" and the total "88…" when the table shared the width out itself.
    figures = [max(cell_len(h), *(cell_len(row[i]) for row in cells)) for i, h in
               enumerate(headers) if 0 < i < 5]  # fmt: skip
    total_w = max(cell_len(headers[5]), *(cell_len(row[5]) for row in cells))
    name_w = max(6, min(16, max(cell_len(row[0]) for row in cells)))
    fixed = sum(figures) + total_w + len(headers)  # a space before every column
    name_w = max(6, min(name_w, width - fixed))
    bar_w = max(0, width - fixed - name_w)
    table = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column(headers[0], no_wrap=True, overflow="ellipsis", width=name_w)
    for name, w in zip(headers[1:5], figures, strict=True):
        table.add_column(name, justify="right", no_wrap=True, min_width=w)
    # "per 1,000" was cut to "per 1,0…" at 120 columns once the wrong scans read
    # "2+0 (2000)"; the panel title and the other columns say what the 1k is of.
    table.add_column(headers[5], no_wrap=True)
    top = max((p.errors_per_1000 or 0.0 for p in packers), default=0.0)
    for p, row in zip(packers, cells, strict=True):
        total = row[5].rjust(total_w)
        drawn = bar(p.errors_per_1000 or 0.0, top, bar_w)
        table.add_row(*row[:5], Text.assemble(total, (" " + drawn if drawn else "", "yellow")))
    return table


def _per(n: int, per: float | None, shown: str = "") -> str:
    return f"{shown or n} ({'–' if per is None else f'{per:.0f}'})"


def backlog(d: Dashboard, width: int, narrow: bool) -> Text:
    out = Text("Backorders by age\n", style="bold")
    out.append_text(
        bar_rows([(k, float(n), str(n)) for k, n in d.backorders], width, style="magenta")
    )
    out.append("\nOpen exceptions by kind\n", style="bold")
    rows = [(k.lower().replace("_", " ")[: 14 if narrow else 28], float(n), str(n))
            for k, n in d.exceptions]  # fmt: skip
    out.append_text(bar_rows(rows, width, style="red", empty="none open"))
    return out


def _carrier(code: str, name: str) -> str:
    """The carrier as a supervisor reads it: "CJ Logistics", not "CJ CJ Logistics"."""
    if name.upper().startswith(code.upper()):
        return name[:22]
    return f"{code} {name}"[:22]
