"""What a terminal reads once when it opens the store: house rules and the warehouse's clock."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tests.worlds import factories as f
from wms_tui.services.core import settings
from wms_tui.services.session.terminal import terminal_rules
from wms_tui.store import Store


def test_the_zone_is_the_warehouse_timezone(empty_store: Store) -> None:
    assert terminal_rules(empty_store).zone == ZoneInfo("UTC")  # no warehouse yet
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow).timezone = "Asia/Seoul"
        uow.commit()
    assert terminal_rules(empty_store).zone == ZoneInfo("Asia/Seoul")


def test_an_unknown_timezone_reads_as_utc(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow).timezone = "Mars/Olympus_Mons"
        uow.commit()
    assert terminal_rules(empty_store).zone == ZoneInfo("UTC")


def test_the_house_rules_a_terminal_works_by(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        settings.put(uow.session, "idle_logout_minutes", "2.5")
        settings.put(uow.session, "scanner_tab_submits", "1")
        uow.commit()
    rules = terminal_rules(empty_store)
    assert (rules.idle_logout_minutes, rules.scanner_tab_submits) == (2.5, True)
    with empty_store.unit_of_work() as uow:
        settings.put(uow.session, "scanner_tab_submits", "0")
        uow.commit()
    assert terminal_rules(empty_store).scanner_tab_submits is False
