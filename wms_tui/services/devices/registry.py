"""The registry of floor devices allowed to reach ``wms serve`` (issue #17).

A device signs in with one or more of: an SSH public key, a password (SSH),
a browser token (``wms serve web``). Registering and removing devices is a
supervisor's job, recorded in the event log; checking a device's credentials
is done by the servers for every connection and writes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.models import Device
from wms_tui.services.core import events
from wms_tui.services.core.hashing import hash_secret, verify_secret
from wms_tui.store import Store, retrying

# The SSH user name and the terminal code: short, no spaces, safe in a log line.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class DeviceInfo:
    name: str
    methods: tuple[str, ...]  # "key", "password", "web"
    key_fingerprint: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class DeviceAdded:
    device: DeviceInfo
    # The browser token, shown once: only its hash is kept.
    token: str | None


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise DomainError(
            f"Device name {name!r} must be 1-32 letters, digits, '.', '_' or '-' (e.g. picker-07)"
        )
    return name


def parse_public_key(text: str) -> str:
    """The one public key in an OpenSSH ``.pub`` file, as ``type base64``."""
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    if "PRIVATE KEY" in text:
        raise DomainError("That is a private key: give the device's public key (the .pub file)")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if len(lines) != 1:
        raise DomainError(
            f"A key file holds one public key in OpenSSH format; this one has {len(lines)} lines"
        )
    parts = lines[0].split()
    if len(parts) < 2:
        raise DomainError("Not an OpenSSH public key (expected 'ssh-ed25519 AAAA… comment')")
    line = f"{parts[0]} {parts[1]}"
    try:
        load_ssh_public_key(line.encode())
    except (ValueError, TypeError) as exc:
        raise DomainError(f"Not an OpenSSH public key: {exc}") from None
    return line


def fingerprint(key_line: str) -> str:
    import base64

    blob = base64.b64decode(key_line.split()[1])
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _info(d: Device) -> DeviceInfo:
    methods = tuple(
        m
        for m, on in (("key", d.public_key), ("password", d.password_hash), ("web", d.token_hash))
        if on
    )
    return DeviceInfo(
        name=d.name,
        methods=methods,
        key_fingerprint=fingerprint(d.public_key) if d.public_key else "",
        created_at=d.created_at,
        created_by=d.created_by,
    )


@retrying
def add_device(
    store: Store,
    actor: Actor,
    name: str,
    *,
    public_key: str | None = None,
    password: str | None = None,
    web: bool = False,
) -> DeviceAdded:
    """Register a device with a key, a password and/or a browser token."""
    actor.require(Role.SUPERVISOR, action="register devices")
    name = check_name(name)
    if public_key is None and password is None and not web:
        raise DomainError(f"Say how {name} signs in: --key FILE, --password and/or --web")
    key_line = parse_public_key(public_key) if public_key is not None else ""
    if password is not None and len(password) < MIN_PASSWORD:
        raise DomainError(f"A device password needs at least {MIN_PASSWORD} characters")
    token = secrets.token_urlsafe(32) if web else None
    with store.unit_of_work() as uow:
        s = uow.session
        if s.exec(select(Device).where(Device.name == name)).first() is not None:
            raise Conflict(
                f"Device {name} is already registered: `wms devices remove {name}` first"
            )
        device = Device(
            name=name,
            public_key=key_line,
            password_hash=hash_secret(password) if password is not None else "",
            token_hash=_token_hash(token) if token else "",
            created_by=actor.name,
        )
        uow.add(device)
        info = _info(device)
        events.log(uow, actor, EventKind.DEVICE_ADDED, detail=f"{name}: {', '.join(info.methods)}")
        uow.commit()
    return DeviceAdded(info, token)


@retrying
def remove_device(store: Store, actor: Actor, name: str) -> None:
    """Forget a device; its open connections are not cut, new ones are refused."""
    actor.require(Role.SUPERVISOR, action="remove devices")
    with store.unit_of_work() as uow:
        device = uow.session.exec(select(Device).where(Device.name == name.strip())).first()
        if device is None:
            raise NotFound(f"No device {name.strip()!r}: `wms devices list` shows them")
        uow.session.delete(device)
        events.log(uow, actor, EventKind.DEVICE_REMOVED, detail=device.name)
        uow.commit()


def list_devices(store: Store) -> list[DeviceInfo]:
    with store.read() as s:
        return [_info(d) for d in s.exec(select(Device).order_by(Device.name))]


def _credentials(store: Store, name: str) -> tuple[str, str] | None:
    """The device's public key line and password hash, or None if unknown."""
    with store.read() as s:
        row = s.exec(
            select(Device.public_key, Device.password_hash).where(Device.name == name)
        ).first()
    return (row[0], row[1]) if row is not None else None


def is_registered(store: Store, name: str) -> bool:
    return _credentials(store, name) is not None


def key_allowed(store: Store, name: str, key_line: str) -> bool:
    """Whether ``key_line`` (``type base64 [comment]``) is the key registered for ``name``."""
    creds = _credentials(store, name)
    if creds is None or not creds[0]:
        return False
    return secrets.compare_digest(creds[0], " ".join(key_line.split()[:2]))


def password_allowed(store: Store, name: str, password: str) -> bool:
    creds = _credentials(store, name)
    return creds is not None and verify_secret(creds[1], password)


def device_for_token(store: Store, token: str) -> str | None:
    """The device a browser token belongs to, or None."""
    if not token:
        return None
    with store.read() as s:
        return s.exec(select(Device.name).where(Device.token_hash == _token_hash(token))).first()
