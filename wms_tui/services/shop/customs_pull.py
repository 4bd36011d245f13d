"""Customs data from the shop: HS code, country of origin and value per product.

Shopify keeps a variant's HS code and country of origin on its inventory item,
and the products CSV export does not carry them (Shopify exposes them through
the Admin API only), so they are pulled here, for the products that still miss
any of the three facts a parcel leaving the EU needs (``services/packing/customs``).
The value is the variant's price, in the shop's currency.

The shop's values pass the same checks as ``customs.csv`` in ``wms import setup``
(``adapters/setup_cells``: 6-10 digit HS code, two-letter country, an amount above
0) and only fill what the store lacks: a value a supervisor set in master data
is never overwritten. A value the shop has wrong is named and left out; the
rest are written.

Two ways in: a supervisor's ``wms import shop-customs`` asks for every product
that lacks a fact (:func:`pull_customs`); each ``wms sync`` pass asks only for
the products of open orders that will leave the EU (:func:`pull_for_orders`),
the ones a packer would otherwise be refused at close, and asks for the same
products again only after :data:`ASK_AGAIN_AFTER`: a shop without those facts
is not asked every 30 s by ``wms sync --follow``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, or_, select

from wms_tui.adapters.setup_cells import Bad, country, hs_code, money
from wms_tui.adapters.shopify.admin_api import AdminApi
from wms_tui.adapters.shopify.order_shapes import parse_time
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.customs import needs_declaration
from wms_tui.domain.enums import EventKind, OrderStatus, Role
from wms_tui.domain.models import Order, OrderLine, Product, Warehouse
from wms_tui.services.core import events
from wms_tui.services.shop import state
from wms_tui.store import Store, retrying

#: How long the sync leaves unasked a set of products the shop had nothing usable for:
#: a merchant's fix in Shopify arrives within the hour (at once with wms import shop-customs).
ASK_AGAIN_AFTER = timedelta(hours=1)
#: The sync's note of its last customs question: "<ISO time> <hash of the SKUs asked>".
ASKED = "customs.asked"
#: Orders not yet packed: their parcels will need a declaration at close.
OPEN = (
    OrderStatus.NEW,
    OrderStatus.READY_TO_PICK,
    OrderStatus.BACKORDERED,
    OrderStatus.PICKING,
    OrderStatus.PICKED,
    OrderStatus.PACKING,
    OrderStatus.ON_HOLD,
)

_CHECKS = (("hs_code", hs_code), ("origin_country", country), ("customs_value", money))
_WHAT = {"hs_code": "HS code", "origin_country": "country of origin", "customs_value": "value"}


@dataclass
class CustomsPull:
    """What one pull did: SKUs filled in, the shop's bad values, SKUs still incomplete."""

    asked: int = 0
    filled: dict[str, tuple[str, ...]] = field(default_factory=dict)  # sku -> fields set
    refused: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)


def _lacking(product: Product) -> list[str]:
    return [
        name
        for name in ("hs_code", "origin_country", "customs_value")
        if getattr(product, name) in ("", None)
    ]


def pull_customs(store: Store, actor: Actor, api: AdminApi) -> CustomsPull:
    """Fill the products' missing customs facts from the shop (supervisor)."""
    actor.require(Role.SUPERVISOR, action="change products' customs data")
    with store.read() as s:
        incomplete = s.exec(
            select(Product.sku).where(
                or_(
                    col(Product.hs_code) == "",
                    col(Product.origin_country) == "",
                    col(Product.customs_value).is_(None),
                )
            )
        ).all()
    report = CustomsPull(asked=len(incomplete))
    if not incomplete:
        return report
    # The network first, outside any transaction: the shop may be slow.
    facts = api.customs_facts(sorted(incomplete))
    return _write(store, actor, facts, list(incomplete), report)


def pull_for_orders(
    store: Store, actor: Actor, api: AdminApi, *, now: datetime | None = None
) -> CustomsPull | None:
    """The sync's step: fill the customs facts open orders leaving the EU still need.

    None when there was nothing to ask: no such product, or the same products were
    asked less than :data:`ASK_AGAIN_AFTER` ago."""
    actor.require(Role.SUPERVISOR, action="change products' customs data")
    now = now or utcnow()
    with store.read() as s:
        needed = _needed_for_open_orders(s)
        last = state.get(s, ASKED)
    if not needed:
        return None
    when, _, left = last.partition(" ")
    at = parse_time(when)
    if left == _fingerprint(needed) and at is not None and now - at < ASK_AGAIN_AFTER:
        return None
    facts = api.customs_facts(needed)
    return _write(store, actor, facts, needed, CustomsPull(asked=len(needed)), asked_at=now)


def _fingerprint(skus: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(skus)).encode()).hexdigest()[:16]


def _needed_for_open_orders(session: Session) -> list[str]:
    """SKUs lacking a customs fact on open orders shipping out of the EU."""
    warehouse = session.exec(select(Warehouse)).first()
    origin = warehouse.country_code if warehouse else "SE"
    rows = session.exec(
        select(Order.ship_country, Product)
        .where(
            col(Order.status).in_(OPEN),
            OrderLine.order_id == Order.id,
            OrderLine.product_id == Product.id,
            or_(
                col(Product.hs_code) == "",
                col(Product.origin_country) == "",
                col(Product.customs_value).is_(None),
            ),
        )
        .distinct()
    ).all()
    return sorted({p.sku for country, p in rows if needs_declaration(origin, country or origin)})


@retrying
def _write(
    store: Store,
    actor: Actor,
    facts: dict[str, dict[str, str]],
    incomplete: list[str],
    report: CustomsPull,
    *,
    asked_at: datetime | None = None,
) -> CustomsPull:
    report = CustomsPull(asked=report.asked)  # a rerun starts from nothing
    with store.unit_of_work() as uow:
        products = uow.session.exec(select(Product).where(col(Product.sku).in_(facts))).all()
        for product in sorted(products, key=lambda p: p.sku):
            shop = facts[product.sku]
            shop_values = {**shop, "customs_value": shop["price"]}
            filled: list[str] = []
            for name, check in _CHECKS:
                raw = shop_values[name].strip()
                if getattr(product, name) not in ("", None) or not raw:
                    continue
                try:
                    setattr(product, name, check(raw))
                except Bad as exc:
                    report.refused.append(f"{product.sku}: the shop's {_WHAT[name]}: {exc}")
                    continue
                filled.append(name)
            if filled:
                uow.add(product)
                report.filled[product.sku] = tuple(filled)
        if report.filled:
            events.log(
                uow,
                actor,
                EventKind.PRODUCTS_IMPORTED,
                detail=f"customs data from the shop: {len(report.filled)} products",
            )
        uow.flush()
        report.incomplete = sorted(
            p.sku
            for p in uow.session.exec(select(Product).where(col(Product.sku).in_(incomplete)))
            if _lacking(p)
        )
        if asked_at is not None:
            # What the shop could not fill: the next pass skips exactly this set for a while.
            note = f"{asked_at.isoformat()} {_fingerprint(report.incomplete)}"
            state.put(uow.session, ASKED, note)
        uow.commit()
    return report
