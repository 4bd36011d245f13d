"""Order lookup: every way a customer or a parcel identifies an order, and its story."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from tests.worlds.dispatch import Dock, build_dock
from wms_tui.domain.actor import Actor
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Order
from wms_tui.services.dispatch import handover, manifest
from wms_tui.services.lookup import order_lookup, order_search
from wms_tui.store import Store

BOSS = Actor(None, "Karin Holmgren", frozenset({"supervisor"}), "OFFICE")
PICKER = Actor(None, "Ana Lindqvist", frozenset({"picker"}), "HH-1")


@pytest.fixture
def dock(empty_store: Store, tmp_path: Path) -> Dock:
    d = build_dock(empty_store, tmp_path)
    with d.store.unit_of_work() as uow:
        o = uow.session.exec(select(Order).where(Order.name == "#1")).one()
        o.phone = "+82 10-3318-7745"
        uow.add(o)
        uow.commit()
    return d


def hits(dock: Dock, q: str) -> list[tuple[str, str]]:
    return [(h.name, h.matched) for h in order_search.find(dock.store, BOSS, q)]


def test_every_way_to_find_an_order(dock: Dock) -> None:
    # order name, with or without "#"
    assert hits(dock, "#2")[0] == ("#2", "order")
    assert hits(dock, "2")[0] == ("#2", "order")
    # SSCC as scanned (AI 00), as printed ((00) ...), tracking number in any case
    assert hits(dock, "00" + dock.sscc["#2/2"]) == [("#2", "SSCC")]
    assert hits(dock, "(00)" + dock.sscc["#3"]) == [("#3", "SSCC")]
    assert hits(dock, dock.tracking["#1"].lower()) == [("#1", "tracking")]
    found = order_search.find(dock.store, BOSS, dock.tracking["#1"])[0]
    assert found.tracking == dock.tracking["#1"] and found.carrier_code == "PN"
    # e-mail, phone typed any way, names in Hangul and Swedish in any case
    assert hits(dock, "JIHOON@example.kr") == [("#1", "e-mail")]
    assert hits(dock, "010-3318-7745") == [("#1", "phone")]
    assert hits(dock, "+82 10 3318 7745") == [("#1", "phone")]
    assert hits(dock, "김지훈") == [("#1", "customer")]
    names = {n for n, _ in hits(dock, "öberg")}
    assert {"#1", "#2", "#3", "#4", "#5"} <= names  # #1 ships to Åsa Öberg


def test_pickers_see_no_customer_e_mail_or_phone(dock: Dock) -> None:
    """The service decides by role: a picker's lookup neither shows a customer's
    e-mail and phone nor finds an order by them."""
    assert order_search.find(dock.store, PICKER, "JIHOON@example.kr") == []
    assert order_search.find(dock.store, PICKER, "010-3318-7745") == []
    [hit] = order_search.find(dock.store, PICKER, "#1")
    assert hit.name == "#1" and hit.email == ""
    d = order_lookup.order_detail(dock.store, PICKER, dock.order("#1").id)
    assert (d.email, d.phone) == ("", "") and d.customer_name
    boss = order_lookup.order_detail(dock.store, BOSS, dock.order("#1").id)
    assert boss.email == "jihoon@example.kr" and boss.phone == "+82 10-3318-7745"


def test_nothing_found_and_empty_query(dock: Dock) -> None:
    assert order_search.find(dock.store, BOSS, "no such thing") == []
    with pytest.raises(DomainError, match="Type an order number, name, e-mail"):
        order_search.find(dock.store, BOSS, "  \r")


def test_detail_of_a_dispatched_order_answers_where_it_is(dock: Dock) -> None:
    for k in ("#2", "#2/2"):
        handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc[k])
    manifest.close_manifest(dock.store, dock.boss, "PN", leave_behind_ok=True)
    d = order_lookup.order_detail(dock.store, BOSS, dock.order("#2").id)
    assert d.status == "DISPATCHED"
    assert d.where == (
        f"Shipped Tue 10 Mar with PN Carrier; tracking {dock.tracking['#2']}, "
        f"{dock.tracking['#2/2']}; expected Thu 12 Mar"
    )
    assert [p.manifest_number for p in d.parcels] == ["PN-20260310"] * 2
    assert [(n.kind, n.sent) for n in d.notices] == [("shipped", False)]
    # The order trace's steps (services/lookup/timeline), notices merged in by time.
    steps = [(e.kind, e.what, e.who) for e in d.timeline]
    assert ("order.status", "dispatched (PACKED → DISPATCHED)", "Karin Holmgren") in steps
    loads = [w for k, w, who in steps if k == "parcel.loaded" and who == "Johan Öberg"]
    assert len(loads) == 2 and dock.sscc["#2/2"] in loads[1]
    assert any(w.startswith("packed 2 × MUG-1 A-01-1-A → PACK-1") for _, w, _ in steps)
    assert ("notice", "shipped notice to the customer (in the outbox)", "") in steps
    assert all(e.terminal == "TEST" for e in d.timeline if e.kind != "notice")
    assert [e.at for e in d.timeline] == sorted(e.at for e in d.timeline)


def test_detail_of_orders_on_the_way(dock: Dock) -> None:
    d = order_lookup.order_detail(dock.store, BOSS, dock.order("#1").id)
    assert d.where == "Packed, waiting at dispatch for PN Carrier (cut-off 16:00)"
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
    d = order_lookup.order_detail(dock.store, BOSS, dock.order("#1").id)
    assert d.where == "Packed and on the PN Carrier truck; leaves at close-out"
    assert d.ship_to[0] == "Åsa Öberg" and d.customer_name == "김지훈"
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#2"])
    d2 = order_lookup.order_detail(dock.store, BOSS, dock.order("#2").id)
    assert d2.where == "Packed; 1 of 2 parcels on the PN Carrier truck"
    d4 = order_lookup.order_detail(dock.store, BOSS, dock.order("#4").id)
    assert d4.where.startswith("Cancelled 10 Mar")
    with pytest.raises(NotFound):
        order_lookup.order_detail(dock.store, BOSS, 999999)
