"""POST /shopify/webhooks: the shop's orders/* webhooks, signature first.

The ``X-Shopify-Hmac-Sha256`` header is checked over the raw bytes before
the body is parsed; a missing or wrong one is refused (401) and logged, and
nothing changes. The order then goes through ``services/shop/orders_in``
exactly as a pulled one (a replay is "unchanged", an older version ignored).
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from wms_tui.adapters.shopify import webhooks
from wms_tui.adapters.shopify.credentials import CredentialError
from wms_tui.api.schemas import Done, Error
from wms_tui.services.shop import orders_in

log = logging.getLogger("wms.api.shopify")
router = APIRouter(tags=["shopify"])


@router.post(
    "/shopify/webhooks",
    response_model=Done,
    responses={
        401: {"model": Error},
        413: {"model": Error},
        422: {"model": Error},
        503: {"model": Error},
    },
)
async def shopify_webhook(request: Request) -> Done:
    """orders/create, orders/updated, orders/cancelled, orders/paid (signed by the shop)."""
    body = await request.body()
    if len(body) > orders_in.MAX_PAYLOAD:
        raise HTTPException(413, detail="Webhook body over 1 MiB")
    try:
        secret = request.app.state.webhook_secret()
    except CredentialError as exc:
        log.error("cannot check Shopify webhooks: %s", exc)
        raise HTTPException(503, detail="Webhooks cannot be checked here now") from None
    topic = request.headers.get("x-shopify-topic", "")
    if not webhooks.verify(secret, body, request.headers.get("x-shopify-hmac-sha256")):
        log.warning(
            "refused a webhook (%s) from %s: %s signature",
            topic[:40] or "no topic",
            request.client.host if request.client else "?",
            "no" if not request.headers.get("x-shopify-hmac-sha256") else "a wrong",
        )
        raise HTTPException(401, detail="Webhook signature missing or wrong")
    if topic not in webhooks.TOPICS:
        return Done(message=f"ignored topic {topic[:40]!r}")
    try:
        payload = json.loads(body)
    except ValueError:
        raise HTTPException(422, detail="Webhook body is not JSON") from None
    store = request.app.state.store
    done = await run_in_threadpool(orders_in.apply, store, orders_in.WEBHOOK, payload)
    return Done(message=f"{done.name}: {done.outcome}")
