"""The home menu: which screens exist and who may open them.

A screen appears only when its module is installed, so the menu grows as
features land and never shows a dead entry. Role checks here only decide what
is *shown*; every service checks the role again.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass

from textual.screen import Screen

ALL_ROLES = frozenset({"picker", "packer", "receiver", "supervisor"})


@dataclass(frozen=True)
class MenuEntry:
    id: str
    label: str
    roles: frozenset[str]
    module: str
    screen: str
    hint: str = ""

    def exists(self) -> bool:
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False

    def build(self) -> Screen:
        cls = getattr(importlib.import_module(self.module), self.screen)
        return cls()


def _e(id: str, label: str, roles: Iterable[str], screen: str, hint: str = "") -> MenuEntry:
    module = f"wms_tui.ui.screens.{id}"
    return MenuEntry(id, label, frozenset(roles), module, screen, hint)


MENU: tuple[MenuEntry, ...] = (
    _e("picking", "Pick", {"picker"}, "PickScreen", "walk a pick task"),
    _e("packing", "Pack station", {"packer"}, "PackScreen", "scan, box, label"),
    _e("receiving", "Receive", {"receiver"}, "ReceivingScreen", "inbound deliveries"),
    _e("putaway", "Put away", {"receiver"}, "PutawayScreen", "received stock to bins"),
    _e("returns", "Returns", {"receiver", "supervisor"}, "ReturnsScreen", "returned parcels"),
    _e("stock", "Stock", ALL_ROLES, "StockScreen", "by SKU and bin"),
    _e("lookup", "Order lookup", ALL_ROLES, "LookupScreen", "where is my order?"),
    _e("orders", "Orders", {"supervisor"}, "OrdersScreen", "hold, release, prioritise"),
    _e("waves", "Waves", {"supervisor"}, "WavesScreen", "build pick waves"),
    _e("dispatch", "Dispatch overview", {"supervisor"}, "DispatchScreen", "cut-offs, exceptions"),
    _e("delays", "Delays", {"supervisor"}, "DelaysScreen", "orders missing their date"),
    _e("dashboard", "Shift dashboard", {"supervisor"}, "DashboardScreen", "pace, people, accuracy"),
    _e("exceptions", "Exceptions", {"supervisor"}, "ExceptionsScreen", "decide what waits"),
    _e("handover", "Hand-over", {"supervisor", "packer"}, "HandoverScreen", "load the truck"),
    _e("cycle_count", "Cycle count", {"supervisor"}, "CycleCountScreen", "count a bin"),
    _e("reports", "Return reports", {"supervisor"}, "ReturnReportsScreen", "reasons, packers"),
    _e("trace", "Order trace", {"supervisor"}, "TraceScreen", "who did what, where"),
)

# Keys shown next to the entries, in order; F1..F12 choose the same entries.
MENU_KEYS = "1234567890abcdefghij"


def entries_for(roles: Iterable[str]) -> list[MenuEntry]:
    have = frozenset(roles)
    return [e for e in MENU if e.roles & have and e.exists()]
