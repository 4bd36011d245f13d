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


# A task a picker may still walk: its stops still hold reservations and totes.
OPEN_TASK = (TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.PAUSED)


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
    # The order waits on hold for its payment: approve to ship it unpaid, or cancel.
    PAYMENT_HOLD = "PAYMENT_HOLD"
    # A pick task paused (its picker logged out) for longer than the house allows.
    PAUSED_TASK = "PAUSED_TASK"
    # A unit the ledger puts in the order's tote is not there at the pack station:
    # re-pick it, ship without it or cancel (a supervisor decides; the order waits on hold).
    MISSING_UNIT = "MISSING_UNIT"
    # A packed order's label or papers did not print: refused, held, aborted by CUPS.
    PRINT = "PRINT"
    OTHER = "OTHER"


class Disposition(StrEnum):
    RESTOCK = "RESTOCK"
    QUARANTINE = "QUARANTINE"
    SCRAP = "SCRAP"


class Resolution(StrEnum):
    REFUND = "REFUND"
    EXCHANGE = "EXCHANGE"
    STORE_CREDIT = "STORE_CREDIT"


class PackScanKind(StrEnum):
    """What a pack-scan row records (stored as text: no database enum to migrate)."""

    SCAN = "scan"  # units scanned (``code`` holds what was scanned)
    COUNT = "count"  # units keyed as a count (``counted_to`` the line's new total)
    UNDO = "undo"  # takes back the newest standing scan
    QC = "qc"  # a unit taken out at quality check (``qc_reason``)


class EventKind(StrEnum):
    """What an event-log row records: the one list of kinds.

    Stored as the value (a short dotted string) in an ordinary text column, not
    a database enum: adding a kind needs no migration, and readers compare with
    these members, never with string literals.
    """

    # operators and terminals
    LOGIN = "login"
    LOGOUT = "logout"
    AUTH_FAILED = "auth.failed"  # unknown badge, wrong PIN, locked badge (services/core/pins)
    AUTH_PIN_SET = "auth.pin_set"
    SHIPPING_METHODS_REPLACED = "shipping_methods.replaced"
    SETTING_CHANGED = "setting.changed"
    SETUP_IMPORT = "setup.import"
    DEVICE_ADDED = "device.added"
    DEVICE_REMOVED = "device.removed"
    # orders
    ORDER_CREATED = "order.created"
    ORDER_IMPORTED = "order.imported"
    ORDER_UPDATED = "order.updated"
    ORDER_STATUS = "order.status"
    ORDER_PRIORITY = "order.priority"
    ORDER_SPLIT = "order.split"
    PRODUCTS_IMPORTED = "products.imported"
    BARCODE_LINKED = "barcode.linked"
    # stock
    STOCK_MOVE = "stock.move"
    STOCK_ALLOCATE = "stock.allocate"
    STOCK_DEALLOCATE = "stock.deallocate"
    LOCATION_FLAGGED = "location.flagged"
    CYCLE_COUNT = "cycle.count"
    # receiving
    DELIVERY_IMPORTED = "delivery.imported"
    DELIVERY_BLIND = "delivery.blind"
    DELIVERY_STATUS = "delivery.status"
    RECEIPT_REPORT = "receipt.report"  # a delivery's discrepancy report written (again)
    RECEIVING_DAMAGED = "receiving.damaged"
    RECEIVING_SCAN = "receiving.scan"
    RECEIVING_UNDO = "receiving.undo"
    # picking
    WAVE_BUILT = "wave.built"
    WAVE_ORDER = "wave.order"
    TASK_CREATED = "task.created"
    TASK_CLAIMED = "task.claimed"
    TASK_RESUMED = "task.resumed"
    TASK_PAUSED = "task.paused"
    TASK_RELEASED = "task.released"
    TASK_DONE = "task.done"
    TASK_STOPS_DROPPED = "task.stops_dropped"  # a cancelled order's stops left the task
    PICK_UNIT = "pick.unit"
    PICK_REFUSED = "pick.refused"  # a wrong scan the handheld refused (nothing changed)
    STOP_SKIPPED = "stop.skipped"
    SHORT_PICK = "short_pick"
    # packing
    PACK_OPEN = "pack.open"
    PACK_SCAN = "pack.scan"
    PACK_REFUSED = "pack.refused"  # a wrong scan the station refused (nothing changed)
    PACK_UNDO = "pack.undo"
    PACK_CARTON = "pack.carton"
    PACK_WEIGHT = "pack.weight"
    PACK_INSERT = "pack.insert"
    PACK_PARCEL = "pack.parcel"
    PACK_RELEASE = "pack.release"
    PACK_HANDOVER = "pack.handover"
    PACK_TAKEOVER = "pack.takeover"
    PACK_MOVED = "pack.moved"
    PACK_CLOSE = "pack.close"
    QC_FAIL = "qc.fail"
    PACK_MISSING = "pack.missing"  # a unit the tote should hold is not there
    WEIGHT_OVERRIDE = "weight.override"
    LABEL_REPRINT = "label.reprint"
    # dispatch
    PARCEL_LOADED = "parcel.loaded"
    PARCEL_UNLOADED = "parcel.unloaded"
    PARCEL_VOIDED = "parcel.voided"
    MANIFEST_CLOSED = "manifest.closed"
    MANIFEST_REPRINTED = "manifest.reprinted"
    CARRIER_TRACKING = "carrier.tracking"
    NOTICE_WRITTEN = "notice.written"  # a customer e-mail put in the outbox
    NOTICE_SENT = "notice.sent"  # outbox e-mails handed to the SMTP server (qty: how many)
    # the shop
    SHOP_FULFILLED = "shop.fulfilled"
    # supervisors
    EXCEPTION_CLOSED = "exception.closed"
    # returns
    RETURN_RECEIVED = "return.received"
    RETURN_LINE = "return.line"
    RETURN_REASON = "return.reason"
    RETURN_SCRAP = "return.scrap"
    RETURN_ANNOUNCED = "return.announced"
    # integrations
    API_KEY_CREATED = "api.key_created"
    API_KEY_REVOKED = "api.key_revoked"


class ReasonCause(StrEnum):
    """Whose doing a return reason is: reports charge pickers only with PICK
    reasons and packers only with PACK reasons; the rest is nobody on the floor."""

    PICK = "PICK"
    PACK = "PACK"
    CARRIER = "CARRIER"
    CUSTOMER = "CUSTOMER"
    SUPPLIER = "SUPPLIER"

    @property
    def label(self) -> str:
        return CAUSE_LABELS[self]

    @property
    def ours(self) -> bool:
        """The warehouse's own error (the floor can fix it)."""
        return self in (ReasonCause.PICK, ReasonCause.PACK)


CAUSE_LABELS = {
    ReasonCause.PICK: "our pick",
    ReasonCause.PACK: "our pack",
    ReasonCause.CARRIER: "carrier",
    ReasonCause.CUSTOMER: "customer",
    ReasonCause.SUPPLIER: "supplier",
}
