"""adapters/mail: a message built from plain values, SMTP settings, and what a send reports."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from wms_tui.adapters import mail

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def message(n: int) -> EmailMessage:
    return mail.compose(
        sender="Nordlys <orders@nordlys.example>",
        to_name="김지훈",
        to_addr=f"c{n}@example.kr",
        subject=f"Order {n}",
        body="Hello Åsa\n",
        now=NOW,
        headers={"X-WMS-Order": f"#{n}"},
    )


def test_compose_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(message(1).as_bytes())
    msg = mail.read_message(path)
    assert msg["From"].addresses[0].display_name == "Nordlys"
    assert msg["To"].addresses[0].display_name == "김지훈"
    assert msg["Message-ID"].endswith("@nordlys.example>")
    assert msg["X-WMS-Order"] == "#1" and msg.get_content() == "Hello Åsa\n"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    assert mail.smtp_config() is None
    monkeypatch.setenv("WMS_SMTP_HOST", " mail.example ")
    monkeypatch.setenv("WMS_SMTP_STARTTLS", "yes")
    monkeypatch.delenv("WMS_SMTP_PORT", raising=False)
    cfg = mail.smtp_config()
    assert cfg is not None and (cfg.host, cfg.port, cfg.starttls) == ("mail.example", 587, True)


class Server:
    """Refuses the message to c2@, drops the connection at c4@."""

    sent: list[str] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        pass

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def send_message(self, msg: EmailMessage) -> None:
        to = msg["To"].addresses[0].addr_spec
        if to.startswith("c2@"):
            raise smtplib.SMTPRecipientsRefused({to: (550, b"no such user")})
        if to.startswith("c4@"):
            raise ConnectionResetError("connection reset")
        Server.sent.append(to)


def test_a_refusal_and_a_broken_connection_keep_what_was_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    Server.sent = []
    monkeypatch.setattr(smtplib, "SMTP", Server)
    cfg = mail.SmtpConfig("mail.example", 25, "", "", False)
    out = mail.send(cfg, [(n, message(n)) for n in (1, 2, 3, 4, 5)])
    assert out.sent == [1, 3] and Server.sent == ["c1@example.kr", "c3@example.kr"]
    assert [key for key, _ in out.refused] == [2] and "no such user" in out.refused[0][1]
    assert out.failure == "SMTP mail.example:25 failed: connection reset"
