"""What every step of a setup import shares: the files, the unit of work, what
each file did (:class:`Outcome`) and the problems found so far.

The steps, one per file, are :mod:`~wms_tui.services.setup.site_rows`
(warehouse, locations, stations, operators),
:mod:`~wms_tui.services.setup.carrier_rows` (carriers, services) and
:mod:`~wms_tui.services.setup.product_rows` (cartons, customs, stock levels);
:mod:`~wms_tui.services.setup.master_data` runs them in order.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wms_tui.adapters.setup_csv import Record, SetupFiles, SetupProblem
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import Role
from wms_tui.domain.models import Location, Operator
from wms_tui.services.core.import_report import Tally
from wms_tui.services.setup import carrier_tracking
from wms_tui.services.setup.carriers import Setup
from wms_tui.store import UnitOfWork

AUTO_STATIONS = "stations (pack locations)"


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


def assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True if any did."""
    changed = False
    for attr, value in values.items():
        if getattr(obj, attr) != value:
            setattr(obj, attr, value)
            changed = True
    return changed


def any_supervisor(operators: Iterable[Operator]) -> bool:
    return any(op.active and Role.SUPERVISOR.value in op.role_set for op in operators)


class SetupContext:
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
