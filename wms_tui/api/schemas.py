"""Request and response bodies: every text has a length limit, every number a range."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from wms_tui.domain.countries import country_problem

ORDER_NAME = r"^#?[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"
SKU = r"^[A-Za-z0-9][A-Za-z0-9._/+-]{0,63}$"

Name = Annotated[str, Field(min_length=1, max_length=64, pattern=ORDER_NAME)]
Sku = Annotated[str, Field(min_length=1, max_length=64, pattern=SKU)]
Short = Annotated[str, Field(max_length=200)]
Text = Annotated[str, Field(max_length=2000)]


def _country(code: str) -> str:
    if why := country_problem(code):
        raise ValueError(why)
    return code.upper()


Country = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(BaseModel):
    error: str


class LineIn(Strict):
    sku: Sku
    quantity: int = Field(ge=1, le=10_000)
    name: Short = ""
    price: Decimal = Field(default=Decimal(0), ge=0, le=Decimal("1000000"), decimal_places=2)


class AddressIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    address1: Annotated[str, Field(min_length=1, max_length=200)]
    address2: Short = ""
    company: Short = ""
    city: Annotated[str, Field(min_length=1, max_length=100)]
    zip: Annotated[str, Field(max_length=20)] = ""
    province: Annotated[str, Field(max_length=100)] = ""
    country: Country
    phone: Annotated[str, Field(max_length=40)] = ""


class OrderIn(Strict):
    name: Name
    channel: Annotated[
        str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    ] = "api"
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=200)]
    ship_to: AddressIn
    email: Annotated[str, Field(max_length=320)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    shipping_method: Short = ""
    notes: Text = ""
    gift_message: Annotated[str, Field(max_length=500)] = ""
    tags: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] = []
    financial_status: Literal["paid", "pending", "authorized", "refunded"] = "paid"


class OrderCreated(BaseModel):
    name: str
    outcome: str
    status: str
    unknown_skus: list[str]
    notes: list[str]


class LineOut(BaseModel):
    sku: str
    name: str
    quantity: int
    picked: int
    packed: int
    short: int


class ParcelOut(BaseModel):
    seq: int
    count: int
    status: str
    sscc: str
    tracking_number: str
    tracking_url: str
    weight_g: int | None
    loaded_at: datetime | None


class OrderOut(BaseModel):
    name: str
    channel: str
    status: str
    hold_reason: str
    created_at: datetime
    promised_ship_date: str
    carrier: str
    service: str
    lines: list[LineOut]
    parcels: list[ParcelOut]


class HoldIn(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=120)]


class Done(BaseModel):
    message: str


class StockAtOut(BaseModel):
    location: str
    kind: str
    on_hand: int
    allocated: int


class StockOut(BaseModel):
    sku: str
    name: str
    available: int
    locations: list[StockAtOut]


class AsnLineIn(Strict):
    sku: Sku
    quantity: int = Field(ge=1, le=1_000_000)


class AsnIn(Strict):
    reference: Annotated[
        str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
    ]
    supplier: Short = ""
    expected_date: date | None = None
    lines: Annotated[list[AsnLineIn], Field(min_length=1, max_length=500)]


class AsnOut(BaseModel):
    reference: str
    action: str
    skus: int
    units: int


class ReturnLineIn(Strict):
    sku: Sku
    quantity: int = Field(ge=1, le=10_000)


class ReturnIn(Strict):
    order: Name
    lines: Annotated[list[ReturnLineIn], Field(min_length=1, max_length=200)]
    reason: Short = ""


class ReturnOut(BaseModel):
    order: str
    units: int
    rma: str


class WebhookIn(Strict):
    url: Annotated[str, Field(min_length=8, max_length=500, pattern=r"^https?://")]
    events: Annotated[
        list[Literal["order.packed", "order.shipped", "order.delayed"]], Field(max_length=3)
    ] = []


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    created_at: datetime
    secret: str = ""
