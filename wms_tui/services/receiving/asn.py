"""Importing expected deliveries (advance shipping notices) from a supplier CSV.

The file itself (columns, rows, problems) is read by :mod:`wms_tui.adapters.asn_csv`.

One row per SKU of a delivery; consecutive rows sharing a ``reference`` form one
delivery. The file is streamed (flat memory however large) and imported in one
transaction: one bad row and nothing is imported, with every problem reported
by row number and column (the first 500 kept). See docs/receiving.md for the format.

Re-importing is safe: a delivery whose lines are unchanged is left alone, one not
yet being received is updated, and one being received or closed is refused.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from wms_tui.adapters.asn_csv import COLUMNS, AsnDelivery, RowError, Utf8Lines, read_asn
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import DeliveryStatus, EventKind, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Delivery, DeliveryLine, Product
from wms_tui.domain.text import plural
from wms_tui.services.core import events
from wms_tui.store import Store, UnitOfWork, retrying


class AsnImportError(DomainError):
    """The file has problems; nothing was imported. ``errors`` holds the first
    :data:`MAX_ERRORS` of them (a million bad rows are not kept in memory)."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        n = total if total is not None else len(errors)
        super().__init__(f"{plural(n, 'problem')} in the ASN file; nothing imported")


MAX_ERRORS = 500


class _Problems:
    """Problems in file order, the first MAX_ERRORS kept, all counted."""

    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.total = 0

    def append(self, error: RowError) -> None:
        self.total += 1
        if len(self.kept) < MAX_ERRORS:
            self.kept.append(error)

    def __bool__(self) -> bool:
        return self.total > 0

    def sorted(self) -> list[RowError]:
        return sorted(self.kept, key=lambda e: (e.row, COLUMNS.index(e.column) if e.column else -1))


@dataclass(frozen=True)
class ImportedDelivery:
    reference: str
    supplier: str
    expected_date: date | None
    skus: int
    units: int
    action: str  # new | updated | unchanged


@contextmanager
def _text(data: bytes | Path) -> Iterator[Any]:
    """The file as text, streamed from disk when it is a path."""
    if isinstance(data, Path):
        with data.open("rb") as fh:
            yield Utf8Lines(fh)
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise AsnImportError(
            [RowError(row, "", "the file is not UTF-8 (save it as CSV UTF-8)")]
        ) from None
    yield io.StringIO(text, newline="")


@retrying
def import_asn(
    store: Store, actor: Actor, data: bytes | Path, *, dry_run: bool = False
) -> list[ImportedDelivery]:
    """Import (or with ``dry_run`` only check) an ASN file; raises :class:`AsnImportError`.

    Streamed: each delivery is checked and written as it is read, inside one
    transaction that commits only when the whole file had no problem, so the
    memory used stays flat however large the file.
    """
    actor.require(Role.RECEIVER, Role.SUPERVISOR, action="import expected deliveries")
    problems = _Problems()
    result: list[ImportedDelivery] = []
    products: dict[str, tuple[int, bool]] = {}  # sku -> (id, active): at most the catalogue
    with store.unit_of_work() as uow, _text(data) as stream:
        s = uow.session
        for item in read_asn(stream):
            if isinstance(item, RowError):
                problems.append(item)
                continue
            d = item
            wanted = [sku for sku in d.rows if sku not in products]
            if wanted:
                for sku, pid, active in s.exec(
                    select(Product.sku, Product.id, Product.active).where(
                        col(Product.sku).in_(wanted)
                    )
                ):
                    products[sku] = (pid, active)
            for sku, row in d.rows.items():
                if sku not in products:
                    problems.append(RowError(row, "sku", f"unknown SKU {sku[:40]!r}"))
                elif not products[sku][1]:
                    problems.append(RowError(row, "sku", f"SKU {sku} is not active"))
            old = s.exec(select(Delivery).where(Delivery.reference == d.reference)).first()
            old_lines = _delivery_lines(s, old) if old is not None else {}
            if old is not None:
                status = DeliveryStatus(old.status)
                if status is not DeliveryStatus.EXPECTED and (
                    status is DeliveryStatus.CLOSED or old_lines != d.lines
                ):
                    what = "closed" if status is DeliveryStatus.CLOSED else "already being received"
                    problems.append(
                        RowError(d.first_row, "reference", f"delivery {d.reference} is {what}")
                    )
            if problems:
                continue  # keep checking the rest; nothing will be written
            action = "new"
            if old is not None:
                same = (
                    old_lines == d.lines
                    and old.supplier == d.supplier
                    and old.expected_date == d.expected_date
                )
                if same or DeliveryStatus(old.status) is not DeliveryStatus.EXPECTED:
                    action = "unchanged"
                else:
                    action = "updated"
            result.append(
                ImportedDelivery(
                    d.reference, d.supplier, d.expected_date, len(d.lines), d.units, action
                )
            )
            if dry_run or action == "unchanged":
                continue
            _write(uow, actor, d, old, action, products)
        if problems:
            raise AsnImportError(problems.sorted(), problems.total)
        if not dry_run:
            uow.commit()
    return result


def _write(
    uow: UnitOfWork,
    actor: Actor,
    d: AsnDelivery,
    old: Delivery | None,
    action: str,
    products: dict[str, tuple[int, bool]],
) -> None:
    s = uow.session
    if old is None:
        old = Delivery(reference=d.reference)
    old.supplier = d.supplier
    old.expected_date = d.expected_date
    uow.add(old)
    uow.flush()
    current = {
        ln.product_id: ln
        for ln in s.exec(select(DeliveryLine).where(DeliveryLine.delivery_id == old.id))
    }
    for sku, qty in d.lines.items():
        pid = products[sku][0]
        line = current.pop(pid, None) or DeliveryLine(delivery_id=old.id, product_id=pid)
        line.expected_qty = qty
        uow.add(line)
    for gone in current.values():
        s.delete(gone)
    events.log(
        uow,
        actor,
        EventKind.DELIVERY_IMPORTED,
        delivery_ref=d.reference,
        qty=d.units,
        detail=f"{action}: {plural(len(d.lines), 'SKU')} from {d.supplier or 'unknown supplier'}",
    )
    # Written: let the session forget this delivery's rows (flat memory).
    uow.flush()
    s.expunge_all()


def _delivery_lines(session, d: Delivery) -> dict[str, int]:
    rows = session.exec(
        select(Product.sku, DeliveryLine.expected_qty)
        .join(Product, col(Product.id) == DeliveryLine.product_id)
        .where(DeliveryLine.delivery_id == d.id)
    ).all()
    return {sku: qty for sku, qty in rows if qty > 0}
