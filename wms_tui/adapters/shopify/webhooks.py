"""Shopify's webhook signatures: ``X-Shopify-Hmac-Sha256`` over the raw body.

The signature is base64(HMAC-SHA256(secret, body)) of the bytes exactly as
they arrived: checked before the JSON is even parsed, compared in constant
time. Outgoing webhooks of our own API are signed the same way (hex digest in
``X-Wms-Signature``), so an integrator checks them with the same few lines.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled", "orders/paid"})


def shopify_signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """True only for a present, well-formed signature of exactly these bytes."""
    if not secret or not header:
        return False
    expected = shopify_signature(secret, body)
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def wms_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Our outgoing webhooks: hex HMAC-SHA256 over ``timestamp.body`` (replays are dated)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return mac.hexdigest()
