"""Dispatched orders written back as a CSV of fulfilments the shop can import."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from typing import IO

from wms_tui.adapters.csv_safety import safe_writer
from wms_tui.adapters.shopify.csv_records import FulfillmentRow

# --------------------------------------------------------------------------------------------
# Writing fulfilments
# --------------------------------------------------------------------------------------------

FULFILLMENT_COLUMNS = (
    "Name",
    "Fulfillment Status",
    "Lineitem sku",
    "Lineitem quantity",
    "Tracking Company",
    "Shipping Service",
    "Tracking Number",
    "Shipped At",
)


def _fulfillment_cells(item: FulfillmentRow) -> list[str]:
    if not item.name.strip() or not item.sku.strip():
        raise ValueError(f"fulfilment row needs an order name and a SKU: {item!r}")
    if isinstance(item.quantity, bool) or not isinstance(item.quantity, int) or item.quantity < 1:
        raise ValueError(f"quantity must be a positive integer: {item!r}")
    given = item.tracking_numbers
    # A bare string is one tracking number, not a sequence of one-character numbers.
    numbers = [n.strip() for n in ([given] if isinstance(given, str) else given) if n.strip()]
    if any("," in number for number in numbers):
        # They are joined with ", ", so a comma inside one would split it on the way back.
        raise ValueError(f"tracking number contains a comma: {item!r}")
    shipped = ""
    if item.shipped_at is not None:
        if item.shipped_at.utcoffset() is None:
            raise ValueError(f"shipped_at must be timezone-aware: {item!r}")
        shipped = item.shipped_at.strftime("%Y-%m-%d %H:%M:%S %z")
    return [
        item.name,
        item.fulfillment_status,
        item.sku,
        str(item.quantity),
        item.tracking_company,
        item.shipping_service,
        ", ".join(numbers),
        shipped,
    ]


def write_fulfillments_csv(
    rows: Iterable[FulfillmentRow], path: str | os.PathLike[str] | IO[str], *, bom: bool = True
) -> int:
    """Write dispatched line items as CSV (FULFILLMENT_COLUMNS); returns the rows written.

    Times are written the way Shopify exports them ("2024-03-05 14:02:11 +0100"). With a path,
    the file is written to a temporary name and renamed into place, so a crash or a bad row
    (ValueError) never leaves a half-written file for someone to upload. ``bom`` makes Excel
    read the UTF-8 correctly (Hangul, Å Ä Ö); it is ignored for streams.
    """
    if not isinstance(path, str | os.PathLike):
        return _write_fulfillments(rows, path)
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    fd, temp = tempfile.mkstemp(prefix=".fulfillments-", suffix=".csv.tmp", dir=directory)
    try:
        with open(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
            count = _write_fulfillments(rows, out)
        # mkstemp creates 0600; an export is meant to be picked up by other users/tools.
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise
    return count


def _write_fulfillments(rows: Iterable[FulfillmentRow], out: IO[str]) -> int:
    writer = safe_writer(out)
    writer.writerow(FULFILLMENT_COLUMNS)
    count = 0
    for item in rows:
        writer.writerow(_fulfillment_cells(item))
        count += 1
    return count
