"""A footer that shows whole keys only.

Textual's footer cuts the last key that does not fit mid-word ("f7 A" on a
40-column handheld), which tells nobody anything. This one leaves out the keys
that do not fit whole, last ones first: a screen lists its bindings in the
order a worker needs them. A key left out of the footer still works.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer


def key_width(key: Widget) -> int | None:
    """Columns of a compact footer key ("f3" + " " + "Count"); None if not a key."""
    shown = getattr(key, "key_display", None)
    if shown is None:
        return None
    description = getattr(key, "description", "")
    return cell_len(shown) + (1 + cell_len(description) if description else 0)


def shown_keys(screen: Screen) -> tuple[object, ...]:
    """What a footer shows of ``screen``'s bindings: key, label, action, enabled, tip."""
    return tuple(
        (binding.key, binding.description, binding.action, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class FittingFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)
        self._width = 0
        self._keys: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        # Textual recomposes the footer whenever a screen refreshes its bindings, and
        # a floor screen does after every scan: remounting a dozen keys cost a scan more
        # than its database work. Only recompose when what the footer shows changed.
        if screen is self.screen and self.is_attached and screen.app.app_focus:
            keys = shown_keys(screen)
            if self._bindings_ready and keys == self._keys:
                return
            self._keys = keys
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        room = self.size.width or self.app.size.width
        used = 0
        for widget in super().compose():
            width = key_width(widget)
            if width is not None:
                if used + width > room:
                    continue  # a shorter key further on may still fit
                used += width + 1  # compact keys are one column apart
            yield widget

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.call_after_refresh(self.recompose)
