"""Turning Shopify's "Shipping Method" text into one of our carrier services.

Shops name their shipping rates freely ("Fri frakt över 499 kr (PostNord MyPack
Collect)", "EMS 국제특급", "PostNord, Ombud"), so the text is matched in this
order, case-insensitively, and the first rule that matches wins:

1. the house mapping (``wms import shipping-methods FILE``): exact text, then the
   longest mapped text contained in the shipping method;
2. a service name equal to the text, then the longest service name contained in it;
3. a service code equal to the text;
4. a carrier name or code contained in the text (as a whole word): that carrier's
   first standard (non-express) service, else its first service.

No match is not an error: the order is imported without a carrier and the import
summary lists the text, so the office can map it. Refusing the whole file because
the shop added a new shipping rate would stop order intake for the whole
warehouse over something packing can fix per order.

The mapping lives in the ``setting`` table under ``shipping_method_map`` as JSON
(``[["Shipping method text", "CARRIER", "SERVICE-CODE"], ...]``), so it needs no
table of its own and travels with the database.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlmodel import Session, col, select

from wms_tui.adapters.csv_headers import repeated_column, repeated_message
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Carrier, Service, Setting
from wms_tui.services.core import events
from wms_tui.store import Store, UnitOfWork, retrying

SETTING_KEY = "shipping_method_map"
MAP_COLUMNS = ("Shipping Method", "Carrier", "Service")


@dataclass(frozen=True)
class ServiceMatch:
    carrier_id: int | None
    service_id: int | None
    # How it matched: "map", "service", "code", "carrier" or "" for no match.
    how: str = ""
    label: str = ""  # "PostNord · PostNord MyPack Collect", for summaries

    @property
    def matched(self) -> bool:
        return self.service_id is not None


NO_MATCH = ServiceMatch(None, None)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class _Svc:
    id: int
    carrier_id: int
    code: str
    name: str
    express: bool
    carrier_name: str


# Built once: the order API builds a matcher for every order it imports.
@cache
def _carriers():
    return select(Carrier).order_by(col(Carrier.id))


@cache
def _services():
    return select(Service).order_by(col(Service.id))


class ServiceMatcher:
    """Built once per import from the carrier tables; ``match`` is cached per text."""

    def __init__(self, session: Session) -> None:
        carriers = {c.id: c for c in session.exec(_carriers())}
        services = list(session.exec(_services()))
        # Each service's cut-off, for the promised ship day: read here, not again per order.
        self.cutoffs = {s.id: s.cutoff for s in services}
        self._services: list[_Svc] = [
            _Svc(s.id, s.carrier_id, s.code, s.name, s.express, carriers[s.carrier_id].name)
            for s in services
            if s.carrier_id in carriers
        ]
        by_code = {
            (carriers[s.carrier_id].code.casefold(), s.code.casefold()): s for s in self._services
        }
        self._mapped: list[tuple[str, _Svc]] = []
        for text, carrier_code, service_code in read_mapping(session):
            svc = by_code.get((carrier_code.casefold(), service_code.casefold()))
            if svc is not None:
                self._mapped.append((_fold(text), svc))
        self._mapped.sort(key=lambda m: -len(m[0]))
        self._carriers = [
            (c, [s for s in self._services if s.carrier_id == c.id]) for c in carriers.values()
        ]
        self._cache: dict[str, ServiceMatch] = {}

    def match(self, text: str) -> ServiceMatch:
        if text in self._cache:
            return self._cache[text]
        result = self._match(_fold(text)) if text.strip() else NO_MATCH
        self._cache[text] = result
        return result

    def _hit(self, svc: _Svc, how: str) -> ServiceMatch:
        return ServiceMatch(svc.carrier_id, svc.id, how, f"{svc.carrier_name} · {svc.name}")

    def _match(self, text: str) -> ServiceMatch:
        for mapped, svc in self._mapped:
            if mapped == text:
                return self._hit(svc, "map")
        for mapped, svc in self._mapped:
            if mapped in text:
                return self._hit(svc, "map")
        for svc in self._services:
            if _fold(svc.name) == text:
                return self._hit(svc, "service")
        contained = [s for s in self._services if _fold(s.name) in text]
        if contained:
            return self._hit(max(contained, key=lambda s: len(s.name)), "service")
        for svc in self._services:
            if svc.code.casefold() == text:
                return self._hit(svc, "code")
        for carrier, services in self._carriers:
            if not services:
                continue
            names = {_fold(carrier.name), carrier.code.casefold()}
            if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in names if n):
                standard = [s for s in services if not s.express]
                return self._hit((standard or services)[0], "carrier")
        return NO_MATCH


def read_mapping(session: Session) -> list[tuple[str, str, str]]:
    row = session.get(Setting, SETTING_KEY)
    if row is None or not row.value.strip():
        return []
    try:
        return [(str(a), str(b), str(c)) for a, b, c in json.loads(row.value)]
    except (ValueError, TypeError):
        # A hand-edited setting that no longer parses must not stop imports.
        return []


def load_mapping_csv(path: str | Path) -> list[tuple[str, str, str]]:
    """Read a mapping CSV (columns Shipping Method, Carrier, Service); DomainError if bad."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError(f"Cannot read {path}: {exc}") from None
    if not rows:
        raise DomainError(f"{path} is empty")
    header = [h.strip().casefold() for h in rows[0]]
    if twice := repeated_column(header):
        raise DomainError(f"{path}: {repeated_message(twice)}")
    try:
        ix = [header.index(c.casefold()) for c in MAP_COLUMNS]
    except ValueError:
        raise DomainError(
            f"{path}: need columns {', '.join(MAP_COLUMNS)} (got {', '.join(rows[0])})"
        ) from None
    out: list[tuple[str, str, str]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(ix):
            raise DomainError(f"{path} row {n}: too few columns")
        text, carrier, service = (row[i].strip() for i in ix)
        if not (text and carrier and service):
            raise DomainError(f"{path} row {n}: Shipping Method, Carrier and Service are needed")
        out.append((text, carrier, service))
    return out


def save_mapping(uow: UnitOfWork, rows: Iterable[tuple[str, str, str]]) -> int:
    """Replace the mapping; every carrier/service code must exist (DomainError otherwise)."""
    session = uow.session
    known = {
        (c.code.casefold(), s.code.casefold())
        for s, c in session.exec(
            select(Service, Carrier).join(Carrier, col(Carrier.id) == Service.carrier_id)
        )
    }
    clean: list[list[str]] = []
    seen: set[str] = set()
    for text, carrier, service in rows:
        if (carrier.casefold(), service.casefold()) not in known:
            raise DomainError(f"Unknown carrier service {carrier} {service} for '{text}'")
        if _fold(text) in seen:
            raise DomainError(f"Shipping method '{text}' is mapped twice")
        seen.add(_fold(text))
        clean.append([text, carrier, service])
    row = session.get(Setting, SETTING_KEY)
    value = json.dumps(clean, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=SETTING_KEY, value=value))
    else:
        row.value = value
        session.add(row)
    return len(clean)


@retrying
def replace_mapping(store: Store, actor: Actor, rows: Iterable[tuple[str, str, str]]) -> int:
    """``wms import shipping-methods``: a supervisor replaces the whole mapping."""
    actor.require(Role.SUPERVISOR, action="change the shipping method mapping")
    with store.unit_of_work() as uow:
        n = save_mapping(uow, rows)
        events.log(uow, actor, EventKind.SHIPPING_METHODS_REPLACED, qty=n)
        uow.commit()
    return n
