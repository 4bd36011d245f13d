"""A supervisor's badge at a floor terminal: who may approve, and the refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from wms_tui.domain.errors import NotFound, PermissionDenied
from wms_tui.domain.models import Operator
from wms_tui.services.core import approval
from wms_tui.store import Store


@pytest.fixture
def people(empty_store: Store):
    with empty_store.unit_of_work() as uow:
        packer = replace(f.operator(uow, "Johan Öberg", "packer", badge="K2001"), terminal="P1")
        boss = replace(
            f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001"), terminal="P1"
        )
        gone = f.operator(uow, "Gone", "supervisor", badge="S0000")
        op = uow.session.get(Operator, gone.operator_id)
        op.active = False
        uow.add(op)
        uow.commit()
    return empty_store, packer, boss


def test_a_supervisor_badge_is_accepted_and_cleaned(people) -> None:
    store, packer, boss = people
    assert approval.check_badge(store, packer, "S9001\r\x1d") == "S9001"
    assert approval.check_badge(store, boss, "") == ""  # the supervisor at the terminal


@pytest.mark.parametrize(
    ("badge", "exc", "message"),
    [
        ("K2001", PermissionDenied, "Johan Öberg is not a supervisor and cannot approve this"),
        ("X9999", NotFound, "Unknown badge X9999"),
        ("S0000", NotFound, "Unknown badge S0000"),  # no longer active
        ("", PermissionDenied, "A supervisor must approve this: scan a supervisor badge"),
    ],
)
def test_refusals_say_why_and_change_nothing(people, badge, exc, message) -> None:
    store, packer, _ = people
    before = snapshot(store)
    with pytest.raises(exc) as info:
        approval.check_badge(store, packer, badge)
    assert str(info.value) == message
    assert snapshot(store) == before
