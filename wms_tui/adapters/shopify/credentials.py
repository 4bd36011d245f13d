"""Where the shop's address and secrets come from: the environment, or a 0600 file.

| variable | meaning |
|---|---|
| ``WMS_SHOPIFY_SHOP`` | ``my-shop.myshopify.com`` (or a full base URL) |
| ``WMS_SHOPIFY_TOKEN`` / ``WMS_SHOPIFY_TOKEN_FILE`` | the custom app's Admin API access token |
| ``WMS_SHOPIFY_WEBHOOK_SECRET`` / ``…_FILE`` | the app's client secret, which signs webhooks |
| ``WMS_SHOPIFY_LOCATION`` | the location gid stock is pushed to (default: the first) |
| ``WMS_SHOPIFY_NOTIFY`` | ``0`` to fulfil without Shopify's shipping e-mail |

A secret file must be readable by its owner only (mode 0600 or 0400): a token
others on the machine can read is refused, with the ``chmod`` that fixes it.
Secrets never reach the store, a log or a message.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from wms_tui.adapters.shopify.admin_api import ShopConfig


class CredentialError(ValueError):
    """The shop is not (properly) configured; one line saying what to set."""


def _secret(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if value:
        return value
    path = env.get(f"{name}_FILE", "").strip()
    if not path:
        return ""
    p = Path(path).expanduser()
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        raise CredentialError(f"{name}_FILE {p}: {(exc.strerror or str(exc)).lower()}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialError(
            f"{name}_FILE {p} can be read by others (mode {stat.S_IMODE(mode):04o}): "
            f"run chmod 600 {p}"
        )
    try:
        return p.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialError(f"{name}_FILE {p}: cannot read it ({type(exc).__name__})") from None


def shop_config(env: Mapping[str, str] | None = None) -> ShopConfig:
    """The shop to sync with; CredentialError names what is missing."""
    env = os.environ if env is None else env
    shop = env.get("WMS_SHOPIFY_SHOP", "").strip()
    if not shop:
        raise CredentialError("no shop configured: set WMS_SHOPIFY_SHOP (my-shop.myshopify.com)")
    token = _secret(env, "WMS_SHOPIFY_TOKEN")
    if not token:
        raise CredentialError(
            "no access token: set WMS_SHOPIFY_TOKEN or WMS_SHOPIFY_TOKEN_FILE (mode 0600)"
        )
    return ShopConfig(
        shop=shop,
        token=token,
        location_id=env.get("WMS_SHOPIFY_LOCATION", "").strip(),
        notify_customer=env.get("WMS_SHOPIFY_NOTIFY", "1").strip() not in ("0", "false", "no"),
    )


def webhook_secret(env: Mapping[str, str] | None = None) -> str:
    """The secret Shopify signs webhooks with; '' when unset (every webhook is refused)."""
    return _secret(os.environ if env is None else env, "WMS_SHOPIFY_WEBHOOK_SECRET")
