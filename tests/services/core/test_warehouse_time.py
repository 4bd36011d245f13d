"""Every time a person reads is on the warehouse's clock, from one source.

The warehouse below is in Seoul (UTC+9): at 23:30 UTC it is already 08:30
the next morning there, so a UTC time on a screen or a paper is easy to spot.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import picking as picking_world
from tests.worlds import receiving as receiving_world
from wms_tui.domain.clock import set_clock
from wms_tui.domain.errors import Conflict
from wms_tui.domain.models import Warehouse
from wms_tui.services.picking import walk as picking
from wms_tui.services.picking.pick_list import pick_list_data
from wms_tui.services.picking.short_pick import open_short_picks
from wms_tui.services.picking.waves import build_wave
from wms_tui.services.receiving import closing
from wms_tui.services.receiving import receipt as rcv
from wms_tui.store import Store

LATE_UTC = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)  # 08:30 on 8 December in Seoul


def _in_seoul(store: Store) -> None:
    with store.unit_of_work() as uow:
        w = uow.session.exec(select(Warehouse)).first() or f.warehouse(uow)
        w.timezone = "Asia/Seoul"
        uow.add(w)
        uow.commit()


def test_one_source_for_the_warehouse_zone() -> None:
    """Only the domain's shipping_days builds a ZoneInfo; everything else asks
    services/core/clock (issue #14 found four private copies)."""
    root = Path(__file__).resolve().parents[3] / "wms_tui"
    builders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if re.search(r"\bZoneInfo\(", p.read_text(encoding="utf-8"))
    ]
    # setup_cells only checks that a CSV cell names a real zone.
    assert sorted(builders) == ["adapters/setup_cells.py", "domain/shipping_days.py"]


def test_receiving_refusal_and_blind_reference_use_the_warehouse_day(
    empty_store: Store,
) -> None:
    world = receiving_world.build(empty_store)
    _in_seoul(empty_store)
    set_clock(lambda: LATE_UTC)
    rcv.receive_scan(empty_store, world.receiver, "PO-1", receiving_world.TEE_EAN, count=10)
    receipt, _ = closing.close_receipt(empty_store, world.receiver, "PO-1")
    assert receipt.closed_at is not None and receipt.closed_at.hour == 8
    with pytest.raises(Conflict, match=r"PO-1 was closed on 2026-12-08 08:30 by"):
        rcv.receive_scan(empty_store, world.receiver, "PO-1", receiving_world.TEE_EAN)
    blind = rcv.start_blind_receipt(empty_store, world.receiver)
    assert blind.reference.startswith("BLIND-20261208-")


def test_short_picks_and_pick_list_show_the_warehouse_clock(sqlite_store: Store) -> None:
    w = picking_world.build_world(sqlite_store, [("#1", [("TEE-M", 5)])])
    _in_seoul(sqlite_store)
    set_clock(lambda: LATE_UTC)
    task = build_wave(sqlite_store, w.supervisor).tasks[0].code
    ana = w.pickers[0]
    released = pick_list_data(sqlite_store, task).created_at
    assert released is not None and f"{released:%Y-%m-%d %H:%M %Z}" == "2026-12-08 08:30 KST"
    picking.claim_next_task(sqlite_store, ana)
    picking.report_short(sqlite_store, ana, task, "empty")  # no other bin: an exception
    [row] = open_short_picks(sqlite_store)
    assert f"{row.at:%d %H:%M}" == "08 08:30"
