"""The steady table: refilled in place, it shows exactly what a freshly filled table shows."""

from __future__ import annotations

import random

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tests.ui.scanner import settle
from wms_tui.ui.widgets.fixed_table import FitTable, RendersByRow, SteadyTable, reset

COLUMNS = [("SKU", 8), ("Exp", 4), ("Rcv", 4)]


def lines(n: int, received: dict[int, int]) -> list[tuple[str, tuple[str, ...]]]:
    return [(f"SKU-{i}", (f"SKU-{i}", "10", str(received.get(i, 0)))) for i in range(n)]


class Two(App[None]):
    def compose(self) -> ComposeResult:
        yield SteadyTable(id="steady", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="plain", cursor_type="row", zebra_stripes=True)


def shown(table: DataTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_a_refill_repaints_only_what_changed_and_shows_what_a_fresh_table_shows() -> None:
    app = Two()
    async with app.run_test(size=(40, 30)) as pilot:
        steady = app.query_one("#steady", SteadyTable)
        plain = app.query_one("#plain", DataTable)
        received: dict[int, int] = {}
        steady.fill(COLUMNS, lines(8, received))
        await pilot.pause()
        before = steady._update_count
        for scan in range(12):
            received[scan % 3] = received.get(scan % 3, 0) + 1
            steady.fill(COLUMNS, lines(8, received))
            steady.move_cursor(row=scan % 3)
            reset(plain, COLUMNS)
            for key, cells in lines(8, received):
                plain.add_row(*cells, key=key)
            plain.move_cursor(row=scan % 3)
            await pilot.pause()
            assert shown(steady) == shown(plain)
        # Filled in place: Textual's table-wide invalidation never ran.
        assert steady._update_count == before
        assert steady.cursor_row == 11 % 3


async def test_other_rows_or_columns_refill_the_table() -> None:
    app = Two()
    async with app.run_test(size=(40, 30)) as pilot:
        steady = app.query_one("#steady", SteadyTable)
        steady.fill(COLUMNS, lines(3, {}))
        await settle(pilot)
        steady.fill(COLUMNS, lines(4, {1: 2}))
        await settle(pilot)
        assert [str(r.key.value) for r in steady.ordered_rows] == [f"SKU-{i}" for i in range(4)]
        assert steady.get_row("SKU-1") == ["SKU-1", "10", "2"]
        steady.fill([("SKU", 10), ("Qty", 4)], [("A", ("A", "1"))])
        await settle(pilot)
        assert [str(c.label) for c in steady.ordered_columns] == ["SKU", "Qty"]
        assert steady.get_row("A") == ["A", "1"]


async def test_auto_width_columns_come_out_as_wide_as_a_fresh_fill_makes_them() -> None:
    columns = [("SKU", None), ("State", None)]
    states = ["", "◀ now", "✓", "short 12", "skipped"]

    def rows(step: int) -> list[tuple[str, tuple[str, ...]]]:
        return [(f"L{i}", (f"SKU-{i}", states[(i + step) % len(states)] if i <= step else ""))
                for i in range(6)]  # fmt: skip

    app = Two()
    async with app.run_test(size=(60, 30)) as pilot:
        steady = app.query_one("#steady", SteadyTable)
        plain = app.query_one("#plain", DataTable)
        for step in range(9):
            steady.fill(columns, rows(step))
            plain.clear(columns=True)
            for label, width in columns:
                plain.add_column(label, width=width)
            for key, cells in rows(step):
                plain.add_row(*cells, key=key)
            await pilot.pause()
            assert shown(steady) == shown(plain), step


class Fitted(App[None]):
    CSS = "DataTable { height: 4; }"

    def compose(self) -> ComposeResult:
        yield FitTable(id="fit")
        yield SteadyTable(id="steady")


async def test_a_cell_wider_than_its_column_ends_in_an_ellipsis() -> None:
    """Textual's table cut 100000010 in a 3-wide column to "100", silently."""
    app = Fitted()
    async with app.run_test(size=(40, 12)) as pilot:
        fit = app.query_one("#fit", FitTable)
        reset(fit, [("SKU", 6), ("Rcv", 3)])
        fit.add_row("TS-ORG-BLK-S", "100000010", key="a")
        fit.add_row("MUG", Text("12"), key="b")
        steady = app.query_one("#steady", SteadyTable)
        steady.fill([("SKU", 6), ("Rcv", 3)], [("a", ("TS-ORG", "1000"))])
        await pilot.pause()
        assert [line.rstrip() for line in shown(fit)[:3]] == [
            " SKU     Rcv",
            " TS-OR…  10…",
            " MUG     12",
        ]
        assert shown(steady)[1].rstrip() == " TS-ORG  10…"
        # The caller's Text is left as it was handed in.
        assert fit.get_row_at(1)[1].overflow is None


async def test_cells_are_plain_text_not_markup() -> None:
    """A shop's product named "Tee [Limited Edition]" read "Tee "; "[/]" killed the screen."""
    app = Fitted()
    async with app.run_test(size=(60, 12)) as pilot:
        fit = app.query_one("#fit", FitTable)
        reset(fit, [("Name", 30)])
        names = ["Tee [Limited Edition]", "Mug [/]", "[@click=app.quit]Sock[/]"]
        for i, name in enumerate(names):
            fit.add_row(name, key=str(i))
        steady = app.query_one("#steady", SteadyTable)
        steady.fill([("Name", None)], [("a", ("[b]Cap[/b] [/]",))])
        await pilot.pause()
        assert [line.strip() for line in shown(fit)[1:4]] == names
        assert shown(steady)[1].strip() == "[b]Cap[/b] [/]"
        steady.fill([("Name", None)], [("a", ("[b]Cap[/b] [/] wider",))])
        await pilot.pause()
        assert shown(steady)[1].strip() == "[b]Cap[/b] [/] wider"
        assert app.is_running


async def test_a_changed_cell_is_the_only_cell_rendered_again() -> None:
    """Rendering a cell is most of what drawing a table costs: a scan that changes one
    count renders that one cell, not its whole row (or, as Textual does, every row)."""
    app = Two()
    async with app.run_test(size=(40, 30)) as pilot:
        steady = app.query_one("#steady", SteadyTable)
        steady.cursor_type = "none"
        steady.fill(COLUMNS, lines(8, {}))
        await settle(pilot)
        shown(steady)  # every cell rendered once
        cached = set(steady._cell_render_cache.keys())
        steady.fill(COLUMNS, lines(8, {2: 1}))
        to_render = cached - set(steady._cell_render_cache.keys())
        label = {c.key: str(c.label) for c in steady.ordered_columns}
        # A cell may have been rendered in more than one style by now (the table's
        # background settles over the first frames on a busy machine): each render
        # of that cell goes, and no other cell's.
        assert {(str(k[0].value), label[k[1]]) for k in to_render} == {("SKU-2", "Rcv")}
        assert shown(steady)[3].split() == ["SKU-2", "10", "1"]


def test_renders_are_forgotten_by_row_as_a_look_through_every_key_would() -> None:
    """RendersByRow finds a row's renders without looking through the others' (hundreds
    on a screen: every cell in every cursor and style it was drawn in); it must drop the
    same keys that look did, whatever the LRU has pushed out or the index rebuilt."""
    rng = random.Random(5)
    cache = RendersByRow(50)
    for step in range(3000):
        row, column = f"r{rng.randrange(12)}", f"c{rng.randrange(6)}"
        cache[(row, column, rng.randrange(3))] = step
        if step % 7 == 0:
            row = f"r{rng.randrange(12)}"
            columns = {f"c{c}" for c in rng.sample(range(6), rng.randint(1, 3))}
            columns_or_all = None if step % 2 else columns
            expected = {
                k
                for k in cache.keys()  # noqa: SIM118 - no __iter__
                if not (k[0] == row and (columns_or_all is None or k[1] in columns_or_all))
            }
            cache.forget(row, columns_or_all)
            assert set(cache.keys()) == expected, step
        assert len(cache) <= 50


async def test_a_steady_table_keeps_its_renders_by_row() -> None:
    app = Two()
    async with app.run_test(size=(40, 30)) as pilot:
        steady = app.query_one("#steady", SteadyTable)
        steady.fill(COLUMNS, lines(8, {}))
        await settle(pilot)
        shown(steady)
        assert isinstance(steady._cell_render_cache, RendersByRow)
        assert isinstance(steady._row_render_cache, RendersByRow)
        assert len(steady._cell_render_cache) > 8
        steady.fill(COLUMNS, lines(8, {2: 1}))
        row_two = steady._row_locations.get_key(2)
        rows = steady._row_render_cache.keys()  # noqa: SIM118 - no __iter__
        assert not [k for k in rows if k[0] == row_two]
        assert shown(steady)[3].split() == ["SKU-2", "10", "1"]
