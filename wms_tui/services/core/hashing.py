"""Hashing short secrets a person types (device passwords, operator PINs).

argon2id with argon2-cffi's defaults: slow on purpose, so a copied database
does not give its secrets away. ``verify`` answers False for a wrong secret
and for a hash it cannot read, never raises.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()


def hash_secret(secret: str) -> str:
    return _HASHER.hash(secret)


def verify_secret(hashed: str, secret: str) -> bool:
    if not hashed:
        return False
    try:
        return _HASHER.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False
