"""How many devices ``wms serve`` takes at once, and how long one may sit idle."""

from __future__ import annotations

from dataclasses import dataclass

from wms_tui.domain.errors import DomainError
from wms_tui.services.core import settings
from wms_tui.store import Store


@dataclass(frozen=True)
class ServeLimits:
    max_connections: int
    idle_seconds: float  # 0: never closed for being idle


def serve_limits(store: Store) -> ServeLimits:
    with store.read() as s:
        try:
            most = settings.get_int(s, "serve_max_connections")
            idle = float(settings.get(s, "serve_idle_minutes"))
        except ValueError as exc:
            raise DomainError(f"serve_max_connections / serve_idle_minutes: {exc}") from None
    if most < 1 or idle < 0:
        raise DomainError("serve_max_connections must be at least 1, serve_idle_minutes 0 or more")
    return ServeLimits(max_connections=most, idle_seconds=idle * 60)
