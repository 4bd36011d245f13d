"""Order names as people type them: ``#D1042``, ``D1042``, ``d1042`` and ``#d1042``
are one order.

Names are stored as the shop wrote them (``#1042``, ``#D1042``, ``#1042-B1``).
``=`` is case-sensitive on both backends and ``LIKE`` is on PostgreSQL, so a
lookup that works on a laptop's SQLite would miss ``d1042`` on the server.
:func:`find` tries the forms a name is usually stored in first, so the unique
index on ``Order.name`` answers, and compares upper-cased only when they miss.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from wms_tui.domain.models import Order


def forms(text: str) -> list[str]:
    """What ``text`` may be stored as, most likely first: as typed, upper case,
    each with the ``#`` a shop puts in front of its numbers."""
    text = text.strip()
    if not text:
        return []
    out = [text, text.upper()]
    if not text.startswith("#"):
        out += [f"#{text}", f"#{text.upper()}"]
    return list(dict.fromkeys(out))


@cache
def _by_names():
    # Built once: a pack station asks with every order it opens.
    return select(Order).where(col(Order.name).in_(bindparam("names", expanding=True)))


def find(session: Session, text: str, *, mixed_case: bool = True) -> Order | None:
    """The order named ``text``, ignoring case and a missing ``#``; None if there is none.

    ``mixed_case=False`` skips the upper-cased scan of the whole table (names
    like ``#Web77`` typed ``web77``): for a lookup on a hot path, such as a
    pack-station scan that turned out to be no product.
    """
    candidates = forms(text)
    if not candidates:
        return None
    rows = session.exec(_by_names(), params={"names": list(candidates)}).all()
    if not rows and mixed_case:
        # Only now a scan of the table: upper() cannot use the index on name.
        # SQLite's upper() folds ASCII only, which order numbers are.
        upper = list(dict.fromkeys(c.upper() for c in candidates))
        rows = session.exec(
            select(Order).where(func.upper(Order.name).in_(upper)).order_by(col(Order.id))
        ).all()
        return rows[0] if rows else None
    if not rows:
        return None
    return min(rows, key=lambda o: candidates.index(o.name))


def starts_with(text: str) -> ColumnElement[bool]:
    """Orders whose name starts with ``text`` (``#`` added if missing), ignoring case."""
    text = text.strip()
    prefix = text if text.startswith("#") else f"#{text}"
    return func.upper(Order.name).startswith(prefix.upper(), autoescape=True)
