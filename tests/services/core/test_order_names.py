"""Order names typed in any case, with or without ``#``, find the order on both backends.

SQLite's ``LIKE`` ignores ASCII case and hides the problem; PostgreSQL's does
not, and ``=`` is case-sensitive on both. Every lookup by name outside the pack
station is checked here against PostgreSQL as well as SQLite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import snapshot
from tests.worlds.packing import pack
from tests.worlds.returns import build_world
from wms_tui.domain.actor import Actor
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import Event, Order
from wms_tui.services.core import order_names
from wms_tui.services.intake.order_queries import list_orders
from wms_tui.services.lookup import order_search
from wms_tui.services.packing.reprint import reprint
from wms_tui.services.returns import returnable
from wms_tui.store import Store

BOSS = Actor(None, "Karin Holmgren", frozenset({"supervisor"}), "OFFICE")

TYPED = ["#D1042", "D1042", "d1042", "#d1042", " d1042 "]


@pytest.fixture
def shop(empty_store: Store) -> Store:
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)
        a = f.product(uow, "MUG-1")
        for name in ("#D1042", "#D1043", "#D1042-B1", "#1042", "#Web77"):
            f.order(uow, name, [(a, 1)])
        uow.commit()
    return empty_store


def name_of(store: Store, typed: str) -> str | None:
    with store.read() as s:
        order = order_names.find(s, typed)
        return order.name if order else None


@pytest.mark.parametrize("typed", TYPED)
def test_find_ignores_case_and_the_hash(shop: Store, typed: str) -> None:
    assert name_of(shop, typed) == "#D1042"


def test_find_prefers_the_name_as_typed_and_stored_in_mixed_case(shop: Store) -> None:
    assert name_of(shop, "1042") == "#1042"  # not #D1042
    assert name_of(shop, "d1042-b1") == "#D1042-B1"
    # A shop prefix in mixed case is found only by comparing upper-cased.
    assert name_of(shop, "web77") == "#Web77"
    assert name_of(shop, "#WEB77") == "#Web77"


@pytest.mark.parametrize("typed", ["d9999", "#", "", "  ", "D104", "%1042", "_1042"])
def test_find_nothing(shop: Store, typed: str) -> None:
    assert name_of(shop, typed) is None


@pytest.mark.parametrize("typed", TYPED)
def test_where_is_my_order_finds_it_in_any_case(shop: Store, typed: str) -> None:
    hits = order_search.find(shop, BOSS, typed)
    assert hits[0].name == "#D1042" and hits[0].matched == "order"
    # The prefix search also finds the back-order split off it.
    assert [h.name for h in hits] == ["#D1042", "#D1042-B1"]


def test_where_is_my_order_prefix_in_any_case(shop: Store) -> None:
    assert [h.name for h in order_search.find(shop, BOSS, "d104")] == [
        "#D1042",
        "#D1042-B1",
        "#D1043",
    ]
    assert [h.name for h in order_search.find(shop, BOSS, "#web")] == ["#Web77"]
    # LIKE wildcards typed by hand are characters, not patterns.
    assert order_search.find(shop, BOSS, "d10_2") == []
    assert order_search.find(shop, BOSS, "%") == []


def test_orders_screen_search_in_any_case(shop: Store) -> None:
    for typed in ("d1043", "#d1043", "D1043"):
        assert [r.name for r in list_orders(shop, typed, status=None).rows] == ["#D1043"], typed


@pytest.mark.parametrize("typed", TYPED)
def test_returns_desk_finds_a_shipped_order_in_any_case(empty_store: Store, typed: str) -> None:
    world = build_world(empty_store, name="#D1042")
    view = returnable.lookup(world.store, typed)
    assert view.order_id == world.order_id and view.name == "#D1042"


def test_returns_desk_refuses_an_unknown_name(empty_store: Store) -> None:
    world = build_world(empty_store, name="#D1042")
    before = snapshot(world.store)
    with pytest.raises(NotFound, match="^No order, RMA or tracking number d1043$"):
        returnable.lookup(world.store, "d1043")
    assert snapshot(world.store) == before


def test_reprint_finds_a_packed_order_in_any_case(empty_store: Store, tmp_path: Path) -> None:
    w = pw.build(empty_store, label_dir=str(tmp_path / "labels"))
    oid = pack(w, "#1042")
    with w.store.unit_of_work() as uow:
        order = uow.session.get(Order, oid)
        order.name = "#D1042"
        uow.add(order)
        uow.commit()
    for typed in ("d1042", "#d1042", "D1042"):
        docs = reprint(w.store, w.packer, typed, slip=False, send=False)
        assert [p.name.split("_")[1] for p in docs.files] == ["D1042"], typed
    with w.store.read() as s:
        assert len(s.exec(select(Event).where(Event.kind == "label.reprint")).all()) == 3
    before = snapshot(w.store)
    with pytest.raises(NotFound, match="^No order, SSCC or tracking number d1043$"):
        reprint(w.store, w.packer, "d1043")
    assert snapshot(w.store) == before
