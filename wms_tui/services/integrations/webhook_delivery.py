"""Delivering the queued webhooks: each due ``shop_outbox`` row POSTed, signed, to its
URL, retried with backoff until ``MAX_TRIES`` (``webhooks_out`` explains the protocol
and queues the rows); what waits per webhook (``backlog``) and the delivery log a
key reads (``deliveries``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlmodel import col, select

from wms_tui.adapters.shopify.webhooks import wms_signature
from wms_tui.domain.clock import utcnow
from wms_tui.domain.errors import BadInput, NotFound
from wms_tui.domain.models.integration import ApiWebhook, ShopOutbox
from wms_tui.services.core import outbox
from wms_tui.services.integrations import webhook_targets
from wms_tui.services.integrations.api_keys import KeyInfo
from wms_tui.services.integrations.webhooks_out import KIND, MAX_LOG, MAX_TRIES
from wms_tui.store import Store, retrying


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
        final = False
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
        except webhook_targets.NotResolved as exc:
            error = f"cannot reach it: {str(exc).removeprefix('url: ')}"  # DNS may come
        except BadInput as exc:
            # Our own address policy: every try would be refused alike, 12 of them over
            # a day. Given up at once, and why, in the log the developer reads.
            error = f"refused, not sent: {str(exc).removeprefix('url: ')}"
            final = True
        except httpx.HTTPError as exc:
            error = f"cannot reach it: {type(exc).__name__}"
        outcome = _record_delivery(store, row.id, error, hook.active and not final, now)
        if outcome:
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


@retrying
def _record_delivery(
    store: Store, outbox_id: int | None, error: str, retry: bool, now: datetime
) -> str:
    """What one POST did, in its own transaction (the POST is not rerun with it):
    the report's counter to bump, or "" if the row is gone. ``retry``: whether a
    failure may be tried again (not for a removed webhook, nor a refused address)."""
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
            if live.attempts >= MAX_TRIES or not retry:
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


@dataclass(frozen=True)
class Delivery:
    """One message to a webhook as its developer sees it in the log."""

    id: int  # the X-Wms-Delivery header it is sent with
    event: str
    order: str
    state: str  # "delivered", "waiting" (for its next try) or "failed" (given up)
    attempts: int
    last_error: str
    created_at: datetime
    next_try_at: datetime | None  # only while waiting
    done_at: datetime | None


def deliveries(store: Store, key: KeyInfo, webhook_id: int, limit: int = 50) -> list[Delivery]:
    """The webhook's latest deliveries, newest first; ``NotFound`` for another key's."""
    with store.read() as s:
        hook = s.get(ApiWebhook, webhook_id)
        if hook is None or hook.api_key_id != key.id or not hook.active:
            raise NotFound(f"No webhook {webhook_id}")
        # Its refs are "<id>:…": a range on the (kind, ref) unique index, not a LIKE.
        rows = s.exec(
            select(ShopOutbox)
            .where(
                ShopOutbox.kind == KIND,
                col(ShopOutbox.ref) >= f"{webhook_id}:",
                col(ShopOutbox.ref) < f"{webhook_id};",
            )
            .order_by(col(ShopOutbox.id).desc())
            .limit(max(1, min(limit, MAX_LOG)))
        ).all()
        out = []
        for r in rows:
            state = "delivered" if r.done_at else "failed" if r.failed else "waiting"
            out.append(
                Delivery(
                    r.id,
                    json.loads(r.payload)["body"]["event"],
                    r.order_name,
                    state,
                    r.attempts,
                    r.last_error,
                    r.created_at,
                    r.next_try_at if state == "waiting" else None,
                    r.done_at,
                )
            )
        return out
