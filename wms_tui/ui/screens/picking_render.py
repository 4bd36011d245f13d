"""How the pick screen draws: the card of the stop (the bin or tote in big digits
where they fit, the SKU, name and options, the count), the prompt, the end of
a task, and at 120 columns the side panel's stops and the cart's totes.

:class:`~wms_tui.ui.screens.picking.PickScreen` mixes this in and calls
``render_view`` after every answer of the picking service; nothing here calls a
service.
"""

from __future__ import annotations

from textual.widgets import Digits, Static

from wms_tui.domain.text import plural
from wms_tui.services.picking.walk import Completion, Stage, StopInfo, TaskView
from wms_tui.ui.widgets.card_digits import big_text_fits
from wms_tui.ui.widgets.fixed_table import SteadyTable
from wms_tui.ui.widgets.steady import update_text

# Widths fit the content (None), as the stops and the cart vary in length.
STOP_COLUMNS = [(label, None) for label in ("#", "Bin", "SKU", "Qty", "Got", "Tote", "Order", "")]
TOTE_COLUMNS = [(label, None) for label in ("Slot", "Tote", "Order", "Status", "Got", "Bin short")]
# The card's lines whose height picking.tcss fixes: new text never changes the layout.
_FIXED_LINES = frozenset({"pick-head", "pick-big-text", "pick-sku", "pick-name", "pick-opts"})


class PickRendering:
    """Mixed into PickScreen (see the module's docstring)."""

    def _set(self, wid: str, text: str) -> None:
        # A scan rewrote every line of the card, each a layout pass of the whole
        # screen: now only lines whose text changed, and without a layout where the
        # line's height is fixed (picking.tcss) or cannot change (update_text).
        widget = self.query_one(f"#{wid}", Static)
        if getattr(widget, "_steady_text", None) == text:
            return
        if wid in _FIXED_LINES:
            widget._steady_text = text  # type: ignore[attr-defined]
            widget.update(text, layout=False)
        else:
            update_text(widget, text)

    def _big(self, text: str) -> None:
        digits = self.query_one("#pick-big", Digits)
        plain = self.query_one("#pick-big-text", Static)
        fits = big_text_fits(text) and len(text) * 3 <= 44
        if digits.display != fits:
            digits.display = fits
            plain.display = not fits
        digits.update(text if fits else "")
        self._set("pick-big-text", " ".join(text) if not fits else "")

    def render_view(self) -> None:
        view = self.view
        if self.finished is not None:
            self._render_finished(self.finished)
        elif view is None:
            self._set("pick-head", "No task")
            self._big("")
            self._set("pick-sku", "No pick tasks waiting.")
            self._set("pick-name", "Ask a supervisor to build a wave,")
            self._set("pick-opts", "then press Enter.")
            self._set("pick-info", "")
        elif view.stop is None:
            self._set("pick-head", view.code)
            self._big("")
            for wid in ("pick-sku", "pick-name", "pick-opts", "pick-info"):
                self._set(wid, "")
        else:
            self._render_stop(view, view.stop)
        self.render_prompt()
        self._render_side()

    def _render_stop(self, view: TaskView, stop: StopInfo) -> None:
        again = " (again)" if stop.skipped else ""
        self._set(
            "pick-head",
            f"{view.code}  stop {view.progress}{again}  → tote {stop.slot}",
        )
        if stop.stage is Stage.TOTE:
            self._big(str(stop.slot))
            self._set("pick-sku", f"Put {stop.picked} × {stop.sku}")
            self._set("pick-name", f"in tote {stop.slot}: {stop.tote}")
            self._set("pick-opts", f"order {stop.order}")
        else:
            self._big(stop.bin)
            qty = f"× {stop.remaining}" if not stop.picked else f"× {stop.remaining} more"
            self._set("pick-sku", f"{stop.sku}  {qty}")
            self._set("pick-name", stop.name)
            self._set("pick-opts", stop.options)
        if self.intro:
            self._set(
                "pick-info",
                f"Cart: {_tote_span(view)} · {plural(view.stops_total, 'stop')} · "
                f"{view.route_length_m:.0f} m → {view.pack_station}",
            )
        else:
            self._set("pick-info", f"tote {stop.slot} {stop.tote} · {stop.order}")

    def _render_finished(self, done: Completion) -> None:
        self._set("pick-head", f"{done.task}  done")
        pack = done.to_pack
        if pack:
            self._big(done.pack_station)
            n = len(pack)
            self._set("pick-sku", f"Bring {plural(n, 'tote')} to {done.pack_station}")
        else:
            self._big("")
            self._set("pick-sku", "Nothing to pack")
        sup = done.to_supervisor
        self._set(
            "pick-name",
            ("To supervisor: " + ", ".join(f"{t.code} {t.order}" for t in sup)) if sup else "",
        )
        self._set("pick-opts", "")
        self._set("pick-info", " ".join(t.code for t in pack))

    def render_prompt(self) -> None:
        view = self.view
        if self.finished is not None:
            text = "Enter: next task · Esc: menu"
        elif view is None:
            text = "Enter: look for a task"
        elif view.stop is None:
            text = "Task complete"
        else:
            stop = view.stop
            if stop.stage is Stage.TOTE:
                text = f"Scan tote {stop.tote}"
            elif self.at_bin != stop.bin:
                text = f"Scan bin {stop.bin}"
            elif self.count:
                text = f"Count {self.count}: scan {stop.sku}"
            else:
                text = f"Scan {stop.sku} or type a count"
        self.prompt(text)

    def _render_side(self) -> None:
        if not self.wide:
            return
        # A scan changes a row or two: fill() repaints only those (and refills the table
        # when a column would change width, or the stops are another task's).
        stops = self.query_one("#pick-stops", SteadyTable)
        totes = self.query_one("#pick-totes", SteadyTable)
        view = self.view
        if view is None:
            stops.fill(STOP_COLUMNS, [])
            totes.fill(TOTE_COLUMNS, [])
            return
        current = view.stop.line_id if view.stop else None
        rows = []
        for i, s in enumerate(view.stops, start=1):
            if s.stopped:
                state = "on hold"
            elif s.line_id == current:
                state = "◀ now"
            elif s.done and s.short:
                state = f"short {s.short}"
            elif s.done:
                state = "✓"
            elif s.skipped:
                state = "skipped"
            else:
                state = ""
            cells = (str(i), s.bin, s.sku, str(s.qty), str(s.picked), f"{s.slot} {s.tote}",
                     s.order, state)  # fmt: skip
            rows.append((str(s.line_id), cells))
        stops.fill(STOP_COLUMNS, rows)
        if current is not None:
            stops.move_cursor(row=stops.get_row_index(str(current)))
        totes.fill(
            TOTE_COLUMNS,
            [
                (
                    str(t.slot),
                    (
                        str(t.slot),
                        t.code,
                        t.order,
                        t.order_status.lower().replace("_", " "),
                        f"{t.picked}/{t.units}",
                        str(t.short or ""),
                    ),
                )  # fmt: skip
                for t in view.totes
            ],
        )
        self._set("pick-totes-title", f"Cart · bring to {view.pack_station}")
        self._set(
            "pick-side-title",
            f"Stops of {view.code} · {view.units_picked}/{view.units_total} units · "
            f"{view.route_length_m:.0f} m · to {view.pack_station}",
        )


def _tote_span(view: TaskView) -> str:
    codes = [t.code for t in view.totes]
    if len(codes) <= 2:
        return " ".join(codes)
    return f"{len(codes)} totes {codes[0]}…{codes[-1]}"
