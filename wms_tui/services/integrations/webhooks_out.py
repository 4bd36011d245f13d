"""Outgoing webhooks: order packed, shipped or delayed, POSTed to an integrator's URL.

The floor's own records say what happened: an ``order.status`` event to
PACKED (``order.packed``) or DISPATCHED (``order.shipped``) in the event log,
a delay notice in ``notice`` (``order.delayed``). ``queue_new`` turns each one
into a ``shop_outbox`` row per registered webhook (kind ``webhook``, ref
``<hook>:<source>:<id>``; unique, so scanning again never sends twice), and
``webhook_delivery.deliver_due`` POSTs them, signed:

    X-Wms-Event: order.shipped
    X-Wms-Timestamp: 1765078800
    X-Wms-Signature: hex(HMAC-SHA256(secret, timestamp + "." + body))

A 2xx is done; anything else is tried again with backoff (1 min doubling to
1 h), and after 12 tries the row stops with its last error (``wms api-keys
list`` shows, per key, what waits and what gave up). A delivery our own address
policy refuses (``webhook_targets``: http, a private address) stops at once:
trying again would be refused alike. ``webhook_delivery.deliveries`` is the log a key reads.
Nothing here runs inside a floor transaction.

A webhook hears what happens from its registration on (``created_at``), or from
an earlier ``since`` its developer asks for (at most ``MAX_SINCE`` back): those
past events are queued when it is registered.

The scan re-reads a window behind its cursor, because on PostgreSQL an event
committed late can carry a lower id than one already seen.

"From its registration on" means what the registration did not see, not what was
stamped after it: an event is stamped when its transaction begins, and one begun
before a registration and committed after it was neither queued by the
registration (``since``: not visible yet) nor by the scan (stamped before
``created_at``), and was never sent. A registration keeps a :class:`StartCursor`
(the highest event and notice ids it saw, and the ids below them within the scan's
window that were not there: on PostgreSQL a transaction still running holds an id
from the sequence that only shows when it commits); the hook hears every event
the cursor says it did not see. The cursor is read before the ``since`` events,
so one committing in between is queued once, by either (the outbox's refs are
unique).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from wms_tui.domain.clock import utcnow
from wms_tui.domain.errors import BadInput, DomainError, NotFound
from wms_tui.domain.models import Event, Notice, Order, Parcel
from wms_tui.domain.models.integration import ApiWebhook, ShopOutbox
from wms_tui.services.integrations import webhook_targets
from wms_tui.services.integrations.api_keys import KeyInfo
from wms_tui.services.shop import state
from wms_tui.store import Store, retrying

KIND = "webhook"
EVENTS = ("order.packed", "order.shipped", "order.delayed")
MAX_TRIES = 12
LOOKBACK = 500
MAX_WEBHOOKS = 10
MAX_SINCE = timedelta(days=7)
MAX_PAST = 2000  # past events one registration may queue
MAX_LOG = 200
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


@dataclass(frozen=True)
class StartCursor:
    """What a webhook's registration saw of the event log and the notices."""

    event: int
    event_gaps: frozenset[int]
    notice: int
    notice_gaps: frozenset[int]

    def saw(self, source: str) -> bool:
        kind, _, number = source.partition(":")
        n = int(number)
        if kind == "event":
            return n <= self.event and n not in self.event_gaps
        return n <= self.notice and n not in self.notice_gaps

    def dumps(self) -> str:
        return json.dumps(
            {
                "event": self.event,
                "event_gaps": sorted(self.event_gaps),
                "notice": self.notice,
                "notice_gaps": sorted(self.notice_gaps),
            }
        )

    @classmethod
    def loads(cls, text: str) -> StartCursor:
        raw = json.loads(text)
        return cls(
            int(raw["event"]),
            frozenset(map(int, raw["event_gaps"])),
            int(raw["notice"]),
            frozenset(map(int, raw["notice_gaps"])),
        )


def _seen(s, id_column) -> tuple[int, frozenset[int]]:  # noqa: ANN001
    """The highest id of ``id_column``'s table visible now, and the ids missing below it
    within the scan's window (not committed yet, or rolled back and never to come)."""
    top = s.exec(select(func.max(id_column))).one() or 0
    present = set(s.exec(select(id_column).where(id_column > top - LOOKBACK)).all())
    return top, frozenset(set(range(max(1, top - LOOKBACK + 1), top + 1)) - present)


def start_cursor(s) -> StartCursor:  # noqa: ANN001
    return StartCursor(*_seen(s, col(Event.id)), *_seen(s, col(Notice.id)))


@retrying
def register(
    store: Store,
    key: KeyInfo,
    url: str,
    events: list[str],
    *,
    since: datetime | None = None,
    allow_private: bool = False,
    resolver: webhook_targets.Resolver = webhook_targets.resolve,
) -> WebhookInfo:
    """A webhook for what happens from now on, or from ``since`` (queued at once).
    ``allow_private``: a test receiver on this machine (``webhook_targets``)."""
    url = webhook_targets.check_url(url, allow_private=allow_private, resolver=resolver)
    wanted = sorted(set(events or EVENTS))
    if bad := [e for e in wanted if e not in EVENTS]:
        raise DomainError(f"Unknown event {bad[0][:40]!r}: use {', '.join(EVENTS)}")
    if since is not None:
        _check_since(since, utcnow())
        # In UTC as stored: SQLite compares the text and would drop the "+01:00".
        since = since.astimezone(UTC)
    secret = "whsec_" + secrets.token_urlsafe(24)
    with store.unit_of_work() as uow:
        s = uow.session
        mine = s.exec(
            select(ApiWebhook).where(ApiWebhook.api_key_id == key.id, col(ApiWebhook.active))
        ).all()
        if len(mine) >= MAX_WEBHOOKS:
            raise DomainError(f"A key may register at most {MAX_WEBHOOKS} webhooks")
        # Read before the ``since`` events below (see the module docstring).
        cursor = start_cursor(s)
        row = ApiWebhook(
            api_key_id=key.id,
            url=url,
            events=",".join(wanted),
            secret=secret,
            start_cursor=cursor.dumps(),
        )
        uow.add(row)
        uow.flush()
        if since is not None:
            past = [h for h in _happened_since(s, since) if h[0] in wanted]
            if len(past) > MAX_PAST:
                raise BadInput(
                    f"since: {len(past):,} events happened since then, more than the "
                    f"{MAX_PAST:,} a webhook may start with; ask from a later time"
                )
            _queue_for(s, row, past, set())
        info = WebhookInfo(row.id, url, tuple(wanted), row.created_at, secret)
        uow.commit()
    return info


def _check_since(since: datetime, now: datetime) -> None:
    if since.tzinfo is None:
        raise BadInput("since: give its time zone, like 2026-12-07T09:00:00Z")
    if since > now:
        raise BadInput("since: is in the future; leave it out to start from now")
    if since < now - MAX_SINCE:
        raise BadInput(f"since: at most {MAX_SINCE.days} days back")


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


Happened = tuple[str, str, Order, datetime]  # event name, source ref, order, when


def _happened_since(s, since: datetime) -> list[Happened]:  # noqa: ANN001
    """What every webhook could be told about, from ``since`` on, oldest first."""
    return _happened(s, col(Event.at) >= since, col(Notice.at) >= since)


def _happened(s, event_filter, notice_filter) -> list[Happened]:  # noqa: ANN001
    happened: list[Happened] = []
    evs = s.exec(
        select(Event, Order)
        .join(Order, col(Order.id) == Event.order_id)
        .where(
            event_filter,
            Event.kind == "order.status",
            col(Event.to_state).in_(list(_STATUS_EVENTS)),
        )
        .order_by(col(Event.id))
    ).all()
    for ev, order in evs:
        happened.append((_STATUS_EVENTS[ev.to_state], f"event:{ev.id}", order, ev.at))
    notices = s.exec(
        select(Notice, Order)
        .join(Order, col(Order.id) == Notice.order_id)
        .where(notice_filter, Notice.kind == "delay")
        .order_by(col(Notice.id))
    ).all()
    for notice, order in notices:
        happened.append(("order.delayed", f"notice:{notice.id}", order, notice.at))
    return happened


def _queue_for(s, hook: ApiWebhook, happened: list[Happened], existing: set[str]) -> int:  # noqa: ANN001
    """Outbox rows for ``hook`` of what it wants and was not queued yet; how many."""
    added = 0
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
    return added


@retrying
def queue_new(store: Store) -> int:
    """Outbox rows for what happened since the last scan; how many were added."""
    added = 0
    with store.unit_of_work() as uow:
        s = uow.session
        hooks = s.exec(select(ApiWebhook).where(col(ApiWebhook.active))).all()
        ev_cursor = int(state.get(s, EVENT_CURSOR) or 0)
        no_cursor = int(state.get(s, NOTICE_CURSOR) or 0)
        happened = _happened(
            s,
            col(Event.id) > max(0, ev_cursor - LOOKBACK),
            col(Notice.id) > max(0, no_cursor - LOOKBACK),
        )
        for _name, source, _order, _at in happened:
            kind, _, number = source.partition(":")
            if kind == "event":
                ev_cursor = max(ev_cursor, int(number))
            else:
                no_cursor = max(no_cursor, int(number))
        state.put(s, EVENT_CURSOR, str(ev_cursor))
        state.put(s, NOTICE_CURSOR, str(no_cursor))
        candidates = [f"{h.id}:{src}" for h in hooks for _n, src, _o, _a in happened]
        existing = _queued(s, candidates)
        for hook in hooks:
            # A webhook hears what its registration did not see: the window behind
            # the cursor held up to LOOKBACK past events a new one was sent. What it
            # asked for from an earlier ``since`` was queued at registration.
            if hook.start_cursor:
                seen = StartCursor.loads(hook.start_cursor)
                fresh = [h for h in happened if not seen.saw(h[1])]
            else:  # registered before 0026: by time, as then
                start = _naive_utc(hook.created_at)
                fresh = [h for h in happened if _naive_utc(h[3]) >= start]
            added += _queue_for(s, hook, fresh, existing)
        try:
            uow.commit()
        except IntegrityError:  # another process queued the same rows a moment ago
            return 0
    return added


def _queued(s, refs: list[str]) -> set[str]:  # noqa: ANN001
    """Which of ``refs`` are already in the outbox: only the window's candidates are
    read, not every webhook row ever queued (the scan runs every few seconds)."""
    found: set[str] = set()
    for at in range(0, len(refs), 500):
        chunk = refs[at : at + 500]
        found.update(
            s.exec(
                select(ShopOutbox.ref).where(
                    ShopOutbox.kind == KIND, col(ShopOutbox.ref).in_(chunk)
                )
            ).all()
        )
    return found


def _naive_utc(at: datetime) -> datetime:
    """``at`` comparable whether the driver gave it a zone or not (stored as UTC)."""
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at
