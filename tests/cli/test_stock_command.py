"""``wms stock``: the stock list and a row's history; bad filters refused in one line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.worlds.dbstate import snapshot
from tests.worlds.receiving import build
from wms_tui.cli.common import console
from wms_tui.cli.main import app
from wms_tui.store import Store

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 200)  # not the width of the shell that ran pytest


@pytest.fixture
def url(sqlite_store: Store) -> str:
    build(sqlite_store)  # TEE 5 in A-01-1-A, MUG 2 in A-01-2-A, PRINT none
    return str(sqlite_store.url)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["stock", *args])
    return result.exit_code, result.output


def test_stock_lists_and_filters(url: str) -> None:
    code, out = run("--db", url)
    assert code == 0, out
    lines = out.splitlines()
    assert [ln.split()[0] for ln in lines[1:-1]] == ["MUG", "PRINT", "TEE"]
    assert lines[-1] == "3 rows"
    code, out = run("--level", "zero", "--db", url)
    assert [ln.split()[0] for ln in out.splitlines()[1:-1]] == ["PRINT"]
    code, out = run("--status", "available", "--by-bin", "--bin", "a-01", "--db", url)
    assert code == 0, out
    rows = [ln.split()[:4] for ln in out.splitlines()[1:-1]]
    assert rows == [["A-01-1-A", "A", "pick", "TEE"], ["A-01-2-A", "A", "pick", "MUG"]]


def test_stock_history_of_a_row(url: str) -> None:
    code, out = run("--sku", "TEE", "--bin", "A-01-1-A", "--history", "--db", url)
    assert code == 0, out
    assert out.splitlines()[0] == "TEE in A-01-1-A, newest first (UTC time)"
    assert "RECEIVED" in out.splitlines()[1] and "- → A-01-1-A" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sku", "²"), "No SKU, name or barcode matches '²'"),
        (("--sku", "X" * 10_000), "The SKU filter is 10000 characters long; at most 64"),
        (("--zone", "Q"), "No zone 'Q'; the zones are A, B, R"),
        (("--bin", "ZZ"), "No bin matches 'ZZ'"),
        (("--level", "²"), "Level is low, over, zero, ok; not '²'"),
        (("--status", "lost"), "Status is available, allocated, quarantine; not 'lost'"),
        (("--history",), "Which SKU?"),
        (("--history", "--sku", "NOPE"), "No SKU 'NOPE'"),
    ],
)
def test_bad_filters_one_line_exit_2(url: str, sqlite_store: Store, args, message) -> None:  # noqa: ANN001
    before = snapshot(sqlite_store)
    code, out = run(*args, "--db", url)
    assert code == 2, out
    assert out.startswith("error:") and message in out and len(out.strip().splitlines()) == 1
    assert snapshot(sqlite_store) == before
