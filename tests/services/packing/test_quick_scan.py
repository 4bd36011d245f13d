"""A good scan answered from what the station holds, and the guard that keeps it honest.

Runs on SQLite and PostgreSQL. The quick answer must be the answer the store gives
(the view a full load builds); anything another terminal changed under the station
must be seen on the next scan, in the words the full path has always used.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlalchemy import event, update
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.packing import open_1042
from wms_tui.domain.errors import DomainError, TakenOver
from wms_tui.domain.models import Event, OrderLine, PackScan
from wms_tui.services.intake import order_admin
from wms_tui.services.packing import held
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.view import PackView
from wms_tui.store import Store


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """Every statement sent while the block runs (BEGIN and COMMIT included)."""
    sent: list[str] = []

    def count(conn, cursor, stmt, params, context, executemany) -> None:  # noqa: ANN001
        sent.append(stmt.split(None, 1)[0].upper())

    def begin(conn) -> None:  # noqa: ANN001
        sent.append("COMMIT")

    event.listen(store.engine, "before_cursor_execute", count)
    event.listen(store.engine, "commit", begin)
    try:
        yield sent
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
        event.remove(store.engine, "commit", begin)


def same_screen(a: PackView, b: PackView) -> None:
    """Everything the screen draws but the one-line answer."""
    keep = dict(message="", tone=a.tone, focus_line=None)
    assert replace(a, **keep) == replace(b, **keep)


def scans_of(store: Store, oid: int) -> list[tuple[int, int, str]]:
    with store.read() as s:
        rows = s.exec(select(PackScan).where(PackScan.order_id == oid)).all()
        return [(r.order_line_id, r.qty, r.kind) for r in rows]


def test_a_good_scan_is_one_read_and_one_guarded_write_with_the_full_answer(
    world: pw.World,
) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)  # opens the parcel: full path
    with statements(world.store) as sent:
        view = packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    assert view.message == "MUG-BLU  2/2  line done"
    # The barcode read, the guarded UPDATE, the scan row and its event; no order reload.
    body = [s for s in sent if s not in ("BEGIN", "COMMIT")]
    assert body.count("UPDATE") == 1 and body.count("INSERT") == 2, sent
    assert len(body) <= 5, sent  # 4, and the store-identity check where it is made
    same_screen(view, packing.current_view(world.store, world.packer, oid))
    view = packing.scan(world.store, world.packer, oid, "tee-m")  # SKU keyed by hand
    assert view.message == "TEE-M  1/1  line done · all units scanned: weigh the parcel"
    same_screen(view, packing.current_view(world.store, world.packer, oid))
    with world.store.read() as s:
        evs = s.exec(select(Event).where(Event.order_id == oid, Event.kind == "pack.scan")).all()
        assert [(e.sku, e.qty, e.terminal, e.detail) for e in evs] == [
            ("MUG-BLU", 1, "PACK-1", f"parcel 1 {pw.MUG_EAN}"),
            ("MUG-BLU", 1, "PACK-1", f"parcel 1 {pw.MUG_EAN}"),
            ("TEE-M", 1, "PACK-1", "parcel 1 tee-m"),
        ]
        assert {e.at for e in evs[1:]} != {None}


def test_a_take_over_is_told_on_the_next_scan(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    taker = replace(world.supervisor, terminal="PACK-2", roles=frozenset({"packer", "supervisor"}))
    packing.open_order(world.store, taker, "#1042", take_over=f.boss("S9001"))
    with pytest.raises(TakenOver, match="#1042 was taken over at PACK-2"):
        packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    assert len(scans_of(world.store, oid)) == 1


def test_a_cancel_is_told_on_the_next_scan(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    order_admin.cancel_order(world.store, world.supervisor, oid, "customer asked")
    with pytest.raises(DomainError, match="#1042 was cancelled: stop packing"):
        packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    assert len(scans_of(world.store, oid)) == 1


def test_a_scan_another_process_wrote_is_counted_not_packed_twice(world: pw.World) -> None:
    """The same terminal's second process (the CLI, a restarted app) scanned a mug: the
    station's memory is one unit behind, and the guard sends it to the store."""
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    other = Store(world.store.url)
    try:
        packing.scan(other, world.packer, oid, pw.MUG_EAN)
    finally:
        other.dispose()
    with pytest.raises(DomainError, match="Already 2 of 2 MUG-BLU packed"):
        packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    view = packing.scan(world.store, world.packer, oid, pw.TEE_EAN)
    assert [ln.packed for ln in view.lines] == [2, 1]
    same_screen(view, packing.current_view(world.store, world.packer, oid))


def test_a_scan_of_another_line_written_elsewhere_shows_in_the_answer(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    other = Store(world.store.url)
    try:
        packing.scan(other, world.packer, oid, pw.TEE_EAN)
    finally:
        other.dispose()
    view = packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    assert [ln.packed for ln in view.lines] == [2, 1]
    assert view.message.endswith("all units scanned: weigh the parcel")
    same_screen(view, packing.current_view(world.store, world.packer, oid))


def test_a_line_short_shipped_elsewhere_is_seen(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    with world.store.unit_of_work() as uow:  # a supervisor's decision on the tee line
        uow.session.exec(
            update(OrderLine)
            .where(OrderLine.order_id == oid, OrderLine.sku == "TEE-M")  # type: ignore[arg-type]
            .values(qty_short=1, short_reason="none left")
        )
        uow.commit()
    view = packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    assert view.message.endswith("all units scanned: weigh the parcel")
    assert [ln.short for ln in view.lines] == [0, 1]
    same_screen(view, packing.current_view(world.store, world.packer, oid))


def test_refusals_and_other_steps_still_go_the_full_way(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    with pytest.raises(DomainError, match="SOCK-X \\(Wool socks\\) is not in order #1042"):
        packing.scan(world.store, world.packer, oid, pw.STRANGER_EAN)
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    with pytest.raises(DomainError, match="Already 2 of 2 MUG-BLU packed: this one is extra"):
        packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    view = packing.undo(world.store, world.packer, oid)
    assert view.message == "Undone: 1× MUG-BLU, now 1/2"
    view = packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    assert view.message == "MUG-BLU  2/2  line done"
    same_screen(view, packing.current_view(world.store, world.packer, oid))
    assert [q for _, q, _ in scans_of(world.store, oid)] == [1, 1, -1, 1]


def test_another_operator_at_the_terminal_holds_nothing(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    assert held.recall(world.store, world.packer, oid) is not None
    stranger = replace(world.packer2, terminal=world.packer.terminal)
    assert held.recall(world.store, stranger, oid) is None


def test_the_first_scan_after_opening_and_a_keyed_count_are_quick_too(world: pw.World) -> None:
    oid = open_1042(world).order_id
    with statements(world.store) as sent:
        packing.scan(world.store, world.packer, oid, pw.TEE_EAN)
    assert sent.count("UPDATE") == 1 and len(sent) <= 7, sent
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    packing.undo(world.store, world.packer, oid)  # the full way: held again after it
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    with statements(world.store) as sent:
        view = packing.set_count(world.store, world.packer, oid, 1, 2)
    assert sent.count("UPDATE") == 1 and len(sent) <= 6, sent
    assert view.message == "counted MUG-BLU  2/2  line done · all units scanned: weigh the parcel"
    same_screen(view, packing.current_view(world.store, world.packer, oid))
    with world.store.read() as s:
        last = s.exec(select(PackScan).order_by(PackScan.id.desc())).first()  # type: ignore[union-attr]
        assert (last.kind, last.qty, last.counted_to, last.code) == ("count", 1, 2, "")
        ev = s.exec(select(Event).order_by(Event.id.desc())).first()  # type: ignore[union-attr]
        assert (ev.kind, ev.sku, ev.qty, ev.detail) == ("pack.scan", "MUG-BLU", 1, "parcel 1 ")


def test_a_count_the_rules_refuse_is_worded_the_full_way(world: pw.World) -> None:
    oid = open_1042(world).order_id
    with pytest.raises(DomainError, match="Scan one MUG-BLU first, then key the count"):
        packing.set_count(world.store, world.packer, oid, 1, 2)
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    with pytest.raises(DomainError, match="Line MUG-BLU needs 2, not 3: count again"):
        packing.set_count(world.store, world.packer, oid, 1, 3)
    with pytest.raises(DomainError, match="MUG-BLU is already at 1"):
        packing.set_count(world.store, world.packer, oid, 1, 1)
