"""Read models for the stock screen and ``wms stock``: stock by SKU and by bin (one SKU
in full is :mod:`~wms_tui.services.inventory.sku_detail`, one row's history
:mod:`~wms_tui.services.inventory.stock_history`).

"Storage" is stock in pick and bulk bins: what can be allocated to orders. Units in
receiving, quarantine, totes, pack stations and dispatch lanes are shown apart.
Stock levels compare storage on hand with the product's reorder point (below it:
``low``) and maximum (above it: ``over``); the ``zero`` filter finds SKUs with
nothing in storage, thresholds or not.

:func:`find_stock` is the one query use case: a :class:`StockQuery` (SKU, name or
barcode text, bin, zone, level, status) checked by :func:`stock_query` and answered by
one SQL statement whose level and status filters run in the database (a ``HAVING`` on
the per-SKU sums; by bin, a join to those sums), never by filtering rows in Python.
A filter that names nothing here (an unknown SKU, bin or zone) or cannot be one (a
control character, thousands of characters, a level that is not one) is refused with
one line.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from wms_tui.domain.enums import LocationKind
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Location, Product, ProductBarcode, Stock
from wms_tui.domain.shown import excerpt
from wms_tui.store import Store

Level = Literal["low", "ok", "over"]
LEVELS: tuple[Level, ...] = ("low", "ok", "over")
# What the level filter may ask for: a level, or "zero" (nothing in storage, whatever
# the thresholds: a SKU without a reorder point is "ok" at 0 but still cannot ship).
LevelFilter = Literal["low", "ok", "over", "zero"]

STORAGE = (LocationKind.PICK, LocationKind.BULK)
MAX_ROWS = 2000


def level_matches(storage: int, level: Level, wanted: LevelFilter | None) -> bool:
    if wanted is None:
        return True
    if wanted == "zero":
        return storage <= 0
    return level == wanted


def stock_level(storage: int, reorder_point: int, max_stock: int) -> Level:
    if reorder_point > 0 and storage < reorder_point:
        return "low"
    if max_stock > 0 and storage > max_stock:
        return "over"
    return "ok"


@dataclass(frozen=True)
class SkuStock:
    sku: str
    name: str
    options: str
    zone: str
    storage: int
    allocated: int
    receiving: int
    quarantine: int
    elsewhere: int  # totes, pack stations, dispatch: already on their way out
    reorder_point: int
    max_stock: int

    @property
    def available(self) -> int:
        return self.storage - self.allocated

    @property
    def level(self) -> Level:
        return stock_level(self.storage, self.reorder_point, self.max_stock)


@dataclass(frozen=True)
class BinStock:
    bin: str
    zone: str
    kind: str
    sku: str
    name: str
    qty: int
    allocated: int
    flagged: bool

    @property
    def available(self) -> int:
        return self.qty - self.allocated


# --------------------------------------------------------------------------- the query

# What the status filter may ask for: units free to allocate (in storage, not
# reserved), units reserved for orders, units in quarantine.
Status = Literal["available", "allocated", "quarantine"]
STATUSES: tuple[Status, ...] = ("available", "allocated", "quarantine")
LEVEL_FILTERS: tuple[LevelFilter, ...] = ("low", "over", "zero", "ok")
MAX_TEXT = 64  # a SKU's own limit; a name search needs no more


@dataclass(frozen=True)
class StockQuery:
    """Checked filters (:func:`stock_query` makes one); empty means "any"."""

    text: str = ""  # SKU, name or barcode
    bin: str = ""  # part of a bin's code, upper case
    zone: str = ""
    level: LevelFilter | None = None
    status: Status | None = None
    by_bin: bool = False


@dataclass(frozen=True)
class StockList:
    query: StockQuery
    skus: tuple[SkuStock, ...] = ()  # when not by bin
    bins: tuple[BinStock, ...] = ()  # when by bin
    more: bool = False  # cut at MAX_ROWS

    @property
    def count(self) -> int:
        return len(self.bins if self.query.by_bin else self.skus)


def filter_text(raw: str, what: str) -> str:
    # Scanners end a code with CR or GS: those go; anything else invisible inside
    # what was typed is refused rather than silently dropped.
    text = raw.strip(" \t\r\n\x1d")
    bad = next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise DomainError(f"The {what} filter holds a control character: '{excerpt(text)}'")
    if len(text) > MAX_TEXT:
        raise DomainError(
            f"The {what} filter is {len(text)} characters long; at most {MAX_TEXT}: "
            f"'{excerpt(text)}'"
        )
    return text


def stock_query(
    *,
    text: str = "",
    bin: str = "",
    zone: str = "",
    level: str | None = None,
    status: str | None = None,
    by_bin: bool = False,
) -> StockQuery:
    """Check filters as typed (a screen's field, a command's options): one-line refusals."""
    text = filter_text(text, "SKU")
    bin_text = filter_text(bin, "bin").upper()
    zone_text = filter_text(zone, "zone")
    lvl = filter_text(level or "", "level").lower() or None
    if lvl is not None and lvl not in LEVEL_FILTERS:
        raise DomainError(f"Level is {', '.join(LEVEL_FILTERS)}; not '{excerpt(lvl)}'")
    st = filter_text(status or "", "status").lower() or None
    if st is not None and st not in STATUSES:
        raise DomainError(f"Status is {', '.join(STATUSES)}; not '{excerpt(st)}'")
    return StockQuery(text, bin_text, zone_text, lvl, st, by_bin)  # type: ignore[arg-type]


def _like(text: str) -> str:
    # The typed text is matched as written: % and _ are characters, not wildcards.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_filter(text: str):
    needle = _like(text.lower())
    return or_(
        func.lower(Product.sku).like(needle, escape="\\"),
        func.lower(Product.name).like(needle, escape="\\"),
        col(Product.id).in_(select(ProductBarcode.product_id).where(ProductBarcode.code == text)),
    )


def _bin_filter(text: str):
    return func.upper(Location.code).like(_like(text), escape="\\")


def _qty_when(kinds: tuple[LocationKind, ...], field=Stock.qty):
    return func.coalesce(func.sum(case((col(Location.kind).in_(kinds), field), else_=0)), 0)


OTHER_KINDS = tuple(
    k for k in LocationKind if k not in (*STORAGE, LocationKind.RECEIVING, LocationKind.QUARANTINE)
)


def _level_clause(storage, level: LevelFilter):  # noqa: ANN001, ANN202 - SQL expressions
    """The level rule of :func:`stock_level` as SQL over a storage sum."""
    low = and_(Product.reorder_point > 0, storage < Product.reorder_point)
    over = and_(Product.max_stock > 0, storage > Product.max_stock)
    if level == "zero":
        return storage <= 0
    if level == "low":
        return low
    if level == "over":
        return and_(~low, over)
    return and_(~low, ~over)


def _status_clause(status: Status, *, free, reserved, quarantined):  # noqa: ANN001, ANN202
    """The status filter as SQL, over a SKU's sums or over one bin's stock row:
    units free to allocate, units reserved, or held in quarantine."""
    if status == "available":
        return free > 0
    if status == "allocated":
        return reserved > 0
    return quarantined


def sku_statement(q: StockQuery, product_id: int | None = None):  # noqa: ANN202
    storage = _qty_when(STORAGE)
    allocated = _qty_when(STORAGE, Stock.allocated)
    quarantine = _qty_when((LocationKind.QUARANTINE,))
    stmt = (
        select(
            Product,
            storage,
            allocated,
            _qty_when((LocationKind.RECEIVING,)),
            quarantine,
            _qty_when(OTHER_KINDS),
        )
        .select_from(Product)
        .outerjoin(Stock, col(Stock.product_id) == Product.id)
        .outerjoin(Location, col(Location.id) == Stock.location_id)
        .group_by(col(Product.id))
        .order_by(col(Product.sku))
    )
    if product_id is not None:
        return stmt.where(Product.id == product_id)
    stmt = stmt.where(col(Product.active).is_(True))
    if q.text:
        stmt = stmt.where(_text_filter(q.text))
    if q.zone:
        stmt = stmt.where(Product.zone == q.zone)
    if q.bin:
        held = (
            select(Stock.product_id)
            .join(Location, col(Location.id) == Stock.location_id)
            .where(_bin_filter(q.bin), or_(Stock.qty > 0, Stock.allocated > 0))
        )
        stmt = stmt.where(col(Product.id).in_(held))
    if q.level is not None:
        stmt = stmt.having(_level_clause(storage, q.level))
    if q.status is not None:
        stmt = stmt.having(
            _status_clause(
                q.status, free=storage - allocated, reserved=allocated, quarantined=quarantine > 0
            )
        )
    return stmt


def sku_row(p: Product, storage, allocated, rcv, quar, other_qty) -> SkuStock:  # noqa: ANN001
    return SkuStock(
        sku=p.sku,
        name=p.name,
        options=p.options_text,
        zone=p.zone,
        storage=int(storage),
        allocated=int(allocated),
        receiving=int(rcv),
        quarantine=int(quar),
        elsewhere=int(other_qty),
        reorder_point=p.reorder_point,
        max_stock=p.max_stock,
    )


def _sku_rows(session: Session, q: StockQuery, limit: int | None = None) -> list[SkuStock]:
    stmt = sku_statement(q)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [sku_row(*row) for row in session.exec(stmt).all()]


def _bin_rows(session: Session, q: StockQuery, limit: int | None = None) -> list[BinStock]:
    stmt = (
        select(Stock, Location, Product)
        .join(Location, col(Location.id) == Stock.location_id)
        .join(Product, col(Product.id) == Stock.product_id)
        .where(or_(Stock.qty > 0, Stock.allocated > 0))
        .order_by(col(Location.code), col(Product.sku))
    )
    if q.text:
        # One field on the screen: by bin, what was typed may be a bin's code too.
        stmt = stmt.where(or_(_text_filter(q.text), _bin_filter(q.text.upper())))
    if q.bin:
        stmt = stmt.where(_bin_filter(q.bin))
    if q.zone:
        stmt = stmt.where(Location.zone == q.zone)  # by bin, the zone is the bin's
    if q.status is not None:
        stmt = stmt.where(
            _status_clause(
                q.status,
                free=case((col(Location.kind).in_(STORAGE), Stock.qty - Stock.allocated), else_=0),
                reserved=Stock.allocated,
                quarantined=Location.kind == LocationKind.QUARANTINE,
            )
        )
    if q.level is not None:
        # The level is the SKU's (storage summed over its bins): join to those sums.
        in_storage = (
            select(
                Stock.product_id.label("product_id"),  # type: ignore[attr-defined]
                func.sum(Stock.qty).label("storage"),
            )
            .join(Location, col(Location.id) == Stock.location_id)
            .where(col(Location.kind).in_(STORAGE))
            .group_by(col(Stock.product_id))
            .subquery()
        )
        storage = func.coalesce(in_storage.c.storage, 0)
        stmt = stmt.outerjoin(in_storage, in_storage.c.product_id == Product.id).where(
            _level_clause(storage, q.level)
        )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        BinStock(
            bin=loc.code,
            zone=loc.zone,
            kind=str(loc.kind),
            sku=p.sku,
            name=p.name,
            qty=st.qty,
            allocated=st.allocated,
            flagged=loc.cycle_count_flag,
        )
        for st, loc, p in session.exec(stmt).all()
    ]


def _zones(session: Session) -> list[str]:
    bins = select(Location.zone).where(col(Location.kind).in_(STORAGE), Location.zone != "")
    products = select(Product.zone).where(Product.zone != "")
    found = session.execute(bins.union(products)).scalars().all()
    return sorted(set(found))


def _exists(session: Session, stmt) -> bool:  # noqa: ANN001
    return session.exec(stmt.limit(1)).first() is not None


def _names_something(session: Session, q: StockQuery) -> None:
    """Refuse a filter that names nothing in this warehouse (a typo, a wrong scan)."""
    if q.text and not _exists(session, select(Product.id).where(_text_filter(q.text))):
        bins = select(Location.id).where(_bin_filter(q.text.upper()))
        if not (q.by_bin and _exists(session, bins)):
            what = "SKU, name, barcode or bin" if q.by_bin else "SKU, name or barcode"
            raise NotFound(f"No {what} matches '{excerpt(q.text)}'")
    if q.bin and not _exists(session, select(Location.id).where(_bin_filter(q.bin))):
        raise NotFound(f"No bin matches '{excerpt(q.bin)}'")
    if q.zone:
        known = _zones(session)
        if q.zone not in known:
            shown = ", ".join(known) or "none"
            raise NotFound(f"No zone '{excerpt(q.zone)}'; the zones are {shown}")


def find_stock(store: Store, query: StockQuery) -> StockList:
    """Stock rows by SKU (zero stock included) or by bin, as the query filters them."""
    with store.read() as s:
        _names_something(s, query)
        if query.by_bin:
            bins = _bin_rows(s, query, MAX_ROWS + 1)
            return StockList(query, bins=tuple(bins[:MAX_ROWS]), more=len(bins) > MAX_ROWS)
        skus = _sku_rows(s, query, MAX_ROWS + 1)
        return StockList(query, skus=tuple(skus[:MAX_ROWS]), more=len(skus) > MAX_ROWS)


def zones(store: Store) -> list[str]:
    """Zones of storage bins and of products: what the zone filter accepts."""
    with store.read() as s:
        return _zones(s)
