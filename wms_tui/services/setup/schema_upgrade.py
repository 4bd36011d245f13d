"""Bringing an existing database up to this version's schema (``wms db upgrade``).

Terminals never do this on their own (``Store.check_schema`` refuses an older
database with the command to run): on a shared database the operator decides
when the schema changes. The demo's local SQLite file is the one exception,
see ``services.demo.create_demo``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from wms_tui.domain.errors import StoreError
from wms_tui.store import KNOWN_REVISIONS, SCHEMA_REVISION, Store
from wms_tui.store.urls import hide_password, shown_url


@dataclass(frozen=True)
class Upgraded:
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def upgrade_database(url: str) -> Upgraded:
    """Run the migrations from the database's revision to this code's.

    An empty database (nothing to upgrade: ``wms init``) and one newer than
    this code are refused with one line and left as they are.
    """
    from wms_tui.migrations import upgrade

    store = Store(url)
    try:
        store.refuse_missing_file()
        before = store.schema_revision()
        if before is None:
            raise StoreError(f"Database {shown_url(url)} is empty: run `wms init` or `wms demo`")
        if before not in KNOWN_REVISIONS:
            store.check_schema()  # raises the "newer than this wms" line
    finally:
        store.dispose()
    try:
        upgrade(url)
    except SQLAlchemyError as exc:
        first = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        first = hide_password(first, url)
        raise StoreError(
            f"Upgrading {shown_url(url)} from schema {before} failed: {first}"
        ) from exc
    return Upgraded(before, SCHEMA_REVISION)
