"""Linking an unknown unit barcode to a product: a supervisor's say-so at the receiving desk."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from wms_tui.domain.actor import Actor
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import EventKind
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.models import Product, ProductBarcode
from wms_tui.domain.scans import clean_scan
from wms_tui.services.core import approval, events
from wms_tui.services.inventory.stock import find_product_by_scan
from wms_tui.store import Store, retrying


@dataclass(frozen=True)
class LinkResult:
    code: str
    sku: str
    name: str
    authorised_by: str


MAX_BARCODE = 32  # ProductBarcode.code's length; GS1 codes are at most 14 digits


def too_long(code: str) -> str | None:
    """Why ``code`` can never be linked as a barcode, or None: asked before the SKU and
    the supervisor's PIN, not after them."""
    barcode = clean_scan(code)
    if len(barcode) > MAX_BARCODE:
        return f"Barcode {barcode[:20]}… is too long (at most {MAX_BARCODE} characters)"
    return None


@retrying
def link_barcode(
    store: Store,
    actor: Actor,
    code: str,
    product_code: str,
    *,
    approver: Credential | None = None,
) -> LinkResult:
    """Link an unknown unit barcode to an existing product (a supervisor's say-so)."""
    barcode = clean_scan(code)
    target = clean_scan(product_code)
    if not barcode:
        raise DomainError("Scan the new barcode first")
    if not target:
        raise DomainError("Scan or type the SKU to link it to")
    if problem := too_long(barcode):
        raise DomainError(problem)
    approved = approval.verify(store, actor, approver, action="linking a barcode")
    with store.unit_of_work() as uow:
        s = uow.session
        who = approval.supervisor(actor, approved, action="linking a barcode")
        existing = s.exec(select(ProductBarcode).where(ProductBarcode.code == barcode)).first()
        if existing is not None:
            other = s.get(Product, existing.product_id)
            raise Conflict(f"{barcode} is already linked to {other.sku if other else '?'}")
        clash = s.exec(select(Product).where(Product.sku == barcode)).first()
        if clash is not None:
            raise Conflict(f"{barcode} is the SKU of {clash.name}; it cannot be a barcode too")
        try:
            product = find_product_by_scan(s, target).product
        except NotFound:
            raise NotFound(f"Unknown SKU {target}") from None
        uow.add(ProductBarcode(code=barcode, product_id=product.id, pack_qty=1))
        events.log(
            uow,
            who,
            EventKind.BARCODE_LINKED,
            sku=product.sku,
            detail=f"{barcode} linked at {actor.terminal} for {actor.name}",
        )
        uow.commit()
    return LinkResult(code=barcode, sku=product.sku, name=product.name, authorised_by=who.name)
