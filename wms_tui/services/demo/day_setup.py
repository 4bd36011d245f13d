"""The simulated day's cast and warehouse: who works where (badges and terminals), how
often things go wrong (:class:`Faults`), and the store set up for the day: the demo's
master data, an opening stock from a seeded demand, and the day's orders.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from sqlmodel import col, select

from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import LocationKind, MovementReason
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Location, Operator, Product, Setting, Warehouse
from wms_tui.store import Store

# Service names the shop sends as shipping methods (the demo's services.csv).
METHODS = ("PostNord MyPack Home", "PostNord MyPack Collect", "DHL Express Worldwide")
PICKERS = (("P1001", "HH-01"), ("P1002", "HH-02"), ("P1003", "HH-03"), ("P1005", "HH-05"))
PACKERS = (("K2001", "PACK-1"), ("K2002", "PACK-2"), ("K2003", "PACK-3"))
TAKE_OVER = ("P1004", "PACK-4")  # Märta packs too: she takes orders over at PACK-4
RECEIVERS = (("R3001", "RCV-1"), ("R3002", "RCV-2"))
OFFICE = ("S9001", "OFFICE")
LONG_MM = 400
DOCK = ("S9002", "DOCK")
CART = 4  # orders on a picker's cart
WAVE_CARTS = 2 * len(PICKERS)  # a wave: two carts a picker

# The demo's supervisor approves at the stations with the demo PIN (README).
DEMO_SUPERVISOR = Credential("S9001", "9001")


@dataclass(frozen=True)
class Faults:
    """How often things go wrong, per opportunity."""

    short_pick: float = 0.03
    logout_mid_task: float = 0.02
    damaged_at_pack: float = 0.03
    missing_at_pack: float = 0.01  # a unit the tote should hold is not there
    short_ship: float = 0.3  # of damaged units: short-shipped instead of replaced
    over_scan: float = 0.05
    take_over: float = 0.01
    cancel: float = 0.01
    returns: float = 0.05
    out_of_stock_skus: float = 0.08


class SimulationError(DomainError):
    """The store is not one a simulation may write a day into."""


def day_actor(store: Store, badge: str, terminal: str) -> Actor:
    with store.read() as s:
        op = s.exec(select(Operator).where(Operator.badge == badge)).one()
        return Actor(operator_id=op.id, name=op.name, roles=op.role_set, terminal=terminal)


# --------------------------------------------------------------------------- setup


def set_up_day(store: Store, rng: random.Random, n_orders: int, faults: Faults) -> list[tuple]:
    """Master data, opening stock and the day's orders (returned, to arrive later)."""
    from wms_tui.services.demo.seed_files import DEMO_DIR, load_products
    from wms_tui.services.inventory.stock import move_stock
    from wms_tui.services.setup.master_data import load_setup
    from wms_tui.services.setup.reference_data import seed_reference_data

    with store.read() as s:
        if s.exec(select(Warehouse)).first() is not None:
            raise SimulationError(
                "A simulation writes a whole day into the store: give it an empty one "
                "(a new file with --db, or an empty PostgreSQL database)"
            )
    with store.unit_of_work() as uow:
        s = uow.session
        load_setup(uow, DEMO_DIR, SYSTEM, log=False)
        load_products(uow, DEMO_DIR)
        seed_reference_data(uow)
        s.add(Setting(key="grace_period_minutes", value="0"))
        uow.flush()
        products = list(s.exec(select(Product).order_by(col(Product.sku))))
        picks = list(
            s.exec(
                select(Location)
                .where(Location.kind == LocationKind.PICK)
                .order_by(col(Location.code))
            )
        )
        # A few best sellers and a long tail, as shops have.
        weights = [1.0 / (1 + i) ** 0.8 for i in range(len(products))]
        rng.shuffle(weights)
        orders = []
        demand: Counter = Counter()
        for i in range(n_orders):
            lines: dict[str, int] = {}
            for p in rng.choices(products, weights, k=rng.choice((1, 1, 1, 2, 2, 3))):
                # One poster ships alone: with anything else, or a second poster,
                # it takes two parcels, which the station does (F-key "new
                # parcel") but this simulated packer does not.
                if max(p.length_mm, p.width_mm, p.height_mm) > LONG_MM and lines:
                    continue
                if max(p.length_mm, p.width_mm, p.height_mm) > LONG_MM:
                    lines[p.sku] = 1
                    break
                lines[p.sku] = lines.get(p.sku, 0) + rng.choice((1, 1, 1, 2))
            for sku, q in lines.items():
                demand[sku] += q
            orders.append((f"#S{1001 + i}", sorted(lines.items()), rng.choice(METHODS)))
        late: list[str] = []
        for k, p in enumerate(products):
            want = demand[p.sku]
            if not want:
                continue
            if rng.random() < faults.out_of_stock_skus:
                late.append(p.sku)
                have = 0
            else:
                have = max(0, round(want * rng.uniform(0.8, 1.3)))
            if have:
                move_stock(
                    uow,
                    SYSTEM,
                    p,
                    have,
                    from_loc=None,
                    to_loc=picks[k % len(picks)],
                    reason=MovementReason.RECEIVED,
                    reference="opening balance",
                )
        uow.commit()
    return [orders, late, demand]
