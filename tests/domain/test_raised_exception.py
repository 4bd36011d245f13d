"""An exception raised at an operator's step names who raised it and where, whatever the step."""

from __future__ import annotations

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import ExceptionKind
from wms_tui.domain.models import WmsException


def test_raised_by_names_the_operator_and_terminal_and_keeps_the_references() -> None:
    ana = Actor(operator_id=7, name="Ana Lind", roles=frozenset({"packer"}), terminal="PACK-2")
    exc = WmsException.raised_by(
        ana, ExceptionKind.QC_FAIL, "Damaged: 1× MUG-BLU", order_id=3, sku="MUG-BLU", location="Q-1"
    )
    assert (exc.kind, exc.message) == (ExceptionKind.QC_FAIL, "Damaged: 1× MUG-BLU")
    assert (exc.operator_id, exc.operator_name, exc.terminal) == (7, "Ana Lind", "PACK-2")
    assert (exc.order_id, exc.sku, exc.location) == (3, "MUG-BLU", "Q-1")
    assert exc.resolved_at is None
