"""The one-line message under every scan field."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.css.scalar import Unit
from textual.widgets import Static


class Feedback(Static):
    """Shows the result of the last action: ok, error (with bell) or info.

    Errors carry a ✗ and successes a ✓ so the meaning does not rest on colour.
    A message longer than the rows the line has ends in "…" on its last row
    (Textual cuts the rows below silently: a hold lifted at 40×16 read
    "… (need 2, have" and stopped).
    """

    DEFAULT_CLASSES = "feedback"

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - Static's own
        # Plain text: messages quote what was typed or scanned, and as markup a
        # filter of "[/]" killed the app (MarkupError) and "[red]x" read "x".
        kwargs.setdefault("markup", False)
        super().__init__(*args, **kwargs)
        self._said: str | None = None  # the whole message, shown or not

    def ok(self, message: str) -> None:
        self._show("ok", f"✓ {message}")

    def error(self, message: str) -> None:
        self.app.bell()
        self._show("error", f"✗ {message}")

    def info(self, message: str) -> None:
        self._show("info", message)

    def clear(self) -> None:
        self._show("info", "")

    def _show(self, kind: str, text: str) -> None:
        self._set_kind(kind)
        self._said = text
        self.update(self._fitted(text))

    def _set_kind(self, kind: str) -> None:
        self.remove_class("ok", "error", "info")
        self.add_class(kind)

    def on_resize(self, event: events.Resize) -> None:
        if self._said:
            self.update(self._fitted(self._said))

    def _fitted(self, text: str) -> str | Content:
        """``text``, or as much as fits the line's rows, its last row ending in "…"."""
        rows, width = self._rows(), self.content_size.width
        if not text or rows is None or rows < 1 or width < 2:
            return text
        content = Content.from_markup(text) if self._render_markup else Content(text)
        lines = content.wrap(width)
        if len(lines) <= rows:
            return text
        kept = lines[:rows]
        kept[-1] = kept[-1].rstrip().truncate(width - 1) + "…"
        return Content("\n").join(kept)

    def _rows(self) -> int | None:
        """The rows this line may take (its fixed height, else its max-height), or None."""
        styles = self.styles
        for scalar in (styles.height, styles.max_height):
            if scalar is not None and scalar.unit is Unit.CELLS:
                return int(scalar.value) - styles.gutter.height
        return None

    @property
    def text(self) -> str:
        """What the line says, all of it (drawn or not)."""
        return self._said if self._said is not None else str(self.render())
