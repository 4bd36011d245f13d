"""A warehouse's master data from its setup files: created, updated, or left alone.

``wms import setup DIR`` and the demo come through here, so one set of rules
reads ``warehouse.csv``, ``locations.csv``, ``stations.csv``,
``operators.csv``, ``carriers.csv``, ``services.csv`` and ``cartons.csv``
(:mod:`master_data_csv` checks each file on its own). Rows are matched by
their code (badge, carrier and service code); a row that is new is created,
one that differs updates its row, one that matches is counted unchanged, and
rows the files do not name are left as they are (``active`` retires one).

All or nothing: the files are applied in one transaction and any problem, in
any file, refuses the whole import with every problem listed. On top of the
per-file checks, this module refuses:

* a reference to nothing: a service's carrier, a station's location, in
  neither the files nor the store;
* a tracking setup that cannot number parcels (``carrier_tracking``), and for
  a carrier already in use the changes ``wms carriers set`` refuses: a serial
  going back, a first number already on a parcel. An existing carrier keeps
  its counter when the file's ``tracking_start`` is behind it (it has handed
  out numbers since); a start past it, or a new format, is a new range;
* a second warehouse: a store holds one, matched by its code;
* a new GS1 company prefix too long for the SSCC serials already handed out;
* a location holding stock that would change kind or be retired.

A pack location new in the files gets a pack station of the same code (as
the demo's always had) unless ``stations.csv`` names one.

Operators, carriers' tracking numbers and the warehouse's SSCC numbering are
a supervisor's decision: once the store has a supervisor, an import changing
them needs one's badge (:func:`import_setup`), and none may leave the store
without an active supervisor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

from wms_tui.adapters.setup_csv import (
    SETUP_FILES,
    Record,
    SetupFiles,
    SetupProblem,
    SetupRefused,
    read_setup,
)
from wms_tui.domain.actor import Actor
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import EventKind, LocationKind, Role
from wms_tui.domain.errors import DomainError, NotFound, PermissionDenied
from wms_tui.domain.identifiers.sscc import SSCC_BODY_DIGITS
from wms_tui.domain.models import (
    Carrier,
    CartonType,
    Location,
    Operator,
    Product,
    Service,
    Station,
    Stock,
    Warehouse,
)
from wms_tui.domain.shown import excerpt
from wms_tui.domain.text import plural
from wms_tui.services.core import events, settings
from wms_tui.services.core.badges import badge_code, find_operator
from wms_tui.services.core.import_report import Tally
from wms_tui.services.core.pins import authenticate, hash_pin, pin_matches
from wms_tui.services.setup import carrier_tracking
from wms_tui.services.setup.carriers import Setup, log_retrack, retrack, tracking_of
from wms_tui.store import Store, UnitOfWork, retrying

__all__ = ["Outcome", "SetupRefused", "SetupReport", "apply_setup", "import_setup"]

AUTO_STATIONS = "stations (pack locations)"
_TRACKING_COLUMNS = {
    "prefix": "tracking_prefix",
    "length": "tracking_length",
    "check": "tracking_check",
    "next": "tracking_start",
}


@dataclass
class Outcome:
    """What one file did: rows created, updated (with sample codes) and left unchanged."""

    what: str  # the file's name
    created: Tally = field(default_factory=Tally)
    updated: Tally = field(default_factory=Tally)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created.count or self.updated.count)

    def summary(self) -> str:
        parts = []
        if self.created.count:
            parts.append(f"{self.created.count} created ({self.created.sample()})")
        if self.updated.count:
            parts.append(f"{self.updated.count} updated ({self.updated.sample()})")
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        return "; ".join(parts) or "no rows"


@dataclass
class SetupReport:
    outcomes: list[Outcome]
    not_read: list[str] = field(default_factory=list)
    dry_run: bool = False
    # Changes a supervisor answers for (see ``guarded``).
    operators_changed: list[str] = field(default_factory=list)
    tracking_changed: list[str] = field(default_factory=list)
    numbering_changed: bool = False

    def guarded(self) -> list[str]:
        """What in this import only a supervisor may change, in words; empty if nothing."""
        what = []
        if self.operators_changed:
            what.append("operators")
        if self.tracking_changed:
            what.append("carriers' tracking numbers")
        if self.numbering_changed:
            what.append("the warehouse's SSCC numbering")
        return what

    @property
    def changed(self) -> bool:
        return any(o.changed for o in self.outcomes)


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True if any did."""
    changed = False
    for attr, value in values.items():
        if getattr(obj, attr) != value:
            setattr(obj, attr, value)
            changed = True
    return changed


class _Setup:
    """One import: the session, the files, what each did, every problem."""

    def __init__(self, uow: UnitOfWork, files: SetupFiles, actor: Actor, log: bool) -> None:
        self.uow = uow
        self.log = log
        self.s = uow.session
        self.files = files
        self.actor = actor
        self.problems: list[SetupProblem] = list(files.problems)
        self.outcomes: dict[str, Outcome] = {}
        self.country = carrier_tracking.ANY_COUNTRY
        self.locations: dict[str, Location] = {}
        self.new_pack_locations: list[Location] = []
        self.retracked: list[tuple[str, Setup, Setup]] = []
        self.operators_changed: list[str] = []
        self.numbering_changed = False

    def outcome(self, what: str) -> Outcome:
        return self.outcomes.setdefault(what, Outcome(what))

    def records(self, name: str) -> list[Record]:
        return self.files.records.get(name, [])

    def tally(self, rec: Record, created: bool, changed: bool, label: str = "") -> None:
        out = self.outcome(rec.file)
        shown = label or str(rec.key)
        if created:
            out.created.add(shown)
        elif changed:
            out.updated.add(shown)
        else:
            out.unchanged += 1

    def refuse(self, rec: Record, column: str, reason: str) -> None:
        self.problems.append(rec.problem(column, reason))

    def named(self, name: str, key: Any) -> bool:
        """``key`` is on some row of file ``name``, valid or not."""
        return key in self.files.named.get(name, set())

    # ------------------------------------------------------------------ files

    def warehouse(self) -> None:
        wh = self.s.exec(select(Warehouse).order_by(col(Warehouse.id))).first()
        for rec in self.records("warehouse.csv"):
            v = dict(rec.values)
            shop_currency = v.pop("currency", None)
            currency_changed = False
            if shop_currency and shop_currency != settings.get(self.s, "shop_currency"):
                settings.put(self.s, "shop_currency", shop_currency)
                currency_changed = True
            if wh is None:
                wh = Warehouse(**v)
                self.s.add(wh)
                self.tally(rec, True, False)
                continue
            if wh.code != v["code"]:
                self.refuse(
                    rec,
                    "code",
                    f"this store's warehouse is {wh.code}: a store holds one warehouse",
                )
                continue
            prefix = v.get("gs1_company_prefix", wh.gs1_company_prefix)
            serial_digits = SSCC_BODY_DIGITS - len(prefix)
            if len(str(wh.sscc_next_serial)) > serial_digits:
                self.refuse(
                    rec,
                    "gs1_company_prefix",
                    f"a {len(prefix)}-digit prefix leaves {serial_digits} serial digits, "
                    f"fewer than the SSCC serials already used (next {wh.sscc_next_serial})",
                )
                continue
            numbering = (wh.gs1_company_prefix, wh.sscc_extension)
            self.tally(rec, False, _assign(wh, v) or currency_changed)
            if (wh.gs1_company_prefix, wh.sscc_extension) != numbering:
                self.numbering_changed = True
        if wh is not None and wh.country_code:
            self.country = wh.country_code

    def locations_(self) -> None:
        self.locations = {loc.code: loc for loc in self.s.exec(select(Location))}
        for rec in self.records("locations.csv"):
            v = dict(rec.values)
            v["kind"] = LocationKind(v["kind"])
            loc = self.locations.get(rec.key)
            if loc is None:
                loc = Location(**v)
                self.s.add(loc)
                self.locations[loc.code] = loc
                if loc.kind is LocationKind.PACK:
                    self.new_pack_locations.append(loc)
                self.tally(rec, True, False)
                continue
            retired = loc.active and v.get("active", True) is False
            if v["kind"] != loc.kind or retired:
                held = self.s.exec(
                    select(func.coalesce(func.sum(Stock.qty), 0)).where(Stock.location_id == loc.id)
                ).one()
                if held:
                    what = "changing its kind" if v["kind"] != loc.kind else "retiring it"
                    self.refuse(
                        rec,
                        "kind" if v["kind"] != loc.kind else "active",
                        f"{loc.code} holds {plural(held, 'unit')}: move them before {what}",
                    )
                    continue
            self.tally(rec, False, _assign(loc, v))
        self.s.flush()

    def stations(self) -> None:
        existing = {st.code: st for st in self.s.exec(select(Station))}
        for rec in self.records("stations.csv"):
            v = dict(rec.values)
            where = v.pop("location", None)
            if where is not None:
                loc = self.locations.get(where) if where else None
                if where and loc is None:
                    if not self.named("locations.csv", where):
                        self.refuse(
                            rec, "location", f"no location {where} in locations.csv or the store"
                        )
                    continue
                v["location_id"] = loc.id if loc else None
            for printer in ("printer", "document_printer"):
                if printer in v:
                    v[printer] = v[printer] or None
            if "printer_dpi" in v:
                v["printer_dpi"] = int(v["printer_dpi"])
            st = existing.get(rec.key)
            if st is None:
                st = Station(**v)
                self.s.add(st)
                existing[st.code] = st
                self.tally(rec, True, False)
            else:
                self.tally(rec, False, _assign(st, v))
        # Packing needs a station at the bench: a new pack location gets one.
        for loc in self.new_pack_locations:
            if loc.code not in existing:
                st = Station(code=loc.code, kind="pack", location_id=loc.id)
                self.s.add(st)
                existing[st.code] = st
                what = "stations.csv" if "stations.csv" in self.files else AUTO_STATIONS
                self.outcome(what).created.add(st.code)

    def operators(self) -> None:
        existing = {op.badge: op for op in self.s.exec(select(Operator))}
        had_supervisor = _any_supervisor(existing.values())
        for rec in self.records("operators.csv"):
            v = dict(rec.values)
            pin = v.pop("pin", "")
            op = existing.get(rec.key)
            if op is None:
                op = Operator(**v, pin_hash=hash_pin(pin) if pin else "")
                self.s.add(op)
                existing[op.badge] = op
                self.tally(rec, True, False)
                self.operators_changed.append(op.badge)
                continue
            if set(v["roles"].split(",")) == op.role_set:
                del v["roles"]  # the same roles, perhaps in another order
            changed = _assign(op, v)
            if pin and not pin_matches(op.pin_hash, pin):
                # A new PIN from the file, as `wms operators set-pin` would set it.
                op.pin_hash, op.pin_failures = hash_pin(pin), 0
                self.s.add(op)
                changed = True
            self.tally(rec, False, changed)
            if changed:
                self.operators_changed.append(op.badge)
        if had_supervisor and not _any_supervisor(existing.values()):
            # Nobody could change operators or tracking ranges any more, and a
            # store without a supervisor takes a setup import without a badge.
            self.problems.append(
                SetupProblem(
                    "operators.csv", 0, "", "no active supervisor would be left: keep at least one"
                )
            )

    def carriers(self) -> None:
        locked = select(Carrier).order_by(col(Carrier.id)).with_for_update(key_share=True)
        existing = {c.code: c for c in self.s.exec(locked)}
        for rec in self.records("carriers.csv"):
            v = rec.values
            c = existing.get(rec.key)
            if c is None:
                c = Carrier(
                    code=v["code"],
                    name=v["name"],
                    tracking_prefix=v.get("tracking_prefix", ""),
                    tracking_length=v["tracking_length"],
                    tracking_check=v["tracking_check"],
                    tracking_next=v.get("tracking_start", 1),
                )
                try:
                    carrier_tracking.check_setup(c, self.country)
                except carrier_tracking.TrackingSetupError as exc:
                    self.refuse(rec, _TRACKING_COLUMNS[exc.part], str(exc))
                    continue
                self.s.add(c)
                existing[c.code] = c
                self.tally(rec, True, False)
                self.retracked.append((c.code, ("", 0, "", 0), tracking_of(c)))
                continue
            changed = _assign(c, {"name": v["name"]})
            old = tracking_of(c)
            fmt = (
                v.get("tracking_prefix", old[0]),
                v.get("tracking_length", old[1]),
                v.get("tracking_check", old[2]),
            )
            start = v.get("tracking_start")
            if fmt != old[:3]:
                nxt = start if start is not None else old[3]
            elif start is not None and start > old[3]:
                nxt = start  # a new range of the same format
            else:
                nxt = None  # the counter has moved on from the file's start: keep it
            if nxt is not None:
                try:
                    before, after = retrack(
                        self.s,
                        c,
                        prefix=fmt[0],
                        length=fmt[1],
                        check=fmt[2],
                        next_serial=nxt,
                        country=self.country,
                    )
                except carrier_tracking.TrackingSetupError as exc:
                    self.refuse(rec, _TRACKING_COLUMNS[exc.part], str(exc))
                    continue
                except DomainError as exc:
                    self.refuse(rec, "tracking_start", str(exc))
                    continue
                self.retracked.append((c.code, before, after))
                changed = True
            self.tally(rec, False, changed)
        self.s.flush()

    def services(self) -> None:
        carriers = {c.code: c for c in self.s.exec(select(Carrier))}
        existing = {
            (carriers_by_id.code, sv.code): sv
            for sv, carriers_by_id in self.s.exec(
                select(Service, Carrier).join(Carrier, col(Carrier.id) == col(Service.carrier_id))
            )
        }
        for rec in self.records("services.csv"):
            v = dict(rec.values)
            code = v.pop("carrier")
            carrier = carriers.get(code)
            if carrier is None:
                if not self.named("carriers.csv", code):
                    self.refuse(rec, "carrier", f"no carrier {code} in carriers.csv or the store")
                continue
            v["carrier_id"] = carrier.id
            sv = existing.get(rec.key)
            label = f"{code} {v['code']}"
            if sv is None:
                sv = Service(**v)
                self.s.add(sv)
                existing[rec.key] = sv
                self.tally(rec, True, False, label)
            else:
                self.tally(rec, False, _assign(sv, v), label)

    def cartons(self) -> None:
        existing = {c.code: c for c in self.s.exec(select(CartonType))}
        for rec in self.records("cartons.csv"):
            ct = existing.get(rec.key)
            if ct is None:
                ct = CartonType(**rec.values)
                self.s.add(ct)
                existing[ct.code] = ct
                self.tally(rec, True, False)
            else:
                self.tally(rec, False, _assign(ct, rec.values))

    def known_products(self, file: str) -> Iterator[tuple[Any, Product, dict[str, Any]]]:
        """Rows of ``file`` about products the shop already sent (by SKU): each row,
        its product and its values besides the SKU; a row naming no product is refused."""
        records = self.records(file)
        if not records:
            return
        skus = [rec.key for rec in records]
        found = {p.sku: p for p in self.s.exec(select(Product).where(col(Product.sku).in_(skus)))}
        for rec in records:
            product = found.get(rec.key)
            if product is None:
                self.refuse(
                    rec, "sku", f"no product {rec.key} in the store: import the products first"
                )
                continue
            yield rec, product, {k: v for k, v in rec.values.items() if k != "sku"}

    def customs(self) -> None:
        """Customs data for products the shop already sent (matched by SKU)."""
        for rec, product, values in self.known_products("customs.csv"):
            self.tally(rec, False, _assign(product, values))

    def stock_levels(self) -> None:
        """Low- and over-stock thresholds of products the shop already sent (by SKU)."""
        for rec, product, values in self.known_products("stock_levels.csv"):
            low = values.get("reorder_point", product.reorder_point)
            high = values.get("max_stock", product.max_stock)
            if low and high and high < low:
                self.refuse(
                    rec,
                    "max_stock",
                    f"{high} is below the reorder point {low}: low and over at once",
                )
                continue
            self.tally(rec, False, _assign(product, values))

    # ------------------------------------------------------------------ all

    def run(self) -> SetupReport:
        self.warehouse()
        self.locations_()
        self.stations()
        self.operators()
        self.carriers()
        self.services()
        self.cartons()
        self.customs()
        self.stock_levels()
        if self.problems:
            order = {name: i for i, name in enumerate(SETUP_FILES)}
            self.problems.sort(key=lambda p: (order.get(p.file, -1), p.row))
            raise SetupRefused(self.problems)
        self.s.flush()
        outcomes = [self.outcomes[w] for w in (*SETUP_FILES, AUTO_STATIONS) if w in self.outcomes]
        if self.log:
            for out in outcomes:
                if out.changed:
                    detail = f"{out.what}: {out.summary()}"
                    events.log(self.uow, self.actor, EventKind.SETUP_IMPORT, detail=detail)
            for code, before, after in self.retracked:
                if before[1]:  # not a new carrier: its old range is worth recording
                    log_retrack(self.uow, self.actor, code, before, after)
        return SetupReport(
            outcomes,
            not_read=sorted(self.files.not_read),
            operators_changed=self.operators_changed,
            tracking_changed=[code for code, _, _ in self.retracked],
            numbering_changed=self.numbering_changed,
        )


def _any_supervisor(operators: Iterable[Operator]) -> bool:
    return any(op.active and Role.SUPERVISOR.value in op.role_set for op in operators)


def apply_setup(
    uow: UnitOfWork, files: SetupFiles, actor: Actor, *, log: bool = True
) -> SetupReport:
    """Apply read setup files in ``uow``; :class:`SetupRefused` lists every problem.

    The caller commits (or, refused, the unit of work rolls everything back).
    ``log``: write what changed to the event log.
    """
    return _Setup(uow, files, actor, log).run()


def load_setup(uow: UnitOfWork, folder: Path, actor: Actor, *, log: bool = True) -> SetupReport:
    """The setup files in ``folder``, applied in ``uow`` (the demo's master data)."""
    return apply_setup(uow, read_setup([folder]), actor, log=log)


@retrying
def import_setup(
    store: Store,
    paths: Sequence[Path] | Iterable[Path],
    *,
    credential: Credential | None = None,
    terminal: str = "",
    dry_run: bool = False,
) -> SetupReport:
    """Create or update master data from setup files (``wms import setup``).

    ``paths``: folders holding the files, or the files themselves. Raises
    :class:`SetupRefused` (nothing imported) with every problem found.

    Operators, carriers' tracking numbers and the warehouse's SSCC numbering
    are a supervisor's to change: such an import needs the ``badge`` of an
    active supervisor, or is refused (:class:`PermissionDenied`) whole. The
    first import into a store without a supervisor needs none: it is the one
    that brings the first supervisor in. A dry run is refused the same way, so
    it tells what the import would do.
    """
    files = read_setup(list(paths))
    actor = Actor(operator_id=None, name="import setup", terminal=terminal)
    if credential is not None and badge_code(credential.badge):
        with store.read() as s:
            first = not _any_supervisor(s.exec(select(Operator)))
            if first and find_operator(s, credential.badge) is None:
                raise NotFound(
                    f"Unknown badge {excerpt(badge_code(credential.badge))}: this store has no "
                    "supervisor yet, so its first setup import needs no --badge"
                )
        actor = authenticate(store, credential, terminal)
    with store.unit_of_work() as uow:
        s = uow.session
        has_supervisor = _any_supervisor(s.exec(select(Operator)))
        report = apply_setup(uow, files, actor)
        report.dry_run = dry_run
        guarded = report.guarded()
        if guarded and has_supervisor:
            action = "change " + " and ".join(guarded)
            if actor.operator_id is None:
                raise PermissionDenied(
                    f"Only a supervisor may {action}: give your badge and PIN (--badge, --pin)"
                )
            actor.require(Role.SUPERVISOR, action=action)
        if not dry_run:
            uow.commit()
    return report
