"""Bringing a thread worker's answer back to its screen, only while it still fits.

Screens read the store in thread workers so a slow query never freezes the
floor. The answer comes back later, and two things may have happened meanwhile:

- **A newer read started.** ``exclusive=True`` cancels the older worker, but a
  thread cannot be stopped: it finishes and hands over what it read *before* the
  newer one. Drawn after the newer answer, it put stale rows back on screen (the
  exceptions inbox showed an exception that had just closed, until the next
  30 s refresh; CI caught it). Reads pass ``latest_only=True`` and such an answer
  is dropped. Actions (a close, a print) do not: their outcome is news even when
  another action followed.
- **The screen left.** After Escape the screen is detached, or still attached
  while Textual prunes its widgets: a ``query_one`` then raised ``NoMatches`` and
  killed the app (the hand-over screen in the menu fuzz at 40x16). The answer is
  dropped; the work it reports is in the store and the next screen reads it.

Everything that touches a widget runs inside the callback, on the app's thread,
after these checks: never evaluate ``self.feedback`` or ``query_one`` in the
worker itself.
"""

from __future__ import annotations

from collections.abc import Callable

from textual._context import NoActiveAppError
from textual.dom import DOMNode
from textual.worker import get_current_worker


def receiving(node: DOMNode) -> bool:
    """True while ``node`` is in the app's DOM and not being taken out of it."""
    # Textual marks nodes it is removing with _closing/_pruning before they leave
    # the DOM; there is no public flag for "being removed" (textual 8).
    return node.is_attached and not (node._closing or node._closed or node._pruning)


def answer(
    node: DOMNode,
    callback: Callable[..., object],
    *args: object,
    latest_only: bool = False,
) -> None:
    """From a thread worker: run ``callback(*args)`` on the app's thread if the
    answer still fits (see the module's docstring); otherwise drop it."""
    worker = get_current_worker()

    def deliver() -> None:
        if latest_only and worker.is_cancelled:
            return
        if receiving(node):
            callback(*args)

    try:
        # Off the app's thread a node finds its app through its parents: one that
        # has left the DOM has none. Its answer has nowhere to go.
        app = node.app
    except NoActiveAppError:
        return
    app.call_from_thread(deliver)


def tell(screen: DOMNode, text: str, *, ok: bool = False, latest_only: bool = False) -> None:
    """From a thread worker: ``text`` on the screen's feedback line, as a refusal (✗ and
    the bell) or with ``ok`` as a success, if the answer still fits.

    The screen's ``feedback`` is looked up in the callback: evaluated in the worker it
    queries a screen that may be leaving (NoMatches)."""

    def show(message: str) -> None:
        feedback = screen.feedback  # type: ignore[attr-defined]
        (feedback.ok if ok else feedback.error)(message)

    answer(screen, show, text, latest_only=latest_only)
