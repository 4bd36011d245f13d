"""Number series taken atomically: wave codes, blind receipt references.

"Read the highest number, insert the next" lets two terminals read the same
highest number; on PostgreSQL the second one's insert then fails on the unique
code (4 receivers starting blind receipts at once: 30 of 40 crashed). A
counter row is bumped with one ``UPDATE … RETURNING`` instead: the second
terminal waits on the first one's row lock and gets the next number.

The row lock is held until the transaction ends, so a use case takes its
number *last* among its locks (nothing else is locked after a counter; see
"Lock order" in docs/architecture.md) — except wave building, which takes the
wave counter *first* on purpose so that two supervisors building waves at
once build them one after the other (the second sees the first one's totes
and orders taken).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from wms_tui.domain.models import Counter
from wms_tui.store import UnitOfWork


def next_value(uow: UnitOfWork, name: str, *, start: Callable[[], int] = lambda: 0) -> int:
    """The next number of series ``name`` (1 for a new series).

    ``start()`` is the highest number already used before the series had a
    counter (a store older than counters, or numbers made elsewhere): it is
    asked only when the counter row does not exist yet.
    """
    bumped = _bump(uow, name)
    if bumped is not None:
        return bumped
    s = uow.session
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    # Two terminals creating the series at once: the second waits for the
    # first's insert and inserts nothing; both then bump the one row.
    s.execute(
        dialect.insert(Counter)
        .values(name=name, value=start())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    bumped = _bump(uow, name)
    assert bumped is not None  # inserted above or by the terminal we waited for
    return bumped


def _bump(uow: UnitOfWork, name: str) -> int | None:
    return uow.session.execute(
        update(Counter)
        .where(Counter.name == name)  # type: ignore[arg-type]
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one_or_none()
