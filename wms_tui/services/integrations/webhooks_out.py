"""Outgoing webhooks: order packed, shipped or delayed, POSTed to an integrator's URL.

The floor's own records say what happened: an ``order.status`` event to
PACKED (``order.packed``) or DISPATCHED (``order.shipped``) in the event log,
a delay notice in ``notice`` (``order.delayed``). ``queue_new`` turns each one
into a ``shop_outbox`` row per registered webhook (kind ``webhook``, ref
``<hook>:<source>:<id>``; unique, so scanning again never sends twice), and
``deliver_due`` POSTs them, signed:

    X-Wms-Event: order.shipped
    X-Wms-Timestamp: 1765078800
    X-Wms-Signature: hex(HMAC-SHA256(secret, timestamp + "." + body))

A 2xx is done; anything else is tried again with backoff (1 min doubling to
1 h), and after 12 tries the row stops with its last error (``wms api-keys
list`` shows, per key, what waits and what gave up). Nothing here runs inside a floor
transaction.

The scan re-reads a window behind its cursor, because on PostgreSQL an event
committed late can carry a lower id than one already seen.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from wms_tui.adapters.shopify.webhooks import wms_signature
from wms_tui.domain.clock import utcnow
from wms_tui.domain.errors import BadInput, DomainError, NotFound
from wms_tui.domain.integration_models import ApiWebhook, ShopOutbox
from wms_tui.domain.models import Event, Notice, Order, Parcel
from wms_tui.services.core import outbox
from wms_tui.services.integrations import webhook_targets
from wms_tui.services.integrations.api_keys import KeyInfo
from wms_tui.services.shop import state
from wms_tui.store import Store, retrying

KIND = "webhook"
EVENTS = ("order.packed", "order.shipped", "order.delayed")
MAX_TRIES = 12
LOOKBACK = 500
MAX_WEBHOOKS = 10
EVENT_CURSOR = "webhooks.event_cursor"
NOTICE_CURSOR = "webhooks.notice_cursor"
_STATUS_EVENTS = {"PACKED": "order.packed", "DISPATCHED": "order.shipped"}


@dataclass(frozen=True)
class WebhookInfo:
    id: int
    url: str
    events: tuple[str, ...]
    created_at: datetime
    secret: str = ""  # only when just registered


@retrying
def register(
    store: Store,
    key: KeyInfo,
    url: str,
    events: list[str],
    *,
    allow_private: bool = False,
    resolver: webhook_targets.Resolver = webhook_targets.resolve,
) -> WebhookInfo:
    """``allow_private``: a test receiver on this machine (``webhook_targets``)."""
    url = webhook_targets.check_url(url, allow_private=allow_private, resolver=resolver)
    wanted = sorted(set(events or EVENTS))
    if bad := [e for e in wanted if e not in EVENTS]:
        raise DomainError(f"Unknown event {bad[0][:40]!r}: use {', '.join(EVENTS)}")
    secret = "whsec_" + secrets.token_urlsafe(24)
    with store.unit_of_work() as uow:
        mine = uow.session.exec(
            select(ApiWebhook).where(ApiWebhook.api_key_id == key.id, col(ApiWebhook.active))
        ).all()
        if len(mine) >= MAX_WEBHOOKS:
            raise DomainError(f"A key may register at most {MAX_WEBHOOKS} webhooks")
        row = ApiWebhook(api_key_id=key.id, url=url, events=",".join(wanted), secret=secret)
        uow.add(row)
        uow.flush()
        info = WebhookInfo(row.id, url, tuple(wanted), row.created_at, secret)
        uow.commit()
    return info


def list_for(store: Store, key: KeyInfo) -> list[WebhookInfo]:
    with store.read() as s:
        rows = s.exec(
            select(ApiWebhook)
            .where(ApiWebhook.api_key_id == key.id, col(ApiWebhook.active))
            .order_by(col(ApiWebhook.id))
        ).all()
        return [WebhookInfo(r.id, r.url, tuple(r.events.split(",")), r.created_at) for r in rows]


@retrying
def remove(store: Store, key: KeyInfo, webhook_id: int) -> None:
    with store.unit_of_work() as uow:
        row = uow.session.get(ApiWebhook, webhook_id)
        if row is None or row.api_key_id != key.id or not row.active:
            raise NotFound(f"No webhook {webhook_id}")
        row.active = False
        uow.add(row)
        uow.commit()


def _tracking(s, order_id: int) -> list[str]:  # noqa: ANN001
    return [
        t
        for t in s.exec(
            select(Parcel.tracking_number).where(
                Parcel.order_id == order_id, Parcel.status != "VOID"
            )
        ).all()
        if t
    ]


@retrying
def queue_new(store: Store) -> int:
    """Outbox rows for what happened since the last scan; how many were added."""
    added = 0
    with store.unit_of_work() as uow:
        s = uow.session
        hooks = s.exec(select(ApiWebhook).where(col(ApiWebhook.active))).all()
        ev_cursor = int(state.get(s, EVENT_CURSOR) or 0)
        no_cursor = int(state.get(s, NOTICE_CURSOR) or 0)
        happened: list[tuple[str, str, Order, datetime]] = []
        evs = s.exec(
            select(Event, Order)
            .join(Order, col(Order.id) == Event.order_id)
            .where(
                col(Event.id) > max(0, ev_cursor - LOOKBACK),
                Event.kind == "order.status",
                col(Event.to_state).in_(list(_STATUS_EVENTS)),
            )
            .order_by(col(Event.id))
        ).all()
        for ev, order in evs:
            happened.append((_STATUS_EVENTS[ev.to_state], f"event:{ev.id}", order, ev.at))
            ev_cursor = max(ev_cursor, ev.id)
        notices = s.exec(
            select(Notice, Order)
            .join(Order, col(Order.id) == Notice.order_id)
            .where(col(Notice.id) > max(0, no_cursor - LOOKBACK), Notice.kind == "delay")
            .order_by(col(Notice.id))
        ).all()
        for notice, order in notices:
            happened.append(("order.delayed", f"notice:{notice.id}", order, notice.at))
            no_cursor = max(no_cursor, notice.id)
        state.put(s, EVENT_CURSOR, str(ev_cursor))
        state.put(s, NOTICE_CURSOR, str(no_cursor))
        existing = set(
            s.exec(
                select(ShopOutbox.ref).where(
                    ShopOutbox.kind == KIND,
                    col(ShopOutbox.created_at) > utcnow() - timedelta(days=30),
                )
            ).all()
        )
        for hook in hooks:
            wanted = set(hook.events.split(","))
            for name, source, order, at in happened:
                ref = f"{hook.id}:{source}"
                if name not in wanted or ref in existing:
                    continue
                body = {
                    "event": name,
                    "order": order.name,
                    "status": str(order.status),
                    "at": at.isoformat(),
                    "tracking_numbers": _tracking(s, order.id),
                }
                s.add(
                    ShopOutbox(
                        kind=KIND,
                        ref=ref,
                        order_name=order.name,
                        payload=json.dumps({"webhook_id": hook.id, "body": body}),
                    )
                )
                existing.add(ref)
                added += 1
        try:
            uow.commit()
        except IntegrityError:  # another process queued the same rows a moment ago
            return 0
    return added


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(
    store: Store,
    client: httpx.Client,
    *,
    now: datetime | None = None,
    clock: Callable[[], float] = time.time,
    allow_private: bool = False,
    resolver: webhook_targets.Resolver = webhook_targets.resolve,
) -> DeliveryReport:
    now = now or utcnow()
    report = DeliveryReport()
    due = outbox.due(store, KIND, now, 200)
    ids = {json.loads(r.payload)["webhook_id"] for r in due}
    with store.read() as s:
        hooks = {h.id: h for h in s.exec(select(ApiWebhook).where(col(ApiWebhook.id).in_(ids)))}
        s.expunge_all()
    rows = [(r, hooks[json.loads(r.payload)["webhook_id"]]) for r in due]
    for row, hook in rows:
        body = json.dumps(json.loads(row.payload)["body"], sort_keys=True).encode()
        stamp = str(int(clock()))
        error = ""
        headers = {
            "Content-Type": "application/json",
            "X-Wms-Event": json.loads(body)["event"],
            "X-Wms-Timestamp": stamp,
            "X-Wms-Signature": wms_signature(hook.secret, stamp, body),
            "X-Wms-Delivery": str(row.id),
        }
        target, extensions = hook.url, {}
        try:
            if not allow_private:
                # Its name may resolve elsewhere than at registration: checked again.
                pinned = webhook_targets.pin(hook.url, resolver=resolver)
                target, headers["Host"] = pinned.url, pinned.host
                extensions = {"sni_hostname": pinned.sni}
            resp = client.post(
                target, content=body, headers=headers, extensions=extensions, timeout=10.0
            )
            if not 200 <= resp.status_code < 300:
                error = f"answered {resp.status_code}"
        except BadInput as exc:
            error = f"refused: {str(exc).removeprefix('url: ')}"
        except httpx.HTTPError as exc:
            error = f"cannot reach it: {type(exc).__name__}"
        outcome = _record_delivery(store, row.id, error, hook.active, now)
        if outcome:
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


@retrying
def _record_delivery(
    store: Store, outbox_id: int | None, error: str, active: bool, now: datetime
) -> str:
    """What one POST did, in its own transaction (the POST is not rerun with it):
    the report's counter to bump, or "" if the row is gone."""
    with store.unit_of_work() as uow:
        live = uow.session.get(ShopOutbox, outbox_id)
        if live is None:
            return ""
        live.attempts += 1
        if not error:
            live.done_at = utcnow()
            outcome = "delivered"
        else:
            live.last_error = error
            if live.attempts >= MAX_TRIES or not active:
                live.failed = True
                outcome = "failed"
            else:
                live.next_try_at = now + outbox.retry_delay(live.attempts)
                outcome = "retrying"
        uow.add(live)
        uow.commit()
    return outcome


def backlog(store: Store) -> dict[int, tuple[int, int]]:
    """Per API key id: (deliveries waiting, deliveries given up)."""
    with store.read() as s:
        rows = s.exec(
            select(ShopOutbox.payload, ShopOutbox.failed).where(
                ShopOutbox.kind == KIND, col(ShopOutbox.done_at).is_(None)
            )
        ).all()
        owner = dict(s.exec(select(ApiWebhook.id, ApiWebhook.api_key_id)).all())
    out: dict[int, tuple[int, int]] = {}
    for payload, failed in rows:
        key = owner.get(json.loads(payload)["webhook_id"])
        if key is None:
            continue
        waiting, gave_up = out.get(key, (0, 0))
        out[key] = (waiting + (not failed), gave_up + bool(failed))
    return out
