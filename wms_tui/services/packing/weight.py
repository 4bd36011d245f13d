"""The scale's reading of a parcel, a supervisor's override of one outside tolerance, and
the keyed weight cleared (its exception resolved) when the parcel's contents or carton change."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import EventKind, ExceptionKind
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Parcel, WmsException
from wms_tui.domain.planning import weighing
from wms_tui.services.core import approval, events
from wms_tui.services.packing.change import Answer, mutate
from wms_tui.services.packing.rules import parcel_tag
from wms_tui.services.packing.state import PackContext
from wms_tui.services.packing.view import PackView, Said
from wms_tui.store import Store, UnitOfWork


def enter_weight(
    store: Store, actor: Actor, order_id: int, text: str, *, parcel_no: int | None = None
) -> PackView:
    """The scale's reading for the first parcel still needing one (or ``parcel_no``).

    0, negative, unreadable and absurd weights are refused and change nothing.
    A believable weight outside tolerance is stored with a WEIGHT_MISMATCH
    exception: the parcel cannot close until it is re-weighed within tolerance
    or a supervisor overrides.
    """
    grams = weighing.parse_weight(text)

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        parcels = ctx.open_parcels
        if parcel_no is not None:
            if not 1 <= parcel_no <= len(parcels):
                raise DomainError(f"There is no parcel {parcel_no}")
            parcel = parcels[parcel_no - 1]
        else:
            view = {p.parcel_id: p for p in ctx.view().parcels}
            pending = [p for p in parcels if view[p.id].units and not view[p.id].weight_ok]
            parcel = pending[0] if pending else parcels[-1]
        n = parcels.index(parcel) + 1
        if not ctx.units_in(parcel):
            raise DomainError(f"Parcel {n} is empty: scan the items before weighing")
        carton, _ = ctx.carton_for(parcel)
        if carton is None:
            raise DomainError(f"Parcel {n} has no carton: choose one (F5) before weighing")
        expected = ctx.expected_for(parcel)
        weighing.check_believable(grams, expected, ctx.weight_rules)
        if parcel.weight_g is not None:
            # An open mismatch always has its weight on the parcel (clear_weight resolves
            # it with the weight): a first weighing has none to look for.
            resolve_weight_exceptions(uow, actor, parcel)
        parcel.weight_g = grams
        parcel.expected_weight_g = expected
        uow.add(parcel)
        text = weighing.describe(grams, expected, ctx.weight_rules)
        name = f"Parcel {n}" if len(parcels) > 1 else "Parcel"
        if weighing.within_tolerance(grams, expected, ctx.weight_rules):
            events.log(uow, actor, EventKind.PACK_WEIGHT, order=ctx.order, detail=f"{name}: {text}")
            return Said.ok(f"{name}: {text}")
        uow.add(
            WmsException.raised_by(
                actor,
                ExceptionKind.WEIGHT_MISMATCH,
                f"Order {ctx.order.name} {name.lower()}: {text}",
                order_id=ctx.order.id,
                location=parcel_tag(parcel.id),
            )
        )
        events.log(
            uow, actor, EventKind.PACK_WEIGHT, order=ctx.order, detail=f"{name}: MISMATCH {text}"
        )
        # Two handheld rows with four-digit grams: the way out was the part cut off
        # ("Parcel: … check the items and weigh again, or supervisor (F11)"), so the one
        # parcel is not named and the advice is the blocker's.
        which = f"{name}: " if len(parcels) > 1 else ""
        return Said.refused(f"{which}{text}: re-weigh or supervisor (F11)")

    return mutate(store, actor, order_id, do)


def override_weight(
    store: Store, actor: Actor, order_id: int, approver: Credential | None = None
) -> PackView:
    """A supervisor accepts the parcel weights that are outside tolerance."""
    approved = approval.verify(store, actor, approver, action="a weight override")

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        view = ctx.view()
        bad = [p for p in view.parcels if p.weight_state == "mismatch"]
        if not bad:
            raise DomainError("No parcel weight to override: every weighed parcel is within range")
        boss = approval.supervisor(actor, approved, action="a weight override")
        exceptions = ctx.weight_exceptions()
        for p in bad:
            exc = exceptions[parcel_tag(p.parcel_id)]
            exc.resolved_at = utcnow()
            exc.resolved_by_id = boss.operator_id
            uow.add(exc)
            events.log(
                uow,
                boss,
                EventKind.WEIGHT_OVERRIDE,
                order=ctx.order,
                detail=f"parcel {p.seq}: {p.weight_g} g accepted (expected {p.expected_g} g) "
                f"at {actor.terminal} for {actor.name}",
            )
        which = ", ".join(str(p.seq) for p in bad)
        return Said.ok(f"Weight of parcel {which} accepted by {boss.name}")

    return mutate(store, actor, order_id, do)


def clear_weight(uow: UnitOfWork, actor: Actor, parcel: Parcel) -> bool:
    """Contents or carton changed: the keyed weight no longer says anything."""
    if parcel.weight_g is None:
        return False
    parcel.weight_g = None
    parcel.expected_weight_g = None
    uow.add(parcel)
    resolve_weight_exceptions(uow, actor, parcel)
    return True


@cache
def _open_weight_exceptions():
    # Built once: every re-weigh and every change to a weighed parcel asks.
    return select(WmsException).where(
        WmsException.order_id == bindparam("order_id"),
        WmsException.kind == ExceptionKind.WEIGHT_MISMATCH,
        WmsException.location == bindparam("tag"),
        col(WmsException.resolved_at).is_(None),
    )


def resolve_weight_exceptions(uow: UnitOfWork, actor: Actor, parcel: Parcel) -> None:
    for exc in uow.session.exec(
        _open_weight_exceptions(),
        params={"order_id": parcel.order_id, "tag": parcel_tag(parcel.id)},
    ):
        exc.resolved_at = utcnow()
        exc.resolved_by_id = actor.operator_id
        uow.add(exc)
