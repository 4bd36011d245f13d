"""``wms devices add|list|remove``: a supervisor registers the floor devices."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from wms_tui.cli.main import app
from wms_tui.domain.enums import EventKind
from wms_tui.domain.models import Device, Event
from wms_tui.serve.quiet_asyncssh import asyncssh
from wms_tui.services.devices import registry
from wms_tui.store import Store

runner = CliRunner()
BOSS = ("--badge", "S9001")


@pytest.fixture
def db(sqlite_store: Store) -> tuple[str, Store]:
    with sqlite_store.unit_of_work() as uow:
        f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        f.operator(uow, "Ana Lindqvist", "picker", badge="P1001", pin=f.SUPERVISOR_PIN)
        uow.commit()
    return str(sqlite_store.url), sqlite_store


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input, env=env)
    return result.exit_code, result.output


def public_key(tmp_path: Path, name: str = "dev.pub") -> Path:
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = tmp_path / name
    path.write_bytes(key.export_public_key())
    return path


def test_add_list_remove(db: tuple[str, Store], tmp_path: Path) -> None:
    url, store = db
    pub = public_key(tmp_path)
    code, out = run("devices", "list", "--db", url)
    assert code == 0 and "No devices registered" in out
    code, out = run("devices", "add", "picker-07", "--key", str(pub), *BOSS, "--db", url)
    assert code == 0, out
    assert out.splitlines()[0] == "Added device picker-07 (key)"
    assert "key SHA256:" in out
    code, out = run(
        "devices", "add", "pack-1", "--password", "--web", *BOSS, "--db", url,
        input="station-pw-1\nstation-pw-1\n",
    )  # fmt: skip
    assert code == 0, out
    assert "Added device pack-1 (password, web)" in out
    token = out.split("browser token (shown once): ")[1].split()[0]
    assert registry.device_for_token(store, token) == "pack-1"
    assert registry.password_allowed(store, "pack-1", "station-pw-1")
    assert not registry.password_allowed(store, "pack-1", "station-pw-2")
    with store.read() as s:
        stored = s.exec(select(Device).where(Device.name == "pack-1")).one()
        # Only hashes are kept.
        assert "station-pw-1" not in stored.password_hash and token not in stored.token_hash
    code, out = run("devices", "list", "--db", url)
    assert code == 0 and "picker-07" in out and "pack-1" in out and "password, web" in out
    code, out = run("devices", "remove", "picker-07", *BOSS, "--db", url)
    assert code == 0 and out.strip() == "Removed device picker-07"
    assert not registry.is_registered(store, "picker-07")
    with store.read() as s:
        kinds = s.exec(
            select(Event.kind, Event.detail).where(
                col(Event.kind).in_([EventKind.DEVICE_ADDED, EventKind.DEVICE_REMOVED])
            )
        ).all()
    assert kinds == [
        (EventKind.DEVICE_ADDED, "picker-07: key"),
        (EventKind.DEVICE_ADDED, "pack-1: password, web"),
        (EventKind.DEVICE_REMOVED, "picker-07"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bad name!", "--web"), "Device name 'bad name!' must be 1-32 letters"),
        (("hh-1",), "Say how hh-1 signs in: --key FILE, --password and/or --web"),
        (("hh-1", "--key", "missing.pub"), "Cannot read key file missing.pub"),
        (("hh-1", "--key", "private"), "That is a private key: give the device's public key"),
        (("hh-1", "--key", "two.pub"), "this one has 2 lines"),
        (("hh-1", "--key", "junk.pub"), "Not an OpenSSH public key"),
        (("hh-1", "--web", "--badge", "P1001"), "Ana Lindqvist may not register devices"),
        (("hh-1", "--web", "--badge", "NOPE"), "Unknown badge NOPE"),
        (("dup", "--web"), "Device dup is already registered"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    db: tuple[str, Store], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    url, store = db
    registry.add_device(store, registry_actor(store), "dup", web=True)
    key = asyncssh.generate_private_key("ssh-ed25519")
    (tmp_path / "private").write_bytes(key.export_private_key())
    one = key.export_public_key().decode()
    (tmp_path / "two.pub").write_text(one + one)
    (tmp_path / "junk.pub").write_text("ssh-ed25519 AAAAnotbase64!!\n")
    before = snapshot(store)
    badge = () if "--badge" in args else BOSS
    code, out = run("devices", "add", *args, *badge, "--db", url)
    assert code == 2, out
    assert len(out.strip().splitlines()) == 1 and message in out
    assert snapshot(store) == before


def test_a_short_password_and_an_unknown_device_to_remove(db: tuple[str, Store]) -> None:
    url, store = db
    code, out = run(
        "devices", "add", "hh-1", "--password", *BOSS, "--db", url,
        env={"WMS_DEVICE_PASSWORD": "short"},
    )  # fmt: skip
    assert code == 2 and "at least 8 characters" in out
    code, out = run("devices", "remove", "hh-9", *BOSS, "--db", url)
    assert code == 2 and "No device 'hh-9'" in out
    assert registry.list_devices(store) == []


def registry_actor(store: Store):  # noqa: ANN201
    from wms_tui.services.core.badges import actor_for, operator_by_badge

    with store.read() as s:
        return actor_for(operator_by_badge(s, "S9001"), "test")
