"""A manifest's sheet: the parcel list, weights and counts the driver signs, as a CSV
and a PDF in the store's document folder, and the PDF sent to the terminal's printer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from wms_tui.adapters.csv_safety import safe_writer
from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Carrier, Manifest, Operator, Order, Parcel, Station, Warehouse
from wms_tui.services.core import document_folders
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch.dock import ParcelLine, parcel_lines

if TYPE_CHECKING:
    from wms_tui.printing.address import Address


@dataclass(frozen=True)
class ManifestSheet:
    """Everything printed on a manifest (CSV and PDF are built from this)."""

    number: str
    carrier_code: str
    carrier_name: str
    day: date
    status: str
    closed_at: datetime | None
    closed_by: str
    warehouse_name: str
    warehouse_address: list[str]
    timezone: str
    parcels: list[ParcelLine] = field(default_factory=list)
    company_prefix_length: int = 7

    @property
    def parcel_count(self) -> int:
        return len(self.parcels)

    @property
    def order_count(self) -> int:
        return len({p.order_id for p in self.parcels})

    @property
    def total_weight_g(self) -> int:
        return sum(p.weight_g or 0 for p in self.parcels)


def _sheet(session: Session, manifest: Manifest) -> ManifestSheet:
    carrier = session.get(Carrier, manifest.carrier_id)
    assert carrier is not None
    wh = session.exec(select(Warehouse).order_by(col(Warehouse.id))).first()
    closer = session.get(Operator, manifest.closed_by_id) if manifest.closed_by_id else None
    address = (
        [
            x
            for x in (
                wh.address1,
                wh.address2,
                f"{wh.zip} {wh.city}".strip(),
                wh.country_code,
            )
            if x
        ]
        if wh
        else []
    )
    return ManifestSheet(
        number=manifest.number,
        carrier_code=carrier.code,
        carrier_name=carrier.name,
        day=manifest.day,
        status=str(manifest.status),
        closed_at=manifest.closed_at,
        closed_by=closer.name if closer else "",
        warehouse_name=wh.name if wh else "",
        warehouse_address=address,
        timezone=str(warehouse_zone(session)),
        company_prefix_length=len(wh.gs1_company_prefix) if wh else 7,
        parcels=parcel_lines(
            session,
            Parcel.manifest_id == manifest.id,
            order_by=(col(Order.name), col(Parcel.seq), col(Parcel.id)),
        ),
    )


CSV_COLUMNS = (
    "manifest",
    "carrier",
    "day",
    "order",
    "parcel",
    "of",
    "sscc",
    "tracking_number",
    "weight_kg",
    "service",
    "ship_name",
    "ship_company",
    "ship_address1",
    "ship_zip",
    "ship_city",
    "ship_country",
    "packed_by",
    "loaded_at",
    "loaded_by",
)


def write_csv(sheet: ManifestSheet, path: Path) -> Path:
    """One row per parcel. UTF-8 with a BOM so a spreadsheet shows Hangul and Å right."""
    from wms_tui.printing.output import atomic_file

    tz = days.zone(sheet.timezone)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = safe_writer(fh)
        w.writerow(CSV_COLUMNS)
        for p in sheet.parcels:
            w.writerow(
                (
                    sheet.number,
                    sheet.carrier_code,
                    sheet.day.isoformat(),
                    p.order_name,
                    p.seq,
                    p.count,
                    p.sscc,
                    p.tracking_number,
                    f"{p.weight_g / 1000:.3f}" if p.weight_g is not None else "",
                    p.service_code,
                    p.ship_name,
                    p.ship_company,
                    p.ship_address1,
                    p.ship_zip,
                    p.ship_city,
                    p.ship_country,
                    p.packed_by,
                    days.local_time(p.loaded_at, tz, "%Y-%m-%d %H:%M"),
                    p.loaded_by,
                )
            )
    return path


def render_pdf(sheet: ManifestSheet, path: Path, address: Address | None) -> Path:
    """The manifest PDF the driver signs, drawn by the printing toolkit."""
    from wms_tui.printing.documents import ManifestData, ManifestParcel
    from wms_tui.printing.manifest import render_manifest_pdf

    data = ManifestData(
        carrier_name=sheet.carrier_name,
        manifest_number=sheet.number,
        manifest_date=sheet.day,
        parcels=tuple(
            ManifestParcel(
                order_name=p.label if p.count > 1 else p.order_name,
                sscc=p.sscc,
                tracking_number=p.tracking_number,
                weight_g=p.weight_g or 0,
                service_name=p.service_name or p.service_code or "—",
            )
            for p in sheet.parcels
        ),
        shipper=address,
        company_prefix_length=sheet.company_prefix_length,
    )
    return render_manifest_pdf(data, path)


def _shipper(session: Session) -> Address | None:
    from wms_tui.printing.address import Address

    wh = session.exec(select(Warehouse).order_by(col(Warehouse.id))).first()
    if wh is None or not (wh.address1 and wh.city):
        return None
    return Address(
        name=wh.name,
        company=wh.name,
        line1=wh.address1,
        line2=wh.address2,
        city=wh.city,
        postcode=wh.zip,
        region=wh.region,
        country_code=wh.country_code,
        phone=wh.phone,
    )


def output_dir(session: Session) -> Path:
    folder = document_folders.folder(session, "label_dir") / "manifests"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_files(session: Session, manifest: Manifest) -> tuple[ManifestSheet, Path, Path]:
    """CSV and PDF of ``manifest``; a failure raises a one-line DomainError."""
    from wms_tui.printing.errors import PrintError
    from wms_tui.printing.output import output_path, safe_filename

    sheet = _sheet(session, manifest)
    folder = output_dir(session)
    try:
        csv_path = write_csv(
            sheet, output_path(folder, safe_filename("manifest", manifest.number, ext="csv"))
        )
        pdf_path = render_pdf(
            sheet,
            output_path(folder, safe_filename("manifest", manifest.number, ext="pdf")),
            _shipper(session),
        )
    except (OSError, PrintError, ValueError) as exc:
        raise DomainError(f"Could not write manifest {manifest.number} to {folder}: {exc}") from exc
    return sheet, csv_path, pdf_path


def print_sheet(session: Session, actor: Actor, path: Path) -> str:
    """Send the PDF to this terminal's printer (or ``WMS_PRINTER``); "" or what went wrong."""
    from wms_tui.printing.errors import PrintError
    from wms_tui.printing.output import send_to_printer

    station = session.exec(select(Station).where(Station.code == actor.terminal)).first()
    printer = (station.printer if station else None) or os.environ.get("WMS_PRINTER")
    try:
        send_to_printer(path, printer)
    except PrintError as exc:
        return f"{exc}; the PDF is in {path}"
    return ""
