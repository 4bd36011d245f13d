"""An exchange: the replacement chosen at the desk becomes a new order.

The new order (``#1042-X1``) copies the customer and address of the returned
one, is paid, due tomorrow, and is allocated, picked and packed like any other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.codes import rma_code
from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Order, OrderLine, Product
from wms_tui.domain.scans import clean_scan
from wms_tui.services.core import events
from wms_tui.services.inventory import allocation
from wms_tui.services.inventory import stock as inventory
from wms_tui.store import Store, UnitOfWork


@dataclass(frozen=True)
class ProductChoice:
    sku: str
    name: str
    options: str


def replacement(session: Session, code: str) -> ProductChoice:
    product = inventory.find_product_by_scan(session, clean_scan(code)).product
    if not product.active:
        raise DomainError(f"{product.sku} is no longer sold: choose another variant")
    return ProductChoice(product.sku, product.name, product.options_text)


def check_replacement(store: Store, code: str) -> ProductChoice:
    """The product an exchange would send for a scanned barcode or typed SKU."""
    with store.read() as s:
        return replacement(s, code)


def create_exchange(
    uow: UnitOfWork,
    actor: Actor,
    order: Order,
    lines: Mapping[int, OrderLine],
    returned: Mapping[int, int],
    replacements: Mapping[int, str],
) -> tuple[Order, list[allocation.Shortage]]:
    """A new order for the replacements, allocated now like any other order."""
    s = uow.session
    wanted: dict[int, int] = defaultdict(int)
    source: dict[int, OrderLine] = {}
    for line_id, qty in returned.items():
        line = lines[line_id]
        code = replacements.get(line_id, "").strip() or line.sku
        choice = replacement(s, code)
        product = s.exec(select(Product).where(Product.sku == choice.sku)).one()
        wanted[product.id] += qty  # type: ignore[index]
        source.setdefault(product.id, line)  # type: ignore[arg-type]
    n = 1
    while s.exec(select(Order).where(Order.name == f"{order.name}-X{n}")).first():
        n += 1
    now = utcnow()
    tags = [t for t in order.tags.split(",") if t.strip()]
    child = Order(
        **order.model_dump(
            exclude={
                "id",
                "name",
                "status",
                "held_from",
                "hold_reason",
                "created_at",
                "release_at",
                "promised_ship_date",
                "status_changed_at",
                "notes",
                "gift_message",
                "tags",
                "financial_status",
                "cancelled_at",
                "source_hash",
                "locked_by_operator_id",
                "locked_terminal",
                "locked_at",
                "resolution",
            }
        ),
        name=f"{order.name}-X{n}",
        status=OrderStatus.NEW,
        created_at=now,
        release_at=now,
        status_changed_at=now,
        promised_ship_date=(now + timedelta(days=1)).date(),
        notes=f"Exchange for {order.name} ({rma_code(order.id)})",  # type: ignore[arg-type]
        tags=",".join([*tags, "exchange"]),
        financial_status="paid",
    )
    uow.add(child)
    uow.flush()
    for i, (product_id, qty) in enumerate(wanted.items(), start=1):
        product = s.get(Product, product_id)
        assert product is not None
        uow.add(
            OrderLine(
                order_id=child.id,  # type: ignore[arg-type]
                line_no=i,
                product_id=product_id,
                sku=product.sku,
                name=product.name,
                options=product.options_text,
                quantity=qty,
                price=source[product_id].price,
            )
        )
    uow.flush()
    events.log(
        uow,
        actor,
        EventKind.ORDER_CREATED,
        order=child,
        to_state=OrderStatus.NEW,
        detail=f"exchange for {order.name}",
    )
    shortages = allocation.allocate_order(uow, child, actor)
    return child, shortages
