"""Plain, frozen data of a shipment's customs papers: a CN 22 or CN 23 per postal item,
or a commercial invoice for a courier's shipment (see :mod:`.documents` for the
conventions every document's data follows; :mod:`.customs` and :mod:`.cn22` draw them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from wms_tui.printing.address import Address
from wms_tui.printing.documents import tuple_field


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomsItem:
    """One kind of goods on a customs declaration (all units of one SKU in the shipment).

    Attributes:
        description: What the goods are, in words a customs officer reads.
        sku: The shop's SKU, for the sender's own reference.
        qty: Units in the shipment.
        weight_g: Net weight of those units.
        value: Declared value of those units (``qty`` times the unit value).
        hs_code: Harmonized System tariff number, 6-10 digits.
        origin_country: ISO code of the country the goods were made in.
        dangerous_goods: UN number when the goods are dangerous (``UN3481``), else empty.
    """

    description: str
    sku: str
    qty: int
    weight_g: int
    value: Decimal
    hs_code: str
    origin_country: str
    dangerous_goods: str = ""

    def __post_init__(self) -> None:
        if self.qty < 1:
            raise ValueError(f"{self.sku}: a declared quantity is at least 1, got {self.qty}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomsData:
    """A CN22 or CN23 for one postal item (parcel), or a commercial invoice for one
    shipment (all its parcels).

    Attributes:
        form: ``"CN22"``, ``"CN23"`` or ``"INVOICE"``.
        sender: Warehouse address (exporter).
        recipient: Delivery address (importer).
        order_name: Shop order reference.
        consignment: Consignment reference shared by every parcel of the shipment.
        tracking_numbers: One per parcel.
        items: Goods, one row per SKU.
        currency: Currency of the values (ISO 4217).
        category: ``"Sale of goods"`` or ``"Gift"``.
        date: Date of the declaration (the ship date).
        signed_by: Who signs for the sender (the packer).
        parcel_count: Parcels in the shipment.
        gross_weight_g: Weight of all parcels, packaging included.
        carrier_name: The postal operator carrying it (the CN 22's designated operator).
        parcel_index: The parcel (1-based, of ``parcel_count``) a CN 22/CN 23 declares;
            0 for a paper covering the whole shipment.
        incoterms: Terms of delivery, ``"DAP"`` or ``"DDP"`` (Incoterms 2020): who pays
            the import duties. Printed on the invoice, which has the field; the UPU forms
            have none.
    """

    form: str
    sender: Address
    recipient: Address
    order_name: str
    consignment: str
    tracking_numbers: tuple[str, ...]
    items: tuple[CustomsItem, ...]
    currency: str
    category: str
    date: dt.date
    signed_by: str
    parcel_count: int = 1
    gross_weight_g: int = 0
    carrier_name: str = ""
    parcel_index: int = 0
    incoterms: str = "DAP"

    def __post_init__(self) -> None:
        tuple_field(self, "tracking_numbers")
        tuple_field(self, "items")
        if not 0 <= self.parcel_index <= self.parcel_count:
            raise ValueError(
                f"parcel {self.parcel_index} of {self.parcel_count}: not a parcel of the shipment"
            )
        if self.form not in ("CN22", "CN23", "INVOICE"):
            raise ValueError(f"customs form must be CN22, CN23 or INVOICE, got {self.form!r}")
        if not self.items:
            raise ValueError("a customs declaration needs at least one item")

    @property
    def total_value(self) -> Decimal:
        return sum((item.value for item in self.items), Decimal(0))

    @property
    def net_weight_g(self) -> int:
        return sum(item.weight_g for item in self.items)

    @property
    def item_of(self) -> str:
        """``"item 2 of 3"`` for one parcel's declaration in a multi-parcel shipment."""
        if self.parcel_index and self.parcel_count > 1:
            return f"item {self.parcel_index} of {self.parcel_count}"
        return ""
