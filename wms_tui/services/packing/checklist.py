"""Ticking the inserts checklist (gift note, flyer, …) as each item goes into the parcel.

Which items an order needs is decided by the rules in :mod:`inserts`.
"""

from __future__ import annotations

from wms_tui.domain.actor import Actor
from wms_tui.domain.errors import DomainError
from wms_tui.domain.numbers import small_number
from wms_tui.domain.shown import excerpt
from wms_tui.services.packing.change import Answer, mutate
from wms_tui.services.packing.state import PackContext
from wms_tui.services.packing.view import PackView, Said
from wms_tui.store import Store, UnitOfWork


def confirm_insert(store: Store, actor: Actor, order_id: int, which: int | str) -> PackView:
    """Tick one checklist item (by its number or key) after putting it in the parcel."""

    def do(uow: UnitOfWork, ctx: PackContext) -> Answer:
        items = ctx.inserts()
        n = which if isinstance(which, int) else small_number(str(which), 3)
        if n is not None:
            if not 1 <= n <= len(items):
                raise DomainError(f"No checklist item {n} (1–{len(items)})")
            item = items[n - 1]
        else:
            match = [i for i in items if i.key == str(which).lower()]
            if not match:
                raise DomainError(f"No checklist item {excerpt(str(which))}")
            item = match[0]
        done = ctx.confirmed_inserts()
        if item.key in done:
            raise DomainError(f"Already confirmed: {item.label}")
        ctx.insert_confirmed(uow, actor, item.key)
        left = len([i for i in items if i.key not in done]) - 1
        return Said.ok(f"{item.label}" + (f" · {left} to go" if left else " · checklist done"))

    return mutate(store, actor, order_id, do)
