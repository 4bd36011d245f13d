"""The scan panel every floor screen shares: prompt, scan field, steady feedback."""

from __future__ import annotations

import pytest

from tests.ui.helpers import SIZES, open_receiving
from tests.ui.scanner import scan
from tests.worlds.receiving import TEE_EAN
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.widgets.scan_panel import ScanPanel


@pytest.fixture
def store(receiving_store: Store) -> Store:
    """A delivery to receive (tests/ui/conftest.py), its papers under tmp_path."""
    return receiving_store


def prompt(panel: ScanPanel) -> str:
    assert panel.prompt_line is not None
    return str(panel.prompt_line.render())


@pytest.mark.parametrize("size", SIZES)
async def test_prompt_follows_the_step_and_messages_do_not_move_the_table(
    store: Store, size: tuple[int, int]
) -> None:
    app = WmsApp(store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        panel = screen.scan_panel
        assert app.focused is panel.field
        assert prompt(panel) == "▶ Scan delivery ref · F2 blind"
        # A handheld gets three rows for a message, a wide screen two; the table
        # under the panel stays where it is whatever the message says.
        assert panel.feedback.size.height == (3 if size[0] < 100 else 2)
        await scan(pilot, "PO-1")
        assert prompt(panel) == "▶ Scan item"
        assert panel.feedback.text.startswith("✓ PO-1: scan items")
        table_at = screen.table.region.y
        await scan(pilot, "NO-SUCH-CODE-WITH-A-LONG-NAME-THAT-WRAPS")
        assert panel.feedback.text.startswith("✗ Unknown barcode NO-SUCH-CODE")
        assert screen.table.region.y == table_at
        await pilot.press("f4")
        assert prompt(panel) == "▶ Scan the DAMAGED unit"
        await pilot.press("f4")
        await pilot.press("f3")
        assert prompt(panel) == "▶ Scan item, then key the count"
        await pilot.press("f3")
        await scan(pilot, TEE_EAN)
        assert panel.feedback.text.startswith("✓ TEE +1")
        assert screen.table.region.y == table_at
        assert app.focused is panel.field and panel.field.value == ""


async def test_the_same_prompt_again_is_not_drawn_again(store: Store) -> None:
    """Screens say the prompt after every scan ("Scan item"); only a new text repaints
    the line (each repaint widened the scan's redraw to the whole screen)."""
    app = WmsApp(store.url, terminal="RCV-1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        line = screen.scan_panel.prompt_line
        drawn: list[object] = []
        original = line.update
        line.update = lambda *a, **k: (drawn.append(a), original(*a, **k))  # type: ignore[method-assign]
        await scan(pilot, TEE_EAN)
        await scan(pilot, TEE_EAN)
        assert drawn == [] and prompt(screen.scan_panel) == "▶ Scan item"
        await pilot.press("f4")
        assert len(drawn) == 1 and prompt(screen.scan_panel) == "▶ Scan the DAMAGED unit"
