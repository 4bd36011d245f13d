"""API keys for integrations: created, listed, revoked, and checked on every request.

A key reads ``wms_<prefix>_<secret>``: the prefix finds the row, the secret is
checked against a salted scrypt hash (the only thing stored; the key is shown
once, at creation). Scopes are ``read`` and ``write``. Revoking takes effect on
the next request. What a key does is logged with the key's name as the actor.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models.integration import ApiKey
from wms_tui.services.core import events
from wms_tui.store import Store, retrying

SCOPES = ("read", "write")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_KEY = re.compile(r"wms_([a-z0-9]{12})_([A-Za-z0-9_-]{20,100})")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
MAX_RATE = 100_000

# An integration writes as this actor: the key's name in the log, a supervisor's
# rights for what the floor's supervisors may do (hold, cancel), nothing more.
API_TERMINAL = "api"

# Secrets already checked in this process (sha256 of the key -> prefix): scrypt is
# slow on purpose, and a busy integration should not pay it on every request.
_verified: dict[str, str] = {}


@dataclass(frozen=True)
class KeyInfo:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    rate_per_minute: int
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def actor(self) -> Actor:
        roles = frozenset({Role.SUPERVISOR.value}) if "write" in self.scopes else frozenset()
        return Actor(operator_id=None, name=self.name, roles=roles, terminal=API_TERMINAL)


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=tuple(s for s in row.scopes.split(",") if s),
        rate_per_minute=row.rate_per_minute,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def _hash(secret: str, salt: bytes) -> str:
    digest = hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _check(secret: str, stored: str) -> bool:
    try:
        kind, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    return hmac.compare_digest(_hash(secret, bytes.fromhex(salt)), stored)


@retrying
def create_key(
    store: Store, actor: Actor, name: str, scopes: list[str], rate_per_minute: int = 120
) -> tuple[KeyInfo, str]:
    """A new key; returns it with the full key text, which is never shown again."""
    actor.require(Role.SUPERVISOR, action="create API keys")
    name = name.strip()
    if not NAME.fullmatch(name):
        raise DomainError(
            "Name the key with letters, digits, '.', '_' or '-' (at most 40), e.g. brand-erp"
        )
    wanted = sorted(set(scopes or ["read"]))
    if bad := [s for s in wanted if s not in SCOPES]:
        raise DomainError(f"Unknown scope {bad[0]!r}: use read and/or write")
    if not 1 <= rate_per_minute <= MAX_RATE:
        raise DomainError(f"Rate must be 1 to {MAX_RATE:,} requests a minute")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with store.unit_of_work() as uow:
        if uow.session.exec(select(ApiKey.id).where(ApiKey.name == name)).first():
            raise DomainError(f"There is already a key named {name}: revoke it or pick another")
        row = ApiKey(
            name=name,
            prefix=prefix,
            secret_hash=_hash(secret, secrets.token_bytes(16)),
            scopes=",".join(wanted),
            rate_per_minute=rate_per_minute,
        )
        uow.add(row)
        uow.flush()
        events.log(uow, actor, EventKind.API_KEY_CREATED, detail=f"{name} ({','.join(wanted)})")
        info = _info(row)
        uow.commit()
    return info, f"wms_{prefix}_{secret}"


def list_keys(store: Store) -> list[KeyInfo]:
    with store.read() as s:
        return [_info(r) for r in s.exec(select(ApiKey).order_by(col(ApiKey.name)))]


@retrying
def revoke_key(store: Store, actor: Actor, name: str) -> KeyInfo:
    actor.require(Role.SUPERVISOR, action="revoke API keys")
    with store.unit_of_work() as uow:
        row = uow.session.exec(select(ApiKey).where(ApiKey.name == name.strip())).first()
        if row is None:
            raise NotFound(f"No API key named {name.strip()!r}")
        if row.revoked_at is not None:
            raise DomainError(f"Key {row.name} was already revoked")
        row.revoked_at = utcnow()
        uow.add(row)
        events.log(uow, actor, EventKind.API_KEY_REVOKED, detail=row.name)
        info = _info(row)
        uow.commit()
    return info


class BadKey(DomainError):
    """Missing, malformed, unknown or revoked: the caller gets 401 and nothing else."""


def authenticate(store: Store, raw: str | None) -> KeyInfo:
    if not raw:
        raise BadKey("An API key is needed: send 'Authorization: Bearer wms_…'")
    m = _KEY.fullmatch(raw.strip())
    if not m:
        raise BadKey("That is not a wms API key")
    prefix, secret = m.groups()
    with store.read() as s:
        row = s.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
        info = _info(row) if row else None
        stored = row.secret_hash if row else ""
    if info is None:
        raise BadKey("Unknown API key")
    fingerprint = hashlib.sha256(raw.strip().encode()).hexdigest()
    if _verified.get(fingerprint) != prefix:
        if not _check(secret, stored):
            raise BadKey("Unknown API key")
        _verified[fingerprint] = prefix
    if info.revoked_at is not None:
        raise BadKey(f"API key {info.name} was revoked")
    _touch(store, info)
    return info


@retrying
def _touch(store: Store, info: KeyInfo) -> None:
    """Remember when a key was last used, at most once a minute (a write per request
    would queue every API call behind the floor's transactions)."""
    now = utcnow()
    if info.last_used_at is not None and now - info.last_used_at < timedelta(minutes=1):
        return
    with store.unit_of_work() as uow:
        row = uow.session.get(ApiKey, info.id)
        if row is not None:
            row.last_used_at = now
            uow.add(row)
            uow.commit()
