"""After a login: offer the pick task or pack order this operator left open.

Wherever it was left (another handheld whose connection dropped, a pack
station), Enter takes it up on this terminal; Esc leaves it where it is and
shows the menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wms_tui.ui.widgets.dialogs import AskConfirm

if TYPE_CHECKING:
    from wms_tui.ui.screens.home import HomeScreen

SCREEN_FOR = {"pick": "picking", "pack": "packing"}


def offer_open_work(home: HomeScreen) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from wms_tui.domain.errors import DomainError
    from wms_tui.services.session.resume import open_work, take_pack_order_here

    app = home.wms
    store, actor = app.store, app.actor
    if store is None or actor is None:
        return
    try:
        work = open_work(store, actor)
    except (DomainError, SQLAlchemyError):
        return  # the menu works without the offer; the screens find the work too
    if work is None:
        return
    entry = next((e for e in home.entries if e.id == SCREEN_FOR[work.kind]), None)
    if entry is None:
        return

    def answered(yes: bool | None) -> None:
        if not yes or app.actor is not actor:
            return
        if work.kind == "pack" and not work.here:
            try:
                take_pack_order_here(store, actor, work.code)
            except DomainError as exc:
                app.bell()
                app.notify(str(exc), severity="error", timeout=5)
                return
        home.open_entry(entry)

    app.push_screen(
        AskConfirm(
            work.question, [*work.details, work.later], hint="Enter/y: go on · Esc/n: later"
        ),
        answered,
    )
