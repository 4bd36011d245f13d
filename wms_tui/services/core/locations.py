"""The house's default location of a kind: where units go when nobody scanned one.

Receiving puts damaged units into quarantine and good ones into a receiving
location, the returns desk quarantines units without asking which shelf: each
takes the first active location of that kind by code, and a warehouse that has
none is refused in the same words everywhere.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from wms_tui.domain.enums import LocationKind
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Location


def default_location(session: Session, kind: LocationKind) -> Location:
    """The first active location of ``kind`` (by code); raises when there is none."""
    loc = session.exec(
        select(Location)
        .where(Location.kind == kind, col(Location.active).is_(True))
        .order_by(col(Location.code))
    ).first()
    if loc is None:
        raise DomainError(f"No {kind.value} location is set up: ask a supervisor to add one")
    return loc
