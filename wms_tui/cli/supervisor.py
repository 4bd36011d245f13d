"""A supervisor's ``--badge`` for the commands that change house rules.

Tracking ranges, return reasons, the grace period and the same-day cut-off are
a supervisor's decision: these commands take the operator behind ``--badge``
(or ``$WMS_BADGE``), the service checks the role, and the event log records
who made the change and from which terminal.

"""

from __future__ import annotations

from typing import Annotated

import typer

BadgeOption = Annotated[
    str | None,
    typer.Option(
        "--badge",
        "-b",
        help="Your badge, a supervisor's (default: $WMS_BADGE); the log records who did it.",
        show_default=False,
    ),
]
TerminalOption = Annotated[
    str | None,
    typer.Option("--terminal", "-t", help="Terminal/station code recorded in the log."),
]


def supervisor(store, badge: str | None, terminal: str | None):
    """The operator behind ``--badge`` or ``$WMS_BADGE``; one line and exit 2 if none.

    The role itself is checked by the service, so a badge without it is
    refused there with what it may not do. The store is closed on refusal.
    """
    import os

    from wms_tui.cli.common import default_terminal, fail
    from wms_tui.domain.errors import DomainError
    from wms_tui.services.core.auth import badge_actor

    try:
        return badge_actor(
            store, badge or os.environ.get("WMS_BADGE", ""), terminal or default_terminal()
        )
    except DomainError as exc:
        store.dispose()
        raise fail(str(exc), 2) from None
