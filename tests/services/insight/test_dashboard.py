"""The shift dashboard on a hand-built shift with known answers (tests/worlds/insight.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from tests.worlds.insight import NOW, Shift, build_shift, t
from wms_tui.domain.errors import PermissionDenied
from wms_tui.services.insight import rules
from wms_tui.services.insight.dashboard import dashboard
from wms_tui.store import Store


@pytest.fixture
def shift(empty_store: Store) -> Shift:
    return build_shift(empty_store)


def test_the_shift_numbers_match_the_hand_counted_ones(shift: Shift) -> None:
    d = dashboard(shift.store, shift.boss, NOW)
    assert dict(d.stages) == {
        "NEW": 0, "READY_TO_PICK": 1, "BACKORDERED": 2, "ON_HOLD": 1, "PICKING": 1,
        "PICKED": 1, "PACKING": 0, "PACKED": 1, "DISPATCHED": 2, "CANCELLED": 0,
    }  # fmt: skip
    assert d.open_orders == 7
    # Today began at 23:00 UTC (midnight in Jönköping); 15 hours up to 13:00.
    assert d.hours[0] == datetime(2026, 3, 9, 23, tzinfo=UTC) and d.hours[-1] == NOW
    flow = {stage: dict(zip(d.hours, n, strict=True)) for stage, n in d.flow}
    assert {h.hour: n for h, n in flow["released"].items() if n} == {7: 2, 8: 1}
    assert {h.hour: n for h, n in flow["picked"].items() if n} == {8: 1, 9: 1, 10: 1}
    assert {h.hour: n for h, n in flow["packed"].items() if n} == {9: 1, 10: 1}
    assert {h.hour: n for h, n in flow["dispatched"].items() if n} == {12: 2}

    pickers = {p.name: p for p in d.pickers}
    assert (pickers["Ana Lindqvist"].count, pickers["Ana Lindqvist"].units) == (3, 5)
    assert pickers["Ana Lindqvist"].active_hours == 2 and pickers["Ana Lindqvist"].per_hour == 1.5
    bo = pickers["Bo Ek"]
    assert (bo.count, bo.units, bo.per_hour, bo.refused) == (3, 4, 1.5, 1)
    assert bo.refused_per_1000 == 250.0 and pickers["Ana Lindqvist"].refused == 0
    assert {h.hour: n for h, n in pickers["Ana Lindqvist"].hours.items()} == {8: 2, 10: 1}

    packers = {p.name: p for p in d.packers}
    jo = packers["Johan Öberg"]
    assert (jo.units, jo.undone, jo.qc, jo.returned, jo.active_hours) == (6, 1, 1, 1, 2)
    assert jo.per_hour == 3.0
    assert jo.refused == 2 and jo.refused_per_1000 == pytest.approx(333.33, abs=0.01)
    assert jo.undone_per_1000 == pytest.approx(166.67, abs=0.01)
    assert jo.returned_per_1000 == pytest.approx(166.67, abs=0.01)
    assert jo.errors_per_1000 == pytest.approx(833.33, abs=0.01)
    lena = packers["Lena Berg"]
    assert (lena.units, lena.undone, lena.qc, lena.returned, lena.per_hour) == (1, 0, 0, 0, 1.0)
    assert lena.refused == 0
    assert lena.errors_per_1000 == 0.0

    assert d.cycle.n == 2 and d.cycle.p50 == 900 and d.cycle.p90 == pytest.approx(1332)
    assert dict(d.backorders) == {"< 1 day": 1, "1-2 days": 0, "3-6 days": 1, "7+ days": 0}
    assert d.exceptions == (("SHORT_PICK", 2), ("QC_FAIL", 1))

    assert (d.pick_units_per_hour, d.pack_units_per_hour) == (2.0, 3.0)
    assert (d.pace.per_hour, d.pace.measured, d.pace.basis) == (2.0, False, "planned")
    pn, dhl, ups = d.carriers
    assert (pn.code, pn.cutoff, pn.orders, pn.lines_to_pick) == ("PN", time(14, 30), 2, 1)
    assert (pn.units_to_pick, pn.units_to_pack) == (2, 6)
    assert (pn.verdict, pn.at_risk, pn.done_at) == (rules.WILL_MISS, 1, t(14, 0))
    assert (dhl.code, dhl.orders, dhl.lines_to_pick, dhl.units_to_pick, dhl.units_to_pack) == (
        "DHL", 1, 1, 3, 3,
    )  # fmt: skip
    assert (dhl.verdict, dhl.at_risk, dhl.done_at) == (rules.MAKES_IT, 0, t(14, 30))
    assert (ups.code, ups.verdict, ups.orders) == ("UPS", rules.DONE, 0)
    assert not pn.makes_it and ups.makes_it


def test_a_day_with_nothing_done_yet_has_empty_numbers(shift: Shift) -> None:
    morning = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)  # 06:00 the next day
    d = dashboard(shift.store, shift.boss, morning)
    assert all(sum(n) == 0 for _, n in d.flow)
    assert d.pickers == () and d.packers == ()
    assert d.cycle.n == 0 and d.cycle.p50 is None and d.cycle.p90 is None
    assert d.pick_units_per_hour == 0.0 and d.pack_units_per_hour == 0.0
    assert not d.pace.measured and d.pace.per_hour == 2.0  # nothing packed yet: the plan
    pn = d.carriers[0]
    assert pn.verdict == rules.MAKES_IT and pn.done_at == morning + timedelta(hours=1)


def test_only_a_supervisor_sees_the_dashboard(shift: Shift) -> None:
    with pytest.raises(PermissionDenied, match="Ana Lindqvist may not see the shift dashboard"):
        dashboard(shift.store, shift.picker, NOW)
