"""Floor devices allowed to reach ``wms serve``."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow


class Device(SQLModel, table=True):
    """A floor device allowed to reach ``wms serve`` (a handheld, a station PC).

    Its name is the SSH user name and the terminal code in the header and the
    event log. Secrets are kept only as hashes: an argon2 hash of the password,
    a SHA-256 of the browser token (a random 256-bit value needs no slow hash).
    The public key is stored as given, in OpenSSH's one-line format.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=32)
    public_key: str = ""
    password_hash: str = ""
    token_hash: str = Field(default="", index=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = ""
