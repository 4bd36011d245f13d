"""``python -m bench --quick``: every benchmark still runs (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import MODULES, _merge, _parse_size
from bench.common import Row
from tests.conftest import BACKENDS

pytestmark = pytest.mark.slow  # each runs a benchmark in a subprocess

ROOT = Path(__file__).resolve().parents[1]
PRESENT = [m for m in MODULES if importlib.util.find_spec(f"bench.{m}") is not None]


def _bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WMS_BENCH_OUT": str(tmp_path / "out")}
    extra = [] if "postgresql" in BACKENDS else ["--no-pg"]
    return subprocess.run(
        [sys.executable, "-m", "bench", *args, *extra, "--json", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=900,
    )


@pytest.mark.parametrize("module", PRESENT)
def test_each_benchmark_runs_quick_and_reports_rows(tmp_path: Path, module: str) -> None:
    done = _bench(tmp_path, "--quick", "--only", module)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    report = json.loads((tmp_path / "r.json").read_text())
    rows = [r for r in report["rows"] if r["module"] == module]
    assert rows and all(r["what"] != "FAILED" for r in rows)
    # Quick sizes are too small for a verdict: none is claimed.
    assert all(r["ok"] is None for r in rows)
    assert report["quick"] is True
    assert "wms_tui benchmarks" in done.stdout


def test_unknown_module_and_bad_sizes_are_refused(tmp_path: Path) -> None:
    done = _bench(tmp_path, "--quick", "--only", "nope")
    assert done.returncode == 2 and "unknown module(s): nope" in done.stderr
    done = _bench(tmp_path, "--sizes", "ten")
    assert done.returncode == 2 and "--sizes" in done.stderr
    assert not (tmp_path / "r.json").exists()


def test_sizes_and_repeated_runs_merge_to_the_median_run() -> None:
    assert [_parse_size(s) for s in ("10k", "100K", "1M", "2_500")] == [
        10_000,
        100_000,
        1_000_000,
        2_500,
    ]
    runs = [[Row("scan", v, "ms")] for v in (3.0, 1.0, 2.0)]
    (row,) = _merge(runs)
    assert row.result == 2.0 and sorted(row.runs) == [1.0, 2.0, 3.0]
    # A rate's ratio is how many times slower than its floor.
    assert Row("labels", 500.0, "docs/s", baseline=1000.0).ratio == 2.0
    assert Row("wave", 3.0, "s", baseline=1.5).ratio == 2.0


def test_a_module_that_cannot_be_imported_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import types

    import bench.__main__ as runner

    fine = types.SimpleNamespace(run=lambda quick: [Row("fine", 1.0, "ms")])
    real = runner.importlib.import_module

    def import_module(name: str, *args: str):  # noqa: ANN202
        if name == "bench.broken":
            raise ImportError("cannot import name 'Gone' from 'wms_tui.domain.enums'")
        if name == "bench.absent":
            raise ModuleNotFoundError(name=name)
        return fine if name == "bench.fine" else real(name, *args)

    monkeypatch.setattr(runner, "MODULES", ("broken", "absent", "fine"))
    monkeypatch.setattr(runner.importlib, "import_module", import_module)
    out = tmp_path / "r.json"
    assert runner.main(["--quick", "--no-pg", "--json", str(out)]) == 1
    rows = json.loads(out.read_text())["rows"]
    assert [(r["module"], r["what"]) for r in rows] == [("broken", "FAILED"), ("fine", "fine")]
    report = json.loads(out.read_text())["skipped"]
    assert {"module": "absent", "why": "not on this branch"} in report
    assert "Gone" in capsys.readouterr().err


def test_a_cached_store_is_keyed_on_the_schema_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    """A store seeded before a migration must not be reused after it: the
    migration may only add an index or a trigger, which no builder's source shows."""
    import wms_tui.store
    from bench.common import _fingerprint

    before = _fingerprint()
    monkeypatch.setattr(wms_tui.store, "SCHEMA_REVISION", "9999")
    assert _fingerprint() != before


@pytest.mark.parametrize(
    ("value", "server", "name"),
    [
        ("wms_ana", None, "wms_ana"),
        (
            "postgresql+psycopg://postgres@127.0.0.1:5432/wms_ana",
            "postgresql://postgres@127.0.0.1:5432",
            "wms_ana",
        ),
    ],
)
def test_the_bench_database_is_a_name_or_a_store_url(
    value: str, server: str | None, name: str
) -> None:
    """A newcomer gave WMS_BENCH_DB the URL they use for --db, and every PostgreSQL
    benchmark failed with 'CREATE DATABASE postgresql+psycopg://…: syntax error'."""
    from bench.common import bench_database

    assert bench_database(value) == (server, name)


@pytest.mark.parametrize("value", ["wms-ana; DROP", "postgresql://h:5432/", "1wms"])
def test_a_bench_database_that_is_no_name_is_one_line(value: str) -> None:
    from bench.common import bench_database

    with pytest.raises(SystemExit, match="give a database name such as wms_you"):
        bench_database(value)
