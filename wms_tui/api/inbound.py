"""/deliveries (ASN in) and /returns (returns announced)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from wms_tui.api.auth import WRITE
from wms_tui.api.body import CheckedRoute
from wms_tui.api.orders import ERRORS
from wms_tui.api.schemas import AsnIn, AsnOut, ReturnIn, ReturnOut
from wms_tui.services.integrations import inbound_api
from wms_tui.services.integrations.api_keys import KeyInfo

router = APIRouter(tags=["inbound"], route_class=CheckedRoute)


@router.post(
    "/deliveries",
    response_model=AsnOut,
    status_code=201,
    responses={**ERRORS, 200: {"model": AsnOut, "description": "Updated or unchanged"}},
)
def announce_delivery(
    body: AsnIn,
    request: Request,
    response: Response,
    key: Annotated[KeyInfo, Depends(WRITE)],
) -> AsnOut:
    """An expected delivery (ASN), checked like an ASN file: 201 when new, 200 when
    updated or the same one again (``unchanged``)."""
    done = inbound_api.announce_delivery(
        request.app.state.store,
        key.actor,
        body.reference,
        body.supplier,
        body.expected_date,
        [inbound_api.AsnLine(ln.sku, ln.quantity) for ln in body.lines],
    )
    if done.action != "new":
        response.status_code = 200
    return AsnOut(reference=done.reference, action=done.action, skus=done.skus, units=done.units)


@router.post("/returns", response_model=ReturnOut, status_code=201, responses=ERRORS)
def announce_return(
    body: ReturnIn, request: Request, key: Annotated[KeyInfo, Depends(WRITE)]
) -> ReturnOut:
    """A customer return on its way: checked against what shipped, noted on the order."""
    done = inbound_api.announce_return(
        request.app.state.store,
        key.actor,
        body.order,
        [inbound_api.ReturnLine(ln.sku, ln.quantity) for ln in body.lines],
        body.reason,
    )
    return ReturnOut(order=done.order, units=done.units, rma=done.rma)
