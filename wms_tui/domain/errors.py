"""Errors a floor worker reads.

Every message is one line in plain words, because it is shown on a 40-column
handheld next to a ringing bell: say what is wrong and, where possible, what
to do instead.
"""

from __future__ import annotations

MAX_MESSAGE = 300


class DomainError(Exception):
    """A business rule refused the request; nothing was changed.

    The message is made safe once, here, for every screen, command and log
    that shows it: one line, control and bidi characters from what was typed
    written as escapes, and at most :data:`MAX_MESSAGE` characters, however
    long the scanned text it quotes.
    """

    def __init__(self, message: str) -> None:
        from wms_tui.domain.shown import printable

        safe = printable(message.replace("\n", " "))
        if len(safe) > MAX_MESSAGE:
            safe = safe[: MAX_MESSAGE - 1] + "…"
        super().__init__(safe)
        self.message = safe

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """A scanned or typed code matches nothing."""


class WrongScan(DomainError):
    """A scan refused as the wrong thing for the work in hand: an item not in the
    order, one too many, an unknown barcode, the wrong bin or tote.

    Like every refusal it changes nothing; afterwards the service puts it on the
    record in a unit of work of its own (``pack.refused``, ``pick.refused``), so
    accuracy can count the wrong scans a station caught, not only the ones
    that got through. ``sku`` is the scanned product's, when it is one.
    """

    def __init__(self, message: str, *, sku: str = "", order_id: int | None = None) -> None:
        super().__init__(message)
        self.sku = sku
        self.order_id = order_id  # the order the scan was for, when the raiser knows it


class UnknownCode(WrongScan, NotFound):
    """A scanned code that matches nothing: a wrong scan, and not found."""


class PermissionDenied(DomainError):
    """The operator's roles do not allow this action."""


class BadInput(DomainError):
    """A value sent does not fit (the message names the field): the API answers 422,
    not the 409 of a rule that refused a well-formed request."""


class Conflict(DomainError):
    """Someone else got there first (task claimed, order open elsewhere)."""

    def __init__(self, message: str, *, order_name: str = "") -> None:
        super().__init__(message)
        self.order_name = order_name  # the order concerned, when the raiser knows it


class TakenOver(Conflict):
    """The order this station had open was taken over at another station."""


class StoreError(Exception):
    """The store cannot be opened or is of an unknown schema version."""


class StoreReplaced(DomainError):
    """The store this terminal opened was replaced under it (a reset, a restore).

    A DomainError so every screen shows it in its one error line: a write is
    refused rather than sent to a deleted file or into another store.
    """


class StoreBusy(StoreError, Conflict):
    """A transaction kept losing to other terminals (deadlock, serialization,
    a locked SQLite file) after its retries; nothing was changed.

    A ``Conflict`` as well, so every screen that shows a refused scan shows
    this one the same way instead of dying on it.
    """
