"""Every legal and every illegal order status move."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import actor
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.errors import DomainError, PermissionDenied
from wms_tui.domain.lifecycle import BEFORE_PACKED, allowed_targets, transition
from wms_tui.domain.models import Order

# Written out by hand from DESIGN.md, independently of lifecycle._FORWARD.
LEGAL: set[tuple[S, S]] = {
    (S.NEW, S.READY_TO_PICK),
    (S.NEW, S.BACKORDERED),
    (S.BACKORDERED, S.READY_TO_PICK),
    (S.READY_TO_PICK, S.PICKING),
    (S.READY_TO_PICK, S.BACKORDERED),
    (S.PICKING, S.PICKED),
    (S.PICKING, S.BACKORDERED),
    (S.PICKING, S.READY_TO_PICK),
    (S.PICKED, S.PACKING),
    (S.PICKED, S.PICKING),  # a re-pick of short-shipped units
    (S.PACKING, S.PACKED),
    (S.PACKING, S.PICKED),
    (S.PACKING, S.PICKING),
    (S.PACKED, S.DISPATCHED),
    (S.PACKED, S.CANCELLED),  # supervisor only
    (S.DISPATCHED, S.RETURNED),
}
for s in (S.NEW, S.READY_TO_PICK, S.BACKORDERED, S.PICKING, S.PICKED, S.PACKING):
    LEGAL.add((s, S.ON_HOLD))
    LEGAL.add((s, S.CANCELLED))
LEGAL.add((S.ON_HOLD, S.CANCELLED))

SUPERVISOR = actor("Sam", "supervisor", operator_id=9)
PACKER = actor("Ana", "packer", operator_id=2)


def order(status: S, held_from: S | None = None) -> Order:
    return Order(id=1, name="#1042", status=status, held_from=held_from)


# ON_HOLD as a source depends on where the order was held from: see below.
@pytest.mark.parametrize("src", [s for s in S if s is not S.ON_HOLD])
@pytest.mark.parametrize("dst", list(S))
def test_every_pair(src: S, dst: S) -> None:
    o = order(src)
    if (src, dst) in LEGAL:
        ev = transition(o, dst, SUPERVISOR)
        assert o.status is dst
        assert (ev.from_state, ev.to_state) == (src.value, dst.value)
        assert ev.operator_name == "Sam" and ev.terminal == "TEST" and ev.order_name == "#1042"
    else:
        with pytest.raises(DomainError) as err:
            transition(o, dst, SUPERVISOR)
        assert o.status is src, "a refused move must change nothing"
        msg = str(err.value)
        assert "#1042" in msg and "\n" not in msg


@pytest.mark.parametrize("src", sorted(BEFORE_PACKED))
def test_hold_returns_to_where_it_was(src: S) -> None:
    o = order(src)
    transition(o, S.ON_HOLD, SUPERVISOR)
    assert o.held_from is src
    assert allowed_targets(o) == {src, S.CANCELLED}
    with pytest.raises(DomainError, match="on hold"):
        transition(o, S.PACKED if src is not S.PACKED else S.DISPATCHED, SUPERVISOR)
    transition(o, src, SUPERVISOR)
    assert o.status is src and o.held_from is None


def test_packed_order_cancel_needs_supervisor() -> None:
    o = order(S.PACKED)
    with pytest.raises(PermissionDenied, match="only a supervisor"):
        transition(o, S.CANCELLED, PACKER)
    assert o.status is S.PACKED
    transition(o, S.CANCELLED, SUPERVISOR)
    assert o.status is S.CANCELLED and o.cancelled_at is not None


def test_message_names_who_did_it() -> None:
    o = order(S.PACKED)
    with pytest.raises(DomainError) as err:
        transition(o, S.PACKED, PACKER, last_by="Ana")
    assert str(err.value) == "Order #1042 is already packed by Ana"


@given(st.lists(st.sampled_from(list(S)), max_size=30))
def test_random_walks_only_follow_legal_moves(targets: list[S]) -> None:
    o = order(S.NEW)
    for dst in targets:
        before = (o.status, o.held_from)
        legal = dst in allowed_targets(o)
        try:
            transition(o, dst, SUPERVISOR)
        except DomainError:
            assert not legal
            assert (o.status, o.held_from) == before
        else:
            assert legal
            assert o.status is dst
