"""Grace period and same-day cut-off: set by a supervisor, waiting orders follow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.worlds import factories as f
from tests.worlds.intake import orders_by_name
from wms_tui.domain.errors import DomainError, PermissionDenied
from wms_tui.services.intake import intake_rules
from wms_tui.services.intake.release import release_due_orders
from wms_tui.store import Store


def test_grace_zero_releases_waiting_orders(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        boss = f.operator(uow, "Boss", "supervisor")
        picker = f.operator(uow, "Ana", "picker")
        a = f.product(uow, "A")
        f.receive(uow, a, f.location(uow, "A-01-1-A"), 5)
        f.order(uow, "#young", [(a, 1)], minutes_ago=2)
        uow.commit()
    assert release_due_orders(empty_store)["ready"] == []
    with pytest.raises(PermissionDenied):
        intake_rules.set_grace_period(empty_store, picker, 0)
    with pytest.raises(DomainError, match="0 to 1440 minutes"):
        intake_rules.set_grace_period(empty_store, boss, -1)
    assert intake_rules.set_grace_period(empty_store, boss, 0) == 1
    young = orders_by_name(empty_store)["#young"]
    assert young.release_at == young.created_at + timedelta(0)
    assert release_due_orders(empty_store)["ready"] == ["#young"]
    assert intake_rules.read_rules(empty_store).grace_period_minutes == 0
    assert intake_rules.set_same_day_cutoff(empty_store, boss, "9.30") == "09:30"
    with pytest.raises(DomainError, match="not a time of day"):
        intake_rules.set_same_day_cutoff(empty_store, boss, "25:00")
