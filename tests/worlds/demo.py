"""The demo warehouse, built once per test process and backend and shared.

A demo build replays a week and walks a shift through the real services:
~10 s on SQLite and ~20 s on PostgreSQL on a quiet machine, several times that
on a busy one. Ten tests used to build their own; now each backend's demo is
built once (the ``demo_build``, ``sqlite_demo`` and ``pg_demo`` fixtures in
tests/conftest.py), and each build is also the test of a path that builds:

* SQLite: ``wms demo --db NEW --no-tui``, the README's first command;
* PostgreSQL: ``create_demo(reset=True)`` over a small store marked as a demo,
  so dropping every table (and enum type) and building again is exercised
  where a store cannot simply be deleted.

Both are built with a printer configured and record what was sent to it
(nothing should be). Tests read the shared store; one that writes takes a copy
of the SQLite file (:meth:`BuiltDemo.copy`, ~1 ms), and the one PostgreSQL
test that writes (a second run) asserts it changed nothing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.worlds import factories as f
from wms_tui.domain.models import (
    Event,
    Operator,
    Order,
    OrderLine,
    Product,
    StockMovement,
    StoreMark,
)
from wms_tui.store import Store
from wms_tui.store.urls import sqlite_path

# The order a store holds before the PostgreSQL demo is built over it by a reset.
LEFT_BEFORE_RESET = "#TRAINING-1"


@dataclass
class BuiltDemo:
    url: str
    folder: Path  # the working folder it was built in: its labels/ and manifests
    store: Store
    output: str = ""  # what `wms demo` printed (SQLite)
    printed: list[str] = field(default_factory=list)

    def copy(self, to: Path) -> str:
        """A SQLite URL of a copy of the demo file at ``to`` (same identity, same rows)."""
        path = sqlite_path(self.url)
        assert path is not None, "only a SQLite demo is copied"
        shutil.copyfile(path, to)
        return f"sqlite:///{to}"

    def order_names(self) -> set[str]:
        with self.store.read() as s:
            return set(s.exec(select(Order.name)).all())


def row_counts(store: Store) -> tuple[int, ...]:
    """Products, orders, lines, operators, movements, events: what a build makes."""
    with store.read() as s:
        return tuple(
            s.exec(select(func.count()).select_from(t)).one()
            for t in (Product, Order, OrderLine, Operator, StockMovement, Event)
        )


def _printing_to_a_list(mp: pytest.MonkeyPatch, printed: list[str]) -> None:
    from wms_tui.printing import output

    mp.setenv("WMS_PRINTER", "Zebra")
    mp.setattr(output, "send_to_printer", lambda path, printer: printed.append(str(path)))


def build_sqlite(folder: Path) -> BuiltDemo:
    """``wms demo --no-tui`` on a file that does not exist yet."""
    from typer.testing import CliRunner

    from wms_tui.cli.main import app

    db = folder / "demo.db"
    printed: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        _printing_to_a_list(mp, printed)
        result = CliRunner().invoke(app, ["demo", "--db", str(db), "--no-tui"])
    assert result.exit_code == 0, result.output
    # The command let its store go, so the WAL is checkpointed into the file a copy takes.
    return BuiltDemo(f"sqlite:///{db}", folder, Store(f"sqlite:///{db}"), result.output, printed)


def build_postgresql(url: str, folder: Path) -> BuiltDemo:
    """``create_demo(reset=True)`` over a small store an earlier demo left."""
    from wms_tui.services.demo.build import create_demo
    from wms_tui.services.demo.mark import DEMO, ORIGIN

    earlier = Store(url)
    earlier.create_schema()
    with earlier.unit_of_work() as uow:
        uow.add(StoreMark(key=ORIGIN, value=DEMO))
        f.order(uow, LEFT_BEFORE_RESET, [])
        uow.commit()
    earlier.dispose()
    printed: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        _printing_to_a_list(mp, printed)
        store, created = create_demo(url, reset=True)
    assert created
    return BuiltDemo(url, folder, store, printed=printed)
