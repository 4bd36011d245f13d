"""What a packed order's papers say, built from the rows packing stored.

Everything printed is rebuilt from those rows (parcels with SSCC, tracking
number, weight, packer and time; order lines with packed and short quantities;
confirmed inserts), so a reprint is always possible and always shows the same
thing. Before committing a close, :func:`check_printable` builds the same data
once, so an order whose address cannot go on a label (no country, no street) is
refused while it can still be fixed, not discovered after it was packed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from wms_tui.domain import customs as customs_rules
from wms_tui.domain.codes import rma_code
from wms_tui.domain.enums import EventKind, ParcelStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Carrier,
    Event,
    Order,
    OrderLine,
    Parcel,
    Product,
    Service,
    Warehouse,
)
from wms_tui.printing.customs_data import CustomsData, CustomsItem
from wms_tui.printing.documents import (
    LabelData,
    ParcelInfo,
    SlipData,
    SlipLine,
)
from wms_tui.services.core import settings
from wms_tui.services.packing import customs
from wms_tui.services.packing.inserts import Insert
from wms_tui.services.packing.parties import (
    consignment,
    local_time,
    ship_to,
    warehouse,
    warehouse_address,
)
from wms_tui.services.packing.state import inserts_for

PRINTED_STATUSES = (ParcelStatus.CLOSED, ParcelStatus.LOADED, ParcelStatus.MANIFESTED)


@dataclass
class Bundle:
    order: Order
    warehouse: Warehouse
    carrier: Carrier | None
    service: Service | None
    parcels: list[Parcel]
    lines: list[OrderLine] = field(default_factory=list)
    # The shipment's goods, one entry per SKU (customs.declared_items).
    items: list[dict] = field(default_factory=list)
    # The same per parcel (parcel id -> its goods), when leaving the EU: a postal item's
    # declaration lists what is in that item.
    parcel_items: dict[int, list[dict]] = field(default_factory=dict)

    declare: bool = False  # leaves the EU: a customs paper goes with it
    currency: str = "SEK"  # the shop's: the products' customs values are in it
    incoterms: str = customs_rules.DEFAULT_INCOTERMS  # who pays the import duties

    @property
    def dangerous_goods(self) -> tuple[str, ...]:
        return tuple(sorted({i["dangerous_goods"] for i in self.items if i["dangerous_goods"]}))


def label_data(b: Bundle, parcel: Parcel, index: int) -> LabelData:
    assert parcel.sscc and parcel.tracking_number and parcel.packed_at
    w = b.warehouse
    return LabelData(
        ship_from=warehouse_address(w),
        ship_to=ship_to(b.order),
        carrier_name=b.carrier.name if b.carrier else "",
        service_name=b.service.name if b.service else b.order.shipping_method,
        weight_g=parcel.weight_g or 0,
        package_index=index,
        package_count=len(b.parcels),
        order_name=b.order.name,
        date=local_time(w, parcel.packed_at).date(),
        tracking_number=parcel.tracking_number,
        sscc=parcel.sscc,
        company_prefix_length=len(w.gs1_company_prefix),
        consignment=consignment(w, b.order),
        dangerous_goods=b.dangerous_goods,
        # A courier's label says who pays the duties of a shipment leaving the EU; a postal
        # item's terms are its service's, not printed.
        terms=b.incoterms if b.declare and not customs.is_postal(b.carrier) else "",
    )


def customs_papers(b: Bundle) -> list[CustomsData]:
    """The shipment's customs papers; none when it stays inside the EU.

    A postal operator gets a CN 22 or CN 23 per parcel: the UPU forms declare one item
    ("No. of item"), are attached to that item and list what is in it, and the form is
    chosen by that item's value. A courier gets one commercial invoice for the shipment,
    listing every parcel. An order whose parcels' contents were not recorded (no pack
    scans per parcel) keeps one declaration for all its parcels, as it has nothing else.
    """
    if not b.declare or not b.items:
        return []
    w, o = b.warehouse, b.order
    first = b.parcels[0]
    assert first.packed_at is not None
    common = {
        "sender": warehouse_address(w),
        "recipient": ship_to(o),
        "order_name": o.name,
        "consignment": consignment(w, o),
        "currency": b.currency,
        "category": "Gift" if o.gift_message.strip() else "Sale of goods",
        "parcel_count": len(b.parcels),
        "carrier_name": b.carrier.name if b.carrier else "",
        "incoterms": b.incoterms,
    }
    postal = customs.is_postal(b.carrier)
    known = len(b.parcels) == 1 or all(b.parcel_items.get(p.id or 0) for p in b.parcels)
    if not postal or not known:
        items = tuple(CustomsItem(**item) for item in b.items)
        total = sum((i.value for i in items), Decimal(0))
        return [
            CustomsData(
                form=customs_rules.form_for(postal, total, b.currency),
                tracking_numbers=tuple(p.tracking_number or "" for p in b.parcels),
                items=items,
                date=local_time(w, first.packed_at).date(),
                signed_by=first.packed_by_name,
                gross_weight_g=sum(p.weight_g or 0 for p in b.parcels),
                **common,  # type: ignore[arg-type]
            )
        ]
    papers = []
    for index, parcel in enumerate(b.parcels, start=1):
        goods = b.parcel_items.get(parcel.id or 0) or (b.items if len(b.parcels) == 1 else [])
        items = tuple(CustomsItem(**item) for item in goods)
        total = sum((i.value for i in items), Decimal(0))
        papers.append(
            CustomsData(
                form=customs_rules.form_for(True, total, b.currency),
                tracking_numbers=(parcel.tracking_number or "",),
                items=items,
                date=local_time(w, parcel.packed_at or first.packed_at).date(),
                signed_by=parcel.packed_by_name or first.packed_by_name,
                gross_weight_g=parcel.weight_g or 0,
                parcel_index=index,
                **common,  # type: ignore[arg-type]
            )
        )
    return papers


@cache
def _insert_details():
    # Built once, like the papers' other per-close reads (docs/performance.md).
    return select(Event.detail).where(
        Event.order_id == bindparam("order_id"), Event.kind == EventKind.PACK_INSERT
    )


def confirmed_insert_labels(session: Session, order: Order) -> list[str]:
    """What the customer finds in the parcel besides the goods, in their words:
    the packer's instructions (``Insert.label``) never reach the slip."""
    done = set(session.exec(_insert_details(), params={"order_id": order.id}).all())
    return slip_inserts(inserts_for(session, order), done)


def slip_inserts(needed: Iterable[Insert], done: Iterable[str]) -> list[str]:
    """The slip's words for the inserts ``needed`` whose keys are among ``done``."""
    confirmed = set(done)
    return [i.slip for i in needed if i.key in confirmed and i.slip]


@dataclass(frozen=True)
class Read:
    """What a close has read of its order in this transaction, for its papers' check.

    The same rows the queries of :func:`bundle` and :func:`slip_data` return (the
    session's identity map hands out one object per row), so the check is the same.
    """

    lines: list[OrderLine]  # every line of the order, by line number
    products: dict[int, Product]
    contents: dict[int, dict[int, int]]  # parcel id -> order line id -> units in it
    inserts: list[str]  # the slip's words for the inserts confirmed


def is_gift(order: Order) -> bool:
    return bool((order.gift_message or "").strip()) or "gift-wrap" in order.tag_set


def slip_data(session: Session, b: Bundle, inserts: list[str] | None = None) -> SlipData:
    w, o = b.warehouse, b.order
    first = b.parcels[0]
    assert first.packed_at is not None
    gift = is_gift(o)
    recipient = ship_to(o)
    if gift:
        # A gift's slip is read by the recipient: none of the buyer's details.
        recipient = replace(recipient, phone="")
    return SlipData(
        shop_name=settings.get(session, "shop_name"),
        shop_address=warehouse_address(w, settings.get(session, "shop_name")),
        order_name=o.name,
        order_date=local_time(w, o.created_at).date(),
        ship_to=recipient,
        email="" if gift else o.email,
        lines=[
            SlipLine(
                sku=ln.sku,
                name=ln.name,
                options=ln.options,
                qty_ordered=ln.quantity,
                qty_packed=ln.qty_packed,
                short_reason=ln.short_reason or None,
            )
            for ln in b.lines
            if ln.quantity > 0
        ],
        gift_message=o.gift_message,
        notes=o.notes,
        inserts=confirmed_insert_labels(session, o) if inserts is None else inserts,
        # Name and station: the slip is the packer's signature on the parcel.
        packed_by=" · ".join(x for x in (first.packed_by_name, first.terminal) if x),
        packed_at=local_time(w, first.packed_at),
        return_policy=settings.get(session, "return_policy"),
        rma=rma_code(o.id),  # type: ignore[arg-type]
        parcel=ParcelInfo(
            carrier_name=b.carrier.name if b.carrier else "",
            service_name=b.service.name if b.service else o.shipping_method,
            tracking_numbers=[p.tracking_number or "" for p in b.parcels],
            weight_g=sum(p.weight_g or 0 for p in b.parcels),
            package_count=len(b.parcels),
        ),
    )


def bundle(
    session: Session, order: Order, parcels: list[Parcel], read: Read | None = None
) -> Bundle:
    """The papers' data; ``read``: what the caller's transaction has read of the order."""
    w = warehouse(session)
    declare = customs.needs_declaration(order, w.country_code)
    if read is None:
        lines = list(
            session.exec(
                select(OrderLine)
                .where(OrderLine.order_id == order.id)
                .order_by(col(OrderLine.line_no))
            ).all()
        )
        goods = None
    else:
        lines, goods = read.lines, customs.goods_of(read.lines, read.products)

    def contents(p: Parcel) -> dict[int, int]:
        if read is None:
            return customs.parcel_contents(session, p)
        return read.contents.get(p.id or 0, {})

    return Bundle(
        order=order,
        warehouse=w,
        carrier=session.get(Carrier, order.carrier_id) if order.carrier_id else None,
        service=session.get(Service, order.service_id) if order.service_id else None,
        parcels=parcels,
        lines=lines,
        # Every parcel's label shows its shipment's dangerous goods, so the goods are read
        # for every order; the declaration only for one leaving the EU.
        items=customs.declared_items(session, order, goods=goods),
        parcel_items=(
            {p.id or 0: customs.declared_items(session, order, contents(p), goods) for p in parcels}
            if declare
            else {}
        ),
        declare=declare,
        currency=customs.shop_currency(session),
        incoterms=customs.incoterms(session),
    )


def check_printable(
    session: Session, order: Order, parcels: list[Parcel], read: Read | None = None
) -> None:
    """Build every document's data for a close about to commit; DomainError if impossible."""
    b = bundle(session, order, parcels, read)
    try:
        for i, p in enumerate(parcels, start=1):
            label_data(b, p, i)
        slip_data(session, b, None if read is None else read.inserts)
        customs_papers(b)
    except ValueError as exc:  # a renderer's own validation (SSCC, quantities, ...)
        raise DomainError(f"Cannot print the documents of {order.name}: {exc}") from None


def papers_with(
    papers: list[CustomsData], parcels: list[Parcel], only_parcel: int | None
) -> list[CustomsData]:
    """The customs papers that go with the labels printed: all of them, or for one parcel's
    label its own CN 22/CN 23, or the shipment's paper that covers it (a relabelled parcel
    leaving the EU needs its declaration on it as much as its label)."""
    if only_parcel is None:
        return papers
    index = next((i for i, p in enumerate(parcels, start=1) if p.seq == only_parcel), None)
    return [c for c in papers if c.parcel_index in (0, index)]


@cache
def _printed_parcels():
    return (
        select(Parcel)
        .where(Parcel.order_id == bindparam("order_id"), col(Parcel.status).in_(PRINTED_STATUSES))
        .order_by(col(Parcel.seq))
    )


def printed_parcels(session: Session, order: Order) -> list[Parcel]:
    return list(session.exec(_printed_parcels(), params={"order_id": order.id}).all())
