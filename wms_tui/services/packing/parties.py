"""Who a packed order's papers are from and to: the warehouse (its row, read once per
session or under a lock for the SSCC counter; its address, its clock, the shipment's GSIN
from its GS1 prefix) and the recipient (the delivery address, refused when no courier
could deliver to it, and the phone the courier calls).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from wms_tui.domain.countries import is_country
from wms_tui.domain.errors import DomainError
from wms_tui.domain.identifiers.sscc import make_gsin
from wms_tui.domain.models import Order, Warehouse
from wms_tui.printing.address import Address
from wms_tui.services.core.clock import warehouse_row, zone_of


def warehouse(session: Session, *, lock: bool = False) -> Warehouse:
    """The warehouse row (:func:`~wms_tui.services.core.clock.warehouse_row`: once per
    session, ``lock`` for the SSCC serial counter); refused when none is set up."""
    w = warehouse_row(session, lock=lock)
    if w is None:
        raise DomainError("No warehouse is set up (address, GS1 prefix): ask a supervisor")
    return w


def local_time(w: Warehouse, at: datetime) -> datetime:
    return at.astimezone(zone_of(w))


def warehouse_address(w: Warehouse, name: str | None = None) -> Address:
    return Address(
        name=name or w.name,
        line1=w.address1,
        line2=w.address2,
        city=w.city,
        postcode=w.zip,
        region=w.region,
        country_code=w.country_code,
        phone=w.phone,
    )


def ship_to(order: Order) -> Address:
    """The delivery address; refuses one no courier could deliver to."""
    missing = [
        what
        for what, value in (
            ("name", order.ship_name or order.customer_name),
            ("street", order.ship_address1),
            ("town", order.ship_city),
        )
        if not value.strip()
    ]
    if missing:
        raise DomainError(
            f"Order {order.name} has no {' or '.join(missing)} in its address: "
            "a supervisor must fix it before the label can print"
        )
    if not is_country(order.ship_country.strip()):
        # The label's own check takes any two letters; a carrier refuses "ZZ" at handover.
        raise _not_a_country(order)
    try:
        return Address(
            name=order.ship_name or order.customer_name,
            company=order.ship_company,
            line1=order.ship_address1,
            line2=order.ship_address2,
            city=order.ship_city,
            postcode=order.ship_zip,
            region=order.ship_province,
            country_code=order.ship_country,
            phone=recipient_phone(order),
        )
    except ValueError:
        raise _not_a_country(order) from None


def _not_a_country(order: Order) -> DomainError:
    return DomainError(
        f"Order {order.name} has country {order.ship_country[:20]!r}, not an ISO country code: "
        "a supervisor must fix the address"
    )


def recipient_phone(order: Order) -> str:
    """The courier calls the person the parcel is for: on a gift order that is not the
    buyer, so the buyer's number is never put in the recipient's place."""
    if order.ship_phone.strip():
        return order.ship_phone
    gift = bool(order.gift_message.strip()) or "gift" in order.tag_set
    return "" if gift else order.phone


def consignment(w: Warehouse, order: Order) -> str:
    """The GSIN every parcel of the order's shipment carries."""
    return make_gsin(w.gs1_company_prefix, order.id or 0)
