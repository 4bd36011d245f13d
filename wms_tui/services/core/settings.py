"""House rules stored in the ``setting`` table, with defaults in one place."""

from __future__ import annotations

from functools import cache

from sqlalchemy import event
from sqlalchemy.orm import Session as SASession
from sqlmodel import Session, select

from wms_tui.domain.models import Setting

DEFAULTS: dict[str, str] = {
    "grace_period_minutes": "30",
    "same_day_cutoff": "12:00",
    "weight_tolerance_pct": "10",
    "weight_tolerance_min_g": "50",
    "max_parcel_weight_g": "31500",
    "stuck_after_minutes": "120",
    # A pick task paused this long (its picker logged out and did not come
    # back) goes to the exceptions inbox, to be freed for the next picker.
    "abandoned_task_minutes": "30",
    # Dispatch overview: the pack rate assumed before anything is packed today.
    "planned_packs_per_hour": "30",
    # Delay notices: a backordered order is listed when its promise is at most this
    # many working days ahead and its stock is not coming in time.
    "delay_notice_days": "2",
    "idle_logout_minutes": "10",
    # Scanners set up to end a code with Tab instead of Enter (1 = yes).
    "scanner_tab_submits": "0",
    # wms serve (ssh and web): connections at once, and minutes without a key
    # before a device's connection is closed (its operator is logged out first
    # by idle_logout_minutes).
    "serve_max_connections": "50",
    "serve_idle_minutes": "60",
    # Log-in guessing (services/core/pins.py): failures within the window make
    # a terminal or a badge wait; wrong PINs in a row lock the badge.
    "login_throttle_seconds": "60",
    "failed_logins_per_terminal": "5",
    "failed_pins_per_badge": "3",
    "pin_lock_after": "5",
    "cart_size": "6",
    "receiving_sanity_limit": "500",
    # Over-receipt a receiver may take without a question, in % of the expected quantity.
    "receiving_over_tolerance_pct": "10",
    "fragile_padding_mm": "20",
    "shop_name": "Nordlys Shop",
    # The shop's currency (ISO 4217): products' customs values are in it, and customs
    # papers print it. Set by warehouse.csv's currency column.
    "shop_currency": "SEK",
    # Terms of delivery on customs papers (Incoterms 2020): DAP, the recipient pays import
    # duties and taxes, or DDP, the shop does. Set by warehouse.csv's incoterms column.
    "incoterms": "DAP",
    "return_policy": (
        "Return unused items within 30 days. Tick a reason, put this slip in the "
        "parcel and drop it at any service point."
    ),
    "label_dir": "labels",
    "report_dir": "data/reports",
    "outbox_dir": "data/outbox",
    "notice_from": "Nordlys Shop <orders@nordlys.example>",
    # Pack station insert checklist, one rule per line (format: services/packing/inserts.py):
    # what the packer does | what the packing slip lists (none: the customer never reads it).
    "insert_rules": """\
always | return-form | Return form | Return form
tag:first-order | welcome-flyer | Welcome flyer with discount code | Welcome flyer
tag:vip | vip-card | VIP thank-you card and discount flyer | Thank-you card and discount flyer
tag:manual | manual | Printed manual | Printed manual
tag:gift-wrap | gift-wrap | Gift wrap every item | Gift wrapping
tag:gift-wrap | orientation | Brand side up: logo tissue on top, card under the lid
gift-message | gift-note | Gift note card with the gift message, no prices in the parcel | Gift note
tag:b2b | invoice | Invoice copy on top of the goods | Invoice copy
""",
}


_CACHE = "wms_settings"


@cache
def _all_rows():
    # Built once: nearly every transaction reads the settings, and building the
    # select and its cache key cost more than running it.
    return select(Setting)


def _rows(session: Session) -> dict[str, Setting]:
    """The setting rows, read once per session (transaction).

    A use case reads several house rules, most of them never set: a key left
    at its default is not in the identity map, so ``session.get`` asked the
    database again for each read (five times in closing a parcel). The rows
    are the session's own objects, so a value changed in this session is seen;
    a row added or removed in it drops the cache (:func:`_forget_on_flush`).
    """
    rows = session.info.get(_CACHE)
    if rows is None or any(isinstance(o, Setting) for o in session.new):
        rows = {row.key: row for row in session.exec(_all_rows())}
        session.info[_CACHE] = rows
    return rows


@event.listens_for(SASession, "after_flush")
def _forget_on_flush(session: SASession, _flush_context: object) -> None:
    if _CACHE in session.info and any(
        isinstance(o, Setting) for o in (*session.new, *session.deleted)
    ):
        del session.info[_CACHE]


def get(session: Session, key: str) -> str:
    row = _rows(session).get(key)
    if row is not None:
        return row.value
    return DEFAULTS[key]


def get_int(session: Session, key: str) -> int:
    return int(get(session, key))


def put(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
        session.info.pop(_CACHE, None)
    else:
        row.value = value
        session.add(row)


def all_settings(session: Session) -> dict[str, str]:
    """Every house rule, defaults filled in; from the rows :func:`_rows` read once per session."""
    values = dict(DEFAULTS)
    values.update({key: row.value for key, row in _rows(session).items()})
    return values
