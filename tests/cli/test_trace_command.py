"""``wms trace CODE``: the trace printed for a supervisor; refusals are one line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from tests.worlds.trace import SSCC, build_traced
from wms_tui.cli.common import console
from wms_tui.cli.main import app
from wms_tui.store import Store

runner = CliRunner()


@pytest.fixture
def url(sqlite_store: Store) -> str:
    build_traced(sqlite_store)
    f.give_pin(sqlite_store, "P1001")  # so the role, not a missing PIN, refuses the picker
    return str(sqlite_store.url)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI's console took its width from $COLUMNS when it was made, at import: a run
    # started from an 80-column shell wrapped the return line (longer since reasons
    # have causes) whatever COLUMNS the runner set for the command.
    monkeypatch.setattr(console, "_width", 200)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_trace_by_sscc_prints_the_life_of_the_order(url: str) -> None:
    code, out = run("trace", "00" + SSCC[1], "--badge", "S9001", "--db", url)
    assert code == 0, out
    assert "#1042  RETURNED  found by SSCC" in out
    assert "2 × MUG-1 A-01-1-A → tote T-0007 by Ana Lindqvist @ HH-1" in out
    assert "Johan Öberg @ PACK-1: 2 scanned, 0 counted, 1 undone, 1 QC" in out
    assert "Lena Berg @ PACK-2: 1 scanned, 1 counted, 0 undone, 0 QC" in out
    assert "Wrong item packed (our pack, ours) → RESTOCK" in out
    assert "Timeline (Europe/Stockholm)" in out
    qc = next(line for line in out.splitlines() if "QC took out" in line)
    assert qc.lstrip().startswith("!") and "10 Mar 09:22:00" in qc


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nothing-like-it", "--badge", "S9001"), "No order matches 'nothing-like-it'"),
        (("#1042", "--badge", "P1001"), "Ana Lindqvist may not trace an order"),
        (("#1042", "--badge", "X0000"), ""),
    ],
)
def test_refusals_are_one_line_exit_2(url: str, sqlite_store: Store, args, message) -> None:  # noqa: ANN001
    before = snapshot(sqlite_store)
    code, out = run("trace", *args, "--db", url)
    assert code == 2, out
    assert out.startswith("error:") and message in out and len(out.strip().splitlines()) == 1
    assert snapshot(sqlite_store) == before


def test_a_supervisor_with_a_pin_gives_it_as_an_option(url: str, sqlite_store: Store) -> None:
    """Every supervisor has a PIN (the demo's S9001 too), and `wms trace` took no
    --pin: off a terminal it could only say "Enter the PIN for S9001", and the
    README's `wms trace CODE --badge S9001 --pin 9001` was "No such option"."""
    f.give_pin(sqlite_store, "S9001", "9001")
    before = snapshot(sqlite_store)
    code, out = run("trace", "#1042", "--badge", "S9001", "--pin", "9001", "--db", url)
    assert code == 0, out
    assert "#1042  RETURNED" in out
    assert snapshot(sqlite_store) == before
    # A wrong PIN is refused in one line (and counted towards the badge's lock).
    code, out = run("trace", "#1042", "--badge", "S9001", "--pin", "1234", "--db", url)
    assert code == 2 and out.startswith("error:") and len(out.strip().splitlines()) == 1, out
