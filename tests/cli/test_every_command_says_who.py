"""Every registered ``wms`` command: one that changes the store takes a badge and
PIN (or a service account's), so the event log names who did it.

The commands are walked from the Typer app itself, so a new command fails
:func:`test_every_command_is_accounted_for` until it is put in one of the
groups below. The read-only group is not taken on trust: each of those
commands is run on a store with orders, parcels and a loaded truck, and the
whole database must be as it was afterwards.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import typer
from typer.testing import CliRunner

from tests.worlds.dbstate import snapshot
from tests.worlds.dispatch import Dock, build_dock
from wms_tui.cli.main import app
from wms_tui.services.dispatch import handover
from wms_tui.store import Store

runner = CliRunner()

# Make or replace a whole store: there is nobody in it to name yet (init, an
# empty simulation store, the demo's own store, a schema upgrade by the owner).
OWN_THE_STORE = {
    "init": "creates an empty store: no operators exist yet",
    "demo": "builds (or, after a question, resets) the demo's own store only",
    "db upgrade": "the database owner migrates the schema; no rows are written as anyone",
    "simulate day": "refuses any store that is not empty and writes a simulated day into it",
}
# Every person signs in on their own: the TUI's login, API keys, device keys.
SIGN_IN_EACH_USER = {
    "run": "the login screen: badge, then PIN",
    "serve api": "every request carries an API key with its scopes",
    "serve ssh": "device keys, then the login screen in each session",
    "serve web": "device tokens, then the login screen in each session",
}
# Read the store and write files only; proven below on a store with data.
READ_ONLY: dict[str, list[str]] = {
    "api-keys list": [],
    "carriers list": [],
    "devices list": [],
    "export fulfillments": ["{tmp}/fulfilments.csv"],
    "export returns": ["{tmp}/returns.csv"],
    "manifest list": [],
    "picklist": ["W0001-01", "--out", "{tmp}"],
    "printers test": ["PACK-1", "--no-print"],
    "returns reasons list": [],
    "returns report": [],
    "sku-labels": ["--delivery", "PO-1", "--out", "{tmp}"],
    "stock": ["--by-bin"],
}


def _commands() -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}

    def walk(cmd: click.Command, path: tuple[str, ...]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, (*path, name))
        else:
            found[" ".join(path)] = cmd

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _commands()


def _takes_a_credential(cmd: click.Command) -> bool:
    opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
    return {"--badge", "--pin"} <= opts


def test_every_command_is_accounted_for() -> None:
    groups = (set(OWN_THE_STORE), set(SIGN_IN_EACH_USER), set(READ_ONLY))
    with_credential = {name for name, cmd in COMMANDS.items() if _takes_a_credential(cmd)}
    unaccounted = sorted(set(COMMANDS) - with_credential - set().union(*groups))
    assert not unaccounted, f"says nobody who runs it: {unaccounted}"
    # A command in a group it does not belong to (or one that no longer exists).
    assert not (with_credential & set().union(*groups))
    assert set().union(*groups) <= set(COMMANDS)
    assert len(COMMANDS) > 40  # the walk found the subcommands, not only the groups


def test_the_store_changing_commands_are_the_ones_that_were_missing_a_badge() -> None:
    """``wms sync``, the notices and the receipt report ran as nobody before."""
    for name in ("sync", "notices delays", "notices shipped", "notices send", "receipt-report"):
        assert _takes_a_credential(COMMANDS[name]), name


@pytest.fixture
def dock(sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dock:
    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    monkeypatch.delenv("WMS_PRINTER", raising=False)
    d = build_dock(sqlite_store, tmp_path)
    handover.load_parcel(d.store, d.packer, "PN", d.sscc["#1"])
    return d


def test_the_read_only_commands_change_nothing(dock: Dock, tmp_path: Path) -> None:
    before = snapshot(dock.store)
    ran = []
    for name, args in READ_ONLY.items():
        argv = [*name.split(), *(a.format(tmp=tmp_path) for a in args), "--db", dock.store.url]
        result = runner.invoke(app, argv)
        # Refusals (a task or delivery the world lacks) are fine; a crash is not.
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            name,
            result.output,
        )
        ran.append((name, result.exit_code))
        assert snapshot(dock.store) == before, f"wms {name} changed the store"
    assert len(ran) == len(READ_ONLY)
