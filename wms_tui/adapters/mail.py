"""Mail to customers: an e-mail built from plain values, and sending it by SMTP.

Sending is configured from the environment only: ``WMS_SMTP_HOST`` (nothing is sent
without it), ``WMS_SMTP_PORT`` (587 with STARTTLS, else 25), ``WMS_SMTP_USER``,
``WMS_SMTP_PASSWORD`` and ``WMS_SMTP_STARTTLS=1``. No password is stored in the store.

Nothing here knows about orders or notices: the caller hands in messages under keys of its
own and learns which keys went out (:class:`SendOutcome`), so it can mark what was sent
even when the server drops the connection half way.
"""

from __future__ import annotations

import email
import os
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Generic, TypeVar, cast

K = TypeVar("K")

#: A server that does not answer must not hold a supervisor's command for minutes.
TIMEOUT_S = 15


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str
    starttls: bool


def smtp_config() -> SmtpConfig | None:
    """SMTP settings from the environment; None unless ``WMS_SMTP_HOST`` is set."""
    host = os.environ.get("WMS_SMTP_HOST", "").strip()
    if not host:
        return None
    starttls = os.environ.get("WMS_SMTP_STARTTLS", "").lower() in ("1", "true", "yes")
    return SmtpConfig(
        host=host,
        port=int(os.environ.get("WMS_SMTP_PORT") or (587 if starttls else 25)),
        user=os.environ.get("WMS_SMTP_USER", ""),
        password=os.environ.get("WMS_SMTP_PASSWORD", ""),
        starttls=starttls,
    )


def compose(
    *,
    sender: str,
    to_name: str,
    to_addr: str,
    subject: str,
    body: str,
    now: datetime,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """One plain-text message; ``sender`` as a house rule holds it (``Shop <a@b>`` or bare).

    The Message-ID is made under the sender's domain so a mail server does not mark it as
    foreign; ``headers`` are added after the standard ones, in the order given.
    """
    display, addr = parseaddr(sender)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = Address(display_name=display, addr_spec=addr) if addr else sender
    msg["To"] = Address(display_name=to_name, addr_spec=to_addr)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=addr.rpartition("@")[2] or None)
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg


def read_message(path: Path) -> EmailMessage:
    """An ``.eml`` file as written from :func:`compose`, ready to send again."""
    # policy.default builds an EmailMessage; the stub only promises a Message.
    return cast(EmailMessage, email.message_from_bytes(path.read_bytes(), policy=policy.default))


@dataclass
class SendOutcome(Generic[K]):
    sent: list[K] = field(default_factory=list)
    refused: list[tuple[K, str]] = field(default_factory=list)  # the server's reason
    failure: str | None = None  # one line: the connection could not be made or broke


def send(cfg: SmtpConfig, messages: Iterable[tuple[K, EmailMessage]]) -> SendOutcome[K]:
    """Send over one connection; a refused message does not stop the others."""
    out: SendOutcome[K] = SendOutcome()
    try:
        with smtplib.SMTP(cfg.host, cfg.port, timeout=TIMEOUT_S) as smtp:
            if cfg.starttls:
                smtp.starttls()
            if cfg.user:
                smtp.login(cfg.user, cfg.password)
            for key, msg in messages:
                try:
                    smtp.send_message(msg)
                    out.sent.append(key)
                except smtplib.SMTPException as exc:
                    out.refused.append((key, str(exc)))
    except (OSError, smtplib.SMTPException) as exc:
        out.failure = f"SMTP {cfg.host}:{cfg.port} failed: {exc}"
    return out
