"""Carriers' tracking setup: checked when set, numbers refused cleanly when they run out.

The serial lives in a 64-bit counter: a format with a wider serial is refused
when the carrier is set up, a next serial outside the format too. At the pack
station a used-up range is refused with the carrier's name and what to do,
and changes nothing. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import refused, snapshot
from tests.worlds.packing import finish, open_1042, scan_all_1042
from wms_tui.domain.errors import DomainError, NotFound, PermissionDenied
from wms_tui.domain.identifiers.tracking import TrackingRule, validate_tracking_number
from wms_tui.domain.models import Carrier, Event, Order, Parcel
from wms_tui.services.demo.seed_files import DEMO_DIR, load_demo
from wms_tui.services.packing import station as packing
from wms_tui.services.setup import carrier_tracking, carriers
from wms_tui.services.setup.master_data import SetupRefused
from wms_tui.store import Store


def carrier(**setup) -> Carrier:
    fields = dict(
        code="CJ",
        name="CJ Logistics",
        tracking_prefix="",
        tracking_length=12,
        tracking_check="mod7",
        tracking_next=60500000001,
    )
    fields.update(setup)
    return Carrier(**fields)


# --------------------------------------------------------------------------- the setup


@pytest.mark.parametrize(
    "setup",
    [
        {},  # CJ's range, past 2^31
        dict(tracking_prefix="RR", tracking_length=13, tracking_check="s10", tracking_next=1),
        dict(
            tracking_prefix="1Z999AA1",
            tracking_length=18,
            tracking_check="ups",
            tracking_next=110000001,
        ),
        dict(tracking_length=19, tracking_check="mod10", tracking_next=10**18 - 1),
        dict(tracking_length=18, tracking_check="none", tracking_next=0),
    ],
)
def test_setups_that_can_number_parcels(setup: dict) -> None:
    rule = carrier_tracking.check_setup(carrier(**setup), "SE")
    assert rule.serial_digits <= carrier_tracking.MAX_SERIAL_DIGITS


def test_an_s10_carrier_set_up_before_the_warehouse_is_checked_for_its_shape() -> None:
    """The rule takes only an ISO country as the S10 suffix; before the warehouse (and
    its country) exists the setup checks the shape with a real one, not "XX"."""
    demo = carrier(code="PN", tracking_prefix="CA", tracking_length=13,
                   tracking_check="sscc_s10", tracking_next=73500001)  # fmt: skip
    rule = carrier_tracking.check_setup(demo, carrier_tracking.ANY_COUNTRY)
    assert rule.length == 13 and rule.serial_digits == 8


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        # 19 serial digits: 9999999999999999999 is past BIGINT's 9223372036854775807
        (dict(tracking_length=20, tracking_check="mod10", tracking_next=1), "64-bit counter"),
        (dict(tracking_length=19, tracking_check="none", tracking_next=1), "19-digit serial"),
        (dict(tracking_length=41, tracking_prefix="9" * 30), "at most 40"),
        (dict(tracking_next=10**11), "does not fit the 11 serial digits"),
        (dict(tracking_next=-1), "next serial -1 does not fit"),
        (dict(tracking_check="luhn"), "'luhn' is not one of"),
        (dict(tracking_prefix="ab"), "tracking setup is wrong"),
        (dict(tracking_length=1), "no room for a serial"),
        (dict(tracking_length=0), "must be a number"),
    ],
)
def test_setups_that_cannot_are_refused_naming_the_carrier(setup: dict, says: str) -> None:
    with pytest.raises(DomainError) as err:
        carrier_tracking.check_setup(carrier(**setup), "SE")
    assert str(err.value).startswith("Carrier CJ") and says in str(err.value)
    assert "\n" not in str(err.value)


def test_the_last_number_of_a_range_then_none() -> None:
    cj = carrier(tracking_next=10**11 - 2)
    rule = carrier_tracking.check_setup(cj, "SE")
    last_two = carrier_tracking.take_numbers(cj, rule, 2, "#1")
    assert [n[:11] for n in last_two] == ["99999999998", "99999999999"]
    assert all(validate_tracking_number(rule, n) for n in last_two)
    assert cj.tracking_next == 10**11
    with pytest.raises(DomainError, match="carrier CJ has no tracking numbers left"):
        carrier_tracking.take_numbers(cj, rule, 1, "#2")
    assert cj.tracking_next == 10**11


def test_the_demo_refuses_a_carrier_it_could_not_number(empty_store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, folder)
    csv = folder / "carriers.csv"
    csv.write_text(csv.read_text().replace("CJ,CJ Logistics,,12,", "CJ,CJ Logistics,,21,"))
    before = snapshot(empty_store)
    with (
        pytest.raises(
            SetupRefused, match="^carriers.csv, row 2, tracking_length: Carrier CJ: .*64-bit"
        ),
        empty_store.unit_of_work() as uow,
    ):
        load_demo(uow, folder)
        uow.commit()
    assert snapshot(empty_store) == before


# --------------------------------------------------------------------------- pack-close


@pytest.fixture
def world(empty_store: Store, tmp_path) -> pw.World:
    return pw.build(empty_store, label_dir=str(tmp_path / "labels"))


def set_counter(world: pw.World, **setup) -> int:
    oid = world.orders["#1042"]
    with world.store.unit_of_work() as uow:
        order = uow.session.get(Order, oid)
        pn = uow.session.get(Carrier, order.carrier_id)
        for name, value in setup.items():
            setattr(pn, name, value)
        uow.add(pn)
        uow.commit()
    return oid


def ready_to_close(world: pw.World) -> int:
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    return oid


def test_closing_on_a_used_up_range_is_refused_with_what_to_do(world: pw.World) -> None:
    set_counter(world, tracking_next=10**11)  # PN: 12 characters, mod10: 11-digit serials
    oid = ready_to_close(world)
    message = refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="Cannot close #1042: carrier PN has no tracking numbers left",
    )
    assert "wms carriers set PN" in message


def test_the_last_number_of_the_range_is_used_then_refused(world: pw.World) -> None:
    set_counter(world, tracking_next=10**11 - 1)
    oid = ready_to_close(world)
    closed = packing.close_parcel(world.store, world.packer, oid)
    number = closed.parcels[0].tracking_number
    assert number[:11] == "9" * 11 and len(number) == 12
    assert validate_tracking_number(TrackingRule(prefix="", length=12, check="mod10"), number)
    view = packing.open_order(world.store, world.packer, world.totes["#1043"])
    finish(world, packing.scan(world.store, world.packer, view.order_id, pw.BOOK_EAN))
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, view.order_id),
        match="carrier PN has no tracking numbers left (range ends at 99999999999",
    )


def test_a_range_with_fewer_numbers_than_parcels_gives_none(world: pw.World) -> None:
    set_counter(world, tracking_next=10**11 - 1)
    oid = open_1042(world).order_id
    for code in (pw.MUG_EAN, pw.MUG_EAN):
        packing.scan(world.store, world.packer, oid, code)
    packing.new_parcel(world.store, world.packer, oid)
    view = packing.scan(world.store, world.packer, oid, pw.TEE_EAN)
    for p in view.parcels:
        view = packing.enter_weight(world.store, world.packer, oid, str(p.expected_g))
    finish(world, view)
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="carrier PN has 1 tracking number left, #1042 needs 2",
    )


def test_a_serial_wider_than_the_counter_is_refused_not_overflowed(world: pw.World) -> None:
    """Set by hand in the database: 19 serial digits, the counter at BIGINT's last value."""
    set_counter(world, tracking_length=19, tracking_check="none", tracking_next=2**63 - 1)
    oid = ready_to_close(world)
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="Cannot close #1042: Carrier PN: a 19-character number after prefix (none) leaves"
        " a 19-digit serial, more than the 18 digits a 64-bit counter holds",
    )


# --------------------------------------------------------------------------- changing it


def test_a_supervisor_enters_a_new_range(world: pw.World) -> None:
    boss = world.supervisor
    info = carriers.change_tracking(
        world.store, boss, "pn", prefix="7", length=13, next_serial=5_000_000_000
    )
    assert (info.code, info.next_number[:12]) == ("PN", "705000000000")
    assert info.left == 10**11 - 5_000_000_000
    assert [c.next_number for c in carriers.list_carriers(world.store)] == [info.next_number]
    with world.store.read() as s:
        event = s.exec(select(Event).where(Event.kind == "carrier.tracking")).one()
        assert event.detail == (
            "PN: prefix (none), length 12, mod10, next 1000 → prefix 7, length 13, mod10, "
            "next 5000000000"
        )
    oid = ready_to_close(world)
    closed = packing.close_parcel(world.store, world.packer, oid)
    assert closed.parcels[0].tracking_number == info.next_number


def test_a_used_up_range_is_listed_with_none_left(world: pw.World) -> None:
    set_counter(world, tracking_next=10**11)
    [pn] = carriers.list_carriers(world.store)
    assert pn.left == 0 and pn.next_number == ""
    assert pn.problem.startswith("Carrier PN has no tracking numbers left: enter its new range")


def test_wrong_changes_are_refused_and_change_nothing(world: pw.World) -> None:
    oid = ready_to_close(world)
    used = packing.close_parcel(world.store, world.packer, oid).parcels[0].tracking_number
    store, boss = world.store, world.supervisor

    def change(code: str = "PN", actor=boss, **kw):
        return lambda: carriers.change_tracking(store, actor, code, **kw)

    refused(store, change("XX", next_serial=5), NotFound, "No carrier 'XX' (carriers: PN)")
    refused(store, change(), match="Nothing to change")
    refused(store, change(next_serial=999), match="can only go forward (it is 1001")
    refused(store, change(length=21), match="more than the 18 digits a 64-bit counter holds")
    refused(store, change(next_serial=10**11), match="does not fit the 11 serial digits")
    refused(store, change(check="luhn"), match="'luhn' is not one of")
    refused(store, change(length=41), match="at most 40")
    # A new format whose first number is one already printed on a parcel.
    refused(store, change(prefix="0", next_serial=1000), match=f"{used} is already on a parcel")
    packer = replace(world.packer, roles=frozenset({"packer"}))
    refused(store, change(actor=packer, next_serial=5000), PermissionDenied)


def test_wms_carriers_list_and_set(world: pw.World) -> None:
    from wms_tui.cli.main import app

    runner = CliRunner()
    url = world.store.url
    listed = runner.invoke(app, ["carriers", "list", "--db", url], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "000000010009" in listed.output and "99,999,999,000" in listed.output
    # At 80 columns the next number and what is left stay whole, on one line each.
    narrow = runner.invoke(app, ["carriers", "list", "--db", url], env={"COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    assert max(len(line) for line in narrow.output.splitlines()) <= 80
    [row] = [line for line in narrow.output.splitlines() if "000000010009" in line]
    assert "99,999,999,000" in row
    boss = ["--badge", "S9001", "--terminal", "OFFICE", "--db", url]
    done = runner.invoke(app, ["carriers", "set", "PN", "--next", "2000", *boss])
    assert done.exit_code == 0, done.output
    assert "Carrier PN: next number 000000020008, 99,999,998,000 left" in done.output
    with world.store.read() as s:
        event = s.exec(select(Event).where(Event.kind == "carrier.tracking")).one()
        assert (event.operator_name, event.terminal) == ("Karin Holmgren", "OFFICE")
    bad = runner.invoke(app, ["carriers", "set", "PN", "--length", "30", *boss])
    assert bad.exit_code == 2
    assert len(bad.output.strip().splitlines()) == 1 and "64-bit counter" in bad.output


@pytest.mark.parametrize(
    ("badge", "message"),
    [
        ([], "error: Say who you are: --badge (or $WMS_BADGE) and --pin (or $WMS_PIN)"),
        (["--badge", "X0000"], "error: Unknown badge X0000: see a supervisor"),
        (
            ["--badge", "K2001"],
            "error: Johan Öberg may not change a carrier's tracking numbers: "
            "needs the supervisor role",
        ),
    ],
)
def test_wms_carriers_set_takes_a_supervisors_badge(
    world: pw.World, monkeypatch: pytest.MonkeyPatch, badge: list[str], message: str
) -> None:
    from wms_tui.cli.main import app

    monkeypatch.delenv("WMS_BADGE", raising=False)
    f.give_pin(world.store, "K2001")  # so the role, not a missing PIN, refuses the packer
    before = snapshot(world.store)
    url = world.store.url
    result = CliRunner().invoke(
        app, ["carriers", "set", "PN", "--next", "2000", *badge, "--db", url]
    )
    assert result.exit_code == 2
    assert result.output.splitlines() == [message]
    assert snapshot(world.store) == before


def test_wms_badge_in_the_environment_is_the_badge(
    world: pw.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wms_tui.cli.main import app

    monkeypatch.setenv("WMS_BADGE", "S9001")
    url = world.store.url
    result = CliRunner().invoke(app, ["carriers", "set", "PN", "--next", "2000", "--db", url])
    assert result.exit_code == 0, result.output
    with world.store.read() as s:
        assert s.exec(select(Carrier.tracking_next)).one() == 2000
        assert s.exec(select(Parcel)).first() is None


def test_a_postnord_range_is_listed_as_numbering_parcels_abroad(
    empty_store: Store, tmp_path
) -> None:
    from wms_tui.cli.main import app

    world = pw.build(empty_store, label_dir=str(tmp_path / "labels"), carrier_check="sscc_s10")
    runner = CliRunner()
    url = world.store.url
    listed = runner.invoke(app, ["carriers", "list", "--db", url], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "CA 13 sscc_s10 (abroad; at home the parcel's SSCC)" in listed.output
    assert "CA735000019SE" in listed.output
    # A registered-letter indicator is no parcel range: refused in one line, nothing changed.
    boss = ["--badge", "S9001", "--terminal", "OFFICE", "--db", url]
    bad = runner.invoke(app, ["carriers", "set", "PN", "--prefix", "RR", *boss])
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1
    assert "CA-CZ (parcel post), got 'RR'" in bad.output
