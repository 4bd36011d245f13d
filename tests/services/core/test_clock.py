"""The warehouse's clock: its timezone, read once by a terminal."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tests.worlds import factories as f
from wms_tui.services.core.clock import read_zone
from wms_tui.store import Store


def test_read_zone_is_the_warehouse_timezone(empty_store: Store) -> None:
    assert read_zone(empty_store) == ZoneInfo("UTC")  # no warehouse yet
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow).timezone = "Asia/Seoul"
        uow.commit()
    assert read_zone(empty_store) == ZoneInfo("Asia/Seoul")


def test_an_unknown_timezone_reads_as_utc(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow).timezone = "Mars/Olympus_Mons"
        uow.commit()
    assert read_zone(empty_store) == ZoneInfo("UTC")
