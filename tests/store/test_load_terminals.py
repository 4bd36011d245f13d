"""The load benchmark at a small size, on both stores: terminals of every kind
(a supervisor building waves, pickers, packers, receivers), each its own OS
process, for a few seconds. Nothing doubled, no unit lost, no error a screen
would die on. The full size (8 SQLite, 32 PostgreSQL terminals for a minute)
is ``bench/load_terminals.py``; the counts are checked here, never the times.
"""

from __future__ import annotations

import pytest

from bench.load_terminals import Pace, run_load
from tests.conftest import worker_processes


@pytest.mark.slow
def test_terminals_of_every_kind_at_once(db_url: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    row = run_load(
        db_url,
        terminals=6,
        seconds=6.0,
        n_orders=60,
        pace=Pace(walk=(0.02, 0.06), scan=(0.01, 0.03)),
        processes=worker_processes(),
    )
    assert row["error_samples"] == []
    assert (row["doubles"], row["lost_units"], row["errors"], row["busy"]) == (0, 0, 0, 0)
    # Work really happened, by more than one kind of terminal.
    assert row["tasks"] >= 1 and row["received"] >= 1
    assert row["accepted"] > 20
