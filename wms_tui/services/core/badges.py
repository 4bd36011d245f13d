"""Badge → operator: the one lookup every login, approval and command uses.

A badge is read the way the login screen always read it (``clean_scan``:
the CR/GS a scanner appends and surrounding spaces dropped), then matched
exactly, and failing that without regard to case when that names one
operator: a badge typed by hand on a handheld is often lower case, and
setup files keep badges as written.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import Operator
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt

BADGE_MAX = 32


def badge_code(raw: str | None) -> str:
    return clean_scan(raw or "")


def find_operator(session: Session, raw: str | None) -> Operator | None:
    """The operator (active or not) whose badge was scanned or typed, or None."""
    code = badge_code(raw)
    if not code or len(code) > BADGE_MAX or "\x00" in code:
        return None
    op = session.exec(select(Operator).where(Operator.badge == code)).first()
    if op is not None:
        return op
    same = session.exec(
        select(Operator).where(func.upper(Operator.badge) == code.upper()).limit(2)
    ).all()
    return same[0] if len(same) == 1 else None


def operator_by_badge(
    session: Session, raw: str | None, *, hint: str = "see a supervisor"
) -> Operator:
    """The active operator behind a badge; :class:`NotFound` in one line otherwise."""
    if not badge_code(raw):
        raise NotFound("Scan or type a badge")
    op = find_operator(session, raw)
    if op is None or not op.active:
        raise NotFound(f"Unknown badge {excerpt(badge_code(raw))}: {hint}")
    return op


def operator_name(session: Session, operator_id: int | None) -> str:
    """Who holds or did something, for a sentence ("open at PACK-1 by Ana"): "someone"
    when no one is named, "operator 7" for a row since removed; never empty."""
    if operator_id is None:
        return "someone"
    op = session.get(Operator, operator_id)
    return op.name if op else f"operator {operator_id}"


def actor_for(op: Operator, terminal: str) -> Actor:
    return Actor(operator_id=op.id, name=op.name, roles=op.role_set, terminal=terminal)
