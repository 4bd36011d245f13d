"""A pack station's printers: which one takes labels (and in which format), which
one takes A4 papers, and the fonts a ZPL label printer has been sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlmodel import Session, select

from wms_tui.adapters.printers import Job, Printer
from wms_tui.domain.models import Station
from wms_tui.services.packing.state import station_row
from wms_tui.store import Store, retrying

ENV_PRINTER = "WMS_PRINTER"
LABEL_FORMATS = ("pdf", "zpl")


@dataclass(frozen=True)
class StationPrint:
    """A station's printers: labels to ``printer``, A4 papers to ``document_printer``."""

    printer: str | None
    label_format: str = "pdf"
    label_size: str = "4x6"
    document_printer: str | None = None
    dpi: int = 203
    transport: str = "cups"


def station_print(session: Session, terminal: str) -> StationPrint:
    st = station_row(session, terminal)
    printer = (st.printer if st else None) or os.environ.get(ENV_PRINTER) or None
    if st is None:
        return StationPrint(printer, document_printer=printer)
    fmt = st.label_format.lower() if st.label_format.lower() in LABEL_FORMATS else "pdf"
    return StationPrint(
        printer,
        fmt,
        st.label_size or "4x6",
        # A station without its own document printer prints papers where it always did.
        document_printer=st.document_printer or printer,
        dpi=st.printer_dpi if st.printer_dpi in (203, 300) else 203,
        transport=st.printer_transport if st.printer_transport in ("cups", "tcp") else "cups",
    )


def send_fonts(
    store: Store, terminal: str, where: Printer, needed: set[str], *, known: bool = True
) -> Job | None:
    """Download to the label printer the bundled fonts it lacks, once per printer.

    The station records what it sent (``Station.printer_fonts``, name and content hash), so
    the 4.7 MB Korean font crosses the network once, not with every label. ``known=False``
    (a printer named on the command line) sends them without asking or recording. The job
    sent, or None when the printer has them all; a job CUPS holds is still recorded (it is
    queued ahead of the labels, so the printer has them before it prints any).
    """
    from wms_tui.adapters.printers import send_bytes
    from wms_tui.printing.zpl import font_download, font_id

    with store.read() as s:
        st = s.exec(select(Station).where(Station.code == terminal)).first()
        sent = set(st.printer_fonts.split(",")) if (st and known) else set()
    missing = sorted(f for f in needed if font_id(f) not in sent)
    if not missing:
        return None
    job = send_bytes(font_download(missing), where, name="fonts")
    if known:
        with store.unit_of_work() as uow:
            st = uow.session.exec(select(Station).where(Station.code == terminal)).first()
            if st is not None:
                have = {x for x in st.printer_fonts.split(",") if x}
                st.printer_fonts = ",".join(sorted(have | {font_id(f) for f in missing}))
                uow.add(st)
                uow.commit()
    return job


@retrying
def forget_fonts(store: Store, terminal: str) -> None:
    """Forget which fonts the station's label printer has (a reset printer, a lost job)."""
    with store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == terminal)).first()
        if st is not None and st.printer_fonts:
            st.printer_fonts = ""
            uow.add(st)
            uow.commit()


#: Documents printed on the label printer's stock (4x6 / A6): the labels and a CN 22.
LABEL_STOCK = frozenset({"label", "cn22"})


def printer_for(kind: str, setup: StationPrint, override: str | None) -> Printer | None:
    """Labels to the label printer (its transport), papers to the document printer (CUPS)."""
    if override is not None:
        return Printer(override) if override else None
    if kind in LABEL_STOCK:
        return Printer(setup.printer, setup.transport) if setup.printer else None  # type: ignore[arg-type]
    return Printer(setup.document_printer) if setup.document_printer else None
