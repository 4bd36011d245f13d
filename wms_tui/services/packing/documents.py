"""Courier labels and packing slips from the database: data, file names, printing.

Everything printed is rebuilt from the rows packing stored (parcels with SSCC,
tracking number, weight, packer and time; order lines with packed and short
quantities; confirmed inserts), so a reprint is always possible and always
shows the same thing. The database commit of a close never waits for a
printer: the pack service commits first, then :func:`produce` renders the
files and sends them to the station's printer, reporting problems as lines
for the screen instead of raising.

Before committing a close, :func:`check_printable` builds the same data once,
so an order whose address cannot go on a label (no country, no street) is
refused while it can still be fixed, not discovered after it was packed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, col, select

from wms_tui.adapters.printers import Job, JobTrouble, Printer
from wms_tui.domain import customs as customs_rules
from wms_tui.domain.actor import Actor
from wms_tui.domain.codes import rma_code
from wms_tui.domain.countries import is_country
from wms_tui.domain.enums import EventKind, OrderStatus, ParcelStatus, Role
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.identifiers.sscc import make_gsin
from wms_tui.domain.models import (
    Carrier,
    Event,
    Order,
    OrderLine,
    Parcel,
    Service,
    Station,
    Warehouse,
)
from wms_tui.domain.shown import excerpt
from wms_tui.domain.text import plural
from wms_tui.printing.documents import (
    Address,
    CustomsData,
    CustomsItem,
    LabelData,
    ParcelInfo,
    SlipData,
    SlipLine,
)
from wms_tui.services.core import document_folders, events, order_names, settings
from wms_tui.services.core.clock import zone_of
from wms_tui.services.packing import customs, print_exceptions
from wms_tui.services.packing.state import inserts_for, station_row
from wms_tui.store import Store, retrying

ENV_PRINTER = "WMS_PRINTER"
LABEL_FORMATS = ("pdf", "zpl")
PRINTED_STATUSES = (ParcelStatus.CLOSED, ParcelStatus.LOADED, ParcelStatus.MANIFESTED)


@dataclass(frozen=True)
class StationPrint:
    """A station's printers: labels to ``printer``, A4 papers to ``document_printer``."""

    printer: str | None
    label_format: str = "pdf"
    label_size: str = "4x6"
    document_printer: str | None = None
    dpi: int = 203
    transport: str = "cups"


@dataclass(frozen=True)
class Documents:
    """What :func:`produce` did: files written, printer jobs sent, problems to show."""

    files: tuple[Path, ...] = ()
    printed: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    #: jobs CUPS took that wait (a stopped queue, a hold, a printer not answering): they
    #: print once the cause is removed, so no reprint
    held: tuple[str, ...] = ()
    #: the stopped queues' names, for the short form of ``held``
    held_queues: tuple[str, ...] = ()
    #: the short forms of the other waiting jobs ("held: lp -i zebra-1-7 -H resume")
    held_short: tuple[str, ...] = ()
    #: ``problems`` in a handheld's words, when they have a shorter form (a lost job)
    short_problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and not self.held

    def summary(self) -> str:
        names = ", ".join(p.name for p in self.files) or "no files"
        where = f"; printed on {', '.join(sorted(set(self.printed)))}" if self.printed else ""
        return f"{plural(len(self.files), 'document')}: {names}{where}"

    def short_summary(self) -> str:
        """For a handheld's two rows: how many, and printed or only saved."""
        return f"{plural(len(self.files), 'document')} {'printed' if self.printed else 'saved'}"

    def short_trouble(self) -> str:
        """``problems`` and ``held`` for a handheld's two rows: a held job's whole sentence
        ("…; printing again would print it twice") left the way to start the queue cut off."""
        held = [f"queue stopped: cupsenable {q}" for q in self.held_queues]
        lines = (self.short_problems or self.problems) + tuple(held) + self.held_short
        return "; ".join(dict.fromkeys(lines))  # a lost font job and its label: said once


@dataclass
class _Bundle:
    order: Order
    warehouse: Warehouse
    carrier: Carrier | None
    service: Service | None
    parcels: list[Parcel]
    lines: list[OrderLine] = field(default_factory=list)
    # The shipment's goods, one entry per SKU (customs.declared_items).
    items: list[dict] = field(default_factory=list)
    # The same per parcel (parcel id -> its goods), when leaving the EU: a postal item's
    # declaration lists what is in that item.
    parcel_items: dict[int, list[dict]] = field(default_factory=dict)

    declare: bool = False  # leaves the EU: a customs paper goes with it
    currency: str = "SEK"  # the shop's: the products' customs values are in it
    incoterms: str = customs_rules.DEFAULT_INCOTERMS  # who pays the import duties

    @property
    def dangerous_goods(self) -> tuple[str, ...]:
        return tuple(sorted({i["dangerous_goods"] for i in self.items if i["dangerous_goods"]}))


# --------------------------------------------------------------------------- rows -> data

_WAREHOUSE = "wms_warehouse"


def warehouse(session: Session) -> Warehouse:
    """The warehouse row, read once per session (closing a parcel asked three times)."""
    w = session.info.get(_WAREHOUSE)
    if w is None:
        w = session.exec(select(Warehouse).order_by(col(Warehouse.id)).limit(1)).first()
        session.info[_WAREHOUSE] = w
    if w is None:
        raise DomainError("No warehouse is set up (address, GS1 prefix): ask a supervisor")
    return w


def local_time(w: Warehouse, at: datetime) -> datetime:
    return at.astimezone(zone_of(w))


def warehouse_address(w: Warehouse, name: str | None = None) -> Address:
    return Address(
        name=name or w.name,
        line1=w.address1,
        line2=w.address2,
        city=w.city,
        postcode=w.zip,
        region=w.region,
        country_code=w.country_code,
        phone=w.phone,
    )


def ship_to(order: Order) -> Address:
    """The delivery address; refuses one no courier could deliver to."""
    missing = [
        what
        for what, value in (
            ("name", order.ship_name or order.customer_name),
            ("street", order.ship_address1),
            ("town", order.ship_city),
        )
        if not value.strip()
    ]
    if missing:
        raise DomainError(
            f"Order {order.name} has no {' or '.join(missing)} in its address: "
            "a supervisor must fix it before the label can print"
        )
    if not is_country(order.ship_country.strip()):
        # The label's own check takes any two letters; a carrier refuses "ZZ" at handover.
        raise _not_a_country(order)
    try:
        return Address(
            name=order.ship_name or order.customer_name,
            company=order.ship_company,
            line1=order.ship_address1,
            line2=order.ship_address2,
            city=order.ship_city,
            postcode=order.ship_zip,
            region=order.ship_province,
            country_code=order.ship_country,
            phone=recipient_phone(order),
        )
    except ValueError:
        raise _not_a_country(order) from None


def _not_a_country(order: Order) -> DomainError:
    return DomainError(
        f"Order {order.name} has country {order.ship_country[:20]!r}, not an ISO country code: "
        "a supervisor must fix the address"
    )


def recipient_phone(order: Order) -> str:
    """The courier calls the person the parcel is for: on a gift order that is not the
    buyer, so the buyer's number is never put in the recipient's place."""
    if order.ship_phone.strip():
        return order.ship_phone
    gift = bool(order.gift_message.strip()) or "gift" in order.tag_set
    return "" if gift else order.phone


def consignment(w: Warehouse, order: Order) -> str:
    """The GSIN every parcel of the order's shipment carries."""
    return make_gsin(w.gs1_company_prefix, order.id or 0)


def label_data(b: _Bundle, parcel: Parcel, index: int) -> LabelData:
    assert parcel.sscc and parcel.tracking_number and parcel.packed_at
    w = b.warehouse
    return LabelData(
        ship_from=warehouse_address(w),
        ship_to=ship_to(b.order),
        carrier_name=b.carrier.name if b.carrier else "",
        service_name=b.service.name if b.service else b.order.shipping_method,
        weight_g=parcel.weight_g or 0,
        package_index=index,
        package_count=len(b.parcels),
        order_name=b.order.name,
        date=local_time(w, parcel.packed_at).date(),
        tracking_number=parcel.tracking_number,
        sscc=parcel.sscc,
        company_prefix_length=len(w.gs1_company_prefix),
        consignment=consignment(w, b.order),
        dangerous_goods=b.dangerous_goods,
        # A courier's label says who pays the duties of a shipment leaving the EU; a postal
        # item's terms are its service's, not printed.
        terms=b.incoterms if b.declare and not customs.is_postal(b.carrier) else "",
    )


def customs_papers(b: _Bundle) -> list[CustomsData]:
    """The shipment's customs papers; none when it stays inside the EU.

    A postal operator gets a CN 22 or CN 23 per parcel: the UPU forms declare one item
    ("No. of item"), are attached to that item and list what is in it, and the form is
    chosen by that item's value. A courier gets one commercial invoice for the shipment,
    listing every parcel. An order whose parcels' contents were not recorded (no pack
    scans per parcel) keeps one declaration for all its parcels, as it has nothing else.
    """
    if not b.declare or not b.items:
        return []
    w, o = b.warehouse, b.order
    first = b.parcels[0]
    assert first.packed_at is not None
    common = {
        "sender": warehouse_address(w),
        "recipient": ship_to(o),
        "order_name": o.name,
        "consignment": consignment(w, o),
        "currency": b.currency,
        "category": "Gift" if o.gift_message.strip() else "Sale of goods",
        "parcel_count": len(b.parcels),
        "carrier_name": b.carrier.name if b.carrier else "",
        "incoterms": b.incoterms,
    }
    postal = customs.is_postal(b.carrier)
    known = len(b.parcels) == 1 or all(b.parcel_items.get(p.id or 0) for p in b.parcels)
    if not postal or not known:
        items = tuple(CustomsItem(**item) for item in b.items)
        total = sum((i.value for i in items), Decimal(0))
        return [
            CustomsData(
                form=customs_rules.form_for(postal, total, b.currency),
                tracking_numbers=tuple(p.tracking_number or "" for p in b.parcels),
                items=items,
                date=local_time(w, first.packed_at).date(),
                signed_by=first.packed_by_name,
                gross_weight_g=sum(p.weight_g or 0 for p in b.parcels),
                **common,  # type: ignore[arg-type]
            )
        ]
    papers = []
    for index, parcel in enumerate(b.parcels, start=1):
        goods = b.parcel_items.get(parcel.id or 0) or (b.items if len(b.parcels) == 1 else [])
        items = tuple(CustomsItem(**item) for item in goods)
        total = sum((i.value for i in items), Decimal(0))
        papers.append(
            CustomsData(
                form=customs_rules.form_for(True, total, b.currency),
                tracking_numbers=(parcel.tracking_number or "",),
                items=items,
                date=local_time(w, parcel.packed_at or first.packed_at).date(),
                signed_by=parcel.packed_by_name or first.packed_by_name,
                gross_weight_g=parcel.weight_g or 0,
                parcel_index=index,
                **common,  # type: ignore[arg-type]
            )
        )
    return papers


def confirmed_insert_labels(session: Session, order: Order) -> list[str]:
    """What the customer finds in the parcel besides the goods, in their words:
    the packer's instructions (``Insert.label``) never reach the slip."""
    done = set(
        session.exec(
            select(Event.detail).where(
                Event.order_id == order.id, Event.kind == EventKind.PACK_INSERT
            )
        ).all()
    )
    return [i.slip for i in inserts_for(session, order) if i.key in done and i.slip]


def is_gift(order: Order) -> bool:
    return bool((order.gift_message or "").strip()) or "gift-wrap" in order.tag_set


def slip_data(session: Session, b: _Bundle) -> SlipData:
    w, o = b.warehouse, b.order
    first = b.parcels[0]
    assert first.packed_at is not None
    gift = is_gift(o)
    recipient = ship_to(o)
    if gift:
        # A gift's slip is read by the recipient: none of the buyer's details.
        recipient = replace(recipient, phone="")
    return SlipData(
        shop_name=settings.get(session, "shop_name"),
        shop_address=warehouse_address(w, settings.get(session, "shop_name")),
        order_name=o.name,
        order_date=local_time(w, o.created_at).date(),
        ship_to=recipient,
        email="" if gift else o.email,
        lines=[
            SlipLine(
                sku=ln.sku,
                name=ln.name,
                options=ln.options,
                qty_ordered=ln.quantity,
                qty_packed=ln.qty_packed,
                short_reason=ln.short_reason or None,
            )
            for ln in b.lines
            if ln.quantity > 0
        ],
        gift_message=o.gift_message,
        notes=o.notes,
        inserts=confirmed_insert_labels(session, o),
        # Name and station: the slip is the packer's signature on the parcel.
        packed_by=" · ".join(x for x in (first.packed_by_name, first.terminal) if x),
        packed_at=local_time(w, first.packed_at),
        return_policy=settings.get(session, "return_policy"),
        rma=rma_code(o.id),  # type: ignore[arg-type]
        parcel=ParcelInfo(
            carrier_name=b.carrier.name if b.carrier else "",
            service_name=b.service.name if b.service else o.shipping_method,
            tracking_numbers=[p.tracking_number or "" for p in b.parcels],
            weight_g=sum(p.weight_g or 0 for p in b.parcels),
            package_count=len(b.parcels),
        ),
    )


def _bundle(session: Session, order: Order, parcels: list[Parcel]) -> _Bundle:
    w = warehouse(session)
    declare = customs.needs_declaration(order, w.country_code)
    return _Bundle(
        order=order,
        warehouse=w,
        carrier=session.get(Carrier, order.carrier_id) if order.carrier_id else None,
        service=session.get(Service, order.service_id) if order.service_id else None,
        parcels=parcels,
        lines=list(
            session.exec(
                select(OrderLine)
                .where(OrderLine.order_id == order.id)
                .order_by(col(OrderLine.line_no))
            ).all()
        ),
        # Every parcel's label shows its shipment's dangerous goods, so the goods are read
        # for every order; the declaration only for one leaving the EU.
        items=customs.declared_items(session, order),
        parcel_items=(
            {
                p.id or 0: customs.declared_items(
                    session, order, customs.parcel_contents(session, p)
                )
                for p in parcels
            }
            if declare
            else {}
        ),
        declare=declare,
        currency=customs.shop_currency(session),
        incoterms=customs.incoterms(session),
    )


def check_printable(session: Session, order: Order, parcels: list[Parcel]) -> None:
    """Build every document's data for a close about to commit; DomainError if impossible."""
    b = _bundle(session, order, parcels)
    try:
        for i, p in enumerate(parcels, start=1):
            label_data(b, p, i)
        slip_data(session, b)
        customs_papers(b)
    except ValueError as exc:  # a renderer's own validation (SSCC, quantities, ...)
        raise DomainError(f"Cannot print the documents of {order.name}: {exc}") from None


# --------------------------------------------------------------------------- files


def label_filename(order_name: str, index: int, count: int, fmt: str = "pdf") -> str:
    from wms_tui.printing.output import safe_filename

    return safe_filename("label", order_name, f"{index}of{count}", ext=fmt)


def slip_filename(order_name: str) -> str:
    from wms_tui.printing.output import safe_filename

    return safe_filename("slip", order_name)


def customs_filename(
    order_name: str, form: str = "INVOICE", fmt: str = "pdf", index: int = 0, count: int = 1
) -> str:
    """``customs_…pdf`` (CN 23 or invoice, A4) or ``cn22_…`` (label stock, PDF or ZPL);
    a parcel's own declaration in a multi-parcel order ends ``_2of3`` like its label."""
    from wms_tui.printing.output import safe_filename

    part = f"{index}of{count}" if index and count > 1 else ""
    if form == "CN22":
        return safe_filename("cn22", order_name, part, ext=fmt)
    return safe_filename("customs", order_name, part)


def output_dir(session: Session) -> Path:
    return document_folders.folder(session, "label_dir")


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


def _paper(w: Warehouse) -> str:
    return "Letter" if w.country_code.upper() in ("US", "CA") else "A4"


def produce(
    store: Store,
    order_id: int,
    terminal: str,
    *,
    labels: bool = True,
    slip: bool = True,
    zpl: bool | None = None,
    printer: str | None = None,
    send: bool = True,
    only_parcel: int | None = None,
) -> Documents:
    """Render (and print) the labels and slip of a packed order from the database.

    ``only_parcel`` (a parcel's seq) renders that parcel's label alone.

    ``zpl`` None follows the station's label format. ``printer`` overrides the
    station's; ``send=False`` only writes files. Never raises for printing
    problems: they come back in ``Documents.problems`` for the screen (with the
    jobs CUPS aborted or cancelled: print again), and jobs waiting in CUPS (a
    stopped queue, a hold, a printer not answering) in ``Documents.held``. Each
    job is followed by its CUPS request id (``adapters.printers.confirm``); what
    did not print is also an exception in the supervisor's inbox, closed by the
    next print of the order that goes through.
    """
    from wms_tui.adapters.printers import PrinterError, confirm, send_file
    from wms_tui.printing.cn22 import cn22_program, render_cn22_pdf
    from wms_tui.printing.customs import render_customs_pdf
    from wms_tui.printing.errors import PrintError
    from wms_tui.printing.label import render_label_pdf
    from wms_tui.printing.output import output_path, write_atomically
    from wms_tui.printing.slip import render_slip_pdf
    from wms_tui.printing.zpl import label_program

    with store.read() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise NotFound(f"No order with id {order_id}")
        parcels = printed_parcels(s, order)
        if not parcels:
            raise DomainError(f"Order {order.name} has no closed parcel: nothing to print")
        b = _bundle(s, order, parcels)
        order_name = order.name
        setup = station_print(s, terminal)
        folder = output_dir(s)
        paper = _paper(b.warehouse)
        use_zpl = setup.label_format == "zpl" if zpl is None else zpl
        jobs: list[tuple[str, object]] = []
        problems: list[str] = []
        try:
            if labels:
                papers = papers_with(customs_papers(b), parcels, only_parcel)
                # A CN 22 is label stock: it comes out of the label printer right after its
                # parcel's label (or after the labels, one for the shipment); CN 23s and
                # invoices are A4, for the document printer.
                cn22s = {c.parcel_index: c for c in papers if c.form == "CN22"}
                for i, p in enumerate(parcels, start=1):
                    if only_parcel is None or p.seq == only_parcel:
                        jobs.append(("label", (label_data(b, p, i), i)))
                        if i in cn22s:
                            jobs.append(("cn22", cn22s.pop(i)))
                jobs.extend(("cn22", c) for c in cn22s.values())
                jobs.extend(("customs", c) for c in papers if c.form != "CN22")
            if slip:
                jobs.append(("slip", slip_data(s, b)))
        except (ValueError, DomainError) as exc:
            problems.append(f"Cannot build the documents: {exc}")
    files: list[Path] = []
    printed: list[str] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return Documents(problems=(f"Cannot create the label folder {folder}: {exc}",))
    count = len(parcels)
    rendered: list[tuple[str, Path]] = []
    zpl_fonts: set[str] = set()
    for kind, payload in jobs:
        try:
            if kind == "label":
                data, i = payload  # type: ignore[misc]
                if use_zpl:
                    path = output_path(folder, label_filename(order_name, i, count, "zpl"))
                    zpl_text, used = label_program(data, setup.label_size, dpi=setup.dpi)
                    write_atomically(path, zpl_text.encode("utf-8"))
                    zpl_fonts.update(used)
                else:
                    path = output_path(folder, label_filename(order_name, i, count))
                    render_label_pdf(data, path, setup.label_size, setup.dpi)  # type: ignore[arg-type]
            elif kind == "cn22":
                fmt = "zpl" if use_zpl else "pdf"
                at = (payload.parcel_index, payload.parcel_count)  # type: ignore[attr-defined]
                path = output_path(folder, customs_filename(order_name, "CN22", fmt, *at))
                if use_zpl:
                    zpl_text, used = cn22_program(payload, setup.label_size, dpi=setup.dpi)  # type: ignore[arg-type]
                    write_atomically(path, zpl_text.encode("utf-8"))
                    zpl_fonts.update(used)
                else:
                    render_cn22_pdf(payload, path, setup.label_size, setup.dpi)  # type: ignore[arg-type]
            elif kind == "customs":
                form = payload.form  # type: ignore[attr-defined]
                at = (payload.parcel_index, payload.parcel_count)  # type: ignore[attr-defined]
                path = output_path(folder, customs_filename(order_name, form, "pdf", *at))
                render_customs_pdf(payload, path, paper)  # type: ignore[arg-type]
            else:
                path = output_path(folder, slip_filename(order_name))
                render_slip_pdf(payload, path, paper)  # type: ignore[arg-type]
        except (PrintError, OSError, ValueError) as exc:
            problems.append(f"Cannot write the {kind}: {exc}")
            continue
        files.append(path)
        rendered.append((kind, path))
    held: dict[tuple[str, str], JobTrouble] = {}
    short_problems: tuple[str, ...] = ()
    roles: dict[str, str] = {}  # a CUPS job's request id -> which printer of the station
    if send:
        sent: list[tuple[str, Job]] = []
        failed: list[str] = []  # sent and refused, or lost in CUPS: print again
        failed_short: list[str] = []
        for kind, path in rendered:
            where = printer_for(kind, setup, printer)
            if where is None:
                continue
            role = "label printer" if kind in LABEL_STOCK else "document printer"
            try:
                if path.suffix == ".zpl" and zpl_fonts:
                    fonts, zpl_fonts = zpl_fonts, set()
                    fonts_job = send_fonts(store, terminal, where, fonts, known=printer is None)
                    if fonts_job is not None:
                        sent.append((role, fonts_job))
                sent.append((role, send_file(path, where, raw=path.suffix == ".zpl")))
            except PrinterError as exc:
                failed.append(f"{role}: {exc}")
                failed_short.append(failed[-1])
                break  # one line for the packer; the files stay for F10
            printed.append(where.name)
        roles = {job.id: role for role, job in sent if job.id}
        for trouble in confirm([job for _, job in sent]):
            role = roles[trouble.job.id]
            if trouble.job.name == "fonts" and trouble.lost:
                forget_fonts(store, terminal)  # the next label sends them again
            if trouble.lost:
                failed.append(f"{role}: {trouble.message}")
                failed_short.append(f"{role}: {trouble.short}")
            else:
                # Every job after a stopped queue's first waits with it: said once.
                held.setdefault((trouble.job.printer.name, trouble.fate), trouble)
        short_problems = (*problems, *failed_short) if failed_short != failed else ()
        problems.extend(failed)
        if sent or failed:
            waiting = [f"{roles[t.job.id]}: {t.message}" for t in held.values()]
            print_exceptions.record(store, order_id, terminal, failed + waiting)
    return Documents(
        tuple(files),
        tuple(printed),
        tuple(problems),
        tuple(f"{roles[t.job.id]}: {t.message}" for t in held.values()),
        tuple(t.job.printer.name for t in held.values() if t.fate == "stopped"),
        tuple(t.short for t in held.values() if t.fate != "stopped"),
        short_problems,
    )


def papers_with(
    papers: list[CustomsData], parcels: list[Parcel], only_parcel: int | None
) -> list[CustomsData]:
    """The customs papers that go with the labels printed: all of them, or for one parcel's
    label its own CN 22/CN 23, or the shipment's paper that covers it (a relabelled parcel
    leaving the EU needs its declaration on it as much as its label)."""
    if only_parcel is None:
        return papers
    index = next((i for i, p in enumerate(parcels, start=1) if p.seq == only_parcel), None)
    return [c for c in papers if c.parcel_index in (0, index)]


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


def printed_parcels(session: Session, order: Order) -> list[Parcel]:
    return list(
        session.exec(
            select(Parcel)
            .where(Parcel.order_id == order.id, col(Parcel.status).in_(PRINTED_STATUSES))
            .order_by(col(Parcel.seq))
        ).all()
    )


def find_packed_order(session: Session, code: str) -> tuple[Order, Parcel | None]:
    """An order by name (``#1042``, ``1042``, ``d1042``), or the parcel (and its
    order) an SSCC or tracking number names."""
    code = code.strip()
    order = order_names.find(session, code)
    if order is not None:
        return order, None
    parcel = session.exec(
        select(Parcel).where(
            (Parcel.tracking_number == code.upper()) | (Parcel.sscc == code.removeprefix("00"))
        )
    ).first()
    if parcel is not None:
        order = session.get(Order, parcel.order_id)
        if order is not None:
            return order, parcel
    raise NotFound(f"No order, SSCC or tracking number {excerpt(code)}")


@retrying
def reprint(
    store: Store,
    actor: Actor,
    code: str,
    *,
    labels: bool = True,
    slip: bool | None = None,
    zpl: bool | None = None,
    printer: str | None = None,
    send: bool = True,
) -> Documents:
    """Print a packed order's label(s) and/or slip again, from what was stored.

    An SSCC or tracking number names one parcel: only that parcel's label is
    printed again (the others of the order are on their boxes already), with its
    customs paper when it leaves the EU.
    ``slip=None``: the slip when ``code`` names the order, not for one parcel.
    """
    actor.require(Role.PACKER, Role.SUPERVISOR, action="reprint labels")
    if not (labels or slip or slip is None):
        raise DomainError("Nothing to reprint: choose the label, the slip or both")
    with store.unit_of_work() as uow:
        order, parcel = find_packed_order(uow.session, code)
        only = parcel.seq if parcel is not None else None
        if slip is None:
            slip = only is None
            if not (labels or slip):
                raise DomainError("Nothing to reprint: choose the label, the slip or both")
        if parcel is not None and parcel.status not in PRINTED_STATUSES:
            raise DomainError(f"Parcel {code.strip()} of {order.name} is not closed: no label yet")
        if not printed_parcels(uow.session, order):
            status = OrderStatus(order.status)
            raise DomainError(
                f"Order {order.name} is {status.label}, not packed: nothing to reprint"
            )
        what = " and ".join(w for w, on in (("label", labels), ("slip", slip)) if on)
        events.log(
            uow,
            actor,
            EventKind.LABEL_REPRINT,
            order=order,
            detail=f"{what}{' zpl' if zpl else ''}"
            + (f" of parcel {only}" if only is not None else ""),
        )
        order_id = order.id
        uow.commit()
    return produce(
        store,
        order_id,  # type: ignore[arg-type]
        actor.terminal,
        only_parcel=only,
        labels=labels,
        slip=slip,
        zpl=zpl,
        printer=printer,
        send=send,
    )
