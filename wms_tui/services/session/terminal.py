"""What a terminal reads once, when it opens the store: the house rules it works
by and the warehouse's clock. The TUI asks for them in one read and keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wms_tui.services.core import settings
from wms_tui.services.core.clock import warehouse_zone

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from wms_tui.store import Store


@dataclass(frozen=True)
class TerminalRules:
    idle_logout_minutes: float  # 0: never logged out for being idle
    scanner_tab_submits: bool  # the scanners end a scan with Tab, not Enter
    zone: ZoneInfo  # every time a terminal shows is on the warehouse's clock


def terminal_rules(store: Store) -> TerminalRules:
    with store.read() as s:
        return TerminalRules(
            idle_logout_minutes=float(settings.get(s, "idle_logout_minutes")),
            scanner_tab_submits=settings.get(s, "scanner_tab_submits") == "1",
            zone=warehouse_zone(s),
        )
