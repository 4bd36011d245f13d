"""What an order record from the shop becomes here, and what every import step reads.

``ImportContext`` holds what one import has loaded once (SKUs, the shipping
method matcher, priority rules, grace period, cut-offs) and answers the
questions every step asks: the row values of a record, its lines that need
shipping, whether it is created at all, and a few lookups. The steps are
:mod:`~wms_tui.services.intake.new_orders` (a batch of new orders),
:mod:`~wms_tui.services.intake.order_updates` (an order seen before) and
:mod:`~wms_tui.services.intake.unknown_skus` (one order naming a SKU we do not
know); :mod:`~wms_tui.services.intake.order_import` drives them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import bindparam
from sqlmodel import col, select

from wms_tui.adapters.shopify.csv_format import OrderRecord
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OPEN_TASK, ExceptionKind, OrderStatus
from wms_tui.domain.lifecycle import transition
from wms_tui.domain.models import (
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Product,
    WmsException,
)
from wms_tui.services.core import priority
from wms_tui.services.core.import_report import ImportReport
from wms_tui.services.intake import release as releasing
from wms_tui.services.intake.shipping_methods import ServiceMatcher
from wms_tui.services.inventory import allocation
from wms_tui.store import UnitOfWork

S = OrderStatus
# Where an order may still be changed by a re-import.
EDITABLE = frozenset({S.NEW, S.READY_TO_PICK, S.BACKORDERED})
LATE_FOR_CANCEL = frozenset({S.PACKED, S.DISPATCHED, S.RETURNED})
# Left the building: later changes in the shop (refunds after a return, say) are its business.
GONE = frozenset({S.DISPATCHED, S.RETURNED})
SHIPPED_IN_SHOP = frozenset({"fulfilled", "restocked"})

# Fields a re-import may overwrite (not status, priority, locks or the name).
SHIP_FIELDS = (
    "ship_name",
    "ship_company",
    "ship_address1",
    "ship_address2",
    "ship_city",
    "ship_zip",
    "ship_province",
    "ship_country",
    "ship_phone",
    "shipping_method",
    "carrier_id",
    "service_id",
)
OTHER_FIELDS = (
    "customer_name",
    "email",
    "phone",
    "notes",
    "gift_message",
    "tags",
    "split_allowed",
    "promised_ship_date",
)


# How the event log names where an order came from.
CHANNEL_NAMES = {"shopify": "Shopify", "api": "the HTTP API"}


@dataclass(frozen=True)
class KnownSku:
    product_id: int
    options: str


def _options_text(n1: str, v1: str, n2: str, v2: str) -> str:
    parts = [f"{n}: {v}" if n else v for n, v in ((n1, v1), (n2, v2)) if v]
    return " / ".join(parts)


@cache
def _skus(only: bool):  # noqa: ANN202, FBT001
    # Built once each: the order API imports one order a call, and building the
    # select cost more than running it.
    stmt = select(
        Product.sku,
        Product.id,
        Product.option1_name,
        Product.option1_value,
        Product.option2_name,
        Product.option2_value,
    )
    if only:
        stmt = stmt.where(col(Product.sku).in_(bindparam("skus", expanding=True)))
    return stmt


def load_skus(session, only: set[str] | None = None) -> dict[str, KnownSku]:
    """SKU -> product; all of them for a file, ``only`` those an order names."""
    if only is None:
        rows = session.exec(_skus(False))
    else:
        rows = session.exec(_skus(True), params={"skus": sorted(only)})
    return {sku: KnownSku(pid, _options_text(n1, v1, n2, v2)) for sku, pid, n1, v1, n2, v2 in rows}


def fingerprint(rec: OrderRecord) -> str:
    """Digest of everything the shop says about an order (row numbers excluded)."""
    parts = [
        rec.name,
        rec.email,
        rec.phone,
        rec.financial_status,
        rec.fulfillment_status,
        rec.shipping_method,
        rec.created_at.isoformat(),
        rec.cancelled_at.isoformat() if rec.cancelled_at else "",
        rec.notes,
        "\x1e".join(f"{k}={v}" for k, v in sorted(rec.note_attributes.items())),
        ",".join(rec.tags),
        *(str(v) for v in (rec.ship_to.name, rec.ship_to.company, rec.ship_to.address1)),
        *(str(v) for v in (rec.ship_to.address2, rec.ship_to.city, rec.ship_to.zip)),
        rec.ship_to.province,
        rec.ship_to.country,
        rec.ship_to.phone,
    ]
    for line in rec.lines:
        parts += [
            line.sku,
            line.name,
            str(line.quantity),
            f"{line.price:.2f}",
            "1" if line.requires_shipping else "0",
        ]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def _tags(rec: OrderRecord) -> str:
    seen: dict[str, None] = {}
    for tag in rec.tags:
        seen.setdefault(tag.strip().lower(), None)
    return ",".join(t for t in seen if t)


class ImportContext:
    def __init__(
        self,
        uow: UnitOfWork,
        report: ImportReport,
        actor: Actor,
        now: datetime,
        *,
        channel: str = "shopify",
        skus: set[str] | None = None,
    ):
        self.uow = uow
        self.session = uow.session
        self.report = report
        self.actor = actor
        self.now = now
        self.channel = channel
        self.skus = load_skus(self.session, skus)
        self.matcher = ServiceMatcher(self.session)
        self.rules = priority.load_rules(self.session)
        self.grace = releasing.grace_period(uow)
        self.cutoffs = self.matcher.cutoffs
        self._hold = transition(Order(name="(new order)", status=S.NEW), S.ON_HOLD, actor)

    @staticmethod
    def _not_created(rec: OrderRecord) -> str:
        if rec.cancelled_at is not None:
            return "cancelled in the shop"
        if rec.fulfillment_status.lower() in SHIPPED_IN_SHOP:
            return "fulfilled in the shop"
        if not any(line.requires_shipping for line in rec.lines):
            return "nothing to ship"
        return ""

    # -- values ----------------------------------------------------------------

    def _values(self, rec: OrderRecord) -> dict:
        ship = rec.ship_to
        method = rec.shipping_method
        match = self.matcher.match(method)
        if method and not match.matched:
            self.report.unmatched_methods[method] += 1
        elif match.how == "carrier":
            self.report.method_guessed(method, match.label)
        tags = _tags(rec)
        created = rec.created_at.astimezone(UTC)
        cutoff = self.cutoffs.get(match.service_id) if match.service_id else None
        return {
            "customer_name": ship.name,
            "email": rec.email,
            "phone": rec.phone or ship.phone,
            "ship_name": ship.name,
            "ship_company": ship.company,
            "ship_address1": ship.address1,
            "ship_address2": ship.address2,
            "ship_city": ship.city,
            "ship_zip": ship.zip,
            "ship_province": ship.province,
            "ship_country": ship.country,
            "ship_phone": ship.phone,
            "shipping_method": method,
            "carrier_id": match.carrier_id,
            "service_id": match.service_id,
            "notes": rec.notes,
            "gift_message": rec.gift_message or "",
            "tags": tags,
            "split_allowed": "split-ok" in tags.split(","),
            "promised_ship_date": priority.ship_day(created, cutoff, self.rules),
            "created_at": created,
            "release_at": created + self.grace,
            "financial_status": rec.financial_status.lower(),
        }

    def _shipping_lines(self, rec: OrderRecord) -> list[dict]:
        return [
            {
                "product_id": self.skus[line.sku].product_id,
                "sku": line.sku,
                "name": line.name,
                "options": self.skus[line.sku].options,
                "quantity": line.quantity,
                "price": line.price,
            }
            for line in rec.lines
            if line.requires_shipping
        ]

    # -- lookups -----------------------------------------------------------------

    def _lines_of(self, order: Order) -> list[OrderLine]:
        return allocation.order_lines(self.uow, order)

    def _split_children(self, order: Order) -> list[Order]:
        # split_off_shortages names them "<name>-B<n>".
        prefix = order.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return list(
            self.session.exec(
                select(Order).where(
                    col(Order.name).like(f"{prefix}-B%", escape="\\"),
                    Order.status != S.CANCELLED,
                )
            )
        )

    def _in_open_task(self, lines: list[OrderLine]) -> bool:
        ids = [line.id for line in lines]
        if not ids:
            return False
        hit = self.session.exec(
            select(PickTaskLine.id)
            .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
            .where(col(PickTaskLine.order_line_id).in_(ids), col(PickTask.status).in_(OPEN_TASK))
            .limit(1)
        ).first()
        return hit is not None

    def _open_exception(self, order: Order, kind: ExceptionKind) -> bool:
        return (
            self.session.exec(
                select(WmsException.id).where(
                    WmsException.order_id == order.id,
                    WmsException.kind == kind,
                    col(WmsException.resolved_at).is_(None),
                )
            ).first()
            is not None
        )

    def _exception(self, order: Order, kind: ExceptionKind, message: str) -> None:
        self.uow.add(WmsException.raised_by(self.actor, kind, message, order_id=order.id))
