"""Paper pick lists: a task's stops in route order as a PDF, for teams that pick on paper.

The file lands in the label folder (setting ``label_dir``) under a safe name
built from the task code, and is sent to a printer when one is configured:
the terminal's station printer, else ``$WMS_PRINTER``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Station, Wave
from wms_tui.domain.text import plural
from wms_tui.services.core import document_folders
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.picking.task import TaskContext, get_task
from wms_tui.store import Store


@dataclass(frozen=True)
class PickListFile:
    task: str
    path: Path
    stops: int
    units: int
    printer: str | None  # None: saved only

    @property
    def message(self) -> str:
        return self.said_with(str(self.path))

    def said_with(self, file: str) -> str:
        """The message with the file said as ``file`` (a screen says less than a path)."""
        where = f"sent to {self.printer}" if self.printer else "saved"
        return f"Pick list {self.task} ({plural(self.stops, 'stop')}) {where}: {file}"


def pick_list_data(store: Store, task_code: str):
    """The :class:`PickListData` of a task: stops still to walk, in route order.

    Stops already done are left out so a reprint after a short pick shows what
    is left, including the new stops; a finished task prints all its stops.
    """
    from wms_tui.printing.documents import PickListData, PickStop

    with store.read() as s:
        task = get_task(s, task_code)
        ctx = TaskContext(s, task)
        lines = ctx.visiting_order() or [ln for ln in ctx.lines if ln.qty_picked]
        if not lines:
            raise DomainError(f"Task {task.code} has no stops to print")
        view = ctx.view()
        wave = s.get(Wave, task.wave_id) if task.wave_id else None
        stops = []
        for number, ln in enumerate(lines, start=1):
            info = ctx.stop_info(ln)
            qty = info.remaining if not info.done else info.picked
            stops.append(
                PickStop(
                    seq=number,
                    bin=info.bin,
                    sku=info.sku,
                    name=info.name,
                    options=info.options,
                    qty=qty,
                    # The cart slot: a tote code does not fit the column, and
                    # the header maps each slot to its tote and order.
                    tote=str(info.slot),
                )
            )
        return PickListData(
            task_code=task.code,
            picker=view.picker,
            pack_station=task.pack_station,
            stops=tuple(stops),
            created_at=wave.created_at.astimezone(warehouse_zone(s)) if wave else None,
            order_names=tuple(f"{t.slot}={t.code} {t.order}" for t in view.totes),
        )


def _printer(store: Store, terminal: str) -> str | None:
    if terminal:
        with store.read() as s:
            station = s.exec(select(Station).where(Station.code == terminal)).first()
            if station is not None and station.printer:
                return station.printer
    return os.environ.get("WMS_PRINTER") or None


def print_pick_list(
    store: Store,
    task_code: str,
    *,
    terminal: str = "",
    folder: Path | str | None = None,
    printer: str | None = None,
    paper: str = "A4",
) -> PickListFile:
    """Render a task's pick list to a PDF (and print it if a printer is set).

    Raises DomainError for an unknown task and ``PrintError`` when the file
    cannot be written or printed.
    """
    from wms_tui.printing.output import output_path, safe_filename, send_to_printer
    from wms_tui.printing.picklist import render_picklist_pdf

    data = pick_list_data(store, task_code)
    if folder is None:
        with store.read() as s:
            folder = document_folders.folder(s, "label_dir")
    target_dir = Path(folder)
    target_dir.mkdir(parents=True, exist_ok=True)
    path = output_path(target_dir, safe_filename("picklist", data.task_code))
    render_picklist_pdf(data, path, paper=paper)  # type: ignore[arg-type]
    chosen = printer if printer is not None else _printer(store, terminal)
    send_to_printer(path, chosen)
    return PickListFile(data.task_code, path, len(data.stops), data.total_units, chosen)
