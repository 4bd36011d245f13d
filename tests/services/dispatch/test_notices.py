"""Customer notices: .eml files read back with the standard library, SMTP only when set."""

from __future__ import annotations

import email
import smtplib
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import select

from tests.worlds.dispatch import Dock, build_dock
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Notice
from wms_tui.services.dispatch import handover, manifest, notices
from wms_tui.store import Store

S = OrderStatus


@pytest.fixture
def dock(empty_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dock:
    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    return build_dock(empty_store, tmp_path)


def read_eml(path: Path) -> EmailMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def ship(dock: Dock) -> manifest.CloseOutResult:
    for k in ("#1", "#2", "#2/2"):
        handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc[k])
    return manifest.close_manifest(dock.store, dock.boss, "PN")


def test_shipping_confirmation_contents(dock: Dock) -> None:
    ship(dock)
    files = sorted(dock.outbox.glob("*.eml"))
    assert [p.name for p in files] == ["shipped-1-1.eml", "shipped-2-2.eml"]
    msg = read_eml(files[0])
    assert msg["Subject"] == "Your order #1 is on its way"
    assert msg["To"].addresses[0].display_name == "김지훈"
    assert msg["To"].addresses[0].addr_spec == "jihoon@example.kr"
    assert msg["From"].addresses[0].addr_spec == "orders@nordlys.example"
    assert msg["X-WMS-Order"] == "#1" and msg["X-WMS-Notice"] == "shipped"
    assert msg["X-WMS-Tracking"] == dock.tracking["#1"]
    # Tuesday + 2 working days = Thursday.
    assert msg["X-WMS-Expected-Delivery"] == "2026-03-12"
    body = msg.get_content()
    assert "Hello 김지훈" in body
    assert "left our warehouse on Tuesday 10 March 2026 with PN Carrier (Standard)" in body
    assert f"Tracking number: {dock.tracking['#1']}" in body
    assert "Expected delivery: Thursday 12 March 2026" in body
    two = read_eml(files[1]).get_content()
    assert "2 parcels" in two and dock.tracking["#2"] in two and dock.tracking["#2/2"] in two


def test_friday_dispatch_is_delivered_after_the_weekend(dock: Dock) -> None:
    dock.clock.at = datetime(2026, 3, 13, 13, 0, tzinfo=UTC)  # Friday
    ship(dock)
    msg = read_eml(sorted(dock.outbox.glob("*.eml"))[0])
    assert msg["X-WMS-Expected-Delivery"] == "2026-03-17"  # Tuesday


def test_notices_are_not_duplicated(dock: Dock) -> None:
    ship(dock)
    again = notices.shipping_confirmations(dock.store, dock.boss)  # today's dispatched orders
    assert again.written == []
    with dock.store.read() as s:
        rows = s.exec(select(Notice)).all()
        assert sorted((n.kind, n.sent) for n in rows) == [("shipped", False)] * 2


def test_no_smtp_configured_means_files_only(dock: Dock, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*a: object, **k: object) -> None:
        raise AssertionError("SMTP used without WMS_SMTP_HOST")

    monkeypatch.setattr(smtplib, "SMTP", boom)
    r = ship(dock)
    assert r.notices_written == 2 and r.notices_sent == 0 and r.notice_problems == []


class FakeSMTP:
    sent: list[EmailMessage] = []
    fail = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        if FakeSMTP.fail:
            raise ConnectionRefusedError("connection refused")
        self.host, self.port = host, port

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def starttls(self) -> None:
        pass

    def login(self, user: str, password: str) -> None:
        pass

    def send_message(self, msg: EmailMessage) -> None:
        FakeSMTP.sent.append(msg)


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> type[FakeSMTP]:
    FakeSMTP.sent, FakeSMTP.fail = [], False
    monkeypatch.setenv("WMS_SMTP_HOST", "mail.example")
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


def test_smtp_sends_when_configured(dock: Dock, smtp: type[FakeSMTP]) -> None:
    r = ship(dock)
    assert r.notices_sent == 2
    assert sorted(m["X-WMS-Order"] for m in smtp.sent) == ["#1", "#2"]
    with dock.store.read() as s:
        assert all(n.sent for n in s.exec(select(Notice)))


def test_smtp_failure_keeps_the_files_and_retries_later(dock: Dock, smtp: type[FakeSMTP]) -> None:
    smtp.fail = True
    r = ship(dock)
    assert r.notices_written == 2 and r.notices_sent == 0
    assert "SMTP mail.example:25 failed" in r.notice_problems[0]
    assert dock.order("#1").status == S.DISPATCHED  # the truck left anyway
    smtp.fail = False
    retry = notices.send_pending(dock.store, dock.boss)
    assert retry.sent == 2 and [m["Subject"] for m in smtp.sent][0].startswith("Your order")
    assert notices.send_pending(dock.store, dock.boss).sent == 0


def test_send_pending_without_smtp_says_so(dock: Dock) -> None:
    run = notices.send_pending(dock.store, dock.boss)
    assert run.sent == 0 and "SMTP is not configured" in run.problems[0]


def test_an_order_without_an_address_is_reported_not_written(dock: Dock) -> None:
    with dock.store.unit_of_work() as uow:
        o = uow.session.get(type(dock.order("#1")), dock.order("#1").id)
        o.email = "not an address"
        uow.add(o)
        uow.commit()
    r = ship(dock)
    assert r.notices_written == 1
    assert r.notice_problems == ["#1: no usable e-mail address (not an address)"]


def test_the_store_refuses_a_second_notice_of_a_kind(dock: Dock) -> None:
    from sqlalchemy.exc import IntegrityError

    ship(dock)
    order_id = dock.order("#1").id
    with pytest.raises(IntegrityError), dock.store.unit_of_work() as uow:
        uow.add(Notice(order_id=order_id, kind="shipped", file="x.eml"))
        uow.flush()
