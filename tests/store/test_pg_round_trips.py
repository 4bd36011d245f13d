"""What a PostgreSQL transaction sends besides its own statements.

A unit of work begins with one round trip (its identity read and BEGIN in one
message) instead of three (the pool's ping, psycopg's BEGIN, the identity
read); reads keep their ping and their transaction. What the ping was for
still holds: a connection PostgreSQL dropped (a restart) is replaced, for a
unit of work and for a read, without an error on the screen.
"""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import event, text

from tests.conftest import PG_BASE
from wms_tui.domain.errors import StoreReplaced
from wms_tui.domain.models import Operator
from wms_tui.store import Store


@pytest.fixture
def pg_store(empty_store: Store, backend: str) -> Store:
    if backend != "postgresql":
        pytest.skip("PostgreSQL's round trips and connections")
    empty_store.remember_identity()  # as open_store does: a terminal's store
    return empty_store


def _statements(store: Store) -> list[str]:
    sent: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _sent(_conn, _cursor, statement, *_rest) -> None:  # noqa: ANN001
        sent.append(statement)

    return sent


def _backend(session) -> int:  # noqa: ANN001
    return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _kill(pid: int) -> None:
    """What a PostgreSQL restart does to one pooled connection."""
    plain = PG_BASE.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as admin:  # a fresh snapshot each time
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(200):
            gone = admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))
            if gone.fetchone() is None:
                return
            time.sleep(0.01)
    raise AssertionError(f"backend {pid} still there")


def test_a_unit_of_work_begins_with_its_identity_read_in_one_statement(pg_store: Store) -> None:
    sent = _statements(pg_store)
    with pg_store.unit_of_work() as uow:
        uow.add(Operator(badge="R1", name="R1", roles="receiver"))
        uow.commit()
    assert sent[0] == "SELECT uuid FROM storeidentity ORDER BY id; BEGIN"
    assert "BEGIN" not in sent[1:]
    # And it is a transaction: a refused unit of work leaves nothing behind.
    with pytest.raises(RuntimeError), pg_store.unit_of_work() as uow:
        uow.add(Operator(badge="R2", name="R2", roles="receiver"))
        uow.flush()
        raise RuntimeError("refused")
    with pg_store.read() as s:
        assert s.execute(text("SELECT count(*) FROM operator WHERE badge = 'R2'")).scalar() == 0


def test_a_read_still_runs_in_a_transaction(pg_store: Store) -> None:
    # The dispatch overview and the dashboard SET LOCAL a planner option:
    # outside a transaction it would be dropped with a warning.
    with pg_store.read() as s:
        s.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        assert s.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"


def test_a_connection_postgresql_dropped_is_replaced(pg_store: Store) -> None:
    with pg_store.unit_of_work() as uow:
        first = _backend(uow.session)
        uow.commit()
    _kill(first)
    # The unit of work's first statement meets the dead connection and begins
    # again on a new one; the write goes through.
    with pg_store.unit_of_work() as uow:
        second = _backend(uow.session)
        uow.add(Operator(badge="R3", name="R3", roles="receiver"))
        uow.commit()
    assert second != first
    _kill(second)
    # A read's checkout pings, as pool_pre_ping did.
    with pg_store.read() as s:
        assert _backend(s) != second
        assert s.execute(text("SELECT count(*) FROM operator WHERE badge = 'R3'")).scalar() == 1


def test_a_store_whose_tables_were_dropped_is_refused_not_crashed(pg_store: Store) -> None:
    other = Store(pg_store.url)
    with other.engine.begin() as conn:  # what `wms demo --reset` does first
        conn.execute(text("ALTER TABLE storeidentity RENAME TO storeidentity_gone"))
    other.dispose()
    with pytest.raises(StoreReplaced), pg_store.unit_of_work():
        pass
    with Store(pg_store.url).engine.begin() as conn:  # the schema is handed back whole
        conn.execute(text("ALTER TABLE storeidentity_gone RENAME TO storeidentity"))
