"""What the screens show is plain text unless a widget says otherwise.

Statics and table cells read strings as markup by default. Product, customer and
operator names come from shops and CSV files: "Tee [Limited Edition]" showed as
"Tee ", "[/]" killed the screen (MarkupError), "[@click=app.quit]…" made a link
that quit the app. Every Static in ``wms_tui/ui`` says ``markup=`` (False for
data), and every table a screen shows is a FitTable (plain cells).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlmodel import select

import wms_tui.ui
from tests.ui.helpers import SIZES, open_pick, text, until
from wms_tui.domain.models import Product
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp

UI = Path(wms_tui.ui.__file__).parent


def _calls(names: set[str]) -> list[tuple[str, ast.Call]]:
    """Calls of ``names`` in wms_tui/ui, with where they are."""
    return [
        (f"{path.relative_to(UI)}:{node.lineno}", node)
        for path in sorted(UI.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_bytes()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    ]


def test_every_static_says_whether_it_reads_markup() -> None:
    unsaid = [
        where
        for where, call in _calls({"Static", "Label"})
        if not any(k.arg in ("markup", None) for k in call.keywords)
    ]
    assert unsaid == []


def test_screens_show_tables_of_plain_text() -> None:
    plain = [where for where, _ in _calls({"DataTable"}) if where.startswith("screens/")]
    assert plain == []


@pytest.mark.parametrize("size", SIZES)
async def test_a_product_name_with_brackets_shows_as_typed(floor: Store, size) -> None:
    """The pick screen's name line and its stops table, both plain."""
    name = "Fika Mug [Limited] [/]"
    with floor.unit_of_work() as uow:
        uow.session.exec(select(Product).where(Product.sku == "MUG-RED")).one().name = name
        uow.commit()
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        screen = await open_pick(pilot)
        await until(pilot, lambda: screen.view is not None and screen.view.stop is not None)
        assert text(app, "pick-name") == name
        assert app.is_running and app.screen is screen
