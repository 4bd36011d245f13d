"""SQLModel tables for the whole fulfilment flow, one module per floor area.

The schema covers receiving, stock, orders, picking, packing, dispatch and
returns up front so that features add behaviour, not tables. Conventions:

* quantities are integers (units), weights grams, dimensions millimetres;
* times are aware UTC (see :mod:`wms_tui.domain.clock`);
* statuses are stored as their string values;
* ``Event`` is append-only (enforced by triggers, see ``store/ddl.py``).

``from wms_tui.domain.models import Order`` is how code names a table: this
package imports every area's module, which registers all tables with the
metadata (``create_all``, Alembic), and re-exports them. A table is read in its
area's module.
"""

from __future__ import annotations

# The shop sync's and the HTTP API's tables: imported for their registration only,
# their users import them from the module.
from wms_tui.domain.models import integration  # noqa: F401
from wms_tui.domain.models.carriers import Carrier, CartonType, Service
from wms_tui.domain.models.catalogue import Product, ProductBarcode
from wms_tui.domain.models.devices import Device
from wms_tui.domain.models.dispatch import Manifest, Notice
from wms_tui.domain.models.events import EVENT_KIND_COVER, Event
from wms_tui.domain.models.exceptions import WmsException
from wms_tui.domain.models.insight import InsightKept
from wms_tui.domain.models.orders import LINE_HAS_WORK, Allocation, Order, OrderLine
from wms_tui.domain.models.packing import PackScan, Parcel
from wms_tui.domain.models.picking import PickTask, PickTaskLine, Wave
from wms_tui.domain.models.receiving import Delivery, DeliveryLine
from wms_tui.domain.models.returns import ReturnLine, ReturnReason, ReturnReceipt
from wms_tui.domain.models.site import (
    COUNTER,
    Counter,
    Location,
    Operator,
    Setting,
    Station,
    StoreIdentity,
    StoreMark,
    Warehouse,
)
from wms_tui.domain.models.stock import Stock, StockMovement

__all__ = [
    "Allocation",
    "COUNTER",
    "Carrier",
    "CartonType",
    "Counter",
    "Delivery",
    "DeliveryLine",
    "Device",
    "EVENT_KIND_COVER",
    "Event",
    "InsightKept",
    "LINE_HAS_WORK",
    "Location",
    "Manifest",
    "Notice",
    "Operator",
    "Order",
    "OrderLine",
    "PackScan",
    "Parcel",
    "PickTask",
    "PickTaskLine",
    "Product",
    "ProductBarcode",
    "ReturnLine",
    "ReturnReason",
    "ReturnReceipt",
    "Service",
    "Setting",
    "Station",
    "Stock",
    "StockMovement",
    "StoreIdentity",
    "StoreMark",
    "Warehouse",
    "Wave",
    "WmsException",
]
