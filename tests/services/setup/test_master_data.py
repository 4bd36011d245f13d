"""A warehouse's own master data from setup files (``wms import setup``).

The demo's files into an empty store give the demo's master data; importing
them again changes nothing; every bad row is refused with file, row and
column, and then nothing from any file is imported. Runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select
from typer.testing import CliRunner

from tests.conftest import drop_pg_schema, make_url
from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from tests.worlds.setup import edit, setup_copy
from wms_tui.cli.main import app
from wms_tui.domain.errors import DomainError
from wms_tui.domain.identifiers.tracking import TrackingRule, make_tracking_number
from wms_tui.domain.models import Carrier, Event, Location, Operator, Order, Parcel, Station, Stock
from wms_tui.services.demo.seed_files import DEMO_DIR, load_demo
from wms_tui.services.setup.master_data import SetupRefused, import_setup
from wms_tui.store import Store

runner = CliRunner()
MASTER_TABLES = ("warehouse", "location", "station", "operator", "carrier", "service", "cartontype")
BOSS = "S9001"  # Karin Holmgren, a supervisor in the demo's operators.csv


def master_rows(store: Store) -> dict[str, list[tuple]]:
    import wms_tui.domain.models  # noqa: F401

    out = {}
    with store.engine.connect() as conn:
        for name in MASTER_TABLES:
            table = SQLModel.metadata.tables[name]
            # PIN hashes are salted: the same PIN hashes differently each time.
            columns = [c for c in table.columns if c.name != "pin_hash"]
            stmt = sa_select(*columns).order_by(*table.primary_key.columns)
            out[name] = [tuple(r) for r in conn.execute(stmt)]
    return out


def problems(store: Store, *paths: Path) -> list[str]:
    """The problems an import is refused with; the store must be left as it was."""
    before = snapshot(store)
    with pytest.raises(SetupRefused) as refused:
        import_setup(store, paths)
    assert snapshot(store) == before
    return [str(p) for p in refused.value.problems]


@pytest.fixture
def other_url(backend: str, tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "other"
    folder.mkdir()
    url, schema = make_url(backend, folder)
    yield url
    if schema:
        drop_pg_schema(schema)


@pytest.fixture
def demo_store(empty_store: Store) -> Store:
    """The demo loaded without its history: master data, stock and orders."""
    with empty_store.unit_of_work() as uow:
        load_demo(uow)
        uow.commit()
    return empty_store


# --------------------------------------------------------------------------- the happy path


def test_the_demo_files_give_an_empty_store_the_demos_master_data(
    db_url: str, other_url: str
) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    done = runner.invoke(app, ["import", "setup", str(DEMO_DIR), "--db", db_url])
    assert done.exit_code == 0, done.output
    assert "Master data imported:" in done.output
    assert "704 created" in done.output and "13 created" in done.output
    not_read = "asn.csv, order_lines.csv, orders.csv, products.csv, stock.csv"
    assert f"Not read (not setup files): {not_read}" in done.output

    demo = Store(other_url)
    demo.create_schema()
    with demo.unit_of_work() as uow:
        load_demo(uow)
        uow.commit()
    imported = Store(db_url)
    try:
        assert master_rows(imported) == master_rows(demo)
        with imported.read() as s:
            pack = s.exec(select(Station).order_by(Station.code)).all()
            assert [(st.code, st.kind) for st in pack] == [
                (f"PACK-{i}", "pack") for i in range(1, 5)
            ]
            logged = s.exec(select(Event.detail).where(Event.kind == "setup.import")).all()
            assert "locations.csv: 704 created (A-01-1-A" in logged[1]
    finally:
        imported.dispose()
        demo.dispose()


def test_importing_the_same_files_again_changes_nothing(empty_store: Store, tmp_path: Path) -> None:
    folder = setup_copy(tmp_path)
    first = import_setup(empty_store, [folder])
    assert first.changed
    before = snapshot(empty_store)
    again = import_setup(empty_store, [folder])
    assert not again.changed
    assert [(o.what, o.summary()) for o in again.outcomes] == [
        ("warehouse.csv", "1 unchanged"),
        ("locations.csv", "704 unchanged"),
        ("operators.csv", "13 unchanged"),
        ("carriers.csv", "5 unchanged"),
        ("services.csv", "11 unchanged"),
        ("cartons.csv", "7 unchanged"),
    ]
    assert snapshot(empty_store) == before, "an unchanged import logs nothing either"


def test_changed_rows_update_and_new_rows_are_added(empty_store: Store, tmp_path: Path) -> None:
    folder = setup_copy(tmp_path)
    import_setup(empty_store, [folder])
    edit(
        folder, "operators.csv", "P1003,Oliver Bennett,picker", "P1003,Oliver Bennett,packer;picker"
    )
    edit(folder, "operators.csv", "S9999,ADMIN,", "P1006,Nils Berg,picker\nS9999,ADMIN,")
    # Same roles in another order: unchanged.
    edit(
        folder,
        "operators.csv",
        "P1004,Märta Sjöberg,picker;packer",
        "P1004,Märta Sjöberg,packer;picker",
    )
    edit(folder, "services.csv", "CJ,CJ-STD,CJ Standard,15:00", "CJ,CJ-STD,CJ Standard,14:30")
    report = import_setup(empty_store, [folder], credential=f.boss(BOSS))
    summary = {o.what: o.summary() for o in report.outcomes}
    assert summary["operators.csv"] == "1 created (P1006); 1 updated (P1003); 12 unchanged"
    assert summary["services.csv"] == "1 updated (CJ CJ-STD); 10 unchanged"
    with empty_store.read() as s:
        p1003 = s.exec(select(Operator).where(Operator.badge == "P1003")).one()
        assert p1003.roles == "picker,packer"
        details = s.exec(select(Event.detail).where(Event.kind == "setup.import")).all()
        assert details[-2:] == [
            "operators.csv: 1 created (P1006); 1 updated (P1003); 12 unchanged",
            "services.csv: 1 updated (CJ CJ-STD); 10 unchanged",
        ]


def test_a_file_alone_may_name_what_the_store_has(empty_store: Store, tmp_path: Path) -> None:
    folder = setup_copy(tmp_path)
    import_setup(empty_store, [folder / "carriers.csv"])
    extra = tmp_path / "services.csv"
    extra.write_text("carrier,code,name,cutoff\nCJ,CJ-SAT,CJ Saturday,11:00\n", encoding="utf-8")
    report = import_setup(empty_store, [extra])
    assert [(o.what, o.summary()) for o in report.outcomes] == [
        ("services.csv", "1 created (CJ CJ-SAT)")
    ]


def test_the_shops_currency_comes_from_warehouse_csv(empty_store: Store, tmp_path: Path) -> None:
    from wms_tui.services.core import settings

    folder = setup_copy(tmp_path)
    import_setup(empty_store, [folder])
    edit(folder, "warehouse.csv", "sscc_extension\n", "sscc_extension,currency\n")
    edit(folder, "warehouse.csv", ",7350053,0", ",7350053,0,kronor")
    assert problems(empty_store, folder / "warehouse.csv") == [
        "warehouse.csv, row 2, currency: 'kronor' is not a three-letter currency code like SEK"
    ]
    edit(folder, "warehouse.csv", ",7350053,0,kronor", ",7350053,0,eur")
    report = import_setup(empty_store, [folder / "warehouse.csv"])
    assert report.outcomes[0].summary() == "1 updated (JKG1)"
    with empty_store.read() as s:
        assert settings.get(s, "shop_currency") == "EUR"
    # Left out, the currency stays what it was.
    edit(folder, "warehouse.csv", "sscc_extension,currency\n", "sscc_extension\n")
    edit(folder, "warehouse.csv", ",7350053,0,eur", ",7350053,0")
    import_setup(empty_store, [folder / "warehouse.csv"])
    with empty_store.read() as s:
        assert settings.get(s, "shop_currency") == "EUR"


def test_the_terms_of_delivery_come_from_warehouse_csv(empty_store: Store, tmp_path: Path) -> None:
    from wms_tui.services.core import settings

    folder = setup_copy(tmp_path)
    import_setup(empty_store, [folder])
    with empty_store.read() as s:
        assert settings.get(s, "incoterms") == "DAP"  # the recipient pays, unless told
    edit(folder, "warehouse.csv", "sscc_extension\n", "sscc_extension,incoterms\n")
    edit(folder, "warehouse.csv", ",7350053,0", ",7350053,0,EXW")
    assert problems(empty_store, folder / "warehouse.csv") == [
        "warehouse.csv, row 2, incoterms: 'EXW' is not DAP or DDP"
        " (the Incoterms a shop ships parcels under)"
    ]
    edit(folder, "warehouse.csv", ",7350053,0,EXW", ",7350053,0,ddp")
    report = import_setup(empty_store, [folder / "warehouse.csv"])
    assert report.outcomes[0].summary() == "1 updated (JKG1)"
    with empty_store.read() as s:
        assert settings.get(s, "incoterms") == "DDP"


def test_a_column_left_out_leaves_that_field_as_it_is(empty_store: Store, tmp_path: Path) -> None:
    folder = setup_copy(tmp_path)
    import_setup(empty_store, [folder])
    retire = tmp_path / "locations.csv"
    retire.write_text("code,kind,active\nA-01-1-A,pick,false\n", encoding="utf-8")
    report = import_setup(empty_store, [retire])
    assert report.outcomes[0].summary() == "1 updated (A-01-1-A)"
    # The demo's locations.csv has no "active" column: A-01-1-A stays retired.
    report = import_setup(empty_store, [folder / "locations.csv"])
    assert report.outcomes[0].summary() == "704 unchanged"
    with empty_store.read() as s:
        loc = s.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        assert not loc.active and loc.zone == "A"


def test_stations_with_printers_and_semicolons(empty_store: Store, tmp_path: Path) -> None:
    folder = setup_copy(tmp_path)
    (folder / "stations.csv").write_text(
        "code;kind;location;printer;label_format;label_size\n"
        "PACK-1;pack;PACK-1;zebra-pack-1;ZPL;a6\n"
        "RCV-DESK;receiving;RCV-1;;;\n",
        encoding="utf-8",
    )
    report = import_setup(empty_store, [folder])
    summary = {o.what: o.summary() for o in report.outcomes}
    # PACK-2..4 get the pack station a new pack location gets; PACK-1 is the file's.
    assert summary["stations.csv"] == ("5 created (PACK-1, RCV-DESK, PACK-2, PACK-3, PACK-4)")
    with empty_store.read() as s:
        rows = {st.code: st for st in s.exec(select(Station))}
        pack1, desk = rows["PACK-1"], rows["RCV-DESK"]
        assert (pack1.kind, pack1.printer, pack1.label_format, pack1.label_size) == (
            "pack",
            "zebra-pack-1",
            "zpl",
            "A6",
        )
        assert (desk.printer, desk.label_format, desk.label_size) == (None, "pdf", "4x6")
        rcv = s.exec(select(Location).where(Location.code == "RCV-1")).one()
        assert desk.location_id == rcv.id


def test_a_carrier_keeps_its_counter_and_takes_a_new_range(
    demo_store: Store, tmp_path: Path
) -> None:
    folder = setup_copy(tmp_path)
    with demo_store.unit_of_work() as uow:
        cj = uow.session.exec(select(Carrier).where(Carrier.code == "CJ")).one()
        cj.tracking_next += 500  # numbers handed out since the file was written
        uow.commit()
    report = import_setup(demo_store, [folder / "carriers.csv"])
    assert not report.changed
    edit(
        folder,
        "carriers.csv",
        "CJ,CJ Logistics,,12,mod7,60500000001",
        "CJ,CJ Logistics,,12,mod7,70500000001",
    )
    report = import_setup(
        demo_store, [folder / "carriers.csv"], credential=f.boss(BOSS), terminal="OFFICE"
    )
    assert report.outcomes[0].summary() == "1 updated (CJ); 4 unchanged"
    with demo_store.read() as s:
        assert (
            s.exec(select(Carrier.tracking_next).where(Carrier.code == "CJ")).one() == 70500000001
        )
        event = s.exec(select(Event).where(Event.kind == "carrier.tracking")).one()
        assert event.detail == (
            "CJ: prefix (none), length 12, mod7, next 60500000501 → "
            "prefix (none), length 12, mod7, next 70500000001"
        )
        assert (event.operator_name, event.terminal) == ("Karin Holmgren", "OFFICE")


# --------------------------------------------------------------------------- refusals

# (file, text in the demo's file, replacement, the problem)
BAD_ROWS = [
    (
        "warehouse.csv",
        "JKG1,Nordlys Fulfilment,",
        "JKG1,Nordlys Fulfilment,Lagervägen 7,,Jönköping,553 03,,SE,,7350053,0\nJKG2,Two,",
        "warehouse.csv, row 3: a store holds one warehouse: give one row",
    ),
    (
        "warehouse.csv",
        ",SE,",
        ",Sweden,",
        "warehouse.csv, row 2, country_code: 'Sweden' is not an ISO 3166-1 country code like SE",
    ),
    (
        "warehouse.csv",
        ",7350053,",
        ",73500,",
        "warehouse.csv, row 2, gs1_company_prefix: '73500' is not a GS1 company prefix "
        "(6 to 12 digits)",
    ),
    (
        "locations.csv",
        "A-01-1-B,A,1,1,B,pick",
        "A-01-1-B,A,1,1,B,shelf",
        "locations.csv, row 3, kind: 'shelf' is not a location kind "
        "(pick, bulk, receiving, quarantine, pack, dispatch, tote)",
    ),
    (
        "locations.csv",
        "A-01-1-C,A,1,1,C,pick",
        "A-01-1-A,A,1,1,C,pick",
        "locations.csv, row 4, code: A-01-1-A is already on row 2",
    ),
    (
        "locations.csv",
        "A-01-1-A,A,1,1,A,pick",
        "A-01-1-A,A,-1,1,A,pick",
        "locations.csv, row 2, aisle: -1 must not be negative",
    ),
    (
        "locations.csv",
        "A-01-1-A,A,1,1,A,pick",
        "A-01-1-A,A,1,10000,A,pick",
        "locations.csv, row 2, bay: 10000 is more than 9999",
    ),
    (
        "locations.csv",
        "A-01-1-A,A,1,1,A,pick",
        "A-01-1-A\u200b,A,1,1,A,pick",
        "locations.csv, row 2, code: contains the invisible character U+200B: "
        "a scanner cannot type it",
    ),
    (
        "operators.csv",
        "P1002,",
        "P1001,",
        "operators.csv, row 3, badge: P1001 is already on row 2",
    ),
    (
        "operators.csv",
        "P1001,",
        "P10\x0701,",
        "operators.csv, row 2, badge: contains the control character U+0007",
    ),
    (
        "operators.csv",
        "Oliver Bennett,picker",
        "Oliver\tBennett,picker",
        "operators.csv, row 4, name: contains the control character U+0009",
    ),
    (
        "operators.csv",
        "Oliver Bennett,picker",
        "Oliver Bennett,picker;admin",
        "operators.csv, row 4, roles: 'admin' is not a role (picker, packer, receiver, supervisor)",
    ),
    (
        "operators.csv",
        "Oliver Bennett,picker",
        "Oliver Bennett,",
        "operators.csv, row 4, roles: empty",
    ),
    (
        # A right-to-left override: the name would read "Oliver ttenneB" reversed on
        # a screen; the API's and the shop's rule (domain/text.py).
        "operators.csv",
        "Oliver Bennett,picker",
        "Oliver \u202ettenneB,picker",
        "operators.csv, row 4, name: holds the invisible character U+202E "
        "(RIGHT-TO-LEFT OVERRIDE); retype it",
    ),
    (
        "carriers.csv",
        "DHL,DHL Express,,10,mod7,",
        "DHL,DHL Express,,41,mod7,",
        "carriers.csv, row 4, tracking_length: Carrier DHL: tracking numbers of 41 characters "
        "do not fit (at most 40)",
    ),
    (
        "carriers.csv",
        "CJ,CJ Logistics,,12,",
        "CJ,CJ Logistics,,21,",
        "carriers.csv, row 2, tracking_length: Carrier CJ: a 21-character number after prefix "
        "(none) leaves a 20-digit serial, more than the 18 digits a 64-bit counter holds: "
        "use a longer prefix or a shorter length",
    ),
    (
        "carriers.csv",
        "DHL,DHL Express,,10,mod7,",
        "DHL,DHL Express,,10,luhn,",
        "carriers.csv, row 4, tracking_check: 'luhn' is not a check digit scheme "
        "(mod10, mod7, ups, s10, sscc_s10, none)",
    ),
    (
        "carriers.csv",
        "UPS,UPS,1Z999AA1,",
        "UPS,UPS,2Z999AA1,",
        "carriers.csv, row 5, tracking_prefix: Carrier UPS tracking setup is wrong: "
        "UPS numbers start with '1Z', got prefix '2Z999AA1'",
    ),
    (
        "carriers.csv",
        "CJ,CJ Logistics,,12,mod7,60500000001",
        "CJ,CJ Logistics,,12,mod7,605000000010",
        "carriers.csv, row 2, tracking_start: Carrier CJ: next serial 605000000010 does not fit "
        "the 11 serial digits of its numbers (0 to 99999999999)",
    ),
    (
        "services.csv",
        "CJ,CJ-EXP,CJ Express,13:00",
        "CJX,CJ-EXP,CJ Express,13:00",
        "services.csv, row 3, carrier: no carrier CJX in carriers.csv or the store",
    ),
    (
        "services.csv",
        "CJ,CJ-EXP,CJ Express,13:00",
        "CJ,CJ-EXP,CJ Express,25:00",
        "services.csv, row 3, cutoff: '25:00' is not a time like 15:00",
    ),
    (
        "services.csv",
        "CJ,CJ-EXP,CJ Express,13:00",
        "CJ,CJ-STD,CJ Express,13:00",
        "services.csv, row 3, code: CJ CJ-STD is already on row 2",
    ),
    (
        "cartons.csv",
        "BOX-S,Box S,200,",
        "BOX-S,Box S,-200,",
        "cartons.csv, row 4, inner_length_mm: -200 must be more than 0",
    ),
    (
        "cartons.csv",
        "BOX-S,Box S,200,150,100,5000,120",
        "BOX-S,Box S,200,150,100,heavy,120",
        "cartons.csv, row 4, max_weight_g: 'heavy' is not a whole number",
    ),
    (
        "cartons.csv",
        "own_weight_g",
        "own_weight",
        "cartons.csv, row 1, own_weight: unknown column (the columns are code, name, "
        "inner_length_mm, inner_width_mm, inner_height_mm, max_weight_g, own_weight_g, active)",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "problem"), BAD_ROWS)
def test_a_bad_row_refuses_every_file(
    empty_store: Store, tmp_path: Path, name: str, old: str, new: str, problem: str
) -> None:
    folder = setup_copy(tmp_path)
    edit(folder, name, old, new)
    found = problems(empty_store, folder)
    if "row 1, own_weight:" in problem:
        assert found == [problem, "cartons.csv, row 1, own_weight_g: missing column"]
    else:
        assert found == [problem]
    with empty_store.read() as s:
        assert s.exec(select(Location)).first() is None, "nothing from the other files"


def test_every_problem_of_every_file_is_listed_in_file_order(
    empty_store: Store, tmp_path: Path
) -> None:
    folder = setup_copy(tmp_path)
    edit(folder, "cartons.csv", "BOX-S,Box S,200,", "BOX-S,Box S,0,")
    edit(folder, "locations.csv", "A-01-1-B,A,1,1,B,pick", "A-01-1-B,A,1,1,B,")
    edit(folder, "operators.csv", "P1002,", "P1001,")
    assert problems(empty_store, folder) == [
        "locations.csv, row 3, kind: empty",
        "operators.csv, row 3, badge: P1001 is already on row 2",
        "cartons.csv, row 4, inner_length_mm: 0 must be more than 0",
    ]


def test_a_reference_to_a_bad_row_is_not_reported_twice(empty_store: Store, tmp_path: Path) -> None:
    folder = setup_copy(tmp_path)
    edit(folder, "carriers.csv", "DHL,DHL Express,,10,mod7,", "DHL,DHL Express,,41,mod7,")
    found = problems(empty_store, folder)
    assert len(found) == 1 and found[0].startswith("carriers.csv, row 4, tracking_length:")


def test_stations_name_locations_that_exist(empty_store: Store, tmp_path: Path) -> None:
    folder = setup_copy(tmp_path)
    (folder / "stations.csv").write_text(
        "code,kind,location,label_format\nPACK-1,pack,PACK-9,pdf\nPACK-2,bench,PACK-2,png\n",
        encoding="utf-8",
    )
    assert problems(empty_store, folder) == [
        "stations.csv, row 2, location: no location PACK-9 in locations.csv or the store",
        "stations.csv, row 3, kind: 'bench' is not a station kind "
        "(handheld, pack, receiving, dispatch, office)",
        "stations.csv, row 3, label_format: 'png' is not a label format (pdf, zpl)",
    ]


def test_files_that_are_no_setup_files(empty_store: Store, tmp_path: Path) -> None:
    assert problems(empty_store, tmp_path / "nowhere") == [
        f"{tmp_path / 'nowhere'}: no such folder or file"
    ]
    assert problems(empty_store, DEMO_DIR / "products.csv") == [
        "products.csv: not a setup file (warehouse.csv, locations.csv, stations.csv, "
        "operators.csv, carriers.csv, services.csv, cartons.csv, customs.csv, stock_levels.csv)"
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert problems(empty_store, empty) == [
        f"{empty}: none of the setup files (warehouse.csv, locations.csv, stations.csv, "
        "operators.csv, carriers.csv, services.csv, cartons.csv, customs.csv, stock_levels.csv)"
    ]
    (empty / "operators.csv").write_bytes(b"badge,name,roles\nP1,Bj\xf6rn,picker\n")
    assert problems(empty_store, empty) == [
        "operators.csv, row 2: not UTF-8 text (save the file as CSV UTF-8)"
    ]
    (empty / "operators.csv").write_text("badge,name\nP1,Ann\n", encoding="utf-8")
    assert problems(empty_store, empty) == ["operators.csv, row 1, roles: missing column"]


# --------------------------------------------------------------------------- changes refused


def test_changes_the_store_cannot_take_are_refused(demo_store: Store, tmp_path: Path) -> None:
    folder = setup_copy(tmp_path)
    with demo_store.read() as s:
        held = sum(
            s.exec(
                select(Stock.qty)
                .join(Location, Location.id == Stock.location_id)
                .where(Location.code == "A-01-1-B")
            ).all()
        )
    assert held > 0
    edit(folder, "locations.csv", "A-01-1-B,A,1,1,B,pick", "A-01-1-B,A,1,1,B,bulk")
    edit(folder, "warehouse.csv", "JKG1,", "JKG2,")
    assert problems(demo_store, folder) == [
        "warehouse.csv, row 2, code: this store's warehouse is JKG1: a store holds one warehouse",
        f"locations.csv, row 3, kind: A-01-1-B holds {held} units: "
        "move them before changing its kind",
    ]
    retire = tmp_path / "locations.csv"
    retire.write_text("code,kind,active\nA-01-1-B,pick,no\n", encoding="utf-8")
    assert problems(demo_store, retire) == [
        f"locations.csv, row 2, active: A-01-1-B holds {held} units: move them before retiring it"
    ]


def test_a_refused_tracking_change_is_not_flushed_by_a_later_file(
    demo_store: Store, tmp_path: Path
) -> None:
    """A length PostgreSQL's INTEGER cannot hold is refused, then services.csv is read."""
    folder = setup_copy(tmp_path)
    edit(folder, "carriers.csv", "CJ,CJ Logistics,,12,", "CJ,CJ Logistics,,3000000000,")
    assert problems(demo_store, folder / "carriers.csv", folder / "services.csv") == [
        "carriers.csv, row 2, tracking_length: Carrier CJ: tracking numbers of 3000000000 "
        "characters do not fit (at most 40)"
    ]


def test_a_carrier_range_cannot_start_on_a_printed_number(
    demo_store: Store, tmp_path: Path
) -> None:
    """A new format whose first number is on a parcel (wms carriers set refuses it too)."""
    folder = setup_copy(tmp_path)
    with demo_store.unit_of_work() as uow:
        order = uow.session.exec(select(Order).order_by(Order.id)).first()
        number = make_tracking_number(TrackingRule("", 13, "mod7"), 7)
        uow.add(Parcel(order_id=order.id, seq=1, tracking_number=number))
        uow.commit()
    edit(
        folder, "carriers.csv", "CJ,CJ Logistics,,12,mod7,60500000001", "CJ,CJ Logistics,,13,mod7,7"
    )
    assert problems(demo_store, folder) == [
        f"carriers.csv, row 2, tracking_start: Carrier CJ: {number} is already on a parcel of "
        f"{order.name}; choose a next serial past the numbers printed"
    ]


# --------------------------------------------------------------------------- who may


def refused_for(store: Store, *paths: Path, badge: str | None = None, dry_run: bool = False) -> str:
    before = snapshot(store)
    with pytest.raises(DomainError) as refused:
        import_setup(store, paths, credential=f.boss(badge) if badge else None, dry_run=dry_run)
    assert not isinstance(refused.value, SetupRefused)
    assert snapshot(store) == before
    return str(refused.value)


@pytest.fixture
def set_up(empty_store: Store, tmp_path: Path) -> tuple[Store, Path]:
    """A store whose first setup import (no badge: no supervisor yet) brought its operators."""
    folder = setup_copy(tmp_path)
    report = import_setup(empty_store, [folder])
    assert report.operators_changed
    return empty_store, folder


def test_operators_and_tracking_ranges_are_a_supervisors_to_change(
    set_up: tuple[Store, Path],
) -> None:
    store, folder = set_up
    edit(folder, "operators.csv", "S9999,ADMIN,", "S9003,New Boss,supervisor\nS9999,ADMIN,")
    assert refused_for(store, folder) == (
        "Only a supervisor may change operators: give your badge and PIN (--badge, --pin)"
    )
    assert refused_for(store, folder, dry_run=True) == (
        "Only a supervisor may change operators: give your badge and PIN (--badge, --pin)"
    )
    # A picker may not make anyone a supervisor, nor a packer.
    assert refused_for(store, folder, badge="P1001") == (
        "Ana Lindqvist may not change operators: needs the supervisor role"
    )
    edit(
        folder,
        "carriers.csv",
        "CJ,CJ Logistics,,12,mod7,60500000001",
        "CJ,CJ Logistics,,12,mod7,70500000001",
    )
    assert refused_for(store, folder, badge="K2001") == (
        "Johan Öberg may not change operators and carriers' tracking numbers: "
        "needs the supervisor role"
    )
    assert refused_for(store, folder, badge="X0000") == "Unknown badge X0000: see a supervisor"
    report = import_setup(store, [folder], credential=f.boss(" S9001\r"))  # as a scanner types it
    assert report.operators_changed == ["S9003"] and report.tracking_changed == ["CJ"]
    with store.read() as s:
        who = s.exec(select(Event.operator_name).where(Event.kind == "setup.import")).all()
        assert who[-1] == "Karin Holmgren"


def test_other_master_data_needs_no_supervisor(set_up: tuple[Store, Path]) -> None:
    store, folder = set_up
    edit(folder, "locations.csv", "A-01-1-B,A,1,1,B,pick", "A-01-1-B,A,1,1,B,bulk")
    edit(folder, "cartons.csv", "BOX-S,Box S,200,", "BOX-S,Box S,210,")
    report = import_setup(store, [folder], credential=f.boss("P1001"))
    assert report.changed and not report.guarded()
    report = import_setup(store, [folder])
    assert not report.changed


def test_the_warehouses_sscc_numbering_is_a_supervisors_to_change(
    set_up: tuple[Store, Path],
) -> None:
    store, folder = set_up
    edit(folder, "warehouse.csv", ",7350053,", ",7350054,")
    assert refused_for(store, folder / "warehouse.csv") == (
        "Only a supervisor may change the warehouse's SSCC numbering: "
        "give your badge and PIN (--badge, --pin)"
    )
    assert import_setup(store, [folder / "warehouse.csv"], credential=f.boss(BOSS)).changed


def test_the_last_supervisor_cannot_be_retired(set_up: tuple[Store, Path], tmp_path: Path) -> None:
    store, _ = set_up
    gone = tmp_path / "operators.csv"
    gone.write_text(
        "badge,name,roles,active\n"
        "S9001,Karin Holmgren,supervisor,false\n"
        "S9002,정하늘 (Haneul Jung),supervisor,false\n"
        "S9999,ADMIN,picker;packer;receiver,true\n",
        encoding="utf-8",
    )
    assert problems(store, gone) == [
        "operators.csv: no active supervisor would be left: keep at least one"
    ]


def test_a_first_setup_needs_no_badge_and_says_so_to_one_given(
    empty_store: Store, tmp_path: Path
) -> None:
    folder = setup_copy(tmp_path)
    assert refused_for(empty_store, folder, badge="S9001") == (
        "Unknown badge S9001: this store has no supervisor yet, so its first setup import "
        "needs no --badge"
    )


def test_customs_csv_sets_the_customs_data_of_products_the_store_has(
    empty_store: Store, tmp_path: Path
) -> None:
    from decimal import Decimal

    from tests.worlds import factories as f
    from wms_tui.domain.models import Product

    with empty_store.unit_of_work() as uow:
        f.product(uow, "MUG-1", name="Mug")
        f.product(uow, "PB-10K", name="Power bank")
        uow.commit()
    customs = tmp_path / "customs.csv"
    customs.write_text(
        "sku,hs_code,origin_country,customs_value,dangerous_goods\n"
        "MUG-1,6912.00,se,149,\n"
        'PB-10K,850760,CN,"399,50",un3480\n',
        encoding="utf-8",
    )
    report = import_setup(empty_store, [customs])
    assert report.outcomes[0].summary() == "2 updated (MUG-1, PB-10K)"
    with empty_store.read() as s:
        got = {
            p.sku: (p.hs_code, p.origin_country, p.customs_value, p.dangerous_goods)
            for p in s.exec(select(Product))
        }
    assert got == {
        "MUG-1": ("691200", "SE", Decimal("149.00"), ""),
        "PB-10K": ("850760", "CN", Decimal("399.50"), "UN3480"),
    }
    assert import_setup(empty_store, [customs]).outcomes[0].summary() == "2 unchanged"


def test_customs_csv_refusals(empty_store: Store, tmp_path: Path) -> None:
    from tests.worlds import factories as f

    with empty_store.unit_of_work() as uow:
        f.product(uow, "MUG-1", name="Mug")
        uow.commit()
    customs = tmp_path / "customs.csv"
    customs.write_text(
        "sku,hs_code,origin_country,customs_value,dangerous_goods\n"
        "MUG-1,6912,SWE,0,LITHIUM\n"
        "NOPE,691200,SE,10,\n",
        encoding="utf-8",
    )
    found = problems(empty_store, customs)
    row = "customs.csv, row 2,"
    assert f"{row} hs_code: '6912' is not an HS code (6 to 10 digits, like 610910)" in found
    assert f"{row} origin_country: 'SWE' is not an ISO 3166-1 country code like SE" in found
    assert f"{row} customs_value: 0 must be more than 0" in found
    assert f"{row} dangerous_goods: 'LITHIUM' is not a UN number like UN3481" in found
    assert any("row 3, sku: no product NOPE in the store" in p for p in found)


def test_stock_levels_csv_sets_thresholds_the_stock_screen_uses(
    empty_store: Store, tmp_path: Path
) -> None:
    from wms_tui.domain.models import Product
    from wms_tui.services.inventory import stock_queries as q

    with empty_store.unit_of_work() as uow:
        bin_ = f.location(uow, "A-01-1-A")
        f.receive(uow, f.product(uow, "MUG-1", name="Mug"), bin_, 4)
        f.receive(uow, f.product(uow, "TEE-1", name="Tee"), bin_, 30)
        f.product(uow, "CAP-1", name="Cap").max_stock = 9
        uow.commit()
    levels = tmp_path / "stock_levels.csv"
    levels.write_text("sku,reorder_point,max_stock\nMUG-1,5,40\nTEE-1,,20\n", encoding="utf-8")
    report = import_setup(empty_store, [levels])
    assert report.outcomes[0].summary() == "2 updated (MUG-1, TEE-1)"

    def level(wanted: str) -> list[str]:
        return [r.sku for r in q.find_stock(empty_store, q.stock_query(level=wanted)).skus]

    assert level("low") == ["MUG-1"] and level("over") == ["TEE-1"]
    assert import_setup(empty_store, [levels]).outcomes[0].summary() == "2 unchanged"
    # A column left out leaves the field as it is: CAP-1 keeps its maximum.
    only_low = tmp_path / "only_low" / "stock_levels.csv"
    only_low.parent.mkdir()
    only_low.write_text("sku;reorder_point\nCAP-1;2\n", encoding="utf-8")
    import_setup(empty_store, [only_low])
    with empty_store.read() as s:
        cap = s.exec(select(Product).where(Product.sku == "CAP-1")).one()
        assert (cap.reorder_point, cap.max_stock) == (2, 9)


def test_stock_levels_csv_refusals_change_nothing(empty_store: Store, tmp_path: Path) -> None:
    with empty_store.unit_of_work() as uow:
        f.product(uow, "MUG-1", name="Mug")
        uow.commit()
    before = snapshot(empty_store)
    levels = tmp_path / "stock_levels.csv"
    levels.write_text(
        "sku,reorder_point,max_stock\nMUG-1,10,5\nNOPE,1,2\nMUG-1,²,-1\nMUG-1,99999999999,\n",
        encoding="utf-8",
    )
    found = problems(empty_store, levels)
    assert "stock_levels.csv, row 2, max_stock: 5 is below the reorder point 10: " in found[0]
    assert any("row 3, sku: no product NOPE in the store" in p for p in found)
    assert any("row 4, reorder_point: '²' is not a whole number" in p for p in found)
    assert any("row 4, max_stock: -1 must not be negative" in p for p in found)
    assert any("row 5, reorder_point: 99999999999 is more than 10000000" in p for p in found)
    assert snapshot(empty_store) == before
