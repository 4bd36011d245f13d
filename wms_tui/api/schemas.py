"""Request and response bodies: every text has a length limit, every number a range."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from wms_tui.domain.countries import country_problem
from wms_tui.domain.text import invisible_problem

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


def _ascii_amount(value: Any) -> Any:
    # Decimal() reads "١٢" as 12 and True as 1; an amount is ASCII digits or a JSON number.
    if isinstance(value, bool) or (isinstance(value, str) and not _AMOUNT.fullmatch(value)):
        raise ValueError("must be an amount like 12.50")
    return value


_AMOUNT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")
Amount = Annotated[Decimal, BeforeValidator(_ascii_amount)]


Country = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]


def _no_controls(value: Any, controls: re.Pattern[str]) -> Any:
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if not isinstance(text, str):
            continue
        if bad := controls.search(text):
            raise ValueError(f"holds the control character {bad.group()!r}; retype it")
        # Bidi controls and other invisible characters: the shop's and setup's rule too.
        if why := invisible_problem(text):
            raise ValueError(why)
    return value


# C0 controls and DEL: PostgreSQL stores no NUL, and an escape sequence in a hold
# reason would reach the floor's screens. Tab, newline and return only where a text
# has lines (a note, a gift message); a name or street with a line break in it
# would print as two lines of the label's address.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MULTILINE = frozenset({"notes", "gift_message"})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_text(cls, value: Any, info: ValidationInfo) -> Any:
        lines = info.field_name in MULTILINE
        return _no_controls(value, _CONTROL_BUT_LINES if lines else _CONTROL)


class Error(BaseModel):
    error: str


class LineIn(Strict):
    sku: Sku
    quantity: int = Field(ge=1, le=10_000, strict=True)
    name: Short = ""
    price: Amount = Field(default=Decimal(0), ge=0, le=Decimal("1000000"), decimal_places=2)


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
    quantity: int = Field(ge=1, le=1_000_000, strict=True)


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
    quantity: int = Field(ge=1, le=10_000, strict=True)


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
    # Left out: what happens from now on. A time (with its zone, at most 7 days
    # back): what happened since then is sent too.
    since: datetime | None = None


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    created_at: datetime
    secret: str = ""


class DeliveryOut(BaseModel):
    id: int
    event: str
    order: str
    state: Literal["delivered", "waiting", "failed"]
    attempts: int
    last_error: str
    created_at: datetime
    next_try_at: datetime | None
    done_at: datetime | None
