"""Shopify orders as the Admin API and webhooks send them -> the CSV path's ``OrderRecord``.

Two shapes arrive: GraphQL order nodes (``wms sync`` pulls them; camelCase,
``gid://`` ids, enums like ``PAID``) and REST order payloads (the
``orders/create|updated|cancelled`` webhooks; snake_case, numeric ids). Both
become one ``OrderRecord`` -- the record the CSV parser yields -- plus the
shop's ids, and go through the same import rules
(``services/intake/order_import.py``). So a CSV row, a pulled order and a
webhook cannot disagree about what an order is.

The checks are the CSV parser's, per order rather than per row: a name,
a creation time, a two-letter country, the ship-to a parcel needs, and per
line a SKU (when it ships), a quantity from 1 to ``MAX_QUANTITY``, a price,
no SKU twice. Every problem is listed (``ShapeError``); nothing is half-read.
Whether a SKU exists is the importer's question, not this module's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from wms_tui.adapters.shopify.csv_format import (
    MAX_QUANTITY,
    OrderLineRecord,
    OrderRecord,
    ShipTo,
)
from wms_tui.domain.countries import country_problem
from wms_tui.domain.text import invisible_problem

MAX_NAME = 64
MAX_TEXT = 5000


class ShapeError(ValueError):
    """The shop sent an order we cannot read; ``problems`` lists every reason."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.name = name
        self.problems = problems
        who = f"order {name}" if name else "an order without a name"
        super().__init__(f"{who}: " + "; ".join(problems))


@dataclass(frozen=True)
class ShopOrder:
    """One order from the shop: the record to import and the shop's ids for it."""

    record: OrderRecord
    shop_order_id: str  # gid://shopify/Order/…
    updated_at: datetime | None
    line_items: dict[str, str] = field(default_factory=dict)  # sku -> LineItem gid


def gid(kind: str, value: Any) -> str:
    text = str(value)
    return text if text.startswith("gid://") else f"gid://shopify/{kind}/{text}"


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        return ""
    return " ".join(str(value).split())[:limit]


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _quantity(value: Any, where: str, problems: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{where}: quantity {_text(value, 20)!r} is not a whole number")
        return 0
    if value > MAX_QUANTITY:
        problems.append(f"{where}: quantity {value} is implausibly large (over {MAX_QUANTITY:,})")
    return value


def _price(value: Any, where: str, problems: list[str]) -> Decimal:
    try:
        price = Decimal(str(value))
        if not price.is_finite() or price < 0:
            raise InvalidOperation
        return price
    except (InvalidOperation, ValueError):
        problems.append(f"{where}: price {_text(value, 20)!r} is not a valid amount")
        return Decimal(0)


@dataclass
class _Line:
    id: str
    sku: str
    name: str
    quantity: Any
    price: Any
    requires_shipping: bool


@dataclass
class _Order:
    """Both shapes, spelled one way."""

    id: Any
    name: Any
    email: Any
    phone: Any
    created_at: Any
    updated_at: Any
    cancelled_at: Any
    financial_status: Any
    fulfillment_status: Any
    note: Any
    note_attributes: dict[str, str]
    tags: list[str]
    address: dict
    shipping_method: Any
    lines: list[_Line]
    source: str


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    if isinstance(value, dict):  # a GraphQL connection
        value = value.get("nodes", [e.get("node") for e in value.get("edges", []) or []])
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _from_graphql(node: dict) -> _Order:
    lines = []
    for item in _list(node.get("lineItems")):
        # currentQuantity is what is left after the shop's order edits.
        qty = item.get("currentQuantity", item.get("quantity"))
        money = _dict(_dict(item.get("originalUnitPriceSet")).get("shopMoney"))
        if "amount" not in money and item.get("originalUnitPrice") is not None:
            money = {"amount": item["originalUnitPrice"]}
        lines.append(
            _Line(
                id=gid("LineItem", item.get("id", "")),
                sku=_text(item.get("sku"), 200),
                name=_text(item.get("name") or item.get("title"), 500),
                quantity=qty,
                price=money.get("amount", item.get("price", "0")),
                requires_shipping=item.get("requiresShipping", True) is not False,
            )
        )
    tags = node.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    ship_line = _dict(node.get("shippingLine")) or next(iter(_list(node.get("shippingLines"))), {})
    return _Order(
        id=node.get("id"),
        name=node.get("name"),
        email=node.get("email"),
        phone=node.get("phone"),
        created_at=node.get("createdAt"),
        updated_at=node.get("updatedAt"),
        cancelled_at=node.get("cancelledAt"),
        financial_status=node.get("displayFinancialStatus") or node.get("financialStatus"),
        fulfillment_status=node.get("displayFulfillmentStatus") or node.get("fulfillmentStatus"),
        note=node.get("note"),
        note_attributes={
            _text(a.get("key"), 200): _text(a.get("value"))
            for a in _list(node.get("customAttributes"))
        },
        tags=[_text(t, 200) for t in tags] if isinstance(tags, list) else [],
        address=_camel_address(_dict(node.get("shippingAddress"))),
        shipping_method=ship_line.get("title") or ship_line.get("code"),
        lines=lines,
        source="shopify-api",
    )


def _camel_address(a: dict) -> dict:
    return {
        "name": a.get("name")
        or " ".join(filter(None, (_text(a.get("firstName")), _text(a.get("lastName"))))),
        "company": a.get("company"),
        "address1": a.get("address1"),
        "address2": a.get("address2"),
        "city": a.get("city"),
        "zip": a.get("zip"),
        "province": a.get("provinceCode") or a.get("province"),
        "country": a.get("countryCodeV2") or a.get("countryCode"),
        "phone": a.get("phone"),
    }


def _from_rest(payload: dict) -> _Order:
    lines = [
        _Line(
            id=gid("LineItem", item.get("admin_graphql_api_id") or item.get("id", "")),
            sku=_text(item.get("sku"), 200),
            name=_text(item.get("name") or item.get("title"), 500),
            quantity=item.get("current_quantity", item.get("quantity")),
            price=item.get("price", "0"),
            requires_shipping=item.get("requires_shipping", True) is not False,
        )
        for item in _list(payload.get("line_items"))
    ]
    a = _dict(payload.get("shipping_address"))
    shipping = _list(payload.get("shipping_lines"))
    tags = payload.get("tags") or ""
    return _Order(
        id=payload.get("admin_graphql_api_id") or payload.get("id"),
        name=payload.get("name"),
        email=payload.get("email") or payload.get("contact_email"),
        phone=payload.get("phone"),
        created_at=payload.get("created_at"),
        updated_at=payload.get("updated_at"),
        cancelled_at=payload.get("cancelled_at"),
        financial_status=payload.get("financial_status"),
        fulfillment_status=payload.get("fulfillment_status"),
        note=payload.get("note"),
        note_attributes={
            _text(a.get("name"), 200): _text(a.get("value"))
            for a in _list(payload.get("note_attributes"))
        },
        tags=[t.strip() for t in tags.split(",")] if isinstance(tags, str) else [],
        address={
            "name": a.get("name"),
            "company": a.get("company"),
            "address1": a.get("address1"),
            "address2": a.get("address2"),
            "city": a.get("city"),
            "zip": a.get("zip"),
            "province": a.get("province_code") or a.get("province"),
            "country": a.get("country_code"),
            "phone": a.get("phone"),
        },
        shipping_method=(shipping[0].get("title") or shipping[0].get("code")) if shipping else "",
        lines=lines,
        source="shopify-webhook",
    )


def _first_nul(o: _Order) -> str:
    """The first field of ``o`` whose text holds NUL, "" when none does."""
    return _first_field(o, lambda text: "\x00" if "\x00" in text else "")[0]


def _first_invisible(o: _Order) -> str:
    """The first field of ``o`` holding an invisible character, with why; "" when none."""
    where, why = _first_field(o, invisible_problem)
    return f"{where} {why}" if where else ""


def _first_field(o: _Order, problem: Callable[[str], str]) -> tuple[str, str]:
    """The first field of ``o`` (as ``address name``, ``lines 2 name``) whose text has a
    ``problem``, and that problem; ("", "") when none has."""

    def walk(value: Any, where: str) -> tuple[str, str]:
        if isinstance(value, str):
            return (where, why) if (why := problem(value)) else ("", "")
        if isinstance(value, dict):
            items = list(value.items())
        elif isinstance(value, list | tuple):
            items = [(str(n), v) for n, v in enumerate(value, start=1)]
        elif dataclasses.is_dataclass(value):
            items = [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
        else:
            return ("", "")
        for key, inner in items:
            if (found := walk(inner, f"{where} {key}".strip()))[0]:
                return found
        return ("", "")

    return walk(o, "")


def _record(o: _Order) -> ShopOrder:
    problems: list[str] = []
    name = _text(o.name, 1000)
    if not name:
        problems.append("missing order name")
    elif len(name) > MAX_NAME:
        problems.append(f"order name longer than {MAX_NAME} characters")
    if o.id in (None, ""):
        problems.append("missing the shop's order id")
    created = parse_time(o.created_at)
    if created is None:
        problems.append(f"created at {_text(o.created_at, 40)!r} is not an ISO date-time")
    cancelled = parse_time(o.cancelled_at)
    if o.cancelled_at and cancelled is None:
        problems.append(f"cancelled at {_text(o.cancelled_at, 40)!r} is not an ISO date-time")
    a = {k: _text(v, 500) for k, v in o.address.items()}
    country = a.get("country", "")
    if country and (why := country_problem(country)):
        problems.append(f"ship-to country {why}")
    lines: list[OrderLineRecord] = []
    ids: dict[str, str] = {}
    for n, item in enumerate(o.lines, start=1):
        where = f"line {n}"
        qty = _quantity(item.quantity, where, problems)
        price = _price(item.price, where, problems)
        if qty == 0 and isinstance(item.quantity, int):
            continue  # removed by an order edit: nothing left to ship
        if qty < 0:
            problems.append(f"{where}: quantity must be at least 1, not {qty}")
            continue
        if not item.sku:
            if item.requires_shipping:
                problems.append(f"{where}: missing SKU (line {item.name[:40]!r})")
            continue
        if item.sku in ids:
            problems.append(f"{where}: duplicate line for SKU {item.sku}")
            continue
        ids[item.sku] = item.id
        lines.append(OrderLineRecord(n, item.sku, item.name, qty, price, item.requires_shipping))
    if cancelled is None and any(line.requires_shipping for line in lines):
        for column in ("name", "address1", "city", "country"):
            if not a.get(column):
                problems.append(f"missing ship-to {column}")
    if nul := _first_nul(o):
        # The store refuses NUL on any write (PostgreSQL cannot hold it): said here, as
        # one of the order's problems, not as a failed write the shop retries for days.
        problems.append(f"{nul} holds a NUL character (\\x00)")
    if invisible := _first_invisible(o):
        # A bidi control in a name would print a label that reads otherwise than the
        # order (domain/text.py); the API and the CSV import refuse it as well.
        problems.append(invisible)
    if problems:
        raise ShapeError(name[:MAX_NAME].replace("\x00", ""), problems)
    assert created is not None
    record = OrderRecord(
        row=0,
        name=name,
        email=_text(o.email, 320),
        phone=_text(o.phone, 64),
        financial_status=_text(o.financial_status, 40).lower(),
        fulfillment_status=_text(o.fulfillment_status, 40).lower(),
        shipping_method=_text(o.shipping_method, 200),
        created_at=created,
        cancelled_at=cancelled,
        notes=_text(o.note),
        note_attributes=o.note_attributes,
        tags=[t for t in o.tags if t],
        ship_to=ShipTo(
            name=a.get("name", ""),
            company=a.get("company", ""),
            address1=a.get("address1", ""),
            address2=a.get("address2", ""),
            city=a.get("city", ""),
            zip=a.get("zip", ""),
            province=a.get("province", ""),
            country=country.upper(),
            phone=a.get("phone", ""),
        ),
        source=o.source,
        lines=lines,
    )
    return ShopOrder(record, gid("Order", o.id), parse_time(o.updated_at), ids)


def from_graphql(node: Any) -> ShopOrder:
    """An ``Order`` node of the Admin GraphQL API; raises ShapeError."""
    if not isinstance(node, dict):
        raise ShapeError("", ["not an order object"])
    return _record(_from_graphql(node))


def from_webhook(payload: Any) -> ShopOrder:
    """The body of an ``orders/*`` webhook (REST order JSON); raises ShapeError."""
    if not isinstance(payload, dict):
        raise ShapeError("", ["not an order object"])
    return _record(_from_rest(payload))
