"""Can this terminal close a parcel? Asked when it opens an order, not after every scan.

A station without a pack location has nowhere to put a closed parcel, and one
set to print ZPL labels without a printer has nothing to print them on: either
used to be found only when the packer pressed "close", after scanning every
unit. :func:`station_readiness` names what is missing and its fix; the labels
work (#18) adds its own printer checks here.
"""

from __future__ import annotations

from sqlmodel import Session

from wms_tui.domain.errors import DomainError
from wms_tui.services.packing.close import pack_location
from wms_tui.services.packing.state import station_row


def station_readiness(session: Session, terminal: str) -> list[str]:
    """What ``terminal`` lacks to close a parcel, each with its fix; empty when it is ready.

    Each is one sentence that fits a handheld's two feedback rows whole: "HH-01 cannot
    close parcels: Station HH-01 has no pack location: ask a…" lost its fix there.
    """
    problems: list[str] = []
    try:
        pack_location(session, terminal)
    except DomainError:
        problems.append(f"{terminal} is no pack station (no pack location): a supervisor sets one")
    st = station_row(session, terminal)
    if st is not None and st.label_format == "zpl" and not st.printer:
        problems.append(
            f"{terminal} prints ZPL labels but has no printer: a supervisor sets one (stations.csv)"
        )
    return problems
