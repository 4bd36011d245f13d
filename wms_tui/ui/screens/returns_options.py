"""The returns desk's option lists, one per step: the order's lines, what was shipped
on one, the pick bins holding it, the reasons, what to do with a unit, the
resolutions, the replacements and the booking to confirm; and the keys (1-9, 0,
a-j) that choose them. The screen (``returns``) shows the one its step needs."""

from __future__ import annotations

from rich.cells import set_cell_size
from rich.text import Text
from textual.widgets.option_list import Option

from wms_tui.services.returns.desk import RESOLUTION_LABELS
from wms_tui.services.returns.desk_flow import RESOLUTION_ORDER, DeskFlow


def line_options(f: DeskFlow, wide: bool) -> list[Option]:
    assert f.order is not None
    opts = []
    for i, ln in enumerate(f.order.lines, start=1):
        pending = f.pending_for(ln)
        text = Text(f"{i:>2} " if len(f.order.lines) > 9 else f"{i} ")
        if wide:
            text.append(set_cell_size(ln.sku, 18))
            text.append(set_cell_size(ln.name, 32))
            text.append(f" shipped {ln.shipped}")
            text.append(f"  returned {ln.returned}" if ln.returned else "")
        else:
            text.append(f"{ln.sku} ×{ln.shipped}")
            text.append(f" ret {ln.returned}" if ln.returned else "")
        if pending:
            text.append(f"  now {pending}", style="bold")
        opts.append(Option(text, id=f"line-{ln.order_line_id}", disabled=f.left(ln) <= 0))
    return opts


def line_info(f: DeskFlow) -> list[Option]:
    """What was shipped on the chosen line, and who handled it."""
    ln = f.line
    assert ln is not None
    info = [ln.name]
    if ln.options:
        info.append(ln.options)
    info.append(f"shipped {ln.shipped}, returned before {ln.returned}")
    info.append(f"picked by {', '.join(ln.picked_by) or 'not recorded'}")
    info.append(f"packed by {', '.join(ln.packed_by) or 'not recorded'}")
    return [Option(Text(t), disabled=True) for t in info]


def bin_options(f: DeskFlow) -> list[Option]:
    assert f.line is not None
    if not f.restock_bins:
        return [Option(f"{f.line.sku} is in no pick bin now", disabled=True)]
    return [Option(f"{code} holds {qty}", disabled=True) for code, qty in f.restock_bins]


def reason_options(f: DeskFlow) -> list[Option]:
    opts = []
    for i, r in enumerate(f.reasons, start=1):
        text = Text(f"{option_key(i)} {r.label}")
        text.append(f" · {r.cause.label}", style="dim")
        opts.append(Option(text, id=f"reason-{r.code}"))
    return opts


def option_key(i: int) -> str:
    return "1234567890abcdefghij"[i - 1] if i <= 20 else " "


def option_keys(n: int) -> str:
    """ "1-8", "1-0", "1-c": the keys of ``n`` numbered options."""
    return f"1-{option_key(n)}" if n > 1 else "1"


def unit_options(f: DeskFlow) -> list[Option]:
    rest = f.qty - f.units_done
    opts = [
        Option("1 Restock to a pick bin", id="unit-RESTOCK-1"),
        Option("2 Quarantine", id="unit-QUARANTINE-1"),
        Option("3 Scrap", id="unit-SCRAP-1"),
    ]
    if rest > 1:
        opts += [
            Option(f"4 Restock all {rest}", id=f"unit-RESTOCK-{rest}"),
            Option(f"5 Quarantine all {rest}", id=f"unit-QUARANTINE-{rest}"),
            Option(f"6 Scrap all {rest}", id=f"unit-SCRAP-{rest}"),
        ]
    return opts


def resolution_options() -> list[Option]:
    return [
        Option(f"{i} {RESOLUTION_LABELS[r]}", id=f"res-{r.value}")
        for i, r in enumerate(RESOLUTION_ORDER, start=1)
    ]


def replace_options(f: DeskFlow) -> list[Option]:
    lines = {b.line.order_line_id: b.line for b in f.booked}
    opts = []
    for lid, ln in lines.items():
        choice = f.replacements.get(lid)
        now = f.replace_queue and f.replace_queue[0].order_line_id == lid
        target = choice.sku if choice else ("?" if now else "same")
        opts.append(Option(f"{'▶' if now else ' '} {ln.sku} → {target}", disabled=True))
    return opts


def confirm_options(f: DeskFlow) -> list[Option]:
    assert f.resolution is not None
    opts = [Option(Text(b.text()), disabled=True) for b in f.booked]
    res = RESOLUTION_LABELS[f.resolution]
    opts.append(Option(f"→ {res}", disabled=True))
    for lid, choice in f.replacements.items():
        opts.append(Option(f"  {f.line_by_id(lid).sku} → {choice.sku}", disabled=True))
    return opts
