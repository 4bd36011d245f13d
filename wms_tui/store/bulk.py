"""Thousands of rows in the caller's transaction, straight on the driver."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from wms_tui.store.engine import refuse_nul_in


def bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in one go.

    SQLite: one ``executemany`` of a prepared INSERT. PostgreSQL: ``COPY FROM
    STDIN``; psycopg's executemany sends a statement per row, which for a
    wave's 20,000 task lines cost the client about ten times COPY's CPU and
    the server a statement each. Both run on the caller's connection, in its
    transaction, straight on the driver: values go through the columns' bind
    processors as SQLAlchemy's insert would send them (column by column, so a
    column without one costs nothing per row), and text holding NUL is
    refused as in every other statement. Columns left out get the database's
    default; no Python-side defaults are applied, so callers name every
    column that has one.
    """
    if not rows:
        return
    dialect = conn.dialect
    values = _driver_values(conn, table, columns, rows)
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    target = dialect.identifier_preparer.format_table(table)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for row in zip(*values, strict=True):
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {target} ({names}) VALUES ({marks})"
            cursor.executemany(sql, zip(*values, strict=True))
    finally:
        cursor.close()


def bulk_update(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``UPDATE table SET <columns> WHERE id = ?`` for each row, in one executemany.

    ``rows`` are tuples of the new values in ``columns`` order followed by the
    row's id. Straight on the driver, on the caller's connection, with the
    columns' bind processors and the NUL refusal of :func:`bulk_insert`:
    through SQLAlchemy, preparing each row's parameters cost a release more
    than the database's work.
    """
    if not rows:
        return
    dialect = conn.dialect
    values = _driver_values(conn, table, (*columns, "id"), rows)
    quote = dialect.identifier_preparer.quote
    mark = "%s" if dialect.name == "postgresql" else "?"
    sets = ", ".join(f"{quote(name)} = {mark}" for name in columns)
    target = dialect.identifier_preparer.format_table(table)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(
            f"UPDATE {target} SET {sets} WHERE id = {mark}", zip(*values, strict=True)
        )
    finally:
        cursor.close()


def _driver_values(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[list[Any]]:
    """The rows' values column by column, as the driver takes them; refuses NUL in text."""
    dialect = conn.dialect
    values = [list(column) for column in zip(*rows, strict=True)]
    if len(values) != len(columns):
        raise ValueError(f"{len(columns)} columns named, rows have {len(values)}")
    for i, name in enumerate(columns):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            values[i] = _processed(process, values[i])
        _refuse_nul_in_column(values[i])
    return values


def _refuse_nul_in_column(column: list[Any]) -> None:
    """``refuse_nul_in`` of the column's text, looked at in C rather than value by value.

    A wave's columns hold 10,000-20,000 values each, most of them numbers: the
    types present decide whether there is text to look at, and the text is
    searched joined (joining cannot make a NUL that no piece holds).
    """
    kinds = set(map(type, column))
    if not any(issubclass(kind, str) for kind in kinds):
        return
    if all(issubclass(kind, str) for kind in kinds):
        text = "".join(column)
    else:
        text = "".join([v for v in column if isinstance(v, str)])
    refuse_nul_in(text)


def _processed(process: Callable[[Any], Any], column: list[Any]) -> list[Any]:
    """``[process(v) for v in column]``, calling ``process`` once per distinct object.

    A bulk insert repeats the same object down a column (a wave's 10,000 events
    share one timestamp, its 20,000 task lines two booleans), and a datetime's
    processor costs more than a dict lookup. Keyed by identity, not equality:
    equal values may still render differently (2.0 and 2, two time zones of
    one instant), the same object never does; the column holds every object,
    so no id is reused while the memo lives.
    """
    memo: dict[int, Any] = {}
    out = []
    append = out.append
    for v in column:
        key = id(v)
        if key in memo:
            append(memo[key])
        else:
            append(memo.setdefault(key, process(v)))
    return out
