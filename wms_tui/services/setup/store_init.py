"""Creating an empty store (``wms init``)."""

from __future__ import annotations

from pathlib import Path

from wms_tui.domain.errors import StoreError
from wms_tui.services.setup.reference_data import seed_reference_data
from wms_tui.store import Store
from wms_tui.store.urls import resolve_url, sqlite_path


def init_store(db: str | None = None) -> tuple[Store, bool]:
    """Create the schema if the database is empty; returns (store, created)."""
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None:
        if path.exists() and path.is_dir():
            raise StoreError(f"Cannot open database {path}: it is a folder")
        if not path.parent.exists():
            if path.parent == Path("data"):
                path.parent.mkdir(parents=True)
            else:
                raise StoreError(
                    f"Cannot open database {path}: folder {path.parent} does not exist"
                )
    store = Store(url)
    if store.is_initialised():
        store.check_schema()
        return store, False
    store.create_schema()
    with store.unit_of_work() as uow:
        seed_reference_data(uow)
        uow.commit()
    return store, True
