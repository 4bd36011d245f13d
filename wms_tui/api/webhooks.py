"""/webhooks: an integration registers URLs for order.packed, order.shipped, order.delayed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from wms_tui.api.auth import READ, WRITE
from wms_tui.api.body import CheckedRoute
from wms_tui.api.orders import ERRORS
from wms_tui.api.schemas import DeliveryOut, WebhookIn, WebhookOut
from wms_tui.services.integrations import webhook_delivery, webhooks_out
from wms_tui.services.integrations.api_keys import KeyInfo

router = APIRouter(prefix="/webhooks", tags=["webhooks"], route_class=CheckedRoute)


def _out(info: webhooks_out.WebhookInfo) -> WebhookOut:
    return WebhookOut(
        id=info.id,
        url=info.url,
        events=list(info.events),
        created_at=info.created_at,
        secret=info.secret,
    )


@router.post("", response_model=WebhookOut, status_code=201, responses=ERRORS)
def register(
    body: WebhookIn, request: Request, key: Annotated[KeyInfo, Depends(WRITE)]
) -> WebhookOut:
    """Register a public https URL for what happens from now on (or from ``since``); the
    answer holds the signing secret, shown this once."""
    state = request.app.state
    return _out(
        webhooks_out.register(
            state.store,
            key,
            body.url,
            list(body.events),
            since=body.since,
            allow_private=state.allow_private_webhooks,
        )
    )


@router.get("", response_model=list[WebhookOut], responses=ERRORS)
def list_webhooks(request: Request, key: Annotated[KeyInfo, Depends(READ)]) -> list[WebhookOut]:
    return [_out(w) for w in webhooks_out.list_for(request.app.state.store, key)]


@router.delete("/{webhook_id}", status_code=204, responses=ERRORS)
def remove(
    webhook_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    request: Request,
    key: Annotated[KeyInfo, Depends(WRITE)],
) -> Response:
    webhooks_out.remove(request.app.state.store, key, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=list[DeliveryOut], responses=ERRORS)
def deliveries(
    webhook_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    request: Request,
    key: Annotated[KeyInfo, Depends(READ)],
    limit: Annotated[int, Query(ge=1, le=webhooks_out.MAX_LOG)] = 50,
) -> list[DeliveryOut]:
    """The webhook's latest deliveries, newest first, each with why it failed."""
    found = webhook_delivery.deliveries(request.app.state.store, key, webhook_id, limit)
    return [DeliveryOut(**vars(d)) for d in found]
