"""Build the demo warehouse from the CSV seed files in ``wms_tui/demo_data/``.

The seed files are plain CSV so a trainer can edit them in a spreadsheet.
The master data files (warehouse, locations, operators, carriers, services,
cartons) are read by :mod:`wms_tui.services.setup.master_data`, as ``wms import
setup`` reads a real warehouse's, so the demo's files are a working example.
Loading is idempotent: an initialised database is left alone unless
``reset=True``. Orders are loaded as imported (NEW) and then walked to their
seeded status by the real services: the past week by
:mod:`wms_tui.services.demo.history`, the shift in progress by
:func:`advance_demo_orders`. Reading the seed files into the store is
:mod:`wms_tui.services.demo.seed_files`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import select

from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.errors import DomainError, StoreError
from wms_tui.domain.models import Order, StoreMark, Warehouse
from wms_tui.services.demo import walk as demo_walk
from wms_tui.services.demo.history import replay_history
from wms_tui.services.demo.mark import DEMO, ORIGIN, is_demo_store
from wms_tui.services.demo.seed_files import expect_deliveries, load_demo, seeded_statuses
from wms_tui.store import Store
from wms_tui.store.urls import shown_url, sqlite_path


def create_demo(
    db: str | None = None,
    *,
    reset: bool = False,
    on_upgrade: Callable[[str, str], None] | None = None,
) -> tuple[Store, bool]:
    """Create the demo database if absent (or ``reset``); returns (store, created).

    A demo SQLite file made by an older wms is upgraded in place (and
    ``on_upgrade(before, after)`` told): it is this machine's own file and
    ``wms demo`` should just work. A PostgreSQL database may be shared with
    other terminals, so there the demo refuses like ``wms run`` and names the
    ``wms db upgrade`` to run.
    """
    from wms_tui.services.setup.schema_upgrade import upgrade_database
    from wms_tui.store.urls import resolve_url

    url = resolve_url(db)
    path = sqlite_path(url)
    if reset:
        check_resettable(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if reset:
            for suffix in ("", "-wal", "-shm"):
                p = Path(str(path) + suffix)
                if p.exists():
                    p.unlink()
    store = Store(url)
    if reset and path is None:
        _drop_all(store)
    if store.is_initialised():
        if path is not None and store.is_behind():
            store.dispose()
            done = upgrade_database(url)
            if on_upgrade is not None:
                on_upgrade(done.before, done.after)
            store = Store(url)
        store.check_schema()
        with store.read() as s:
            if s.exec(select(Warehouse)).first() is not None:
                return store, False
    else:
        store.create_schema()
    with store.unit_of_work() as uow:
        load_demo(uow)
        uow.add(StoreMark(key=ORIGIN, value=DEMO))
        uow.commit()
    replay_history(store, seeded_statuses())
    advance_demo_orders(store)
    expect_deliveries(store)
    return store, True


def check_resettable(db: str | None) -> bool:
    """Refuse (one line naming the store) to reset anything but a demo store.

    Returns whether there is a store to delete (False: nothing there yet).
    A store ``wms init`` made, one built by an older wms (no mark), a file
    that is not a wms database: all refused, whatever is in them.
    """
    from sqlalchemy import inspect

    from wms_tui.store.urls import resolve_url

    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        return False
    refusal = f"{shown_url(url)} is not a demo store (not built by `wms demo`): not reset"
    store = Store(url)
    try:
        try:
            with store.engine.connect() as conn:
                tables = inspect(conn).get_table_names()
        except Exception as exc:  # noqa: BLE001 - not a database we can read: keep it
            raise StoreError(refusal) from exc
        if not tables:
            return False
        if not is_demo_store(store):
            raise StoreError(refusal)
        return True
    finally:
        store.dispose()


def advance_demo_orders(store: Store) -> dict[str, int]:
    """Walk the seeded in-progress orders through the real services.

    A wave is built by a supervisor and picked on "handhelds" by the demo's
    pickers, scan by scan, so the totes, the ledger and the event log hold
    exactly what a real shift would leave (the history replay allocated these
    orders when they were released). The last task is left half-picked (its
    orders stay PICKING). Then the orders seeded as ready are released.
    """
    from wms_tui.services.intake.release import release_due_orders
    from wms_tui.services.picking import waves

    supervisor = demo_walk.actor(store, "S9001", "OFFICE")
    pickers = [demo_walk.actor(store, b, f"HH-0{i}") for i, b in enumerate(("P1001", "P1002"), 1)]
    done = 0
    try:
        wave = waves.build_wave(store, supervisor, cart_size=4)
    except DomainError:
        wave = None
    if wave is not None:
        for i, task in enumerate(wave.tasks):
            last = i == len(wave.tasks) - 1
            demo_walk.pick_task(
                store, pickers[i % len(pickers)], task.code, stops=1 if last else None
            )
            done += 1
    packed = _pack_some(store, PACK_IN_DEMO)
    release_due_orders(store)
    return {"tasks": done, "packed": packed}


PACK_IN_DEMO = 10


def _pack_some(store: Store, how_many: int) -> int:
    """Pack picked orders at PACK-1 the way a packer does; leave one open."""
    packer = demo_walk.actor(store, "K2001", "PACK-1")
    with store.read() as s:
        names = s.exec(
            select(Order.name)
            .where(Order.status == OrderStatus.PICKED)
            .order_by(Order.id)
            .limit(how_many + 1)
        ).all()
    packed = 0
    for i, name in enumerate(names):
        # The last one stays on the bench, one unit scanned.
        if demo_walk.pack_order(store, packer, name, units=1 if i == len(names) - 1 else None):
            packed += 1
    return packed


def _drop_all(store: Store) -> None:
    from sqlalchemy import text
    from sqlmodel import SQLModel

    with store.engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
