"""The running app as the :class:`~wms_tui.ui.app.WmsApp` it is.

Textual types ``self.app`` as a plain ``App``; screens and widgets that read the
operator, the store or the terminal go through here, the one place that says
which app they run in, instead of a ``type: ignore`` at every read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from wms_tui.ui.app import WmsApp


def wms_app(node: MessagePump) -> WmsApp:
    """The app ``node`` runs in (screens and widgets of this package run in no other)."""
    return cast("WmsApp", node.app)
