"""The carton of the current parcel: which cartons hold its units, and the
packer's own choice over the suggestion (a carton code scanned chooses it too).
"""

from __future__ import annotations

from dataclasses import dataclass

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import CartonType, Order, Parcel
from wms_tui.domain.planning.cartonization import ItemLine
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events
from wms_tui.services.packing.cartons import check_fit, to_carton
from wms_tui.services.packing.change import ensure_parcel, mutate, require_packer
from wms_tui.services.packing.state import PackContext
from wms_tui.services.packing.view import PackView, Said
from wms_tui.services.packing.weight import clear_weight
from wms_tui.store import Store, UnitOfWork


@dataclass(frozen=True)
class CartonOption:
    code: str
    name: str
    inner: str
    ok: bool
    reason: str
    suggested: bool


# --------------------------------------------------------------------------- helpers


def carton_options(store: Store, actor: Actor, order_id: int) -> list[CartonOption]:
    """Every carton with whether the current parcel's units fit, smallest first."""
    require_packer(actor)
    with store.read() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise NotFound(f"No order with id {order_id}")
        ctx = PackContext(s, order)
        parcel = ctx.current
        if parcel is None:
            return []
        suggested = ctx.suggested_carton(parcel)
        items = _items_for_choice(ctx, parcel)
        out = []
        for c in ctx.cartons():
            ok, reason = (True, "") if not items else _check(ctx, items, c)
            out.append(
                CartonOption(
                    code=c.code,
                    name=c.name,
                    inner=f"{c.inner_length_mm}×{c.inner_width_mm}×{c.inner_height_mm}",
                    ok=ok,
                    reason=reason,
                    suggested=suggested is not None and suggested.id == c.id,
                )
            )
        return out


def _items_for_choice(ctx: PackContext, parcel: Parcel) -> tuple[ItemLine, ...]:
    """What the chosen carton must hold: with one parcel, the whole order."""
    if len(ctx.open_parcels) == 1:
        lines, _ = ctx.item_lines()
        return lines
    return ctx.parcel_item_lines(parcel)


def _check(ctx: PackContext, items: tuple[ItemLine, ...], carton: CartonType) -> tuple[bool, str]:
    return check_fit(items, to_carton(carton), ctx.padding_mm)


def choose(uow: UnitOfWork, actor: Actor, ctx: PackContext, code: str) -> Said | str:
    parcel = ensure_parcel(uow, ctx)
    n = ctx.open_parcels.index(parcel) + 1
    if not code.strip():
        if parcel.carton_type_id is None:
            raise DomainError("The parcel already uses the suggested carton")
        parcel.carton_type_id = None
        uow.add(parcel)
        clear_weight(uow, actor, parcel)
        events.log(
            uow, actor, EventKind.PACK_CARTON, order=ctx.order, detail=f"parcel {n}: suggested"
        )
        return f"Parcel {n}: back to the suggested carton"
    carton = ctx.carton_by_code(code)
    if carton is None:
        raise NotFound(f"No carton type {excerpt(code)}")
    items = _items_for_choice(ctx, parcel)
    if items:
        ok, reason = _check(ctx, items, carton)
        if not ok:
            raise DomainError(f"{carton.name} will not do: {reason}")
    if parcel.carton_type_id == carton.id:
        return f"Parcel {n} is already in {carton.name}"
    parcel.carton_type_id = carton.id
    uow.add(parcel)
    clear_weight(uow, actor, parcel)
    events.log(
        uow, actor, EventKind.PACK_CARTON, order=ctx.order, detail=f"parcel {n}: {carton.code}"
    )
    return Said.ok(f"Parcel {n}: {carton.name}")


def choose_carton(store: Store, actor: Actor, order_id: int, code: str) -> PackView:
    """The packer's own carton for the current parcel ('' = back to the suggestion)."""
    return mutate(store, actor, order_id, lambda uow, ctx: choose(uow, actor, ctx, code))
