"""A station's printers: the test page a technician prints when setting one up.

``wms printers test STATION`` sends a sample courier label to the label printer (in the
station's format, size and dpi, over its transport) and a test page to the document
printer, and says for each whether it went.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from wms_tui.domain.clock import utcnow
from wms_tui.domain.errors import NotFound
from wms_tui.domain.identifiers.sscc import make_sscc
from wms_tui.domain.models import Station
from wms_tui.printing.documents import LabelData
from wms_tui.services.packing import documents, parties, station_printers
from wms_tui.store import Store, retrying

TEST_TRACKING = "TEST0000000001"


@dataclass(frozen=True)
class PrinterTest:
    station: str
    files: tuple[Path, ...]
    sent: tuple[str, ...]  # "label printer zebra-1", "document printer office"
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@retrying
def clear_fonts(store: Store, station: str) -> None:
    """Forget which fonts the station's label printer has (it was replaced or reset)."""
    with store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == station)).first()
        if st is not None and st.printer_fonts:
            st.printer_fonts = ""
            uow.add(st)
            uow.commit()


def test_page(store: Store, station: str, *, send: bool = True) -> PrinterTest:
    """Render and send the station's test label and test page (problems are returned)."""
    from wms_tui.adapters.printers import PrinterError, confirm, send_file
    from wms_tui.printing.label import render_label_pdf
    from wms_tui.printing.output import output_path, safe_filename
    from wms_tui.printing.test_page import render_test_page
    from wms_tui.printing.zpl import label_program

    with store.read() as s:
        if s.exec(select(Station).where(Station.code == station)).first() is None:
            raise NotFound(f"No station {station}: stations come from stations.csv")
        setup = station_printers.station_print(s, station)
        w = parties.warehouse(s)
        folder = documents.output_dir(s)
        at = parties.local_time(w, utcnow())
        address = parties.warehouse_address(w)
        sscc = make_sscc(w.sscc_extension, w.gs1_company_prefix, 0)
        paper = "Letter" if w.country_code in ("US", "CA") else "A4"
        prefix_length = len(w.gs1_company_prefix)
    label = LabelData(
        ship_from=address,
        ship_to=address,
        carrier_name="TEST",
        service_name=f"Printer test {station}",
        weight_g=1234,
        package_index=1,
        package_count=1,
        order_name="TEST",
        date=dt.date(at.year, at.month, at.day),
        tracking_number=TEST_TRACKING,
        sscc=sscc,
        company_prefix_length=prefix_length,
    )
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    used: list[str] = []
    if setup.label_format == "zpl":
        path = output_path(folder, safe_filename("test-label", station, ext="zpl"))
        program, used = label_program(label, setup.label_size, dpi=setup.dpi)
        path.write_text(program, encoding="utf-8")
    else:
        path = output_path(folder, safe_filename("test-label", station))
        render_label_pdf(label, path, setup.label_size, setup.dpi)  # type: ignore[arg-type]
    jobs.append(("label", path))
    page = output_path(folder, safe_filename("test-page", station))
    render_test_page(page, station, setup.document_printer or "-", at.strftime("%Y-%m-%d %H:%M"),
                     paper)  # fmt: skip
    jobs.append(("document", page))
    sent: list[str] = []
    problems: list[str] = []
    followed = []
    for kind, file in jobs:
        where = station_printers.printer_for(kind, setup, None)
        if not send or where is None:
            continue
        try:
            if used and kind == "label":
                # A test re-sends the fonts: the printer may be new or freshly reset.
                clear_fonts(store, station)
                station_printers.send_fonts(store, station, where, set(used))
            followed.append((kind, send_file(file, where, raw=file.suffix == ".zpl")))
            sent.append(f"{kind} printer {where}")
        except PrinterError as exc:
            problems.append(f"{kind} printer: {exc}")
    # A test page that CUPS holds or aborts is what the test is for: say so.
    kinds = {job.id: kind for kind, job in followed}
    for trouble in confirm([job for _, job in followed]):
        problems.append(f"{kinds[trouble.job.id]} printer: {trouble.message}")
    return PrinterTest(station, tuple(f for _, f in jobs), tuple(sent), tuple(problems))
