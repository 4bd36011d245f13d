"""One way to name an operator in a sentence (packing, picking, the dock and the
resume offer each had their own, two of which could leave the name blank)."""

from __future__ import annotations

from wms_tui.domain.models import Operator
from wms_tui.services.core.badges import operator_name
from wms_tui.store import Store


def test_an_operator_is_named_and_never_left_blank(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        ana = Operator(badge="A1", name="Ana Lindqvist", roles="picker")
        uow.add(ana)
        uow.session.flush()
        assert operator_name(uow.session, ana.id) == "Ana Lindqvist"
        assert operator_name(uow.session, None) == "someone"
        gone = (ana.id or 0) + 1000
        assert operator_name(uow.session, gone) == f"operator {gone}"
