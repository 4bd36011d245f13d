"""The configurable list of return reasons, each controllable or not.

Controllable reasons (wrong item sent, damaged by packing, ...) are the
warehouse's own errors and feed the accountability report; uncontrollable ones
(changed mind, wrong size ordered, ...) are the customer's. The defaults are
seeded by ``services.demo.seed_reference_data``; supervisors change the list
with ``wms returns reasons add/remove/import``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import func, select

from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import ReturnLine, ReturnReason
from wms_tui.services.core import events
from wms_tui.store import Store, UnitOfWork

_REASON_CODE = re.compile(r"^[A-Z0-9_-]{1,32}$")


@dataclass(frozen=True)
class ReasonInfo:
    code: str
    label: str
    controllable: bool


def list_reasons(store: Store) -> list[ReasonInfo]:
    """Controllable reasons first (they are the ones to fix), then by label."""
    with store.read() as s:
        rows = s.exec(select(ReturnReason)).all()
        reasons = [ReasonInfo(r.code, r.label, r.controllable) for r in rows]
    return sorted(reasons, key=lambda r: (not r.controllable, r.label.lower()))


def normalise_reason_code(code: str) -> str:
    norm = re.sub(r"\s+", "_", code.strip().upper())
    if not _REASON_CODE.match(norm):
        raise DomainError(
            f"Reason code {code!r} must be 1-32 letters, digits, _ or - (e.g. WRONG_ITEM)"
        )
    return norm


def _put_reason(uow: UnitOfWork, actor: Actor, code: str, label: str, controllable: bool) -> bool:
    code = normalise_reason_code(code)
    label = " ".join(label.split())
    if not label:
        raise DomainError(f"Reason {code} needs a label (what the returns desk reads)")
    row = uow.session.get(ReturnReason, code)
    created = row is None
    if row is None:
        row = ReturnReason(code=code, label=label, controllable=controllable)
    else:
        row.label, row.controllable = label, controllable
    uow.add(row)
    kind = "controllable" if controllable else "uncontrollable"
    events.log(
        uow,
        actor,
        EventKind.RETURN_REASON,
        detail=f"{'added' if created else 'changed'} {code}: {label} ({kind})",
    )
    return created


def put_reason(
    store: Store, code: str, label: str, controllable: bool, actor: Actor = SYSTEM
) -> bool:
    """Add a return reason or change an existing one; True when added."""
    actor.require(Role.SUPERVISOR, action="change return reasons")
    with store.unit_of_work() as uow:
        created = _put_reason(uow, actor, code, label, controllable)
        uow.commit()
    return created


def parse_controllable(value: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "true", "yes", "y", "controllable", "c"):
        return True
    if v in ("0", "false", "no", "n", "uncontrollable", "u"):
        return False
    raise DomainError(f"Controllable must be yes or no, not {value!r}")


def import_reasons(
    store: Store, rows: Sequence[Mapping[str, str]], actor: Actor = SYSTEM
) -> tuple[int, int]:
    """Reasons from CSV rows (code, label, controllable); (added, changed). All or nothing."""
    actor.require(Role.SUPERVISOR, action="change return reasons")
    added = changed = 0
    with store.unit_of_work() as uow:
        for n, row in enumerate(rows, start=2):  # row 1 is the header
            try:
                missing = [k for k in ("code", "label", "controllable") if k not in row]
                if missing:
                    raise DomainError(f"missing column {', '.join(missing)}")
                created = _put_reason(
                    uow,
                    actor,
                    row["code"] or "",
                    row["label"] or "",
                    parse_controllable(row["controllable"] or ""),
                )
            except DomainError as exc:
                raise DomainError(f"Row {n}: {exc}") from None
            added += created
            changed += not created
        uow.commit()
    return added, changed


def remove_reason(store: Store, code: str, actor: Actor = SYSTEM) -> None:
    """Delete a reason no return uses yet (used ones stay: the reports need them)."""
    actor.require(Role.SUPERVISOR, action="change return reasons")
    code = normalise_reason_code(code)
    with store.unit_of_work() as uow:
        row = uow.session.get(ReturnReason, code)
        if row is None:
            raise NotFound(f"Unknown return reason {code}")
        used = uow.session.exec(
            select(func.count()).select_from(ReturnLine).where(ReturnLine.reason_code == code)
        ).one()
        if used:
            raise DomainError(f"Reason {code} is used by {used} returned lines; it stays")
        uow.session.delete(row)
        events.log(uow, actor, EventKind.RETURN_REASON, detail=f"removed {code}")
        uow.commit()
