"""Customs data from the shop: HS code, country of origin and value per product.

Shopify keeps a variant's HS code and country of origin on its inventory item,
and the products CSV export does not carry them (Shopify exposes them through
the Admin API only), so they are pulled here, for the products that still miss
any of the three facts a parcel leaving the EU needs (``services/packing/customs``).
The value is the variant's price, in the shop's currency.

The shop's values pass the same checks as ``customs.csv`` in ``wms import setup``
(``adapters/setup_csv``: 6-10 digit HS code, two-letter country, an amount above
0) and only fill what the store lacks: a value a supervisor set in master data
is never overwritten. A value the shop has wrong is named and left out; the
rest are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, or_, select

from wms_tui.adapters.setup_csv import Bad, country, hs_code, money
from wms_tui.adapters.shopify.admin_api import AdminApi
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.models import Product
from wms_tui.services.core import events
from wms_tui.store import Store, retrying

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


@retrying
def _write(
    store: Store,
    actor: Actor,
    facts: dict[str, dict[str, str]],
    incomplete: list[str],
    report: CustomsPull,
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
        uow.commit()
    return report
