"""A dispatch dock built by hand, shared by the hand-over, manifest, notice and UI tests.

Tuesday 10 March 2026, 14:00 in Jönköping (13:00 UTC). PostNord (PN, cut-off
16:00, 2 transit days) and DHL. Parcels as the pack station leaves them.

:func:`cutoff_carriers` is the carriers the cut-off and pace rule tests
(tests/services/insight) judge orders against: CJ's Express at 13:00 and its
Standard at 17:00 (its truck), PN's one service at 16:00.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.factories import Clock
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import set_clock, utcnow
from wms_tui.domain.enums import LocationKind, MovementReason, OrderStatus, ParcelStatus
from wms_tui.domain.models import (
    Carrier,
    Event,
    Manifest,
    Notice,
    Order,
    Parcel,
    Product,
    Service,
    StockMovement,
)
from wms_tui.services.core import events, settings
from wms_tui.services.inventory.stock import move_stock
from wms_tui.store import Store, UnitOfWork

S = OrderStatus
DAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)


_serial = itertools.count(1000)


@dataclass
class CutoffCarriers:
    """A warehouse in Jönköping with two carriers' cut-offs, one product and a supervisor."""

    boss: Actor
    cj: Carrier
    cj_std: Service  # 17:00, CJ's truck
    cj_exp: Service  # 13:00, one day in transit
    pn: Carrier
    pn_std: Service  # 16:00
    mug: Product


def cutoff_carriers(uow: UnitOfWork, *, planned_packs_per_hour: int) -> CutoffCarriers:
    """The warehouse, Karin Holmgren (supervisor), the house's planned pace, CJ with its
    Express and Standard, PN, and MUG-1: what the cut-off and pace rule tests share."""
    f.warehouse(uow)
    boss = f.operator(uow, "Karin Holmgren", "supervisor")
    settings.put(uow.session, "planned_packs_per_hour", str(planned_packs_per_hour))
    cj, cj_std = f.carrier(uow, "CJ", cutoff=time(17, 0))
    cj_exp = Service(
        carrier_id=cj.id, code="CJ-EXP", name="Express", cutoff=time(13, 0), transit_days=1
    )
    uow.add(cj_exp)
    pn, pn_std = f.carrier(uow, "PN", cutoff=time(16, 0))
    uow.flush()
    return CutoffCarriers(boss, cj, cj_std, cj_exp, pn, pn_std, f.product(uow, "MUG-1"))


def packed_parcel(
    uow: UnitOfWork,
    o: Order,
    *,
    seq: int = 1,
    count: int = 1,
    weight_g: int = 1200,
    status: ParcelStatus = ParcelStatus.CLOSED,
    sscc: str | None = None,
) -> Parcel:
    """``factories.parcel`` with what the pack station always sets: a unique SSCC and
    tracking number, the packer, and a pack time half an hour ago."""
    n = next(_serial)
    return f.parcel(
        uow,
        o,
        seq=seq,
        count=count,
        sscc=sscc or f.sscc(n),
        tracking=f"TRK{n:09d}",
        weight_g=weight_g,
        status=status,
        packed_by_name="Johan Öberg",
        packed_at=utcnow() - timedelta(minutes=30),
    )


@dataclass
class Dock:
    store: Store
    clock: Clock
    packer: Actor
    boss: Actor
    picker: Actor
    sscc: dict[str, str]  # "#1" -> SSCC of its first parcel, "#2/2" -> second parcel
    tracking: dict[str, str]
    outbox: Path
    labels: Path

    def parcel(self, code: str) -> Parcel:
        with self.store.read() as s:
            p = s.exec(
                select(Parcel).where((Parcel.sscc == code) | (Parcel.tracking_number == code))
            ).one()
            s.expunge(p)  # keep its loaded values after the read rolls back
            return p

    def order(self, name: str) -> Order:
        with self.store.read() as s:
            o = s.exec(select(Order).where(Order.name == name)).one()
            s.expunge(o)
            return o

    def state(self) -> tuple:
        """Everything a refused action must leave alone."""
        with self.store.read() as s:
            return (
                sorted(
                    (p.id, str(p.status), p.loaded_at, p.loaded_by_id, p.manifest_id)
                    for p in s.exec(select(Parcel))
                ),
                sorted((o.name, str(o.status)) for o in s.exec(select(Order))),
                sorted((m.number, str(m.status)) for m in s.exec(select(Manifest))),
                len(s.exec(select(Event)).all()),
                len(s.exec(select(Notice)).all()),
                len(s.exec(select(StockMovement)).all()),
            )


def build_dock(store: Store, tmp_path: Path) -> Dock:
    clock = Clock(datetime(2026, 3, 10, 8, 0, tzinfo=UTC))
    set_clock(clock)
    sscc: dict[str, str] = {}
    tracking: dict[str, str] = {}
    with store.unit_of_work() as uow:
        s = uow.session
        f.warehouse(uow)
        settings.put(s, "outbox_dir", str(tmp_path / "outbox"))
        settings.put(s, "label_dir", str(tmp_path / "labels"))
        packer = f.operator(uow, "Johan Öberg", "packer", badge="K2001")
        boss = f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        picker = f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        pn, pn_std = f.carrier(uow, "PN", cutoff=time(16, 0))
        dhl, dhl_std = f.carrier(uow, "DHL", cutoff=time(15, 0))
        p = f.product(uow, "MUG-1", weight_g=400)
        bin_ = f.location(uow, "A-01-1-A")
        pack = f.location(uow, "PACK-1", LocationKind.PACK, zone="PACK")
        f.receive(uow, p, bin_, 50)

        def packed(name: str, carrier, service, parcels: int = 1, **kw) -> Order:
            o = f.order(
                uow,
                name,
                [(p, 2)],
                status=S.PACKED,
                carrier_id=carrier.id,
                service_id=service.id,
                promised_ship_date=DAY,
                **kw,
            )
            # The pack station's ledger: units from the bin into the pack location.
            move_stock(
                uow, packer, p, 2, from_loc=bin_, to_loc=pack, reason=MovementReason.PACKED,
                order=o,
            )  # fmt: skip
            for seq in range(1, parcels + 1):
                x = packed_parcel(uow, o, seq=seq, count=parcels, weight_g=1000 + seq * 250)
                key = name if seq == 1 else f"{name}/{seq}"
                sscc[key], tracking[key] = x.sscc or "", x.tracking_number or ""
            return o

        packed("#1", pn, pn_std, customer_name="김지훈", email="jihoon@example.kr")
        packed("#2", pn, pn_std, parcels=2)
        packed("#3", dhl, dhl_std)
        cancelled = packed("#4", pn, pn_std)
        events.change_status(uow, cancelled, S.CANCELLED, boss)
        o5 = f.order(uow, "#5", [(p, 1)], status=S.PACKING, carrier_id=pn.id, service_id=pn_std.id)
        x = packed_parcel(uow, o5, status=ParcelStatus.OPEN)
        sscc["#5"], tracking["#5"] = x.sscc or "", x.tracking_number or ""
        uow.commit()
    clock.at = NOW
    return Dock(
        store, clock, packer, boss, picker, sscc, tracking, tmp_path / "outbox", tmp_path / "labels"
    )
