"""Courier labels, customs papers and packing slips of a packed order: rendered, printed, followed.

The database commit of a close never waits for a printer: the pack service
commits first, then :func:`produce` renders the files from the stored rows
(:mod:`paper_data`) and sends them to the station's printers
(:mod:`station_printers`), reporting problems as lines for the screen instead
of raising. A reprint is :mod:`reprint`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from wms_tui.adapters.printers import Job, JobTrouble
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Order, Warehouse
from wms_tui.domain.text import plural
from wms_tui.services.core import document_folders
from wms_tui.services.packing import print_exceptions
from wms_tui.services.packing.paper_data import (
    bundle,
    customs_papers,
    label_data,
    papers_with,
    printed_parcels,
    slip_data,
)
from wms_tui.services.packing.station_printers import (
    LABEL_STOCK,
    forget_fonts,
    printer_for,
    send_fonts,
    station_print,
)
from wms_tui.store import Store


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
        b = bundle(s, order, parcels)
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
