"""The setup files' columns: for each file the columns it may have, which must be
filled in, how a cell is read (``setup_cells``) and its default, and the row's key.
``SETUP_FILES`` is the order they are applied in. Reading them is ``setup_csv``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wms_tui.adapters.setup_cells import (
    Bad,
    Parse,
    boolean,
    choice,
    code,
    country,
    currency,
    cutoff,
    gs1_prefix,
    hs_code,
    incoterms,
    money,
    pin,
    roles,
    text,
    timezone,
    un_number,
    upper,
    whole,
)
from wms_tui.domain.enums import LocationKind
from wms_tui.domain.identifiers.tracking import CHECK_SCHEMES

# In the order they are applied: a station names a location, a service a carrier.
SETUP_FILES = (
    "warehouse.csv",
    "locations.csv",
    "stations.csv",
    "operators.csv",
    "carriers.csv",
    "services.csv",
    "cartons.csv",
    "customs.csv",
    "stock_levels.csv",
)
STATION_KINDS = ("handheld", "pack", "receiving", "dispatch", "office")
LABEL_FORMATS = ("pdf", "zpl")
LABEL_SIZES = ("4x6", "A6")
PRINTER_DPIS = ("203", "300")
PRINTER_TRANSPORTS = ("cups", "tcp")
TIMEZONE = "Europe/Stockholm"  # Warehouse.timezone's default
MAX_AISLE = 9999  # aisles and bays; far inside PostgreSQL's INTEGER
MAX_STOCK_LEVEL = 10_000_000  # units of one SKU; inside an INTEGER, beyond any warehouse


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parse
    required: bool = False  # the column must be in the file
    needed: bool = False  # its cells must not be empty
    default: Any = None  # the value of an empty cell

    def value(self, raw: str) -> Any:
        if not raw:
            if self.needed:
                raise Bad("empty")
            return self.default
        return self.parse(raw)


def _must(name: str, parse: Parse) -> Column:
    """A column every row fills in."""
    return Column(name, parse, required=True, needed=True)


def _may(name: str, parse: Parse, default: Any) -> Column:
    return Column(name, parse, default=default)


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]
    key: Callable[[dict[str, Any]], Any]
    key_column: str
    one_row: bool = False

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


_KINDS = choice([k.value for k in LocationKind], "a location kind")

SPECS: dict[str, FileSpec] = {
    s.name: s
    for s in (
        FileSpec(
            "warehouse.csv",
            (
                _must("code", code(20)),
                _must("name", text()),
                _must("address1", text()),
                _may("address2", text(), ""),
                _must("city", text()),
                _must("zip", text()),
                _may("region", text(), ""),
                _must("country_code", country),
                _may("phone", text(), ""),
                _must("gs1_company_prefix", gs1_prefix),
                _may("sscc_extension", whole(0, 9), 0),
                _may("timezone", timezone, TIMEZONE),
                # The shop's currency: customs values are in it (a setting, not a column).
                _may("currency", currency, None),
                # Who pays the import duties (DAP: the recipient, DDP: the shop): a setting.
                _may("incoterms", incoterms, None),
            ),
            key=lambda v: v["code"],
            key_column="code",
            one_row=True,
        ),
        FileSpec(
            "locations.csv",
            (
                _must("code", code(32)),
                _must("kind", _KINDS),
                _may("zone", code(16), ""),
                _may("aisle", whole(0, MAX_AISLE), 0),
                _may("bay", whole(0, MAX_AISLE), 0),
                _may("level", text(16), ""),
                _may("active", boolean, True),
            ),
            key=lambda v: v["code"],
            key_column="code",
        ),
        FileSpec(
            "stations.csv",
            (
                _must("code", code(32)),
                _must("kind", choice(STATION_KINDS, "a station kind")),
                _may("location", code(32), ""),
                _may("printer", text(), ""),
                _may("label_format", choice(LABEL_FORMATS, "a label format"), "pdf"),
                _may("label_size", choice(LABEL_SIZES, "a label size"), "4x6"),
                _may("document_printer", text(), ""),
                _may("printer_dpi", choice(PRINTER_DPIS, "a printer resolution"), "203"),
                _may("printer_transport", choice(PRINTER_TRANSPORTS, "cups or tcp"), "cups"),
            ),
            key=lambda v: v["code"],
            key_column="code",
        ),
        FileSpec(
            "operators.csv",
            (
                _must("badge", code(32)),
                _must("name", text()),
                _must("roles", roles),
                _may("active", boolean, True),
                _may("pin", pin, ""),
            ),
            key=lambda v: v["badge"],
            key_column="badge",
        ),
        FileSpec(
            "carriers.csv",
            (
                _must("code", code(16)),
                _must("name", text()),
                _may("tracking_prefix", upper(text(40)), ""),
                _must("tracking_length", whole(1)),
                _must("tracking_check", choice(CHECK_SCHEMES, "a check digit scheme")),
                _may("tracking_start", whole(0), 1),
            ),
            key=lambda v: v["code"],
            key_column="code",
        ),
        FileSpec(
            "services.csv",
            (
                _must("carrier", code(16)),
                _must("code", code(32)),
                _must("name", text()),
                _must("cutoff", cutoff),
                _may("transit_days", whole(0, 60), 2),
                _may("express", boolean, False),
            ),
            key=lambda v: (v["carrier"], v["code"]),
            key_column="code",
        ),
        FileSpec(
            "cartons.csv",
            (
                _must("code", code(16)),
                _must("name", text()),
                _must("inner_length_mm", whole(1, 10_000)),
                _must("inner_width_mm", whole(1, 10_000)),
                _must("inner_height_mm", whole(1, 10_000)),
                _must("max_weight_g", whole(1, 1_000_000)),
                _must("own_weight_g", whole(0, 1_000_000)),
                _may("active", boolean, True),
            ),
            key=lambda v: v["code"],
            key_column="code",
        ),
        FileSpec(
            "customs.csv",
            (
                _must("sku", code(64)),
                _may("hs_code", hs_code, ""),
                _may("origin_country", country, ""),
                _may("customs_value", money, None),
                _may("dangerous_goods", un_number, ""),
            ),
            key=lambda v: v["sku"],
            key_column="sku",
        ),
        FileSpec(
            "stock_levels.csv",
            (
                _must("sku", code(64)),
                # 0: no threshold (a SKU is never low, or never over)
                _may("reorder_point", whole(0, MAX_STOCK_LEVEL), 0),
                _may("max_stock", whole(0, MAX_STOCK_LEVEL), 0),
            ),
            key=lambda v: v["sku"],
            key_column="sku",
        ),
    )
}
