"""How a store says ``wms demo`` built it, and what its login screen tells a newcomer.

Apart from :mod:`build` so that a terminal opening a store reads the mark without
importing the demo's builder (the history replay, the walk, the setup loader).
"""

from __future__ import annotations

from sqlalchemy import inspect

from wms_tui.domain.models import StoreMark
from wms_tui.store import Store

ORIGIN, DEMO = "origin", "demo"

# The demo's operators.csv gives these badges their roles and the builder their
# PINs; the README's badge table lists them all. Two lines of at most 32
# characters: the login box is that wide on a 40-column handheld.
DEMO_LOGIN_HINT = "Demo: S9999 PIN 9999 (all roles)\nK2001 packer · P1001 picker"


def is_demo_store(store: Store) -> bool:
    """Built by ``wms demo`` (marked so in ``store_mark`` when it was built)."""
    with store.engine.connect() as conn:
        if not inspect(conn).has_table("store_mark"):
            return False
    with store.read() as s:
        mark = s.get(StoreMark, ORIGIN)
        return mark is not None and mark.value == DEMO


def login_hint(store: Store) -> str | None:
    """Badges to try, on the demo store only: a real warehouse's login says nothing
    about who may log in. The store is open, so its schema is current and has the
    mark's table (unlike :func:`is_demo_store`, which also reads old files)."""
    with store.read() as s:
        mark = s.get(StoreMark, ORIGIN)
        demo = mark is not None and mark.value == DEMO
    return DEMO_LOGIN_HINT if demo else None
