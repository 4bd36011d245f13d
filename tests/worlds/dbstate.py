"""Whole-database snapshots, to prove that a refused action changed nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import inspect, select
from sqlmodel import SQLModel

from wms_tui.domain.enums import EventKind
from wms_tui.domain.errors import DomainError
from wms_tui.store import Store

RECORDED_REFUSALS = (EventKind.AUTH_FAILED, EventKind.PACK_REFUSED, EventKind.PICK_REFUSED)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order (failed log-ins left out)."""
    import wms_tui.domain.models  # noqa: F401  (registers the tables)

    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        # A database at an older revision lacks the newer tables and columns: compare
        # what it has.
        db = inspect(conn)
        present = set(db.get_table_names())
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in present:
                continue
            has = {c["name"] for c in db.get_columns(table.name)}
            stmt = select(*(c for c in table.columns if c.name in has)).order_by(
                *table.primary_key.columns
            )
            if table.name == "event":
                # A failed log-in is logged even though it is refused: that
                # is what makes guessing visible (services/core/pins.py). A
                # wrong scan is put on the record after its refusal rolled back,
                # for accuracy (events.record_refusal); tests/services/insight/
                # test_refused_scans.py checks those records.
                stmt = stmt.where(table.c.kind.not_in(RECORDED_REFUSALS))
            out[table.name] = [tuple(r) for r in conn.execute(stmt)]
    return out


def refused(store: Store, call: Callable[[], object], exc=DomainError, match: str = "") -> str:
    """``call`` raises ``exc`` (message matching) and changes nothing at all."""
    before = snapshot(store)
    with pytest.raises(exc) as info:
        call()
    assert snapshot(store) == before
    assert match in str(info.value), str(info.value)
    assert "\n" not in str(info.value)
    return str(info.value)
