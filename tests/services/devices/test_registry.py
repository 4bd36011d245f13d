"""The device registry behind ``wms serve``, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from wms_tui.domain.actor import Actor
from wms_tui.domain.errors import Conflict, PermissionDenied
from wms_tui.serve.quiet_asyncssh import asyncssh
from wms_tui.services.devices import registry
from wms_tui.store import Store


@pytest.fixture
def boss(empty_store: Store) -> Actor:
    with empty_store.unit_of_work() as uow:
        actor = f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        uow.commit()
    return actor


def test_a_device_signs_in_only_with_what_was_registered(empty_store: Store, boss: Actor) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    line = key.export_public_key().decode()  # "ssh-ed25519 AAAA… comment\n"
    added = registry.add_device(
        empty_store, boss, "picker-07", public_key=line, password="floor-pass", web=True
    )
    assert added.device.methods == ("key", "password", "web")
    assert added.token and len(added.token) >= 40
    assert registry.key_allowed(empty_store, "picker-07", line)
    assert registry.key_allowed(empty_store, "picker-07", " ".join(line.split()[:2]))
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    assert not registry.key_allowed(empty_store, "picker-07", other)
    assert not registry.key_allowed(empty_store, "picker-08", line)
    assert registry.password_allowed(empty_store, "picker-07", "floor-pass")
    assert not registry.password_allowed(empty_store, "picker-07", "floor-pas")
    assert registry.device_for_token(empty_store, added.token) == "picker-07"
    assert registry.device_for_token(empty_store, added.token[:-1]) is None
    assert registry.device_for_token(empty_store, "") is None
    # A device with a key only has no password to guess, and no browser token.
    registry.add_device(empty_store, boss, "picker-08", public_key=other)
    assert not registry.password_allowed(empty_store, "picker-08", "")
    assert [d.name for d in registry.list_devices(empty_store)] == ["picker-07", "picker-08"]


def test_refusals_change_nothing(empty_store: Store, boss: Actor) -> None:
    registry.add_device(empty_store, boss, "hh-1", web=True)
    before = snapshot(empty_store)
    picker = Actor(None, "Ana", frozenset({"picker"}), "HH")
    with pytest.raises(PermissionDenied, match="Ana may not register devices"):
        registry.add_device(empty_store, picker, "hh-2", web=True)
    with pytest.raises(PermissionDenied, match="Ana may not remove devices"):
        registry.remove_device(empty_store, picker, "hh-1")
    with pytest.raises(Conflict, match="Device hh-1 is already registered"):
        registry.add_device(empty_store, boss, "hh-1", password="long-enough")
    assert snapshot(empty_store) == before
