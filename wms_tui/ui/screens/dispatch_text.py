"""How the dispatch overview's snapshot reads: counts, time left to a cut-off, why
an order needs attention and how long it has been idle, and the entries of the
narrow layout's five panels (trucks, orders, exceptions, services, people)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets.option_list import Option

from wms_tui.domain.shipping_days import duration_text

if TYPE_CHECKING:
    from wms_tui.services.dispatch.overview import AttentionOrder, CarrierRow, Snapshot

# Status columns of the trucks table: header, statuses counted.
STATUS_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("New", ("NEW",)),
    ("Ready", ("READY_TO_PICK",)),
    ("Picking", ("PICKING",)),
    ("Picked", ("PICKED",)),
    ("Packing", ("PACKING",)),
)
SHORT_STATUS = {
    "NEW": "new",
    "READY_TO_PICK": "ready",
    "BACKORDERED": "backordered",
    "ON_HOLD": "hold",
    "PICKING": "picking",
    "PICKED": "picked",
    "PACKING": "packing",
    "PACKED": "packed",
    "DISPATCHED": "sent",
    "CANCELLED": "cancelled",
}
SHORT_KIND = {
    "SHORT_PICK": "short",
    "QC_FAIL": "QC fail",
    "WEIGHT_MISMATCH": "weight",
    "BACKORDER": "backorder",
    "CANCELLED_AFTER_PACK": "cancelled",
    "RECEIVING": "receiving",
}


def wrap_tokens(tokens: list[str], width: int, indent: str = " ") -> str:
    """Tokens ("packed 5") joined two spaces apart, broken into lines between tokens
    only, so a number never ends up on the line below its word."""
    lines: list[str] = []
    line = indent
    for tok in tokens:
        if line.strip() and len(line) + 2 + len(tok) > width:
            lines.append(line)
            line = indent
        line += ("  " if line.strip() else "") + tok
    if line.strip():
        lines.append(line)
    return "\n".join(lines)


def count_text(value: int, style: str = "") -> Text:
    """A count; zero is dimmed so the non-zero ones stand out."""
    return Text(str(value), style=style if value else "dim", justify="right")


def time_left_text(minutes: int | None, manifest: str) -> Text:
    if manifest == "CLOSED":
        return Text("closed", style="dim")
    if minutes is None:
        return Text("—", style="dim")
    if minutes < 0:
        return Text("passed", style="bold red")
    return Text(duration_text(minutes), style="bold yellow" if minutes < 60 else "")


def outlook_style(c: CarrierRow) -> str:
    o = c.outlook
    if o in ("cut-off passed",) or c.at_risk:
        return "bold red"
    if o in ("closed", "nothing due"):
        return "dim"
    return "bold green"


def eta_text(snap: Snapshot, at: datetime | None) -> str:
    """Expected time on the warehouse clock; another day shows as +Nd."""
    if at is None:
        return "?"
    local = at.astimezone(snap.tz)
    ahead = (local.date() - snap.day).days
    return f"{local:%H:%M}" if ahead <= 0 else f"+{ahead}d"


def why_text(a: AttentionOrder, snap: Snapshot) -> Text:
    """Late and cut-off trouble (stuck shows as idle time next to it)."""
    t = Text()
    if a.late_days:
        t.append(f"late {a.late_days}d", style="bold red")
    if a.risk == "at risk":
        t.append(" · " if t else "")
        t.append(f"risk {eta_text(snap, a.eta)}>{snap.local(a.cutoff_at)}", style="yellow")
    elif a.risk:
        t.append(" · " if t else "")
        t.append(f"missed {snap.local(a.cutoff_at)}", style="red")
    return t


def idle_text(a: AttentionOrder, snap: Snapshot) -> Text:
    if a.last_event_at is None:
        return Text("—", style="dim")
    minutes = (snap.now - a.last_event_at).total_seconds() / 60
    return Text(duration_text(minutes), style="bold magenta" if a.stuck_minutes else "dim")


def truck_options(s: Snapshot, width: int) -> list[Option]:
    out = []
    for c in s.carriers:
        head = Text(f"{c.code} ", style=outlook_style(c))
        head.append(f"{c.cutoff:%H:%M} " if c.cutoff else "")
        if c.outlook in ("closed", "cut-off passed"):
            # The time left would say it again: "CJ 15:00 closed  closed".
            head.append(c.outlook, style=outlook_style(c))
        else:
            head.append_text(time_left_text(c.minutes_left, c.manifest))
            head.append(f"  {c.outlook}", style=outlook_style(c))
        flow = [
            f"unpicked {c.unpicked}",
            f"picking {c.picking}",
            f"packing {c.packing}",
            f"packed {c.packed}",
            f"on truck {c.handed_over}",
        ]
        trouble = [f"blocked {c.blocked}"] if c.blocked else []
        trouble += [f"late {c.late}"] if c.late else []
        trouble += [f"at risk {c.at_risk}"] if c.at_risk else []
        trouble += [f"missed {c.missed}"] if c.missed else []
        body = Text("\n" + wrap_tokens(flow, width))
        if trouble:
            body.append("\n" + wrap_tokens(trouble, width), style="red")
        out.append(Option(head + body, id=f"carrier:{c.code}"))
    return out


def order_options(s: Snapshot, width: int) -> list[Option]:
    out = []
    for a in s.attention:
        t = Text.assemble((a.name, "bold"), f" {a.carrier_code} {SHORT_STATUS[a.status]}")
        why = why_text(a, s)
        if why:
            t.append("\n ")
            t.append_text(why)
        who = f"{a.last_by} @{a.last_terminal}".strip(" @")
        t.append("\n idle ")
        t.append_text(idle_text(a, s))
        t.append(f" · {who}", style="dim")
        out.append(Option(t, id=f"order:{a.order_id}"))
    return out


def issue_options(s: Snapshot, width: int) -> list[Option]:
    out = []
    for e in s.exceptions:
        t = Text.assemble(
            (s.local(e.at, "%H:%M") + " ", "bold"),
            (SHORT_KIND.get(e.kind, e.kind.lower()), "yellow"),
            f" {e.order_name}",
        )
        who = f"{e.operator_name} @{e.terminal}".strip(" @")
        t.append(f"\n {who}" + (f" · {e.location}" if e.location else ""), style="dim")
        t.append(f"\n {e.message}")
        oid = f"order:{e.order_id}" if e.order_id else None
        out.append(Option(t, id=oid and f"{oid}:exc{e.kind}{e.id}"))
    return out


def service_options(s: Snapshot, width: int) -> list[Option]:
    out = []
    for sv in s.services:
        t = Text.assemble((f"{sv.carrier_code} {sv.service_code or '(none)'}", "bold"))
        if sv.cutoff:
            t.append(f" {sv.cutoff:%H:%M}")
        parts = [f"{SHORT_STATUS[k]} {v}" for k, v in sv.counts.items() if v]
        if sv.loaded:
            parts.append(f"loaded {sv.loaded}")
        t.append("\n" + (wrap_tokens(parts, width) or " nothing open"))
        out.append(Option(t, disabled=True))
    return out


def people_options(s: Snapshot, width: int) -> list[Option]:
    out = []
    for p in s.throughput:
        t: Text = Text.assemble(
            (p.operator_name, "bold"), f"\n {p.role} {p.total} {p.unit} · {p.per_hour:.1f}/h"
        )
        t.append("\n " + " ".join(f"{h:02d}:{n}" for h, n in p.by_hour.items()), style="dim")
        out.append(Option(t, disabled=True))
    return out
