"""Who runs a command that changes the store: ``--badge`` and ``--pin``.

Every such command acts as an operator: the one behind ``--badge`` (or
``$WMS_BADGE``), authenticated by ``--pin`` (or ``$WMS_PIN``, or a hidden
prompt when a person is at the keyboard). The service checks the role, and
the event log records who did it and from which terminal. A cron feed runs
as a *service account*: an operator row of its own (a badge such as
``CRON-SHOP``, the roles its job needs, a PIN kept in the cron job's
environment), so the log names the feed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

BadgeOption = Annotated[
    str | None,
    typer.Option(
        "--badge",
        "-b",
        help="Your badge (default: $WMS_BADGE); the log records who did it.",
        show_default=False,
    ),
]
PinOption = Annotated[
    str | None,
    typer.Option(
        "--pin",
        help="Your PIN (default: $WMS_PIN; asked for when typed at a terminal).",
        show_default=False,
    ),
]
TerminalOption = Annotated[
    str | None,
    typer.Option("--terminal", "-t", help="Terminal/station code recorded in the log."),
]


def credential(badge: str | None, pin: str | None):
    """Badge and PIN from the options, the environment, or (PIN only) a prompt."""
    from wms_tui.cli.common import fail
    from wms_tui.domain.credentials import Credential

    badge = badge or os.environ.get("WMS_BADGE", "")
    if not badge.strip():
        raise fail("Say who you are: --badge (or $WMS_BADGE) and --pin (or $WMS_PIN)", 2)
    pin = pin or os.environ.get("WMS_PIN", "")
    if not pin and sys.stdin.isatty():
        pin = typer.prompt("PIN", hide_input=True, default="", show_default=False)
    return Credential(badge, pin)


def operator(store, badge: str | None, terminal: str | None, pin: str | None = None):
    """The authenticated operator running the command; one line and exit 2 if not.

    The role itself is checked by the service, so a badge without it is
    refused there with what it may not do. The store is closed on refusal.
    """
    from wms_tui.cli.common import default_terminal, fail
    from wms_tui.domain.errors import DomainError
    from wms_tui.services.core.pins import authenticate

    try:
        cred = credential(badge, pin)
        return authenticate(store, cred, terminal or default_terminal(), pin_required=True)
    except DomainError as exc:
        store.dispose()
        raise fail(str(exc), 2) from None
    except typer.Exit:
        store.dispose()
        raise


# The name the commands doing a supervisor's job have always used.
supervisor = operator


@contextmanager
def acting(
    db: str | None,
    badge: str | None,
    terminal: str | None,
    pin: str | None = None,
    *,
    also: tuple[type[Exception], ...] = (),
) -> Iterator:
    """``with acting(db, badge, terminal, pin) as (store, actor):`` -- the one way a
    command opens the store, authenticates who runs it and runs its use case.

    A store that cannot be opened is one line and exit 1; a refused badge or
    PIN, or a refusal of the use case (or one of ``also``), one line and exit 2.
    The store is let go however the block ends.
    """
    from wms_tui.cli.common import open_store_or_fail, use_case

    store = open_store_or_fail(db)
    actor = operator(store, badge, terminal, pin)
    with use_case(store, also=also):
        yield store, actor
