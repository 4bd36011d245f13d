"""PDFs of receiving: the discrepancy report and SKU labels for unlabelled products."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Delivery, Event, Warehouse
from wms_tui.printing.errors import PrintError
from wms_tui.printing.output import output_path, safe_filename
from wms_tui.printing.receiving_report import (
    DamageNote,
    ReceiptReportData,
    ReportLine,
    render_receipt_report,
)
from wms_tui.printing.sku_labels import Layout, SkuLabel, render_sku_labels, split_printable
from wms_tui.services.core import document_folders, events
from wms_tui.services.core.clock import zone_of
from wms_tui.services.receiving.deliveries import find_delivery, receipt_view
from wms_tui.services.receiving.receipt_undo import undone_scans
from wms_tui.store import Store, retrying


def _folder(session: Session, key: str, out_dir: Path | str | None) -> Path:
    folder = Path(out_dir) if out_dir is not None else document_folders.folder(session, key)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def report_data(session: Session, d: Delivery) -> ReceiptReportData:
    view = receipt_view(session, d)
    warehouse = session.exec(select(Warehouse)).first()
    tz = zone_of(warehouse)
    undone = undone_scans(session, d.reference)
    damages = [
        DamageNote(
            sku=ev.sku,
            qty=ev.qty or 0,
            reason=ev.detail,
            who=ev.operator_name,
            at=ev.at.astimezone(tz),
        )
        for ev in session.exec(
            select(Event)
            .where(Event.kind == EventKind.RECEIVING_DAMAGED, Event.delivery_ref == d.reference)
            .order_by(col(Event.at), col(Event.id))
        )
        if ev.id not in undone
    ]
    return ReceiptReportData(
        warehouse=warehouse.name if warehouse else "",
        reference=view.reference,
        supplier=view.supplier,
        expected_date=view.expected_date,
        blind=view.blind,
        status=view.status.value,
        closed_at=view.closed_at,
        closed_by=view.closed_by,
        printed_at=utcnow().astimezone(tz),
        lines=[
            ReportLine(
                ln.sku,
                ln.name,
                ln.options,
                ln.expected,
                ln.received,
                ln.damaged,
                ln.put_away,
                blind=ln.blind,
            )
            for ln in view.lines
        ],  # fmt: skip
        damages=damages,
    )


@retrying
def write_receipt_report(
    store: Store, actor: Actor, reference: str, out_dir: Path | str | None = None
) -> Path:
    """Write the discrepancy report PDF and remember its file on the delivery."""
    actor.require(Role.RECEIVER, Role.SUPERVISOR, action="write receiving reports")
    with store.read() as s:
        d = find_delivery(s, reference)
        data = report_data(s, d)
        folder = _folder(s, "report_dir", out_dir)
    try:
        path = output_path(folder, safe_filename("receipt", data.reference))
        render_receipt_report(data, path)
    except PrintError as exc:
        raise DomainError(f"Report not written: {exc}") from None
    with store.unit_of_work() as uow:
        d = find_delivery(uow.session, reference)
        d.report_file = str(path)
        uow.add(d)
        events.log(uow, actor, EventKind.RECEIPT_REPORT, delivery_ref=d.reference, detail=path.name)
        uow.commit()
    return path


def label_list(
    session: Session, d: Delivery, *, only_without_barcode: bool = True
) -> list[SkuLabel]:
    """One label per good unit received (damaged units stay in quarantine unlabelled)."""
    labels: list[SkuLabel] = []
    for ln in receipt_view(session, d).lines:
        if only_without_barcode and ln.has_barcode:
            continue
        labels += [SkuLabel(ln.sku, ln.name, ln.options)] * ln.good
    return labels


@dataclass(frozen=True)
class SkuLabelsWritten:
    path: Path
    count: int
    #: One line per SKU left out (too long for a scannable symbol on this label).
    skipped: tuple[str, ...] = ()


def write_sku_labels(
    store: Store,
    reference: str,
    *,
    layout: Layout = "sheet",
    only_without_barcode: bool = True,
    out_dir: Path | str | None = None,
) -> SkuLabelsWritten:
    """SKU labels PDF for a delivery: every label that can print; the SKUs that cannot
    are named in ``skipped`` instead of refusing the whole job."""
    with store.read() as s:
        d = find_delivery(s, reference)
        labels = label_list(s, d, only_without_barcode=only_without_barcode)
        folder = _folder(s, "label_dir", out_dir)
        ref = d.reference
    if not labels:
        what = "products without a barcode" if only_without_barcode else "units"
        raise DomainError(f"No received {what} on {ref}: no labels to print")
    suffix = layout if only_without_barcode else f"{layout}-all"
    printable, skipped = split_printable(labels, layout)
    if not printable:
        raise DomainError(f"No label can print: {'; '.join(skipped)}")
    try:
        path = output_path(folder, safe_filename("sku-labels", ref, suffix))
        render_sku_labels(printable, path, layout)
    except PrintError as exc:
        raise DomainError(str(exc)) from None
    return SkuLabelsWritten(path, len(printable), tuple(skipped))
