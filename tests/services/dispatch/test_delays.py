"""Delay detection on a hand-built dock with known late orders, and one notice each.

The dock (tests/worlds/dispatch.py) is Tuesday 10 March 2026, 14:00 in Stockholm:
PN's cut-off 16:00, DHL's 15:00; #1, #2, #3 packed and promised today, not loaded.
"""

from __future__ import annotations

import email
from datetime import UTC, date, datetime, time, timedelta
from email import policy
from pathlib import Path

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from tests.worlds.dispatch import DAY, Dock, build_dock
from wms_tui.domain.enums import ManifestStatus, OrderStatus
from wms_tui.domain.errors import NotFound, PermissionDenied
from wms_tui.domain.models import Carrier, Delivery, DeliveryLine, Manifest, Notice, Service
from wms_tui.services.core import settings
from wms_tui.services.dispatch import delays
from wms_tui.store import Store

S = OrderStatus
MON, WED, THU, FRI = (
    DAY - timedelta(days=1),
    date(2026, 3, 11),
    date(2026, 3, 12),
    date(2026, 3, 13),
)


@pytest.fixture
def dock(empty_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dock:
    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    d = build_dock(empty_store, tmp_path)
    with d.store.unit_of_work() as uow:
        s = uow.session
        pn = s.exec(select(Carrier).where(Carrier.code == "PN")).one()
        pn_std = s.exec(select(Service).where(Service.carrier_id == pn.id)).one()
        ups, ups_std = f.carrier(uow, "UPS", cutoff=time(18, 0))
        settings.put(s, "planned_packs_per_hour", "1")  # nothing packed today: the plan's pace
        tee, cap, hat, sock = (f.product(uow, k) for k in ("TEE-1", "CAP-1", "HAT-1", "SOCK-1"))
        f.receive(uow, tee, f.location(uow, "A-02-1-A"), 20)

        def o(name: str, status: S, promised: date, product=tee, carrier=pn, service=pn_std):  # noqa: ANN001
            f.order(uow, name, [(product, 1)], status=status, carrier_id=carrier.id,
                    service_id=service.id, promised_ship_date=promised)  # fmt: skip

        o("#L-YDAY", S.READY_TO_PICK, MON)  # late; 14:00 < 16:00: can still go today
        o("#L-HOLD", S.ON_HOLD, MON)  # on hold: a conversation already
        o("#L-DONE", S.DISPATCHED, MON)
        o("#L-TMRW", S.NEW, WED)
        o("#C-GONE", S.PICKED, DAY, carrier=ups, service=ups_std)  # UPS left already
        uow.add(Manifest(number="UPS-20260310", carrier_id=ups.id, day=DAY,
                         status=ManifestStatus.CLOSED))  # fmt: skip
        o("#P-1", S.NEW, DAY)  # third in PN's pack queue at 1/h: packed 17:00 > 16:00
        o("#B-CAP", S.BACKORDERED, WED, cap)  # nothing coming
        o("#B-HAT", S.BACKORDERED, WED, hat)  # arrives Thursday: ships Friday
        o("#B-SOCK", S.BACKORDERED, THU, sock)  # arrives Wednesday: ships Thursday, in time
        o("#B-FAR", S.BACKORDERED, FRI + timedelta(days=3), cap)  # beyond 2 working days
        for ref, product, on in (("PO-HAT", hat, THU), ("PO-SOCK", sock, WED)):
            dl = Delivery(reference=ref, supplier="X", expected_date=on)
            uow.add(dl)
            uow.flush()
            uow.add(DeliveryLine(delivery_id=dl.id, product_id=product.id, expected_qty=5))
        uow.commit()
    return d


def test_known_late_orders_with_their_causes(dock: Dock) -> None:
    found = delays.find_delays(dock.store, dock.boss)
    assert found.day == DAY and found.tz_name == "Europe/Stockholm" and not found.pace_measured
    got = [(o.name, o.cause, o.promised, o.new_ship_day) for o in found.orders]
    assert got == [
        ("#L-YDAY", "late", MON, DAY),
        ("#C-GONE", "carrier gone", DAY, WED),
        ("#P-1", "pace", DAY, WED),
        ("#B-CAP", "backorder", WED, None),
        ("#B-HAT", "backorder", WED, FRI),
    ]
    why = {o.name: o.why for o in found.orders}
    assert why["#L-YDAY"] == "1 day past its promise"
    assert why["#C-GONE"] == "today's UPS manifest is closed"
    assert why["#P-1"] == "1 packs/h reaches it after the 16:00 cut-off"
    assert why["#B-CAP"] == "CAP-1: none coming"
    assert why["#B-HAT"] == "HAT-1: in for Fri 13 Mar"
    assert all(not o.noticed for o in found.orders) and len(found.to_notify) == 5


def test_after_the_cutoff_todays_promises_miss_it(dock: Dock) -> None:
    dock.clock.at = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)  # 16:30 local
    found = {o.name: o for o in delays.find_delays(dock.store, dock.boss).orders}
    assert found["#L-YDAY"].new_ship_day == WED  # today's truck is gone too
    assert found["#P-1"].cause == "missed cut-off" and found["#P-1"].why == "cut-off 16:00 passed"
    assert {"#1", "#2", "#3"} <= set(found)  # packed, not loaded
    assert "#4" not in found and "#5" not in found  # cancelled; no promise


def test_a_loaded_order_is_not_late(dock: Dock) -> None:
    from wms_tui.services.dispatch import handover

    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#2"])  # 1 of 2 parcels
    dock.clock.at = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    names = {o.name for o in delays.find_delays(dock.store, dock.boss).orders}
    assert "#1" not in names and "#2" in names


def test_the_notice_is_prepared_once(dock: Dock) -> None:
    run = delays.send_delay_notices(dock.store, dock.boss)
    assert sorted(p.name for p in run.written) == [
        f"delay-{n}.eml" for n in sorted(_file_ids(dock))
    ]
    assert run.problems == [] and not run.smtp
    msgs = {
        m["X-WMS-Order"]: m
        for m in (
            email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in run.written
        )
    }
    hat = msgs["#B-HAT"]
    assert hat["Subject"] == "Your order #B-HAT is delayed"
    assert hat["X-WMS-New-Ship-Date"] == "2026-03-13"
    assert "We now expect to send it on Friday 13 March 2026." in hat.get_content()
    assert "as soon as they arrive" in msgs["#B-CAP"].get_content()
    again = delays.find_delays(dock.store, dock.boss)
    assert again.to_notify == () and len(again.orders) == 5
    assert all(f"{o.noticed_at:%H:%M}" == "14:00" for o in again.orders)
    before = snapshot(dock.store)
    assert delays.send_delay_notices(dock.store, dock.boss).written == []
    assert snapshot(dock.store) == before
    with dock.store.read() as s:
        assert len(s.exec(select(Notice).where(Notice.kind == "delay")).all()) == 5


def _file_ids(dock: Dock) -> list[str]:
    names = ("#B-CAP", "#B-HAT", "#C-GONE", "#L-YDAY", "#P-1")
    return [f"{n[1:]}-{dock.order(n).id}" for n in names]


def test_notices_for_chosen_orders_only(dock: Dock) -> None:
    run = delays.send_delay_notices(dock.store, dock.boss, ["b-cap", "#P-1"])
    assert sorted(m.name.split("-")[1] for m in run.written) == ["B", "P"]
    left = {o.name for o in delays.find_delays(dock.store, dock.boss).to_notify}
    assert left == {"#L-YDAY", "#C-GONE", "#B-HAT"}


@pytest.mark.parametrize(
    ("names", "error", "message"),
    [
        (["#NOPE"], NotFound, "No order #NOPE"),
        (["#L-TMRW"], NotFound, "#L-TMRW is not on the delay list"),
        (["#L-HOLD"], NotFound, "#L-HOLD is not on the delay list"),
    ],
)
def test_refused_choices_change_nothing(dock: Dock, names, error, message) -> None:  # noqa: ANN001
    before = snapshot(dock.store)
    with pytest.raises(error, match=message):
        delays.send_delay_notices(dock.store, dock.boss, names)
    assert snapshot(dock.store) == before and list(dock.outbox.glob("delay-*")) == []


def test_only_a_supervisor(dock: Dock) -> None:
    with pytest.raises(PermissionDenied, match="Johan Öberg may not list orders"):
        delays.find_delays(dock.store, dock.packer)
    with pytest.raises(PermissionDenied, match="may not send delay notices"):
        delays.send_delay_notices(dock.store, dock.packer)


def test_pace_risk_reaches_past_the_overviews_list(
    dock: Dock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delay list took its *pace* orders from the overview's attention list, which
    names the first 200 orders only: on a busy day, orders at risk beyond them were
    never noticed. Here the list holds one order (the late #L-YDAY) and #P-1 is still
    found at risk."""
    from wms_tui.services.dispatch.overview import attention

    monkeypatch.setattr(attention, "MAX_LISTED", 1)
    found = {o.name: o for o in delays.find_delays(dock.store, dock.boss).orders}
    assert found["#P-1"].cause == "pace"
    assert found["#P-1"].why == "1 packs/h reaches it after the 16:00 cut-off"
