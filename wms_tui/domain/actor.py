"""Who is doing something, and from which terminal.

Services take an :class:`Actor` (plain values, no session) and check roles
themselves: the UI hiding a button is not a permission check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wms_tui.domain.enums import Role
from wms_tui.domain.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    operator_id: int | None
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    terminal: str = ""

    def has(self, role: Role | str) -> bool:
        return str(role) in self.roles

    def require(self, *roles: Role, action: str = "do that") -> None:
        """Raise unless the actor has at least one of ``roles``."""
        if not any(self.has(r) for r in roles):
            wanted = " or ".join(str(r) for r in roles)
            raise PermissionDenied(f"{self.name} may not {action}: needs the {wanted} role")


SYSTEM = Actor(operator_id=None, name="system", roles=frozenset(r.value for r in Role))
