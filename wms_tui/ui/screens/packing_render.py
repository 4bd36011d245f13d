"""How the pack station draws: the queue when no order is open, the order's head,
notes and lines (one Static per line, redrawn only when its text changed) and
the side panel (carton, parcels, checklist, what blocks the close), each Static
updated without a layout pass unless its height changes.

:class:`~wms_tui.ui.screens.packing.PackScreen` mixes this in and calls
``_render_start`` or ``_render_order`` with the :class:`PackView` the service
returned; nothing here calls a service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import DataTable, Static

from wms_tui.services.packing.view import BlockerKind, PackView
from wms_tui.ui.screens.packing_text import (
    NARROW_LINES,
    WIDE_LINES,
    columns_row,
    hang,
    line_text,
    rows_needed,
)

if TYPE_CHECKING:
    from wms_tui.ui.screens.packing import PackScreen


SIDE_WIDTH = 44  # the side panel's columns, its border and padding included


class PackRendering:
    """Mixed into PackScreen (see the module's docstring)."""

    def _set(self, wid: str, text: str | Text) -> None:
        """Update a Static, re-laying out the screen only when its height changes.

        A layout pass repaints every widget it moves, the lines table included:
        on a scan that costs more than the scan (see bench/bench_pack_scan.py).
        """
        old = self._shown.get(wid)
        if old == text:
            return
        try:
            widget = self.query_one(f"#{wid}", Static)
        except NoMatches:
            # A line row of an order whose rows are being (re)mounted: a scan
            # answered before they were is drawn by _remount_lines' refill.
            return
        self._shown[wid] = text
        width = max(1, widget.content_region.width)
        same_height = old is not None and rows_needed(old, width) == rows_needed(text, width)
        widget.update(text, layout=not (same_height and widget.region.height))

    def _render_start(self) -> None:
        queue = self.query_one("#pk-queue", DataTable)
        _show(self, queue=True)
        n = len(self.queue)
        self._set("pk-head", f"{self.actor.terminal}: {n} order{'s' if n != 1 else ''} waiting")
        notes = self.query_one("#pk-notes", Static)
        notes.remove_class("loud")
        cursor = queue.cursor_row
        queue.clear()
        for row in self.queue:
            mark = "▶" if row.here else " "
            cells = [f"{mark}{row.name}", str(row.units), row.totes or "–"]
            if self.wide:
                cells = [
                    f"{mark}{row.name}",
                    str(row.lines),
                    str(row.units),
                    row.totes or "–",
                    str(row.priority),
                    row.carrier,
                ]
            queue.add_row(*cells)
        if self.queue:
            queue.move_cursor(row=min(cursor, len(self.queue) - 1))
        self._set(
            "pk-prompt",
            "▶ Scan a tote or an order · Enter: highlighted order"
            if self.wide
            else "▶ Scan tote or order (Enter: row)",
        )
        self._set("pk-status", "F10 reprint · F11 take over · Esc menu")
        for wid in ("pk-box", "pk-parcels", "pk-check"):
            self._set(wid, "")
        self._set("pk-ready", "Open an order to start")

    def _render_order(self, view: PackView) -> None:
        _show(self, queue=False)
        head = f"{view.order_name} {view.units_packed}/{view.units_needed}"
        if self.wide:
            head = (
                f"{view.order_name} · {view.customer} · {view.ship_to} · {view.carrier} · "
                f"{view.units_packed}/{view.units_needed} units"
            )
        else:
            head += f" {view.customer}"
        self._set("pk-head", head)
        notes = self.query_one("#pk-notes", Static)
        loud = view.instructions
        if notes.has_class("loud") != bool(loud):
            notes.set_class(bool(loud), "loud")
        self._set("pk-notes", ("\n" if self.wide else " · ").join(f"⚠ {x}" for x in loud))
        cols = WIDE_LINES if self.wide else NARROW_LINES
        self._set("pk-lines-head", columns_row([title for title, *_ in cols], cols).plain)
        self._fill_lines(view, cols)
        self._scroll_to_line(view)
        self._render_side(view)
        if view.units_packed < view.units_needed:
            prompt = "Scan an item"
            if self.last_line:
                sku = view.line(self.last_line).sku
                prompt += f" or a count for {sku}" if self.wide else f" / count {sku}"
        elif view.ready:
            prompt = "Ready: F9 closes the parcel"
        else:
            prompt = view.blockers[0].text
        self._set("pk-prompt", f"▶ {prompt}")

    def _fill_lines(self, view: PackView, cols) -> None:  # noqa: ANN001
        """One Static per line; after a scan only the rows that changed are redrawn."""
        shape = (view.order_id, tuple(ln.line_no for ln in view.lines))
        if shape != self._lines_shape:
            self._lines_shape = shape
            self.call_later(self._remount_lines, *shape)
            return
        if self._mounted_shape != shape:
            return  # its rows are still being mounted; _remount_lines fills them
        wide = self.wide
        for ln in view.lines:
            current = ln.line_no == self.last_line
            wid = f"pk-line-{view.order_id}-{ln.line_no}"
            # A long order redraws only the rows a scan changed: skip building
            # the row's text when what it shows is the same as last time.
            shown = (ln, current, wide)
            if self._line_inputs.get(wid) == shown:
                continue
            self._line_inputs[wid] = shown
            self._set(wid, line_text(ln, cols, wide, current))

    async def _remount_lines(self, order_id: int, line_nos: tuple[int, ...]) -> None:
        self._mounted_shape = None
        box = self.query_one("#pk-lines-box", VerticalScroll)
        await box.remove_children()
        for key in [k for k in self._shown if k.startswith("pk-line-")]:
            del self._shown[key]
        self._line_inputs.clear()
        await box.mount_all(
            Static("", id=f"pk-line-{order_id}-{n}", classes="pk-line", markup=False)
            for n in line_nos
        )
        self._mounted_shape = (order_id, line_nos)
        self._refill_lines()

    def _refill_lines(self) -> None:
        if self.view is not None:
            self._fill_lines(self.view, WIDE_LINES if self.wide else NARROW_LINES)
            self._scroll_to_line(self.view)

    def _scroll_to_line(self, view: PackView) -> None:
        """Keep the line just scanned in view (long orders scroll)."""
        if self.last_line is None:
            return
        box = self.query_one("#pk-lines-box", VerticalScroll)
        row = next((i for i, ln in enumerate(view.lines) if ln.line_no == self.last_line), 0)
        top, height = int(box.scroll_y), box.size.height
        if height and not top <= row < top + height:
            box.scroll_to(y=max(0, row - height // 2), animate=False)

    def _render_side(self, view: PackView) -> None:
        parcel = view.parcels[-1] if view.parcels else None
        weight = "⚖ –"
        if parcel is not None and parcel.weight_g is not None:
            weight = f"⚖ {parcel.weight_g} g {'✓' if parcel.weight_ok else '✗'}"
        todo = sum(1 for i in view.inserts if not i.done)
        status = [
            f"📦 {parcel.carton_code or '?'}" if parcel else "📦 ?",
            weight,
            f"☐ {todo}" if todo else "☑",
        ]
        if len(view.parcels) > 1:
            status.insert(0, f"{len(view.parcels)} parcels")
        self._set("pk-status", "  ".join(status) + ("  ✓ F9" if view.ready else ""))
        if not self.wide:
            return
        box = view.suggestion
        if view.suggestion_plan:
            box += "\n" + "\n".join(view.suggestion_plan)
        width = self._side_width()
        self._set("pk-box", hang(box, width))
        parts = []
        for p in view.parcels:
            now = "▶" if p.seq == view.current_seq else " "
            how = "chosen" if p.carton_chosen else "suggested"
            carton = f"{p.carton_name} ({how})" if p.carton_code else "no carton"
            parts.append(f"{now}{p.seq} {carton}, {p.units} unit{'s' if p.units != 1 else ''}")
            if p.contents:
                # "2× SKU" wraps as one word (no-break space).
                parts.append("   " + p.contents.replace("× ", "×\u00a0"))
            parts.append(f"   ⚖ {p.weight_text}")
            if p.fit_problem:
                parts.append(f"   ✗ {p.fit_problem}")
        self._set("pk-parcels", hang("\n".join(parts), width))
        checklist = "\n".join(f"{'☑' if i.done else '☐'} {i.n} {i.label}" for i in view.inserts)
        self._set("pk-check", hang(checklist, width) or "nothing to add")
        # The unit count is in the header already; leaving it out here keeps
        # this block unchanged (and undrawn) while the packer scans.
        todo = [
            "Scan the remaining units" if b.kind is BlockerKind.UNITS_TO_SCAN else b.text
            for b in view.blockers
        ]
        ready = "✓ Ready: F9 closes the parcel" if view.ready else "\n".join(f"• {b}" for b in todo)
        self._set("pk-ready", hang(ready, width))

    def _side_width(self) -> int:
        """Cells a side-panel row has; before the first layout, the CSS width."""
        width = self.query_one("#pk-side").content_region.width
        return width if width > 0 else SIDE_WIDTH - 3


def _show(screen: PackScreen, *, queue: bool) -> None:
    """The queue (no order open) or the order's lines; ``display`` only when it changes."""
    for wid, visible in (
        ("#pk-queue", queue),
        ("#pk-lines-head", not queue),
        ("#pk-lines-box", not queue),
    ):
        widget = screen.query_one(wid)
        # Setting ``display``, even to its value, restyles and re-lays out.
        if widget.display != visible:
            widget.display = visible
