"""The simulated floor day (issue #15): what one order costs the services.

    python -m bench.floor_day [--orders 100] [--seed 2]

Runs ``simulate_day`` twice on fresh SQLite stores, same seed: first with the
per-transaction reads as they were before this change written out below and
patched in (the baseline), then with today's code. Each run counts the SQL
statements sent (BEGIN and the store-identity check included), the ORM rows
built and the process CPU time; the table gives per order figures and the
ratio today / before. The two days are the same day: the changes read less,
they decide nothing differently, so the same seed walks the same orders (the
end states are compared and printed).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Row  # noqa: E402

QUICK_ORDERS = 10
FULL_ORDERS = 100
DAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # a Wednesday morning


# --------------------------------------------------------------------------- before


def _old_all_settings(session):  # noqa: ANN001, ANN202 - as it was
    from sqlmodel import select

    from wms_tui.domain.models import Setting
    from wms_tui.services.core.settings import DEFAULTS

    values = dict(DEFAULTS)
    values.update({s.key: s.value for s in session.exec(select(Setting))})
    return values


def _old_station_row(session, terminal):  # noqa: ANN001, ANN202
    from sqlmodel import select

    from wms_tui.domain.models import Station

    return session.exec(select(Station).where(Station.code == terminal)).first()


def _old_warehouse(session):  # noqa: ANN001, ANN202
    from sqlmodel import col, select

    from wms_tui.domain.errors import DomainError
    from wms_tui.domain.models import Warehouse

    w = session.exec(select(Warehouse).order_by(col(Warehouse.id))).first()
    if w is None:
        raise DomainError("No warehouse is set up (address, GS1 prefix): ask a supervisor")
    return w


def _old_suggest_bin(session, product):  # noqa: ANN001, ANN202 - without LIMIT 1
    from sqlalchemy import case
    from sqlmodel import col, select

    from wms_tui.domain.enums import LocationKind
    from wms_tui.domain.models import Location, Stock
    from wms_tui.services.receiving.putaway import (
        STORAGE_KINDS,
        Suggestion,
        _occupied_location_ids,
    )

    holding = session.exec(
        select(Location)
        .join(Stock, col(Stock.location_id) == Location.id)
        .where(
            Stock.product_id == product.id,
            Stock.qty > 0,
            col(Location.kind).in_(STORAGE_KINDS),
            col(Location.active).is_(True),
            col(Location.cycle_count_flag).is_(False),
        )
        .order_by(
            case((Location.kind == LocationKind.PICK, 0), else_=1),
            col(Stock.qty).desc(),
            col(Location.code),
        )
    ).first()
    if holding is not None:
        return Suggestion(holding.code, "holds SKU")
    occupied = _occupied_location_ids(session)
    for kind, why, same_zone in (
        (LocationKind.PICK, "empty pick bin", True),
        (LocationKind.BULK, "empty bulk bin", False),
    ):
        stmt = select(Location).where(
            Location.kind == kind,
            col(Location.active).is_(True),
            col(Location.cycle_count_flag).is_(False),
        )
        if same_zone:
            if not product.zone:
                continue
            stmt = stmt.where(Location.zone == product.zone)
        if occupied:
            stmt = stmt.where(col(Location.id).not_in(occupied))
        loc = session.exec(stmt.order_by(col(Location.code))).first()
        if loc is not None:
            return Suggestion(loc.code, why)
    bulk = session.exec(
        select(Location)
        .where(
            Location.kind == LocationKind.BULK,
            col(Location.active).is_(True),
            col(Location.cycle_count_flag).is_(False),
        )
        .order_by(col(Location.code))
    ).first()
    return Suggestion(bulk.code, "bulk") if bulk is not None else None


@contextlib.contextmanager
def _before() -> Iterator[None]:
    from wms_tui.services.core import settings
    from wms_tui.services.packing import close, paper_data, readiness, state, station_printers
    from wms_tui.services.receiving import putaway

    swaps = [
        (settings, "all_settings", _old_all_settings),
        (state, "station_row", _old_station_row),
        (close, "station_row", _old_station_row),
        (readiness, "station_row", _old_station_row),
        (station_printers, "station_row", _old_station_row),
        (paper_data, "warehouse", _old_warehouse),
        (putaway, "suggest_bin", _old_suggest_bin),
    ]
    saved = [(m, name, getattr(m, name)) for m, name, _ in swaps]
    for m, name, fn in swaps:
        setattr(m, name, fn)
    try:
        yield
    finally:
        for m, name, fn in saved:
            setattr(m, name, fn)


# --------------------------------------------------------------------------- one day


def _day(orders: int, seed: int, folder: Path, tag: str) -> tuple[dict, object]:
    from sqlalchemy import event
    from sqlalchemy.orm import Mapper

    from wms_tui.domain import clock
    from wms_tui.services.demo.simulate import simulate_day
    from wms_tui.store import Store

    store = Store(f"sqlite:///{folder / f'{tag}.db'}")
    store.create_schema()
    counts = {"statements": 0, "rows": 0}

    def on_statement(*_: object) -> None:
        counts["statements"] += 1

    def on_load(*_: object) -> None:
        counts["rows"] += 1

    engines = {store.engine, store._uow_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(Mapper, "load", on_load)
    cpu = time.process_time()
    try:
        # The day on a stopped clock: on the wall clock a slow run crosses a
        # carrier's cut-off or the paused-task limit another run does not, and
        # the two are no longer the same day.
        with clock.pinned(DAY):
            report = simulate_day(store, orders=orders, seed=seed)
    finally:
        counts["cpu"] = time.process_time() - cpu
        event.remove(Mapper, "load", on_load)
        for engine in engines:
            event.remove(engine, "before_cursor_execute", on_statement)
        store.dispose()
    return counts, report


def run(quick: bool, orders: int | None = None, seed: int = 2) -> list[Row]:
    n = orders or (QUICK_ORDERS if quick else FULL_ORDERS)
    with tempfile.TemporaryDirectory(prefix="wms-floor-day-") as tmp:
        folder = Path(tmp)
        with _before():
            old, old_report = _day(n, seed, folder, "before")
        new, new_report = _day(n, seed, folder, "today")
    same = old_report.statuses == new_report.statuses  # type: ignore[attr-defined]
    checks = all(c.ok for c in new_report.checks)  # type: ignore[attr-defined]
    verdict = "pass" if checks else "FAIL"
    note = f"{n} orders, seed {seed}; same end states: {same}; checks {verdict}"
    before = "the same day with the reads as they were"
    return [
        Row(
            f"floor day: SQL statements per order ({n} orders)",
            new["statements"] / n,
            "stmts",
            baseline=old["statements"] / n,
            baseline_what=before,
            note=note,
        ),
        Row(
            "floor day: ORM rows built per order",
            new["rows"] / n,
            "rows",
            baseline=old["rows"] / n,
            baseline_what=before,
        ),
        Row(
            "floor day: CPU per order",
            1000 * new["cpu"] / n,
            "ms",
            baseline=1000 * old["cpu"] / n,
            baseline_what=before,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=FULL_ORDERS)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    for row in run(False, args.orders, args.seed):
        print(
            f"{row.what:<52} {row.result:10.1f} {row.unit:<6} before {row.baseline:10.1f}"
            f"  ratio {row.ratio:.2f}  {row.note}"
        )


if __name__ == "__main__":
    main()
