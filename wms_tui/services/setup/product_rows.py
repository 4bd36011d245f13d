"""Setup rows about goods: carton types, products' customs data and stock levels."""

from collections.abc import Iterator
from typing import Any

from sqlmodel import col, select

from wms_tui.domain.models import CartonType, Product
from wms_tui.services.setup.setup_context import SetupContext, assign


class ProductRows(SetupContext):
    def cartons(self) -> None:
        existing = {c.code: c for c in self.s.exec(select(CartonType))}
        for rec in self.records("cartons.csv"):
            ct = existing.get(rec.key)
            if ct is None:
                ct = CartonType(**rec.values)
                self.s.add(ct)
                existing[ct.code] = ct
                self.tally(rec, True, False)
            else:
                self.tally(rec, False, assign(ct, rec.values))

    def known_products(self, file: str) -> Iterator[tuple[Any, Product, dict[str, Any]]]:
        """Rows of ``file`` about products the shop already sent (by SKU): each row,
        its product and its values besides the SKU; a row naming no product is refused."""
        records = self.records(file)
        if not records:
            return
        skus = [rec.key for rec in records]
        found = {p.sku: p for p in self.s.exec(select(Product).where(col(Product.sku).in_(skus)))}
        for rec in records:
            product = found.get(rec.key)
            if product is None:
                self.refuse(
                    rec, "sku", f"no product {rec.key} in the store: import the products first"
                )
                continue
            yield rec, product, {k: v for k, v in rec.values.items() if k != "sku"}

    def customs(self) -> None:
        """Customs data for products the shop already sent (matched by SKU)."""
        for rec, product, values in self.known_products("customs.csv"):
            self.tally(rec, False, assign(product, values))

    def stock_levels(self) -> None:
        """Low- and over-stock thresholds of products the shop already sent (by SKU)."""
        for rec, product, values in self.known_products("stock_levels.csv"):
            low = values.get("reorder_point", product.reorder_point)
            high = values.get("max_stock", product.max_stock)
            if low and high and high < low:
                self.refuse(
                    rec,
                    "max_stock",
                    f"{high} is below the reorder point {low}: low and over at once",
                )
                continue
            self.tally(rec, False, assign(product, values))
