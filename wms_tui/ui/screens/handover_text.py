"""How the hand-over screen reads: the truck's head lines, the two lists' titles and
parcel rows, and the close-out question. Plain values in, rich text out: the screen
keeps the state, the keys and the workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets.option_list import Option

from wms_tui.domain.shipping_days import local_time
from wms_tui.domain.text import plural

if TYPE_CHECKING:
    from datetime import tzinfo

    from wms_tui.services.dispatch.dock import DockStatus, ParcelLine
    from wms_tui.services.dispatch.manifest_preview import CloseOutPreview


def _kg(grams: int | None) -> str:
    return f"{grams / 1000:.2f} kg" if grams is not None else "? kg"


def dock_head(dock: DockStatus, narrow: bool) -> Text:
    """Carrier, manifest, counts and open/closed, then what needs doing first."""
    head = Text.assemble((dock.carrier_name, "bold"), f" · {dock.manifest_number}")
    head.append(f"\n{len(dock.loaded)} on truck · {len(dock.waiting)} waiting · ")
    if dock.closed:
        who = f" by {dock.closed_by}" if dock.closed_by and not narrow else ""
        head.append(f"CLOSED{who}", style="bold red")
    else:
        head.append("open", style="green")
    if dock.pull:
        head.append(f" · {len(dock.pull)} to pull", style="bold red")
    if dock.earlier and not dock.closed:
        # Loaded before the warehouse's midnight: F10 closes this one, not today's.
        day = f"{dock.day:%d %b}" if narrow else f"{dock.day:%a %d %b}"
        rest = "F10 closes it first" if narrow else "F10 closes it, then today's"
        head.append(f"\n{day} still open: {rest}", style="bold yellow")
    if dock.unlabelled:
        n = len(dock.unlabelled)
        head.append(
            f"\n{plural(n, 'packed order')} {'has' if n == 1 else 'have'} no parcel: "
            f"{', '.join(dock.unlabelled[:3])}" + (" …" if n > 3 else ""),
            style="yellow",
        )
    return head


def list_titles(dock: DockStatus, narrow: bool) -> tuple[str, str]:
    """The waiting list's title and the loaded list's; narrow, each names F4's other list."""
    waiting = f"Packed, not loaded ({len(dock.waiting)})" + (" · F4 loaded" if narrow else "")
    gone = "Left with the driver" if dock.closed else "On the truck"
    loaded = f"{gone} ({len(dock.loaded)})" + (" · F4 waiting" if narrow else "")
    return waiting, loaded


def parcel_option(
    p: ParcelLine, narrow: bool, tz: tzinfo, *, pull: bool = False, loaded: bool = False
) -> Option:
    """One parcel's row; ``pull``: cancelled after packing, it must come off the truck."""
    t = Text()
    if pull:
        t.append(f"✗ {p.label} cancelled: take out", style="bold red")
    else:
        t.append(p.label, style="bold")
        t.append(f"  {_kg(p.weight_g)}")
    when = local_time(p.loaded_at if loaded else p.packed_at, tz)
    who = p.loaded_by if loaded else p.packed_by
    t.append(f"\n  {p.code}", style="dim")
    if not narrow:
        if p.sscc and p.tracking_number:
            t.append(f"  {p.tracking_number}", style="dim")
        t.append(f"\n  {'loaded' if loaded else 'packed'} {when} {who}", style="dim")
    return Option(t, id=f"parcel:{p.parcel_id}", disabled=True)


def close_question(pv: CloseOutPreview) -> tuple[str, Text]:
    """The close-out confirmation: its title and what leaves and what stays behind."""
    body = Text()
    body.append(
        f"{plural(len(pv.loaded), 'parcel')} · {plural(pv.orders, 'order')} · "
        f"{pv.weight_g / 1000:.1f} kg\n"
        "leave with the driver; their orders become DISPATCHED and the customers "
        "get a shipping e-mail.\n"
    )
    if pv.waiting:
        body.append(
            f"\n{plural(len(pv.waiting), 'packed parcel')} NOT loaded "
            f"{'stays' if len(pv.waiting) == 1 else 'stay'} for {pv.waits_for}:\n",
            style="bold red",
        )
        for p in pv.waiting[:40]:
            body.append(f"  {p.label}  {p.code}\n")
        if len(pv.waiting) > 40:
            body.append(f"  … and {len(pv.waiting) - 40} more\n")
    body.rstrip()
    return f"Close {pv.carrier_name}'s manifest {pv.manifest_number}?", body
