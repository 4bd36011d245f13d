"""Enumerations shared by the whole domain.

Stored as their string values so the database stays readable from `sqlite3`
and `psql` during an incident at 3 a.m.
"""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    NEW = "NEW"
    READY_TO_PICK = "READY_TO_PICK"
    BACKORDERED = "BACKORDERED"
    PICKING = "PICKING"
    PICKED = "PICKED"
    PACKING = "PACKING"
    PACKED = "PACKED"
    DISPATCHED = "DISPATCHED"
    RETURNED = "RETURNED"
    ON_HOLD = "ON_HOLD"
    CANCELLED = "CANCELLED"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").lower()


class Role(StrEnum):
    PICKER = "picker"
    PACKER = "packer"
    RECEIVER = "receiver"
    SUPERVISOR = "supervisor"


class LocationKind(StrEnum):
    PICK = "pick"
    BULK = "bulk"
    RECEIVING = "receiving"
    QUARANTINE = "quarantine"
    PACK = "pack"
    DISPATCH = "dispatch"
    # Totes move through the building; modelling them as locations lets every
    # pick be an ordinary bin -> tote stock movement in the ledger.
    TOTE = "tote"

    @property
    def pickable(self) -> bool:
        return self in (LocationKind.PICK, LocationKind.BULK)


class MovementReason(StrEnum):
    RECEIVED = "RECEIVED"
    PUTAWAY = "PUTAWAY"
    MOVED = "MOVED"
    PICKED = "PICKED"
    PACKED = "PACKED"
    SHIPPED = "SHIPPED"
    ADJUSTED = "ADJUSTED"
    QUARANTINED = "QUARANTINED"
    SCRAPPED = "SCRAPPED"
    RETURNED = "RETURNED"
    UNPICKED = "UNPICKED"


class ParcelStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    LOADED = "LOADED"
    MANIFESTED = "MANIFESTED"
    VOID = "VOID"


class TaskStatus(StrEnum):
    OPEN = "OPEN"
    CLAIMED = "CLAIMED"
    PAUSED = "PAUSED"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class WaveStatus(StrEnum):
    OPEN = "OPEN"
    RELEASED = "RELEASED"
    DONE = "DONE"


class DeliveryStatus(StrEnum):
    EXPECTED = "EXPECTED"
    RECEIVING = "RECEIVING"
    CLOSED = "CLOSED"


class ManifestStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class ExceptionKind(StrEnum):
    SHORT_PICK = "SHORT_PICK"
    QC_FAIL = "QC_FAIL"
    WEIGHT_MISMATCH = "WEIGHT_MISMATCH"
    BACKORDER = "BACKORDER"
    RECEIVING = "RECEIVING"
    CANCELLED_AFTER_PACK = "CANCELLED_AFTER_PACK"
    # An order from the shop names a SKU the warehouse does not know: it waits on hold.
    UNKNOWN_SKU = "UNKNOWN_SKU"
    # The shop refused or could not take something we sent (a fulfilment), or sent
    # an order we cannot read.
    SHOP_SYNC = "SHOP_SYNC"
    # Every unit of the order was short-shipped: a supervisor decides what now.
    NOTHING_TO_SHIP = "NOTHING_TO_SHIP"
    OTHER = "OTHER"


class Disposition(StrEnum):
    RESTOCK = "RESTOCK"
    QUARANTINE = "QUARANTINE"
    SCRAP = "SCRAP"


class Resolution(StrEnum):
    REFUND = "REFUND"
    EXCHANGE = "EXCHANGE"
    STORE_CREDIT = "STORE_CREDIT"
