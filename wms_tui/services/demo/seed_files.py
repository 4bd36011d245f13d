"""The demo warehouse's seed files (``wms_tui/demo_data/*.csv``) read into a store:
master data through the setup import, products, stock with the week's history
taken out of it, orders as they were placed, and the deliveries on their way."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlmodel import col, select

from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, LocationKind, MovementReason, OrderStatus
from wms_tui.domain.models import (
    Carrier,
    Event,
    Location,
    Order,
    OrderLine,
    Product,
    ProductBarcode,
    Service,
    Stock,
    StockMovement,
)
from wms_tui.services.core.clock import today as local_today
from wms_tui.services.demo.history import REPLAYED, SHIPPED
from wms_tui.services.setup.master_data import load_setup
from wms_tui.services.setup.reference_data import seed_reference_data
from wms_tui.store import Store, UnitOfWork

# The seed CSVs are package data (pyproject's package-data ships them in the
# wheel), so `wms demo` and `wms simulate day` find them wherever they run.
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo_data"


def _rows(folder: Path, name: str) -> Iterator[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8-sig") as fh:
        yield from csv.DictReader(fh)


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "y")


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


# Orders seeded backordered, shipped or in a picking or packing state start NEW
# and are walked there by the real services (services/demo_history for the
# past days, advance_demo_orders for the current shift); orders seeded as ready
# start NEW and are released by the real release step.
_SEED_AS = {s: OrderStatus.NEW for s in REPLAYED | {OrderStatus.READY_TO_PICK}}


def _release_at(row: dict[str, str], created: datetime, now: datetime) -> datetime:
    if row["status"] == OrderStatus.NEW.value:
        # Still inside the grace period: they become ready while you watch.
        return now + timedelta(minutes=5 + int(row["created_minutes_ago"]) % 25)
    return created + timedelta(minutes=30)


def _hold_reason(row: dict[str, str]) -> str:
    fin = row.get("financial_status", "paid")
    if fin != "paid":
        return f"payment {fin}"
    return row.get("notes", "") or "held by supervisor"


def load_products(uow: UnitOfWork, folder: Path = DEMO_DIR) -> dict[str, Product]:
    """The demo's products and their barcodes (``products.csv``), by SKU."""
    s = uow.session
    products: dict[str, Product] = {}
    for r in _rows(folder, "products.csv"):
        p = Product(
            sku=r["sku"],
            name=r["name"],
            option1_name=r.get("option1_name", ""),
            option1_value=r.get("option1_value", ""),
            option2_name=r.get("option2_name", ""),
            option2_value=r.get("option2_value", ""),
            weight_g=int(r["weight_g"] or 0),
            length_mm=int(r["length_mm"] or 0),
            width_mm=int(r["width_mm"] or 0),
            height_mm=int(r["height_mm"] or 0),
            fragile=_bool(r.get("fragile", "")),
            zone=r.get("zone", ""),
            reorder_point=int(r.get("reorder_point") or 0),
            max_stock=int(r.get("max_stock") or 0),
            hs_code=r.get("hs_code", ""),
            origin_country=r.get("origin_country", ""),
            customs_value=Decimal(r["customs_value"]) if r.get("customs_value") else None,
            dangerous_goods=r.get("dangerous_goods", ""),
        )
        s.add(p)
        products[p.sku] = p
    s.flush()
    for r in _rows(folder, "products.csv"):
        p = products[r["sku"]]
        for code in _list(r.get("barcodes", "")):
            s.add(ProductBarcode(code=code, product_id=p.id, pack_qty=1))
        if r.get("case_barcode"):
            s.add(
                ProductBarcode(
                    code=r["case_barcode"], product_id=p.id, pack_qty=int(r["case_qty"] or 1)
                )
            )
    return products


def load_demo(uow: UnitOfWork, folder: Path = DEMO_DIR) -> dict[str, int]:
    """Load every seed file; returns row counts per table."""
    s = uow.session
    counts: dict[str, int] = {}
    now = utcnow()

    # Logged as no event: the demo's master data is older than the history it replays.
    load_setup(uow, folder, SYSTEM, log=False)
    locs = {loc.code: loc for loc in s.exec(select(Location))}
    counts["locations"] = len(locs)

    products = load_products(uow, folder)
    counts["products"] = len(products)

    n_stock = 0
    stock_rows = [r for r in _rows(folder, "stock.csv") if int(r["qty"]) > 0]
    history = _History.of(folder, now)
    shipped_from = _shipped_from(stock_rows, locs)
    for r in stock_rows:
        qty = int(r["qty"])
        p, loc = products[r["sku"]], locs[r["location"]]
        at = now - timedelta(days=int(r.get("received_days_ago") or 0))
        # The past week's shipments leave this bin and its return comes back to it:
        # what the week shipped was here before it, what came back was not.
        shipped = returned = 0
        if shipped_from.get(p.sku) == loc.code:
            shipped, returned = history.shipped[p.sku], history.returned[p.sku]
        if returned > qty:
            raise ValueError(
                f"stock.csv: {loc.code} holds {qty} {p.sku}, fewer than the {returned} "
                "the demo's returned orders put back there"
            )
        s.add(
            Stock(
                product_id=p.id,
                location_id=loc.id,
                qty=qty - returned + shipped,
                first_received_at=at,
            )
        )
        # Opening balance as ledger rows, so stock == sum of movements from day one.
        for when, n in ((history.start, shipped), (at, qty - returned)):
            if n:
                s.add(
                    StockMovement(
                        at=when,
                        product_id=p.id,
                        to_location_id=loc.id,
                        qty=n,
                        reason=MovementReason.RECEIVED,
                        terminal="demo",
                        reference="opening balance",
                    )
                )
        n_stock += 1
    missing = set(history.shipped) - set(shipped_from)
    if missing:
        raise ValueError(f"stock.csv: no bin for {', '.join(sorted(missing))}, shipped last week")
    counts["stock"] = n_stock

    carriers = {c.code: c for c in s.exec(select(Carrier))}
    services = {
        (carriers_by_id.code, sv.code): sv
        for sv, carriers_by_id in s.exec(
            select(Service, Carrier).join(Carrier, col(Carrier.id) == col(Service.carrier_id))
        )
    }

    orders: dict[str, Order] = {}
    today = local_today(s, now)
    for r in _rows(folder, "orders.csv"):
        created = now - timedelta(minutes=int(r["created_minutes_ago"]))
        status = _SEED_AS.get(OrderStatus(r["status"]), OrderStatus(r["status"]))
        # Counted in whole days back from today, not from the UTC date of
        # ``created``: which orders were promised for which day (and so the
        # live wave's ranking, and what it picks) must not depend on the hour
        # the demo is built at.
        placed_on = today - timedelta(days=int(r["created_minutes_ago"]) // (24 * 60))
        promised = placed_on + timedelta(days=int(r.get("promised_in_days") or 1))
        carrier = carriers.get(r["carrier"])
        service = services.get((r["carrier"], r["service"]))
        o = Order(
            name=r["name"],
            channel=r.get("channel", "shopify"),
            customer_name=r["customer_name"],
            email=r["email"],
            phone=r.get("phone", ""),
            ship_name=r["ship_name"],
            ship_company=r.get("ship_company", ""),
            ship_address1=r["ship_address1"],
            ship_address2=r.get("ship_address2", ""),
            ship_city=r["ship_city"],
            ship_zip=r["ship_zip"],
            ship_province=r.get("ship_province", ""),
            ship_country=r["ship_country"],
            ship_phone=r.get("phone", ""),
            shipping_method=r.get("shipping_method", ""),
            carrier_id=carrier.id if carrier else None,
            service_id=service.id if service else None,
            status=status,
            priority=int(r.get("priority") or 0),
            created_at=created,
            release_at=_release_at(r, created, now),
            promised_ship_date=promised,
            status_changed_at=created,
            notes=r.get("notes", ""),
            gift_message=r.get("gift_message", ""),
            tags=",".join(t.lower() for t in _list(r.get("tags", ""))),
            financial_status=r.get("financial_status", "paid"),
            split_allowed="split-ok" in r.get("tags", "").lower(),
            cancelled_at=created if status is OrderStatus.CANCELLED else None,
            held_from=OrderStatus.NEW if status is OrderStatus.ON_HOLD else None,
            hold_reason=_hold_reason(r) if status is OrderStatus.ON_HOLD else "",
        )
        s.add(o)
        orders[o.name] = o
    s.flush()
    line_no: dict[str, int] = {}
    for r in _rows(folder, "order_lines.csv"):
        o, p = orders[r["order"]], products[r["sku"]]
        line_no[o.name] = line_no.get(o.name, 0) + 1
        s.add(
            OrderLine(
                order_id=o.id,
                line_no=line_no[o.name],
                product_id=p.id,
                sku=p.sku,
                name=p.name,
                options=p.options_text,
                quantity=int(r["quantity"]),
                price=Decimal(r["price"]),
            )
        )
    for o in orders.values():
        s.add(
            Event(
                at=o.created_at,
                kind=EventKind.ORDER_IMPORTED,
                operator_name=SYSTEM.name,
                terminal="demo",
                order_id=o.id,
                order_name=o.name,
                to_state=OrderStatus.NEW.value,
                detail="demo seed",
            )
        )
        if o.status is not OrderStatus.NEW:
            s.add(
                Event(
                    at=o.created_at,
                    kind=EventKind.ORDER_STATUS,
                    operator_name=SYSTEM.name,
                    terminal="demo",
                    order_id=o.id,
                    order_name=o.name,
                    from_state=OrderStatus.NEW.value,
                    to_state=o.status.value,
                    detail="demo seed",
                )
            )
    counts["orders"] = len(orders)
    seed_reference_data(uow)
    return counts


def seeded_statuses(folder: Path = DEMO_DIR) -> dict[str, OrderStatus]:
    """Order name -> the status ``orders.csv`` gives it (before the replay walks it there)."""
    return {r["name"]: OrderStatus(r["status"]) for r in _rows(folder, "orders.csv")}


class _History:
    """Units the demo's shipped and returned orders took out of stock and brought back."""

    def __init__(self, start: datetime) -> None:
        self.start = start  # before the oldest of them was placed
        self.shipped: Counter[str] = Counter()
        self.returned: Counter[str] = Counter()

    @classmethod
    def of(cls, folder: Path, now: datetime) -> _History:
        orders = {r["name"]: r for r in _rows(folder, "orders.csv")}
        statuses = {name: OrderStatus(r["status"]) for name, r in orders.items()}
        shipped = {name: st for name, st in statuses.items() if st in SHIPPED}
        oldest = max((int(orders[name]["created_minutes_ago"]) for name in shipped), default=0)
        history = cls(now - timedelta(minutes=oldest, days=1))
        for r in _rows(folder, "order_lines.csv"):
            status = shipped.get(r["order"])
            if status is not None:
                history.shipped[r["sku"]] += int(r["quantity"])
                if status is OrderStatus.RETURNED:
                    history.returned[r["sku"]] += int(r["quantity"])
        return history


def _shipped_from(stock_rows: list[dict[str, str]], locs: dict[str, Location]) -> dict[str, str]:
    """SKU -> the bin allocation takes it from first: a pick bin, the oldest stock, by code."""
    first: dict[str, tuple[bool, int, str]] = {}
    for r in stock_rows:
        key = (
            locs[r["location"]].kind != LocationKind.PICK,
            -int(r.get("received_days_ago") or 0),
            r["location"],
        )
        first[r["sku"]] = min(first.get(r["sku"], key), key)
    return {sku: key[2] for sku, key in first.items()}


def expect_deliveries(store: Store, folder: Path = DEMO_DIR) -> int:
    """The deliveries on their way (``asn.csv``), imported as ``wms import asn`` does.

    Without them a new receiver had only blind receipts to try, and the demo's backorders
    waited for stock that nothing would bring.
    """
    from wms_tui.services.receiving.asn import import_asn

    return len(import_asn(store, SYSTEM, folder / "asn.csv"))
