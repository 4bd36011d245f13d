"""A small warehouse for receiving, put-away, stock and cycle-count tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot  # noqa: F401 - the one "nothing changed" check
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import LocationKind
from wms_tui.domain.models import (
    Delivery,
    DeliveryLine,
    Location,
    Stock,
)
from wms_tui.store import Store

TEE_EAN = "7350053000018"
MUG_EAN = "7350053000025"
MUG_CASE = "17350053000022"
CASE_QTY = 6


@dataclass(frozen=True)
class World:
    receiver: Actor
    supervisor: Actor
    picker: Actor
    supervisor_badge: str


def build(store: Store) -> World:
    """Products TEE (barcode), MUG (barcode + case of 6), PRINT (no barcode, zone B).

    Bins: pick A-01-1-A (holds TEE), A-01-1-B, A-01-2-A (holds MUG), B-01-1-A, bulk
    R-11-1-A; RCV-1, RCV-2, QUAR-1, a tote; delivery PO-1 expects TEE 10, MUG 12, PRINT 4.
    """
    with store.unit_of_work() as uow:
        tee = f.product(uow, "TEE", name="Organic Tee", barcode=TEE_EAN)
        mug = f.product(
            uow, "MUG", name="Mug", barcode=MUG_EAN, case_barcode=MUG_CASE, case_qty=CASE_QTY
        )
        poster = f.product(uow, "PRINT", name="Art Print 50×70")
        poster.zone = "B"
        uow.add(poster)
        a1a = f.location(uow, "A-01-1-A")
        f.location(uow, "A-01-1-B")
        a12a = f.location(uow, "A-01-2-A")
        f.location(uow, "B-01-1-A", zone="B")
        f.location(uow, "R-11-1-A", LocationKind.BULK, zone="R")
        f.location(uow, "RCV-1", LocationKind.RECEIVING, zone="RCV")
        f.location(uow, "RCV-2", LocationKind.RECEIVING, zone="RCV")
        f.location(uow, "QUAR-1", LocationKind.QUARANTINE, zone="QUAR")
        f.location(uow, "T-0001", LocationKind.TOTE, zone="TOTE")
        f.receive(uow, tee, a1a, 5)
        f.receive(uow, mug, a12a, 2)
        receiver = f.operator(uow, "Björn Åkesson", "receiver", badge="R3001")
        supervisor = f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        picker = f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        d = Delivery(reference="PO-1", supplier="Nordic Tees AB")
        uow.add(d)
        uow.flush()
        for p, qty in ((tee, 10), (mug, 12), (poster, 4)):
            uow.add(DeliveryLine(delivery_id=d.id, product_id=p.id, expected_qty=qty))
        uow.commit()
    return World(
        receiver=_at(receiver, "RCV-1"),
        supervisor=_at(supervisor, "HH-1"),
        picker=_at(picker, "HH-2"),
        supervisor_badge="S9001",
    )


@pytest.fixture
def world(empty_store: Store) -> World:
    """The receiving floor on both stores. A conftest takes it with
    ``from tests.worlds.receiving import world``."""
    return build(empty_store)


def _at(actor: Actor, terminal: str) -> Actor:
    return Actor(actor.operator_id, actor.name, actor.roles, terminal)


def qty_at(store: Store, sku: str, loc: str) -> int:
    from wms_tui.domain.models import Product

    with store.read() as s:
        row = s.exec(
            select(Stock.qty)
            .join(Product, Product.id == Stock.product_id)
            .join(Location, Location.id == Stock.location_id)
            .where(Product.sku == sku, Location.code == loc)
        ).first()
        return int(row or 0)
