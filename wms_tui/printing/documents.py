"""Plain, frozen data the printing layer renders.

Services translate database rows into these objects; the renderers never see the ORM. All
classes are keyword-only so the field order below is documentation, not an API, and optional
fields can sit next to required ones.

Weights are integer grams and quantities are integer units everywhere: the renderers do the
formatting so every document shows them the same way. The customs papers' data is
:mod:`.customs_data`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from wms_tui.domain.identifiers.sscc import validate_sscc
from wms_tui.printing.address import Address


def tuple_field(obj: object, name: str) -> None:
    # Frozen dataclasses are hashable only if their containers are; services naturally pass
    # lists, so convert once here instead of making every caller remember.
    value = getattr(obj, name)
    if not isinstance(value, tuple):
        object.__setattr__(obj, name, tuple(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelData:
    """Everything printed on one courier label (one physical package).

    Attributes:
        ship_from: Sender (warehouse) address, printed small.
        ship_to: Recipient address, the largest block on the label.
        carrier_name: e.g. ``"PostNord"``.
        service_name: e.g. ``"MyPack Collect"``.
        weight_g: Package weight in grams.
        package_index: 1-based number of this package within the shipment.
        package_count: Number of packages in the shipment.
        order_name: Shop order reference, e.g. ``"#1001"``.
        date: Ship date.
        tracking_number: Carrier tracking number, encoded as Code 128.
        sscc: 18-digit SSCC with a valid check digit, encoded as GS1-128 with AI (00).
        company_prefix_length: Length of the GS1 company prefix inside the SSCC, only used to
            group the human-readable digits.
        reference: Optional extra reference (customer PO, routing code) printed by the order.
        consignment: Consignment reference (GSIN) shared by every package of the shipment.
        dangerous_goods: UN numbers of dangerous goods inside (``UN3481``), marked on the label.
        terms: Terms of delivery of a courier shipment leaving the EU (``"DAP"``, ``"DDP"``),
            printed in the service box as courier labels carry them; "" for none.
    """

    ship_from: Address
    ship_to: Address
    carrier_name: str
    service_name: str
    weight_g: int
    package_index: int
    package_count: int
    order_name: str
    date: dt.date
    tracking_number: str
    sscc: str
    company_prefix_length: int = 7
    reference: str = ""
    consignment: str = ""
    dangerous_goods: tuple[str, ...] = ()
    terms: str = ""

    def __post_init__(self) -> None:
        tuple_field(self, "dangerous_goods")
        validate_sscc(self.sscc)
        if self.package_count < 1 or not 1 <= self.package_index <= self.package_count:
            raise ValueError(
                f"package {self.package_index} of {self.package_count} is not a valid position"
            )
        if self.weight_g < 0:
            raise ValueError(f"weight_g must not be negative, got {self.weight_g}")
        if not self.tracking_number.strip():
            raise ValueError("tracking_number must not be empty")


@dataclass(frozen=True, slots=True, kw_only=True)
class SlipLine:
    """One order line on a packing slip.

    Attributes:
        sku: Stock keeping unit code.
        name: Product name.
        options: Variant description, e.g. ``"Size: M / Colour: Navy"`` (may be empty).
        qty_ordered: Units the customer ordered.
        qty_packed: Units actually in the parcel.
        short_reason: Why fewer were packed than ordered (``None`` when nothing is short).
    """

    sku: str
    name: str
    options: str = ""
    qty_ordered: int
    qty_packed: int
    short_reason: str | None = None

    def __post_init__(self) -> None:
        if self.qty_ordered < 0 or self.qty_packed < 0:
            raise ValueError(f"quantities must not be negative ({self.sku})")

    @property
    def qty_short(self) -> int:
        return max(self.qty_ordered - self.qty_packed, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParcelInfo:
    """Shipment summary printed on the packing slip.

    Attributes:
        carrier_name: Carrier, e.g. ``"PostNord"``.
        service_name: Service level.
        tracking_numbers: One per package, in package order.
        weight_g: Total shipment weight in grams.
        package_count: Number of packages.
    """

    carrier_name: str
    service_name: str
    tracking_numbers: tuple[str, ...] = ()
    weight_g: int = 0
    package_count: int = 1

    def __post_init__(self) -> None:
        tuple_field(self, "tracking_numbers")


@dataclass(frozen=True, slots=True, kw_only=True)
class SlipData:
    """A packing slip: what is in the parcel, and how to send it back.

    Attributes:
        shop_name: Trading name printed as the slip heading.
        shop_address: Shop/return address.
        order_name: Shop order reference, e.g. ``"#1001"``.
        order_date: When the customer ordered.
        ship_to: Delivery address (the customer).
        bill_to: Billing address when it differs from ``ship_to`` (optional).
        email: Customer e-mail (optional).
        lines: Order lines, in the order to print them.
        gift_message: Printed boxed and prominent when not empty.
        notes: Customer or shop notes (optional).
        inserts: Extra items put in the parcel (flyers, samples, invoice copy).
        packed_by: Packer's display name.
        packed_at: When packing finished.
        return_policy: Free text of the return policy, wrapped to fit.
        rma: Return authorisation code; printed as a Code 128 the returns screen scans.
        parcel: Carrier and tracking summary (optional).
    """

    shop_name: str
    shop_address: Address
    order_name: str
    order_date: dt.date
    ship_to: Address
    bill_to: Address | None = None
    email: str = ""
    lines: tuple[SlipLine, ...]
    gift_message: str = ""
    notes: str = ""
    inserts: tuple[str, ...] = ()
    packed_by: str
    packed_at: dt.datetime
    return_policy: str = ""
    rma: str
    parcel: ParcelInfo | None = None

    def __post_init__(self) -> None:
        tuple_field(self, "lines")
        tuple_field(self, "inserts")
        if not self.rma.strip():
            raise ValueError("rma must not be empty: the return form is useless without it")


@dataclass(frozen=True, slots=True, kw_only=True)
class PickStop:
    """One stop on a pick route.

    Attributes:
        seq: Position in the walking route (1-based).
        bin: Bin/location code, scanned to confirm arrival.
        sku: SKU to pick, scanned to confirm the item.
        name: Product name.
        options: Variant description (may be empty).
        qty: Units to pick.
        tote: Tote the units go into (for multi-order batches).
    """

    seq: int
    bin: str
    sku: str
    name: str
    options: str = ""
    qty: int
    tote: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PickListData:
    """A printed pick list for one pick task.

    Attributes:
        task_code: Pick task identifier, printed as a barcode to start/close the task.
        picker: Assigned picker (may be empty when unassigned).
        pack_station: Where the picked totes go.
        stops: Route in walking order.
        created_at: When the task was released (optional).
        order_names: Orders covered by the task (optional).
    """

    task_code: str
    picker: str = ""
    pack_station: str = ""
    stops: tuple[PickStop, ...]
    created_at: dt.datetime | None = None
    order_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        tuple_field(self, "stops")
        tuple_field(self, "order_names")

    @property
    def total_units(self) -> int:
        return sum(stop.qty for stop in self.stops)


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestParcel:
    """One parcel handed to the carrier.

    Attributes:
        order_name: Shop order reference.
        sscc: 18-digit SSCC of the package.
        tracking_number: Carrier tracking number.
        weight_g: Package weight in grams.
        service_name: Carrier service for this parcel.
    """

    order_name: str
    sscc: str
    tracking_number: str
    weight_g: int
    service_name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestData:
    """A carrier collection manifest (end-of-day hand-over sheet).

    Totals are derived from ``parcels`` (see the properties) so they cannot disagree with the
    table printed above them.

    Attributes:
        carrier_name: Carrier collecting the parcels.
        manifest_number: Manifest/hand-over reference, printed as a barcode.
        manifest_date: Collection date.
        parcels: Parcels in the hand-over.
        shipper: Warehouse address (optional).
        account_number: Carrier customer/account number (optional).
    """

    carrier_name: str
    manifest_number: str
    manifest_date: dt.date
    parcels: tuple[ManifestParcel, ...]
    shipper: Address | None = None
    account_number: str = ""
    #: Length of the GS1 company prefix inside the SSCCs, to group their digits as labels do.
    company_prefix_length: int = 7
    services: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        tuple_field(self, "parcels")
        seen: dict[str, None] = {}
        for parcel in self.parcels:
            seen.setdefault(parcel.service_name, None)
        object.__setattr__(self, "services", tuple(seen))

    @property
    def parcel_count(self) -> int:
        return len(self.parcels)

    @property
    def total_weight_g(self) -> int:
        return sum(parcel.weight_g for parcel in self.parcels)

    def totals_by_service(self) -> list[tuple[str, int, int]]:
        """``(service, parcel count, weight in grams)`` per service, in first-seen order."""
        totals: dict[str, list[int]] = {name: [0, 0] for name in self.services}
        for parcel in self.parcels:
            entry = totals[parcel.service_name]
            entry[0] += 1
            entry[1] += parcel.weight_g
        return [(name, count, weight) for name, (count, weight) in totals.items()]


def format_weight(weight_g: int) -> str:
    """``1250`` -> ``"1.25 kg"``; small parcels keep grams so 80 g does not read as 0.08 kg."""
    if weight_g < 1000:
        return f"{weight_g} g"
    kilos = f"{weight_g / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{kilos} kg"


def format_weight_kg(weight_g: int) -> str:
    """``1670`` -> ``"1.670 kg"``: fixed decimals so weight columns line up."""
    return f"{weight_g / 1000:.3f} kg"


def clean_lines(values: Iterable[str]) -> list[str]:
    """Drop empty entries; used wherever optional fields become printed lines."""
    return [value for value in values if value and value.strip()]
