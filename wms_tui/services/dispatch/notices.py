"""Customer e-mails: shipping confirmations and delay notices.

Every notice is written as an ``.eml`` file (``email.message.EmailMessage``)
to the outbox folder (house rule ``outbox_dir``), where any mail tool can
pick it up or a person can read it. It is also sent by SMTP, but only when
``WMS_SMTP_HOST`` is set (building and sending the mail, and the SMTP settings,
are :mod:`wms_tui.adapters.mail`). A ``Notice`` row
per order and kind means a customer never gets the same notice twice; one
that could not be sent stays ``sent=False`` for :func:`send_pending`.

* **Shipped**: for a DISPATCHED order: carrier, service, tracking number(s),
  and the expected delivery date = dispatch day + the service's transit days
  in working days (:func:`wms_tui.domain.shipping_days.expected_delivery`).
* **Delay**: for an order that will miss its promised ship date, found by
  :mod:`wms_tui.services.dispatch.delays` (late, its carrier gone, cut-off
  passed, backordered with no stock coming in time, or behind today's pace).
  Orders ON_HOLD get none (a hold is a conversation with the customer already).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from wms_tui.adapters import mail
from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, OrderStatus, Role
from wms_tui.domain.models import Carrier, Notice, Order, Service
from wms_tui.printing.output import write_atomically
from wms_tui.services.core import events, settings
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch.shipments import shipped_parcels
from wms_tui.store import Store, retrying

SHIPPED = "shipped"
DELAY = "delay"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class NoticeRun:
    written: list[Path] = field(default_factory=list)
    sent: int = 0
    smtp: bool = False
    problems: list[str] = field(default_factory=list)  # one line each: order and why


# --------------------------------------------------------------------------- messages


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")


def file_name(order_name: str, order_id: int, kind: str) -> str:
    """``shipped-1042-17.eml``: safe characters only, the id keeps it unique."""
    safe = _safe(order_name)
    return f"{kind}-{safe + '-' if safe else ''}{order_id}.eml"


def _message(
    session: Session, order: Order, kind: str, subject: str, body: str, now: datetime
) -> EmailMessage:
    return mail.compose(
        sender=settings.get(session, "notice_from"),
        to_name=order.customer_name or order.ship_name,
        to_addr=order.email,
        subject=subject,
        body=body,
        now=now,
        headers={"X-WMS-Order": order.name, "X-WMS-Notice": kind},
    )


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def shipped_message(
    session: Session,
    order: Order,
    carrier: Carrier | None,
    service: Service | None,
    tracking: list[str],
    ship_day: date,
    now: datetime,
) -> EmailMessage:
    shop = settings.get(session, "shop_name")
    carrier_name = carrier.name if carrier else "our courier"
    service_text = f" ({service.name})" if service else ""
    eta = days.expected_delivery(ship_day, service.transit_days) if service else None
    if len(tracking) == 1:
        track = f"Tracking number: {tracking[0]}"
    elif tracking:
        lines = "\n".join(f"  parcel {i}: {t}" for i, t in enumerate(tracking, 1))
        track = f"Your order travels in {len(tracking)} parcels. Tracking numbers:\n{lines}"
    else:
        track = "Tracking number: not available"
    body = (
        f"Hello {order.customer_name or order.ship_name},\n\n"
        f"your order {order.name} left our warehouse on {_day(ship_day)} "
        f"with {carrier_name}{service_text}.\n\n"
        f"{track}\n"
        + (f"Expected delivery: {_day(eta)}\n" if eta else "")
        + f"\nThank you for shopping at {shop}.\n"
    )
    msg = _message(session, order, SHIPPED, f"Your order {order.name} is on its way", body, now)
    msg["X-WMS-Carrier"] = carrier.code if carrier else ""
    msg["X-WMS-Tracking"] = " ".join(tracking)
    if eta:
        msg["X-WMS-Expected-Delivery"] = eta.isoformat()
    return msg


def delay_message(
    session: Session,
    order: Order,
    new_ship_day: date | None,
    now: datetime,
) -> EmailMessage:
    shop = settings.get(session, "shop_name")
    promised = order.promised_ship_date
    when = (
        f"We now expect to send it on {_day(new_ship_day)}."
        if new_ship_day
        else "Some items are on their way to us; we will send it as soon as they arrive."
    )
    body = (
        f"Hello {order.customer_name or order.ship_name},\n\n"
        f"we are sorry: your order {order.name} will not leave our warehouse "
        + (f"on {_day(promised)} as promised. " if promised else "as soon as promised. ")
        + f"{when}\n\n"
        "You will get another e-mail with the tracking number when it ships.\n\n"
        f"{shop}\n"
    )
    msg = _message(session, order, DELAY, f"Your order {order.name} is delayed", body, now)
    if new_ship_day:
        msg["X-WMS-New-Ship-Date"] = new_ship_day.isoformat()
    return msg


# --------------------------------------------------------------------------- outbox + SMTP


def _outbox(session: Session) -> Path:
    folder = Path(settings.get(session, "outbox_dir"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _already(session: Session, order_ids: Iterable[int], kind: str) -> set[int]:
    ids = list(order_ids)
    if not ids:
        return set()
    return set(
        session.exec(
            select(Notice.order_id).where(col(Notice.order_id).in_(ids), Notice.kind == kind)
        ).all()
    )


# (order id, order name, message): plain values, safe outside the read session.
Item = tuple[int, str, EmailMessage]


@retrying
def _write(
    store: Store, items: list[Item], kind: str, run: NoticeRun, actor: Actor
) -> list[tuple[int, EmailMessage]]:
    """Write the .eml files and their Notice rows in one transaction."""
    out: list[tuple[int, EmailMessage]] = []
    if not items:
        return out
    with store.unit_of_work() as uow:
        s = uow.session
        done = _already(s, (oid for oid, _, _ in items), kind)  # a parallel run got there first
        folder = _outbox(s)
        try:
            for order_id, name, msg in items:
                if order_id in done:
                    continue
                path = folder / file_name(name, order_id, kind)
                write_atomically(path, msg.as_bytes())  # a mailer never sends half a mail
                notice = Notice(order_id=order_id, kind=kind, at=utcnow(), file=str(path))
                uow.add(notice)
                uow.flush()
                order = s.get(Order, order_id)
                events.log(uow, actor, EventKind.NOTICE_WRITTEN, order=order, detail=kind)
                run.written.append(path)
                out.append((notice.id, msg))
            uow.commit()
        except IntegrityError:  # uq_notice_order_kind: a parallel run won the race
            run.problems.append("Another terminal wrote these notices at the same moment")
            run.written.clear()
            return []
    return out


@retrying
def _send(
    store: Store, pending: list[tuple[int, EmailMessage]], run: NoticeRun, actor: Actor
) -> None:
    cfg = mail.smtp_config()
    run.smtp = cfg is not None
    if cfg is None or not pending:
        return
    outcome = mail.send(cfg, pending)
    messages = dict(pending)
    for notice_id, reason in outcome.refused:
        run.problems.append(f"{messages[notice_id]['X-WMS-Order']}: not sent ({reason})")
    if outcome.failure:
        run.problems.append(f"{outcome.failure}; the .eml files wait")
    sent_ids = outcome.sent
    if sent_ids:
        with store.unit_of_work() as uow:
            for n in uow.session.exec(select(Notice).where(col(Notice.id).in_(sent_ids))):
                n.sent = True
                uow.add(n)
            events.log(uow, actor, EventKind.NOTICE_SENT, qty=len(sent_ids), detail=cfg.host)
            uow.commit()
        run.sent += len(sent_ids)


def addressable(order: Order, run: NoticeRun) -> bool:
    """A usable e-mail address; else the order is named in ``run.problems``."""
    if _EMAIL.match(order.email or ""):
        return True
    run.problems.append(f"{order.name}: no usable e-mail address ({order.email or 'none'})")
    return False


# --------------------------------------------------------------------------- use cases


def shipping_confirmations(
    store: Store,
    actor: Actor,
    order_ids: Iterable[int] | None = None,
    *,
    day: date | None = None,
) -> NoticeRun:
    """Confirm every DISPATCHED order in ``order_ids`` (or dispatched on ``day``,
    default today) that has no shipping confirmation yet."""
    actor.require(Role.SUPERVISOR, action="write customer notices")
    run = NoticeRun()
    now = utcnow()
    with store.read() as s:
        tz = warehouse_zone(s)
        stmt = select(Order, Carrier, Service).where(Order.status == OrderStatus.DISPATCHED)
        stmt = stmt.join(Carrier, col(Carrier.id) == Order.carrier_id, isouter=True)
        stmt = stmt.join(Service, col(Service.id) == Order.service_id, isouter=True)
        if order_ids is not None:
            ids = list(order_ids)
            if not ids:
                return run
            stmt = stmt.where(col(Order.id).in_(ids))
        else:
            start, end = days.day_bounds(day or days.local_day(now, tz), tz)
            stmt = stmt.where(Order.status_changed_at >= start, Order.status_changed_at < end)
        rows = s.exec(stmt.order_by(col(Order.name))).all()
        done = _already(s, (o.id for o, _, _ in rows), SHIPPED)
        rows = [r for r in rows if r[0].id not in done]
        ids = [o.id for o, _, _ in rows]
        parcels = shipped_parcels(s, ids)
        items = [
            (
                order.id,
                order.name,
                shipped_message(
                    s,
                    order,
                    carrier,
                    service,
                    parcels.tracking[order.id],
                    parcels.manifest_day.get(order.id)
                    or days.local_day(order.status_changed_at, tz),
                    now,
                ),
            )
            for order, carrier, service in rows
            if addressable(order, run)
        ]
    write_and_send(store, items, SHIPPED, run, actor)
    return run


def write_and_send(
    store: Store, items: list[Item], kind: str, run: NoticeRun, actor: Actor
) -> None:
    """The one way a notice goes out: written with its Notice row (once per order and
    kind), then sent by SMTP when it is set; ``actor`` is who the event log names."""
    _send(store, _write(store, items, kind, run, actor), run, actor)


def send_pending(store: Store, actor: Actor) -> NoticeRun:
    """Send, by SMTP, every written notice that has not gone out yet."""
    actor.require(Role.SUPERVISOR, action="send customer notices")
    run = NoticeRun()
    if mail.smtp_config() is None:
        run.problems.append("SMTP is not configured (set WMS_SMTP_HOST); the .eml files wait")
        return run
    pending: list[tuple[int, EmailMessage]] = []
    with store.read() as s:
        for n in s.exec(select(Notice).where(col(Notice.sent).is_(False)).order_by(Notice.id)):
            path = Path(n.file)
            if not path.is_file():
                run.problems.append(f"notice {n.id}: file {path} is missing")
                continue
            pending.append((n.id, mail.read_message(path)))
    _send(store, pending, run, actor)
    return run
