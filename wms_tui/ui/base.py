"""What every screen shares (the operator bar, the footer, the store), and what
every screen worked with a scanner shares on top (the scan panel, the width)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.screen import Screen

from wms_tui.ui.partial_redraw import PartialCompositor
from wms_tui.ui.widgets.fitting_footer import FittingFooter
from wms_tui.ui.widgets.operator_bar import OperatorBar
from wms_tui.ui.widgets.scan_panel import ScanPanel
from wms_tui.ui.wms_app import wms_app

if TYPE_CHECKING:
    from wms_tui.domain.actor import Actor
    from wms_tui.store import Store
    from wms_tui.ui.app import WmsApp
    from wms_tui.ui.widgets.steady import SteadyFeedback, SteadyScanInput


class WmsScreen(Screen):
    """Base for screens opened from the home menu.

    Subclasses implement ``compose_body``; they talk to services with
    ``self.store`` and ``self.actor`` and never open sessions themselves.
    """

    TITLE_TEXT = "wms"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
    ]
    # From WIDE columns a screen has the ``wide`` class (Textual's breakpoints
    # set it on every resize); ``width_changed`` runs when a resize crosses it.
    WIDE: ClassVar[int] = 100
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "narrow"), (100, "wide")]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.HORIZONTAL_BREAKPOINTS = [(0, "narrow"), (cls.WIDE, "wide")]

    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name, id, classes)
        self._drawn_wide: bool | None = None
        # A scan's update draws only the widgets it changed (see partial_redraw).
        self._compositor = PartialCompositor()
        # The width and the ``wide`` class what ``fit_width`` sizes was last sized for.
        self._fitted: tuple[int, bool] | None = None

    @property
    def wms(self) -> WmsApp:
        return wms_app(self)

    @property
    def store(self) -> Store:
        return self.wms.store

    @property
    def actor(self) -> Actor:
        actor = self.wms.actor
        assert actor is not None, "screen opened without a logged-in operator"
        return actor

    def compose(self) -> ComposeResult:
        # Set before the first render (breakpoints apply on the first resize).
        wide = self.app.size.width >= self.WIDE
        self.set_class(wide, "wide")
        self.set_class(not wide, "narrow")
        self._drawn_wide = wide
        yield OperatorBar(self.TITLE_TEXT)
        yield from self.compose_body()
        yield FittingFooter()

    def on_resize(self, event: Resize) -> None:
        # Textual's breakpoints have already set the class for this size.
        if self.wide != self._drawn_wide:
            self._drawn_wide = self.wide
            self.width_changed()
        # A new size's first Resize can come before the breakpoints' classes change (the
        # layout's Resize follows with them): what depends on both is sized again then.
        if (event.size.width, self.wide) != self._fitted:
            self._fitted = (event.size.width, self.wide)
            self.fit_width(event.size.width)

    def width_changed(self) -> None:
        """The screen crossed ``WIDE``: redraw what depends on the width."""

    def fit_width(self, width: int) -> None:
        """The screen is now ``width`` columns wide: size what must fill it exactly.

        Breakpoints switch a layout at set widths and ``.tcss`` shares a row out in
        fractions, but a table column's width and a bar drawn as text are counts of
        cells set in code: a table whose last column takes what the others leave, a
        bar as long as the panel. Screens with such parts size them here; one that
        sizes them on mount says so with ``fitted_to``. The rest is breakpoints and
        classes.
        """

    def fitted_to(self, width: int) -> None:
        """What ``fit_width`` sizes was just sized to ``width`` (and this ``wide`` class)."""
        self._fitted = (width, self.wide)

    @property
    def wide(self) -> bool:
        return self.has_class("wide")

    def compose_body(self) -> ComposeResult:
        yield from ()

    def action_back(self) -> None:
        self.dismiss()


class FloorScreen(WmsScreen):
    """A screen worked with a scanner: one :class:`ScanPanel`, and a wide layout.

    ``compose_body`` yields the panel where the screen wants it. From ``WIDE``
    columns the screen has the ``wide`` class (set before the first render, so
    ``on_mount`` already knows); ``width_changed`` runs when a resize crosses it.
    """

    # The scan field has focus from the first frame: keys held while the screen came
    # up (ui/scan_keys.py) went to the first focusable widget, a list, and were lost.
    AUTO_FOCUS = "ScanPanel > SteadyScanInput"

    @property
    def scan_panel(self) -> ScanPanel:
        panel = getattr(self, "_scan_panel", None)
        if panel is None:
            panel = self._scan_panel = self.query_one(ScanPanel)
        return panel

    @property
    def scan_field(self) -> SteadyScanInput:
        return self.scan_panel.field

    @property
    def feedback(self) -> SteadyFeedback:
        return self.scan_panel.feedback

    def prompt(self, text: str) -> None:
        self.scan_panel.prompt(text)

    def focus_scan(self) -> None:
        self.scan_field.focus()
