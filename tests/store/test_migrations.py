"""Migrations and models must describe the same schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel, select

from tests.store.old_revisions import add_carrier_and_warehouse, database_at
from wms_tui.migrations import head_revision, upgrade
from wms_tui.store import KNOWN_REVISIONS, SCHEMA_REVISION, Store


def test_code_knows_the_head_revision() -> None:
    assert head_revision() == SCHEMA_REVISION
    assert SCHEMA_REVISION in KNOWN_REVISIONS


def test_upgrading_an_empty_database_gives_the_models_schema(db_url: str) -> None:
    upgrade(db_url)
    store = Store(db_url)
    try:
        store.check_schema()
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO event (at, kind, operator_name, terminal, order_name,"
                    " sku, from_state, to_state, location, detail) VALUES "
                    "(CURRENT_TIMESTAMP, 'x', '', '', '', '', '', '', '', '')"
                )
            )
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("DELETE FROM event"))
    finally:
        store.dispose()


def test_0003_widens_the_counters_of_an_existing_database(db_url: str) -> None:
    """A 0002 database with carriers in use keeps its counters and then takes CJ's range."""
    database_at(db_url, "0002")
    add_carrier_and_warehouse(db_url)
    store = Store(db_url)
    try:
        upgrade(db_url)
        assert store.schema_revision() == SCHEMA_REVISION
        with store.engine.begin() as conn:
            assert conn.execute(text("SELECT tracking_next FROM carrier")).scalar_one() == 1234
            assert conn.execute(text("SELECT sscc_next_serial FROM warehouse")).scalar_one() == 77
            conn.execute(text("UPDATE carrier SET tracking_next = 60500000001"))
            conn.execute(text("UPDATE warehouse SET sscc_next_serial = 9999999999"))
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT tracking_next FROM carrier")).scalar_one() == (
                60500000001
            )
            assert conn.execute(text("SELECT sscc_next_serial FROM warehouse")).scalar_one() == (
                9999999999
            )
    finally:
        store.dispose()


def test_0004_carries_event_references_over_to_typed_columns(db_url: str) -> None:
    """Rows written by a 0003 wms keep their meaning: each reference lands in its column,
    status changes stay where they were, and the log is append-only again afterwards."""
    database_at(db_url, "0003")
    rows = [
        ("stock.move", "A-01-1", "T-07"),
        ("pick.unit", "A-01-1", "T-07"),
        ("qc.fail", "T-07", "QUAR"),
        ("receiving.damaged", "PO-5001", "QUAR"),
        ("delivery.blind", "", "BLIND-0003"),
        ("pack.takeover", "PACK-2", "PACK-1"),
        ("pack.handover", "Johan Öberg", "Emily Carter"),
        ("order.status", "NEW", "READY_TO_PICK"),
    ]
    store = Store(db_url)
    try:
        with store.engine.begin() as conn:
            for kind, before, after in rows:
                conn.execute(
                    text(
                        "INSERT INTO event (at, kind, operator_name, terminal, order_name,"
                        " sku, from_state, to_state, location, detail) VALUES "
                        "(CURRENT_TIMESTAMP, :k, 'Karin', 'PACK-1', '', '', :f, :t, '', '')"
                    ),
                    {"k": kind, "f": before, "t": after},
                )
        upgrade(db_url)
        cols = "kind, from_state, to_state, from_location, to_location, delivery_ref"
        cols += ", prior_terminal, prior_operator"
        with store.engine.connect() as conn:
            got = {r[0]: tuple(r[1:]) for r in conn.execute(text(f"SELECT {cols} FROM event"))}
        assert got["stock.move"] == ("", "", "A-01-1", "T-07", "", "", "")
        assert got["pick.unit"] == ("", "", "A-01-1", "T-07", "", "", "")
        assert got["qc.fail"] == ("", "", "T-07", "QUAR", "", "", "")
        assert got["receiving.damaged"] == ("", "", "", "QUAR", "PO-5001", "", "")
        assert got["delivery.blind"] == ("", "", "", "", "BLIND-0003", "", "")
        assert got["pack.takeover"] == ("", "", "", "", "", "PACK-2", "")
        assert got["pack.handover"] == ("", "", "", "", "", "", "Johan Öberg")
        assert got["order.status"] == ("NEW", "READY_TO_PICK", "", "", "", "", "")
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("UPDATE event SET detail = 'x'"))
    finally:
        store.dispose()


def test_0014_pack_scans_say_what_they_are(db_url: str) -> None:
    """'UNDO', 'QC …' and 'COUNT n' codes written by an older wms become kinds; a scanned
    code stays the code."""
    database_at(db_url, "0004")
    store = Store(db_url)
    try:
        rows = [(1, "7350053001299"), (-1, "UNDO"), (-1, "QC DAMAGED"), (7, "COUNT 8")]
        insert = (
            "INSERT INTO packscan (order_id, order_line_id, qty, code, terminal, at)"
            " VALUES (1, 1, {q}, '{c}', 'PACK-1', CURRENT_TIMESTAMP)"
        )
        # Bare pack-scan rows, foreign keys off (the orders they point at do not
        # matter to the carry-over): plain sqlite3 leaves them off; PostgreSQL
        # skips them in replica mode for this transaction.
        if store.dialect == "sqlite":
            import sqlite3

            con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
            with con:
                for q, c in rows:
                    con.execute(insert.format(q=q, c=c))
            con.close()
        else:
            with store.engine.begin() as conn:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for q, c in rows:
                    conn.execute(text(insert.format(q=q, c=c)))
        upgrade(db_url)
        with store.engine.connect() as conn:
            got = [
                tuple(r)
                for r in conn.execute(
                    text("SELECT kind, code, qc_reason, counted_to FROM packscan ORDER BY id")
                )
            ]
        assert got == [
            ("scan", "7350053001299", "", None),
            ("undo", "", "", None),
            ("qc", "", "DAMAGED", None),
            ("count", "", "", 8),
        ]
    finally:
        store.dispose()


def test_0018_covers_the_picks_only(db_url: str) -> None:
    """The picks' index is partial: a day's picks read from it alone, while a few orders'
    movements of another reason still go by the order (a plain (reason, …) index took
    SQLite, which has no statistics here, through every SHIPPED movement on record)."""
    upgrade(db_url)
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            if store.dialect == "postgresql":
                found = conn.execute(
                    text(
                        "SELECT indexdef FROM pg_indexes "
                        "WHERE indexname = 'ix_stockmovement_picks_cover' "
                        # Each PostgreSQL test has its own schema in one database.
                        "AND schemaname = current_schema()"
                    )
                ).scalar_one()
                assert "(at, operator_id, qty, reason)" in found
                assert "WHERE ((reason)::text = 'PICKED'::text)" in found
                return

            def plan(sql: str, *params: object) -> str:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
                return " | ".join(r[3] for r in rows)

            day = ("2026-03-10 00:00:00", "2026-03-11 00:00:00")
            picks = plan(
                "SELECT operator_id, sum(qty) FROM stockmovement WHERE reason = 'PICKED' "
                "AND operator_id IS NOT NULL AND at >= ? AND at < ? GROUP BY operator_id",
                *day,
            )
            assert "COVERING INDEX ix_stockmovement_picks_cover" in picks
            shipped = plan(
                "SELECT order_id, sum(qty) FROM stockmovement "
                "WHERE order_id IN (1, 2, 3) AND reason = ? GROUP BY order_id",
                "SHIPPED",
            )
            assert "ix_stockmovement_order_id" in shipped and "picks_cover" not in shipped
    finally:
        store.dispose()


def test_0021_the_open_orders_index_holds_the_id_on_postgresql(db_url: str) -> None:
    """PostgreSQL reads the open orders index-only only if their id is in the index
    (SQLite's index carries the rowid, the id, and is left as it was)."""
    upgrade(db_url)
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            if store.dialect == "postgresql":
                found = conn.execute(
                    text(
                        "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_orders_open_work' "
                        "AND schemaname = current_schema()"
                    )
                ).scalar_one()
                assert found.endswith(
                    "(status, carrier_id, service_id, priority, promised_ship_date, "
                    "status_changed_at, name) INCLUDE (id)"
                )
                return
            sql = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'ix_orders_open_work'"
            ).scalar_one()
            assert sql.endswith(
                "(status, carrier_id, service_id, priority, promised_ship_date, "
                "status_changed_at, name)"
            )
    finally:
        store.dispose()


def test_0022_carries_pick_lines_and_stops_on_one_that_disagrees(db_url: str) -> None:
    """A 0021 store's task lines are kept as they were; a line naming another product than
    its allocation (which 0021's keys allowed) stops the upgrade before anything changes."""
    from alembic import command

    from tests.worlds import factories as f
    from wms_tui.domain.models import Allocation, OrderLine, PickTask, PickTaskLine
    from wms_tui.migrations import alembic_config

    upgrade(db_url)
    store = Store(db_url)
    try:
        with store.unit_of_work() as uow:
            bin_ = f.location(uow, "A-01-01-A")
            first, other = f.product(uow, "SKU-1"), f.product(uow, "SKU-2")
            order = f.order(uow, "#1001", [(first, 2)])
            line = uow.session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one()
            alloc = Allocation(
                order_line_id=line.id, product_id=first.id, location_id=bin_.id, qty=2
            )
            task = PickTask(code="W0001-01")
            uow.add(alloc)
            uow.add(task)
            uow.flush()
            uow.add(
                PickTaskLine(
                    task_id=task.id, seq=1, allocation_id=alloc.id, order_line_id=line.id,
                    product_id=first.id, location_id=bin_.id, qty=2,
                )
            )  # fmt: skip
            uow.commit()
        config = alembic_config(db_url)
        command.downgrade(config, "0021")
        read = "SELECT allocation_id, order_line_id, product_id, location_id, qty FROM picktaskline"
        with store.engine.begin() as conn:
            stored = tuple(conn.execute(text(read)).one())
            conn.execute(text("UPDATE picktaskline SET product_id = :p"), {"p": other.id})
        with pytest.raises(RuntimeError, match=r"1 pick-task line\(s\) .* ids 1\)"):
            upgrade(db_url)
        assert store.schema_revision() == "0021"
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE picktaskline SET product_id = :p"), {"p": first.id})
        upgrade(db_url)
        assert store.schema_revision() == SCHEMA_REVISION
        with store.engine.connect() as conn:
            assert tuple(conn.execute(text(read)).one()) == stored
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
    finally:
        store.dispose()
