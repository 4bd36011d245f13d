"""What the warehouse stocks: products and their barcodes."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Column, Numeric
from sqlmodel import Field, SQLModel


class Product(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(unique=True, max_length=64)
    name: str
    handle: str = ""
    option1_name: str = ""
    option1_value: str = ""
    option2_name: str = ""
    option2_value: str = ""
    weight_g: int = 0
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0
    fragile: bool = False
    zone: str = ""
    reorder_point: int = 0
    # Customs (parcels leaving the EU): 6-10 digit HS code, ISO origin country and the
    # value of one unit in the shop's currency; None means "not declared".
    hs_code: str = Field(default="", max_length=10)
    origin_country: str = Field(default="", max_length=2)
    customs_value: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2)))
    # Dangerous goods mark printed on the label, e.g. "UN3481" (lithium ion in equipment).
    dangerous_goods: str = Field(default="", max_length=16)
    max_stock: int = 0
    active: bool = True

    @property
    def options_text(self) -> str:
        parts = [
            f"{n}: {v}" if n else v
            for n, v in (
                (self.option1_name, self.option1_value),
                (self.option2_name, self.option2_value),
            )
            if v
        ]
        return " / ".join(parts)


class ProductBarcode(SQLModel, table=True):
    """A scannable code for a product; a case code counts ``pack_qty`` units."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    product_id: int = Field(foreign_key="product.id", index=True)
    pack_qty: int = 1
