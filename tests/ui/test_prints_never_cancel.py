"""A document never cancels another: two started in one turn are both written.

Each screen ran its document workers as an exclusive group, which cancels the
group's other workers; one still waiting for its thread was never written, and
nothing said so. (The pack station's labels and slips: tests/ui/test_packing.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.helpers import open_menu_entry, open_receiving, wait_store
from tests.ui.scanner import scan
from tests.worlds import factories as f
from tests.worlds.picking import build_world
from wms_tui.services.picking import pick_list
from wms_tui.services.picking.pick_list import PickListFile
from wms_tui.services.receiving import documents
from wms_tui.services.receiving.documents import SkuLabelsWritten
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.waves import WavesScreen


async def test_sku_labels_do_not_cancel_the_receipt_report(
    receiving_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []

    def report(_store, _actor, reference: str) -> Path:
        written.append(f"report {reference}")
        return Path("labels/report.pdf")

    def labels(_store, reference: str, *, layout: str) -> SkuLabelsWritten:
        written.append(f"labels {reference}")
        return SkuLabelsWritten(Path("labels/sku.pdf"), 1)

    monkeypatch.setattr(documents, "write_receipt_report", report)
    monkeypatch.setattr(documents, "write_sku_labels", labels)
    app = WmsApp(receiving_store.url, terminal="RCV-2")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_receiving(pilot)
        # A close's report still waiting for its thread when labels are asked for.
        screen.write_report("PO-1")
        screen.write_labels("PO-1", "roll")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sorted(written) == ["labels PO-1", "report PO-1"]


async def test_a_second_pick_list_does_not_cancel_the_first(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_world(sqlite_store, [("#1", [("MUG-RED", 1)])])
    written: list[str] = []

    def write(_store, code: str, **_kw) -> PickListFile:
        written.append(code)
        return PickListFile(code, Path(f"labels/{code}.pdf"), 1, 1, None)

    monkeypatch.setattr(pick_list, "print_pick_list", write)
    app = WmsApp(sqlite_store.url, terminal="SUP-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "S9001")
        await scan(pilot, f.SUPERVISOR_PIN)
        await open_menu_entry(pilot, "waves")
        screen = app.screen
        assert isinstance(screen, WavesScreen)
        screen.write_pick_list("T-1")
        screen.write_pick_list("T-2")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sorted(written) == ["T-1", "T-2"]
