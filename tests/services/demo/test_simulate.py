"""The floor-day simulation: a whole day through the services ends with no dead end."""

from __future__ import annotations

import pytest

from wms_tui.services.demo.simulate import SimulationError, simulate_day
from wms_tui.store import Store


@pytest.mark.parametrize("seed", [2, 7])
def test_a_simulated_day_leaves_no_dead_end(empty_store: Store, seed: int) -> None:
    report = simulate_day(empty_store, orders=40, seed=seed)
    failed = [f"{c.name}: {c.detail}" for c in report.checks if not c.ok]
    assert not failed, failed
    assert sum(report.statuses.values()) == 40
    # The day had its faults, and they were dealt with.
    assert report.events["packed"] > 0 and report.events["manifest closed"] > 0
    assert report.events["yesterday's orders"] == 4
    assert not report.events["OVER-SCAN ACCEPTED"]
    assert not report.events["day cut short: still busy"]


def test_the_simulation_refuses_a_store_with_a_warehouse_in_it(empty_store: Store) -> None:
    simulate_day(empty_store, orders=3, seed=1)
    with pytest.raises(SimulationError, match="give it an empty one"):
        simulate_day(empty_store, orders=3, seed=1)
