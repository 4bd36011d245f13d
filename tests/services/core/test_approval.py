"""A supervisor's badge and PIN at a floor terminal: who may approve, and the refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from wms_tui.domain.credentials import Credential
from wms_tui.domain.errors import NotFound, PermissionDenied
from wms_tui.domain.models import Event, Operator
from wms_tui.services.core import approval
from wms_tui.services.core.pins import PinNeeded
from wms_tui.store import Store


@pytest.fixture
def people(empty_store: Store):
    with empty_store.unit_of_work() as uow:
        packer = replace(f.operator(uow, "Johan Öberg", "packer", badge="K2001"), terminal="P1")
        boss = replace(
            f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001"), terminal="P1"
        )
        f.operator(uow, "No Pin", "supervisor", badge="S0001", pin="")
        gone = f.operator(uow, "Gone", "supervisor", badge="S0000")
        op = uow.session.get(Operator, gone.operator_id)
        op.active = False
        uow.add(op)
        uow.commit()
    return empty_store, packer, boss


def test_a_supervisor_badge_and_pin_are_accepted_and_cleaned(people) -> None:
    store, packer, boss = people
    ok = approval.check(store, packer, Credential("S9001\r\x1d", f.SUPERVISOR_PIN))
    assert ok.badge == "S9001"
    assert approval.check(store, packer, Credential("s9001", f.SUPERVISOR_PIN)).badge == "s9001"
    assert approval.check(store, boss, Credential("")).badge == ""  # the supervisor here


def test_a_badge_alone_asks_for_the_pin_and_counts_nothing(people) -> None:
    store, packer, _ = people
    before = snapshot(store)
    with pytest.raises(PinNeeded, match="Enter the PIN for S9001"):
        approval.check(store, packer, Credential("S9001"))
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("badge", "pin", "exc", "message"),
    [
        ("K2001", "", PermissionDenied, "Johan Öberg is not a supervisor and cannot approve this"),
        ("S0001", "1234", PermissionDenied, "No Pin has no PIN yet: a supervisor sets one"),
        ("", "", PermissionDenied, "A supervisor must approve this: scan a supervisor badge"),
    ],
)
def test_refusals_say_why_and_change_nothing(people, badge, pin, exc, message) -> None:
    store, packer, _ = people
    before = snapshot(store)
    with pytest.raises(exc) as info:
        approval.check(store, packer, Credential(badge, pin))
    assert str(info.value).startswith(message)
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("badge", "pin", "exc", "message", "logged"),
    [
        ("X9999", "", NotFound, "Unknown badge X9999: see a supervisor", "unknown badge X9999"),
        ("S0000", "", NotFound, "Unknown badge S0000: see a supervisor", "unknown badge S0000"),
        ("S9001", "0000", PermissionDenied, "Wrong PIN for S9001", "wrong PIN (1 in a row)"),
        ("S9001", "²", PermissionDenied, "Wrong PIN for S9001", "wrong PIN (1 in a row)"),
    ],
)
def test_failed_attempts_are_refused_and_logged_with_the_terminal(
    people, badge, pin, exc, message, logged
) -> None:
    store, packer, _ = people
    with pytest.raises(exc) as info:
        approval.check(store, packer, Credential(badge, pin))
    assert str(info.value).startswith(message)
    with store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "auth.failed")).one()
        assert (ev.terminal, ev.detail) == ("P1", logged)
