"""Badge + PIN: hashing, throttling per terminal and per badge, the lock, resets."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.domain import clock
from wms_tui.domain.credentials import Credential
from wms_tui.domain.errors import DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import Event, Operator
from wms_tui.services.core import pins
from wms_tui.services.session.login import login
from wms_tui.store import Store

PIN = f.SUPERVISOR_PIN


@pytest.fixture
def people(empty_store: Store):
    with empty_store.unit_of_work() as uow:
        boss = f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        f.operator(uow, "Other Boss", "supervisor", badge="S9002", pin="2222")
        picker = f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        uow.commit()
    return empty_store, boss, picker


@pytest.fixture
def frozen():
    now = clock.utcnow()
    moments = [now]
    clock.set_clock(lambda: moments[0])
    yield moments
    clock.set_clock(None)


def failures(store: Store) -> list[tuple[str, str]]:
    with store.read() as s:
        rows = s.exec(select(Event).where(Event.kind == pins.FAILED).order_by(Event.id)).all()
        return [(e.terminal, e.detail) for e in rows]


def test_the_pin_is_stored_as_an_argon2_hash() -> None:
    stored = pins.hash_pin("4711")
    assert stored.startswith("$argon2id$") and "4711" not in stored
    assert pins.pin_matches(stored, "4711")
    assert not pins.pin_matches(stored, "4712")
    assert not pins.pin_matches("", "4711")  # no PIN set matches nothing
    assert not pins.pin_matches("not a hash", "4711")


@pytest.mark.parametrize("bad", ["123", "1234567890123", "12a4", "١٢٣٤", "²²²²", "", "1234\x00"])
def test_a_pin_is_4_to_12_ascii_digits(bad: str) -> None:
    with pytest.raises(DomainError, match="A PIN"):
        pins.hash_pin(bad)


def test_a_supervisor_logs_in_with_badge_then_pin_a_picker_with_the_badge(people) -> None:
    store, _, _ = people
    with pytest.raises(pins.PinNeeded, match="Enter the PIN for S9001"):
        login(store, "S9001", "HH-1")
    assert login(store, "S9001", "HH-1", PIN).name == "Karin Holmgren"
    assert login(store, "p1001", "HH-1").name == "Ana Lindqvist"  # no PIN, any case
    assert failures(store) == []


def test_wrong_pins_lock_the_badge_until_a_supervisor_sets_a_new_one(people, frozen) -> None:
    store, boss, _ = people
    with store.unit_of_work() as uow:
        pins.settings.put(uow.session, "pin_lock_after", "3")
        uow.commit()
    for n, left in ((1, 2), (2, 1)):
        with pytest.raises(PermissionDenied, match=f"Wrong PIN for S9002 \\({left} more"):
            login(store, "S9002", f"T{n}", "0000")
        frozen[0] += timedelta(minutes=2)  # past the per-badge throttle
    with pytest.raises(PermissionDenied, match="Wrong PIN: badge S9002 is now locked"):
        login(store, "S9002", "T3", "0000")
    frozen[0] += timedelta(minutes=2)
    # Locked: even the right PIN is refused, and the attempt is logged.
    with pytest.raises(PermissionDenied, match="Badge S9002 is locked after wrong PINs"):
        login(store, "S9002", "T4", "2222")
    assert failures(store) == [
        ("T1", "wrong PIN (1 in a row)"),
        ("T2", "wrong PIN (2 in a row)"),
        ("T3", "wrong PIN (3 in a row)"),
        ("T4", "badge locked"),
    ]
    # Only a supervisor resets someone else's PIN; a new PIN unlocks the badge.
    picker = people[2]
    with pytest.raises(PermissionDenied, match="may not set another operator's PIN"):
        pins.set_pin(store, picker, "S9002", "5555")
    assert pins.set_pin(store, replace(boss, terminal="OFFICE"), "S9002", "5555") == "Other Boss"
    assert login(store, "S9002", "T5", "5555").name == "Other Boss"
    with store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "auth.pin_set")).one()
        assert (ev.operator_name, ev.terminal) == ("Karin Holmgren", "OFFICE")
        assert s.exec(select(Operator).where(Operator.badge == "S9002")).one().pin_failures == 0


def test_a_right_pin_resets_the_count_of_wrong_ones(people, frozen) -> None:
    store, _, _ = people
    with pytest.raises(PermissionDenied):
        login(store, "S9001", "T1", "0000")
    login(store, "S9001", "T1", PIN)
    with store.read() as s:
        assert s.exec(select(Operator).where(Operator.badge == "S9001")).one().pin_failures == 0


def test_wrong_pins_for_one_badge_make_it_wait_at_every_terminal(people, frozen) -> None:
    store, _, _ = people
    for n in range(3):  # failed_pins_per_badge
        with pytest.raises(PermissionDenied, match="Wrong PIN"):
            login(store, "S9001", f"T{n}", "0000")
    with pytest.raises(pins.Throttled, match="Too many wrong PINs for S9001: wait a minute"):
        login(store, "S9001", "T9", PIN)
    frozen[0] += timedelta(seconds=61)
    assert login(store, "S9001", "T9", PIN).name == "Karin Holmgren"


def test_guessing_badges_at_one_terminal_makes_it_wait(people, frozen) -> None:
    """10,000 sequential badge guesses found every operator: now 5 a minute per terminal."""
    store, _, _ = people
    for n in range(5):  # failed_logins_per_terminal
        with pytest.raises(NotFound, match="Unknown badge"):
            login(store, f"S{n:04d}", "HH-9")
    with pytest.raises(pins.Throttled, match="Too many failed log-ins at HH-9: wait a minute"):
        login(store, "P1001", "HH-9")  # even a real badge waits
    assert login(store, "P1001", "HH-2").name == "Ana Lindqvist"  # other terminals work
    frozen[0] += timedelta(seconds=61)
    assert login(store, "P1001", "HH-9").name == "Ana Lindqvist"
    assert len(failures(store)) == 5


def test_the_first_supervisor_pin_of_a_store_needs_no_other_supervisor(empty_store) -> None:
    with empty_store.unit_of_work() as uow:
        f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001", pin="")
        f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        uow.commit()
    with pytest.raises(PermissionDenied, match="Karin Holmgren has no PIN yet"):
        login(empty_store, "S9001", "HH-1", "1234")
    with pytest.raises(PermissionDenied, match="No supervisor has a PIN yet"):
        pins.first_pin(empty_store, "P1001", "1234", "OFFICE")
    assert pins.first_pin(empty_store, "S9001", "4711", "OFFICE") == "Karin Holmgren"
    assert pins.first_pin(empty_store, "S9001", "1111", "OFFICE") is None  # now one has
    assert login(empty_store, "S9001", "HH-1", "4711").name == "Karin Holmgren"


@pytest.mark.parametrize(
    "badge", ["\x00", "S9001\x00", "²", "①", "\u202eS9001", "\x1b[31mX", "S" * 10_000]
)
def test_any_badge_is_refused_in_one_short_line(people, badge: str) -> None:
    store, _, _ = people
    with pytest.raises(DomainError) as info:
        pins.authenticate(store, Credential(badge, "1234"), "T1")
    message = str(info.value)
    assert "\n" not in message and "\x1b" not in message and "\x00" not in message
    assert "\u202e" not in message and len(message) < 80
