"""A pick-task line's one key to its allocation (migration 0022) keeps every rule the
four single-column keys it replaced kept, on both stores: the line's order line,
product and bin exist, and they are its allocation's."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.domain.enums import LocationKind
from wms_tui.domain.models import Allocation, OrderLine, PickTask
from wms_tui.store import Store

COLUMNS = (
    "task_id, seq, allocation_id, order_line_id, product_id, location_id, tote_id,"
    " qty, qty_picked, qty_short, skipped, done"
)


@pytest.fixture
def rows(empty_store: Store) -> dict[str, int]:
    """Two products in two bins, an order of both, allocated, and an empty task."""
    with empty_store.unit_of_work() as uow:
        s = uow.session
        bins = [f.location(uow, "A-01-01-A"), f.location(uow, "A-01-02-A")]
        tote = f.location(uow, "T-001", LocationKind.TOTE)
        products = [f.product(uow, "SKU-1"), f.product(uow, "SKU-2")]
        order = f.order(uow, "#1001", [(products[0], 1), (products[1], 1)])
        lines = s.exec(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)
        ).all()
        allocs = [
            Allocation(order_line_id=ln.id, product_id=p.id, location_id=b.id, qty=1)
            for ln, p, b in zip(lines, products, bins, strict=True)
        ]
        task = PickTask(code="W0001-01")
        for row in (*allocs, task):
            uow.add(row)
        uow.flush()
        found = dict(
            task=task.id, tote=tote.id, alloc=allocs[0].id, line=lines[0].id,
            product=products[0].id, bin=bins[0].id, alloc2=allocs[1].id, line2=lines[1].id,
            product2=products[1].id, bin2=bins[1].id,
        )  # fmt: skip
        uow.commit()
    return found


def _insert(store: Store, alloc, line, product, location, tote) -> None:  # noqa: ANN001
    with store.engine.begin() as conn:
        task = conn.execute(text("SELECT id FROM picktask")).scalar_one()
        conn.execute(
            text(
                f"INSERT INTO picktaskline ({COLUMNS}) VALUES "
                "(:task, 1, :alloc, :line, :product, :location, :tote, 1, 0, 0, false, false)"
            ),
            dict(task=task, alloc=alloc, line=line, product=product, location=location, tote=tote),
        )


def _count(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM picktaskline")).scalar_one()


def test_a_line_as_the_wave_writes_it_is_stored(empty_store: Store, rows) -> None:
    r = rows
    _insert(empty_store, r["alloc"], r["line"], r["product"], r["bin"], r["tote"])
    assert _count(empty_store) == 1


@pytest.mark.parametrize(
    "what",
    [
        "another product than its allocation's",
        "another bin than its allocation's",
        "another order line than its allocation's",
        "a product that does not exist",
        "a bin that does not exist",
        "an order line that does not exist",
        "an allocation that does not exist",
        "no allocation",
        "a tote that does not exist",
    ],
)
def test_a_line_that_breaks_a_key_is_refused(empty_store: Store, rows, what: str) -> None:
    r = rows
    values = dict(
        alloc=r["alloc"], line=r["line"], product=r["product"], location=r["bin"], tote=r["tote"]
    )
    missing = 999_999
    values.update(
        {
            "another product than its allocation's": dict(product=r["product2"]),
            "another bin than its allocation's": dict(location=r["bin2"]),
            "another order line than its allocation's": dict(line=r["line2"]),
            "a product that does not exist": dict(product=missing),
            "a bin that does not exist": dict(location=missing),
            "an order line that does not exist": dict(line=missing),
            "an allocation that does not exist": dict(alloc=missing),
            "no allocation": dict(alloc=None),
            "a tote that does not exist": dict(tote=missing),
        }[what]
    )
    with pytest.raises(IntegrityError):
        _insert(empty_store, **values)
    assert _count(empty_store) == 0


@pytest.mark.parametrize(
    "change",
    [
        "DELETE FROM allocation WHERE id = :alloc",
        "UPDATE allocation SET location_id = :bin2 WHERE id = :alloc",
        "UPDATE allocation SET product_id = :product2 WHERE id = :alloc",
        "DELETE FROM product WHERE id = :product",
    ],
)
def test_what_a_line_refers_to_cannot_change_under_it(
    empty_store: Store, rows, change: str
) -> None:
    r = rows
    _insert(empty_store, r["alloc"], r["line"], r["product"], r["bin"], r["tote"])
    params = {k: v for k, v in r.items() if f":{k}" in change}
    with pytest.raises(IntegrityError), empty_store.engine.begin() as conn:
        conn.execute(text(change), params)
    with empty_store.engine.connect() as conn:
        got = conn.execute(
            text("SELECT product_id, location_id FROM allocation WHERE id = :a"), dict(a=r["alloc"])
        ).one()
    assert tuple(got) == (r["product"], r["bin"])
