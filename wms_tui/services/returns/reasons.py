"""The configurable list of return reasons, each with whose cause it is.

A reason's cause is our pick (wrong item sent), our pack (damaged by
packing), the carrier's (damaged in transit, late delivery), the customer's
(changed mind, wrong size ordered) or the supplier's (not as described).
Reports charge pickers only with pick reasons and packers only with pack
reasons; "controllable" (the warehouse's own share) is pick or pack. The
defaults are seeded by ``services.setup.reference_data``; supervisors
change the list with ``wms returns reasons add/remove/import``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import func, select

from wms_tui.adapters.csv_headers import repeated_column, repeated_message
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.enums import EventKind, ReasonCause, Role
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import ReturnLine, ReturnReason
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events
from wms_tui.store import Store, UnitOfWork, retrying

_REASON_CODE = re.compile(r"^[A-Z0-9_-]{1,32}$")


CAUSE_CHOICES = ", ".join(c.value.lower() for c in ReasonCause)


@dataclass(frozen=True)
class ReasonInfo:
    code: str
    label: str
    cause: ReasonCause

    @property
    def controllable(self) -> bool:
        return self.cause.ours


def _cause(value: str) -> ReasonCause:
    try:
        return ReasonCause(value)
    except ValueError:
        return ReasonCause.CUSTOMER  # a value written by hand in the database


def list_reasons(store: Store) -> list[ReasonInfo]:
    """Our own causes (pick, pack) first: they are the ones to fix; then by label."""
    with store.read() as s:
        rows = s.exec(select(ReturnReason)).all()
        reasons = [ReasonInfo(r.code, r.label, _cause(r.cause)) for r in rows]
    return sorted(reasons, key=lambda r: (not r.controllable, r.label.lower()))


def parse_cause(value: str) -> ReasonCause:
    """``pick``, ``our pack``, ``Carrier`` … as a cause; a one-line error otherwise."""
    v = " ".join(value.strip().lower().split())
    v = v.removeprefix("our ").removesuffix("'s")
    for cause in ReasonCause:
        if v in (cause.value.lower(), cause.label):
            return cause
    raise DomainError(f"Cause must be one of {CAUSE_CHOICES}, not {value.strip()!r}")


def normalise_reason_code(code: str) -> str:
    norm = re.sub(r"\s+", "_", code.strip().upper())
    if not _REASON_CODE.match(norm):
        raise DomainError(
            f"Reason code {code!r} must be 1-32 letters, digits, _ or - (e.g. WRONG_ITEM)"
        )
    return norm


def _put_reason(uow: UnitOfWork, actor: Actor, code: str, label: str, cause: ReasonCause) -> bool:
    code = normalise_reason_code(code)
    label = " ".join(label.split())
    if not label:
        raise DomainError(f"Reason {code} needs a label (what the returns desk reads)")
    row = uow.session.get(ReturnReason, code)
    created = row is None
    if row is None:
        row = ReturnReason(code=code, label=label, controllable=cause.ours, cause=cause.value)
    else:
        row.label, row.controllable, row.cause = label, cause.ours, cause.value
    uow.add(row)
    events.log(
        uow,
        actor,
        EventKind.RETURN_REASON,
        detail=f"{'added' if created else 'changed'} {code}: {label} ({cause.label})",
    )
    return created


@retrying
def put_reason(
    store: Store, code: str, label: str, cause: ReasonCause | str, actor: Actor = SYSTEM
) -> bool:
    """Add a return reason or change an existing one; True when added."""
    actor.require(Role.SUPERVISOR, action="change return reasons")
    cause = cause if isinstance(cause, ReasonCause) else parse_cause(cause)
    with store.unit_of_work() as uow:
        created = _put_reason(uow, actor, code, label, cause)
        uow.commit()
    return created


def read_reasons_file(path: Path) -> list[dict[str, str]]:
    """The rows of a return-reasons CSV (code, label, cause); DomainError if it
    cannot be read or names a column twice."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [h.strip().lower() for h in next(reader, [])]
            if twice := repeated_column(header):
                raise DomainError(f"{path.name}: {repeated_message(twice)}")
            return [dict(zip(header, row, strict=False)) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DomainError(f"Cannot read {path}: {exc}") from None


@retrying
def import_reasons(
    store: Store, rows: Sequence[Mapping[str, str]], actor: Actor = SYSTEM
) -> tuple[int, int]:
    """Reasons from CSV rows (code, label, cause); (added, changed). All or nothing."""
    actor.require(Role.SUPERVISOR, action="change return reasons")
    added = changed = 0
    with store.unit_of_work() as uow:
        for n, row in enumerate(rows, start=2):  # row 1 is the header
            try:
                missing = [k for k in ("code", "label", "cause") if k not in row]
                if missing:
                    raise DomainError(
                        f"missing column {', '.join(missing)} (cause: {CAUSE_CHOICES})"
                    )
                cause = parse_cause(row["cause"] or "")
                created = _put_reason(uow, actor, row["code"] or "", row["label"] or "", cause)
            except DomainError as exc:
                raise DomainError(f"Row {n}: {exc}") from None
            added += created
            changed += not created
        uow.commit()
    return added, changed


@retrying
def remove_reason(store: Store, code: str, actor: Actor = SYSTEM) -> None:
    """Delete a reason no return uses yet (used ones stay: the reports need them)."""
    actor.require(Role.SUPERVISOR, action="change return reasons")
    code = normalise_reason_code(code)
    with store.unit_of_work() as uow:
        row = uow.session.get(ReturnReason, code)
        if row is None:
            raise NotFound(f"Unknown return reason {excerpt(code)}")
        used = uow.session.exec(
            select(func.count()).select_from(ReturnLine).where(ReturnLine.reason_code == code)
        ).one()
        if used:
            raise DomainError(f"Reason {code} is used by {used} returned lines; it stays")
        uow.session.delete(row)
        events.log(uow, actor, EventKind.RETURN_REASON, detail=f"removed {code}")
        uow.commit()
