"""``wms returns reasons ...``, ``wms import return-reasons``, ``wms export returns``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from tests.worlds.returns import build_world
from wms_tui.cli.main import app
from wms_tui.domain.enums import ReasonCause
from wms_tui.domain.models import Event
from wms_tui.services.returns import desk as returns
from wms_tui.services.returns.desk import ReturnRequest, ReturnUnit
from wms_tui.services.returns.reasons import list_reasons
from wms_tui.store import Store

runner = CliRunner()
BOSS = ("--badge", "S9001")  # Karin Holmgren, the supervisor in build_world


@pytest.fixture
def db(sqlite_store: Store) -> tuple[str, Store]:
    return str(sqlite_store.url), sqlite_store


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_reasons_list_add_change_remove(db: tuple[str, Store]) -> None:
    url, store = db
    build_world(store)
    code, out = run("returns", "reasons", "list", "--db", url)
    assert code == 0 and "Wrong item sent" in out and "Changed mind" in out
    code, out = run(
        "returns",
        "reasons",
        "add",
        "wrong colour",
        "Wrong colour sent",
        "--cause",
        "pack",
        *BOSS,
        "--db",
        url,
    )
    assert code == 0, out
    assert "Added WRONG_COLOUR: Wrong colour sent (our pack)" in out
    code, out = run(
        "returns",
        "reasons",
        "add",
        "WRONG_COLOUR",
        "Colour differs",
        "--cause",
        "supplier",
        *BOSS,
        "--db",
        url,
    )
    assert code == 0 and "Changed WRONG_COLOUR" in out
    reasons = {r.code: r for r in list_reasons(store)}
    assert reasons["WRONG_COLOUR"].label == "Colour differs"
    assert not reasons["WRONG_COLOUR"].controllable
    assert reasons["WRONG_COLOUR"].cause == ReasonCause.SUPPLIER
    code, out = run("returns", "reasons", "remove", "wrong_colour", *BOSS, "--db", url)
    assert code == 0 and "Removed WRONG_COLOUR" in out
    assert "WRONG_COLOUR" not in {r.code for r in list_reasons(store)}
    with store.read() as s:
        from sqlmodel import select

        events = s.exec(select(Event).where(Event.kind == "return.reason")).all()
        assert len(events) == 3 and events[0].detail.startswith("added WRONG_COLOUR")
        assert {e.operator_name for e in events} == {"Karin Holmgren"}


def test_reason_bad_input_is_one_line_exit_2(db: tuple[str, Store]) -> None:
    url, store = db
    w = build_world(store)
    returns.register_return(
        store,
        w.receiver,
        ReturnRequest(w.order_id, [ReturnUnit(w.mug_line, "LATE", "SCRAP")], "REFUND"),
    )
    before = snapshot(store)
    for args, msg in (
        (("add", "bad code!", "x", "--cause", "pack"), "must be 1-32 letters"),
        (("add", "OK", "   ", "--cause", "pack"), "needs a label"),
        (("remove", "NOPE"), "Unknown return reason NOPE"),
        (("remove", "LATE"), "Reason LATE is used by 1 returned lines; it stays"),
    ):
        code, out = run("returns", "reasons", *args, *BOSS, "--db", url)
        assert code == 2 and msg in out, out
        assert len(out.strip().splitlines()) == 1
    code, out = run("returns", "reasons", "add", "X", "y", *BOSS, "--db", url)
    assert code == 2 and "--cause" in out  # whose cause must be chosen
    code, out = run("returns", "reasons", "add", "X", "y", "--cause", "fate", *BOSS, "--db", url)
    assert code == 2 and "Cause must be one of pick, pack, carrier, customer, supplier" in out
    assert snapshot(store) == before


@pytest.mark.parametrize(
    "args",
    [("add", "WRONG_COLOUR", "Wrong colour sent", "--cause", "pack"), ("remove", "LATE")],
    ids=["add", "remove"],
)
@pytest.mark.parametrize(
    ("badge", "message"),
    [
        ((), "error: Say who you are: --badge (or $WMS_BADGE) and --pin (or $WMS_PIN)"),
        (("--badge", "X0000"), "error: Unknown badge X0000: see a supervisor"),
        (
            ("--badge", "K2001"),
            "error: Johan Öberg may not change return reasons: needs the supervisor role",
        ),
    ],
    ids=["no-badge", "unknown-badge", "packer"],
)
def test_changing_reasons_takes_a_supervisors_badge(
    db: tuple[str, Store],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    badge: tuple[str, ...],
    message: str,
) -> None:
    url, store = db
    build_world(store)
    f.give_pin(store, "K2001")  # so the role, not a missing PIN, refuses the packer
    monkeypatch.delenv("WMS_BADGE", raising=False)
    before = snapshot(store)
    code, out = run("returns", "reasons", *args, *badge, "--db", url)
    assert code == 2
    assert out.splitlines() == [message]
    assert snapshot(store) == before


def test_wms_badge_in_the_environment_changes_reasons(
    db: tuple[str, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlmodel import select

    url, store = db
    build_world(store)
    monkeypatch.setenv("WMS_BADGE", "S9001")
    code, out = run("returns", "reasons", "remove", "LATE", "--terminal", "OFFICE", "--db", url)
    assert code == 0, out
    assert "LATE" not in {r.code for r in list_reasons(store)}
    with store.read() as s:
        event = s.exec(select(Event).where(Event.kind == "return.reason")).one()
        seen = (event.operator_name, event.terminal, event.detail)
    assert seen == ("Karin Holmgren", "OFFICE", "removed LATE")


def test_listing_reasons_needs_no_badge(
    db: tuple[str, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, store = db
    build_world(store)
    monkeypatch.delenv("WMS_BADGE", raising=False)
    code, out = run("returns", "reasons", "list", "--db", url)
    assert code == 0 and "Wrong item sent" in out


def test_import_reasons_csv_all_or_nothing(db: tuple[str, Store], tmp_path: Path) -> None:
    url, store = db
    build_world(store)
    good = tmp_path / "reasons.csv"
    good.write_text(
        "code,label,cause\nLATE,Arrived late,carrier\nNO_FIT,Does not fit,Customer\n",
        encoding="utf-8",
    )
    code, out = run("import", "return-reasons", str(good), *BOSS, "--db", url)
    assert code == 0 and "1 added, 1 changed" in out
    reasons = {r.code: r for r in list_reasons(store)}
    assert reasons["LATE"].label == "Arrived late" and not reasons["NO_FIT"].controllable
    before = snapshot(store)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,label,cause\nNEW1,New,our pick\nNEW2,Other,maybe\n", encoding="utf-8")
    code, out = run("import", "return-reasons", str(bad), *BOSS, "--db", url)
    assert code == 2
    assert "Row 3: Cause must be one of pick, pack, carrier, customer, supplier, not 'maybe'" in out
    code, out = run("import", "return-reasons", str(tmp_path / "none.csv"), *BOSS, "--db", url)
    assert code == 2 and "Cannot read" in out
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("badge", "message"),
    [
        ((), "error: Say who you are: --badge (or $WMS_BADGE) and --pin (or $WMS_PIN)"),
        (("--badge", "X0000"), "error: Unknown badge X0000: see a supervisor"),
        (
            ("--badge", "K2001"),
            "error: Johan Öberg may not change return reasons: needs the supervisor role",
        ),
    ],
    ids=["no-badge", "unknown-badge", "packer"],
)
def test_importing_reasons_takes_a_supervisors_badge(
    db: tuple[str, Store],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    badge: tuple[str, ...],
    message: str,
) -> None:
    url, store = db
    build_world(store)
    f.give_pin(store, "K2001")  # so the role, not a missing PIN, refuses the packer
    monkeypatch.delenv("WMS_BADGE", raising=False)
    good = tmp_path / "reasons.csv"
    good.write_text("code,label,cause\nNO_FIT,Does not fit,customer\n", encoding="utf-8")
    before = snapshot(store)
    code, out = run("import", "return-reasons", str(good), *badge, "--db", url)
    assert code == 2
    assert out.splitlines() == [message]
    assert snapshot(store) == before


def test_imported_reasons_are_logged_under_the_supervisors_name(
    db: tuple[str, Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlmodel import select

    url, store = db
    build_world(store)
    f.give_pin(store, "K2001")  # so the role, not a missing PIN, refuses the packer
    monkeypatch.delenv("WMS_BADGE", raising=False)
    good = tmp_path / "reasons.csv"
    good.write_text("code,label,cause\nNO_FIT,Does not fit,customer\n", encoding="utf-8")
    code, out = run(
        "import", "return-reasons", str(good), *BOSS, "--terminal", "OFFICE", "--db", url
    )
    assert code == 0 and "1 added, 0 changed" in out, out
    assert "NO_FIT" in {r.code for r in list_reasons(store)}
    with store.read() as s:
        event = s.exec(select(Event).where(Event.kind == "return.reason")).one()
        seen = (event.operator_name, event.terminal)
    assert seen == ("Karin Holmgren", "OFFICE")


def test_export_returns_csv(db: tuple[str, Store], tmp_path: Path) -> None:
    url, store = db
    w = build_world(store)
    returns.register_return(
        store,
        w.receiver,
        ReturnRequest(
            w.order_id,
            [
                ReturnUnit(w.mug_line, "WRONG_ITEM", "SCRAP", qty=2),
                ReturnUnit(w.tee_line, "WRONG_SIZE", "RESTOCK", "A-01-1-A"),
            ],
            "EXCHANGE",
        ),
    )
    out_file = tmp_path / "returns.csv"
    code, out = run("export", "returns", str(out_file), "--db", url)
    assert code == 0, out
    assert "rows (" in out and "3 units) to" in out and str(out_file.name) in out
    with out_file.open(encoding="utf-8-sig", newline="") as fh:
        rows = {(r["section"], r["key"]): r for r in csv.DictReader(fh)}
    assert rows[("reason", "WRONG_ITEM")]["units"] == "2"
    assert rows[("cause", "PICK")]["units"] == "2"
    assert ("packer", "Johan Öberg") not in rows  # a wrong item is the picker's doing
    assert rows[("picker", "Ana Lindqvist")]["share_pct"] == "100.0"
    lines = tmp_path / "lines.csv"
    code, out = run("export", "returns", str(lines), "--lines", "--from", "2000-01-01", "--db", url)
    assert code == 0 and "Wrote 2 returned lines" in out
    code, out = run("export", "returns", str(lines), "--from", "2000-13-01", "--db", url)
    assert code == 2 and "--from must be a date like 2024-03-31" in out
    code, out = run(
        "export", "returns", str(lines), "--from", "2024-02-01", "--to", "2024-01-01", "--db", url
    )
    assert code == 2 and "after it ends" in out
    code, out = run("returns", "report", "--db", url)
    assert code == 0 and "Wrong item sent" in out and "Ana Lindqvist" in out
    assert "1 parcel, 3 units, " in out


def test_export_on_a_missing_store_is_exit_1(tmp_path: Path) -> None:
    code, out = run(
        "export", "returns", str(tmp_path / "x.csv"), "--db", str(tmp_path / "no" / "x.db")
    )
    assert code == 1 and "does not exist" in out


def test_commands_load_under_python_m() -> None:
    """`python -m wms_tui.cli.main` runs the CLI as __main__; the returns commands still load."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "wms_tui.cli.main", "returns", "reasons", "--help"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "add" in proc.stdout and "list" in proc.stdout
