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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from wms_tui.adapters.setup_csv import SetupFiles, SetupRefused, read_setup
from wms_tui.adapters.setup_specs import SETUP_FILES
from wms_tui.domain.actor import Actor
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.errors import NotFound, PermissionDenied
from wms_tui.domain.models import Operator
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events
from wms_tui.services.core.badges import badge_code, find_operator
from wms_tui.services.core.pins import authenticate
from wms_tui.services.setup.carrier_rows import CarrierRows
from wms_tui.services.setup.carriers import log_retrack
from wms_tui.services.setup.product_rows import ProductRows
from wms_tui.services.setup.setup_context import AUTO_STATIONS, Outcome, any_supervisor
from wms_tui.services.setup.site_rows import SiteRows
from wms_tui.store import Store, UnitOfWork, retrying

__all__ = ["Outcome", "SetupRefused", "SetupReport", "apply_setup", "import_setup"]


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


class _Setup(SiteRows, CarrierRows, ProductRows):
    """One import: the session, the files, what each did, every problem."""

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
            first = not any_supervisor(s.exec(select(Operator)))
            if first and find_operator(s, credential.badge) is None:
                raise NotFound(
                    f"Unknown badge {excerpt(badge_code(credential.badge))}: this store has no "
                    "supervisor yet, so its first setup import needs no --badge"
                )
        actor = authenticate(store, credential, terminal)
    with store.unit_of_work() as uow:
        s = uow.session
        has_supervisor = any_supervisor(s.exec(select(Operator)))
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
