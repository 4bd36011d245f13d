"""/orders: create from any channel, read with parcels and tracking, cancel, hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from wms_tui.api.auth import READ, WRITE
from wms_tui.api.body import CheckedRoute
from wms_tui.api.schemas import (
    ORDER_NAME,
    Done,
    Error,
    HoldIn,
    LineOut,
    OrderCreated,
    OrderIn,
    OrderOut,
    ParcelOut,
)
from wms_tui.services.integrations import orders_api
from wms_tui.services.integrations.api_keys import KeyInfo

router = APIRouter(prefix="/orders", tags=["orders"], route_class=CheckedRoute)
NamePath = Annotated[str, Path(min_length=1, max_length=64, pattern=ORDER_NAME)]
ERRORS = {
    401: {"model": Error},
    403: {"model": Error},
    404: {"model": Error},
    409: {"model": Error},
    429: {"model": Error},
}


@router.post(
    "",
    response_model=OrderCreated,
    status_code=201,
    responses={**ERRORS, 200: {"model": OrderCreated, "description": "Updated or unchanged"}},
)
def create_order(
    body: OrderIn,
    request: Request,
    response: Response,
    key: Annotated[KeyInfo, Depends(WRITE)],
) -> OrderCreated:
    """Create (201) or update while not yet picked (200) an order; the same order twice
    changes nothing (200, ``unchanged``): a retried POST does not read as a second order."""
    a = body.ship_to
    new = orders_api.NewOrder(
        name=body.name if body.name.startswith("#") else f"#{body.name}",
        channel=body.channel,
        lines=[orders_api.NewLine(ln.sku, ln.quantity, ln.name, ln.price) for ln in body.lines],
        ship_name=a.name,
        ship_address1=a.address1,
        ship_address2=a.address2,
        ship_company=a.company,
        ship_city=a.city,
        ship_zip=a.zip,
        ship_province=a.province,
        ship_country=a.country,
        ship_phone=a.phone,
        email=body.email,
        phone=body.phone,
        shipping_method=body.shipping_method,
        notes=body.notes,
        gift_message=body.gift_message,
        tags=list(body.tags),
        financial_status=body.financial_status,
    )
    done = orders_api.create_order(request.app.state.store, key.actor, new)
    if not done.outcome.startswith("created"):
        response.status_code = 200
    return OrderCreated(
        name=done.name,
        outcome=done.outcome,
        status=done.status,
        unknown_skus=list(done.unknown_skus),
        notes=list(done.notes),
    )


@router.get("/{name}", response_model=OrderOut, responses=ERRORS)
def read_order(
    name: NamePath, request: Request, key: Annotated[KeyInfo, Depends(READ)]
) -> OrderOut:
    """Status, lines, parcels with tracking numbers and links. ``#`` may be left out."""
    d = orders_api.read_order(request.app.state.store, key.actor, name)
    return OrderOut(
        name=d.name,
        channel=d.channel,
        status=d.status,
        hold_reason=d.hold_reason,
        created_at=d.created_at,
        promised_ship_date=d.promised.isoformat() if d.promised else "",
        carrier=d.carrier_name,
        service=d.service_name,
        # A line edited down to nothing ships nothing; a voided label is no parcel the
        # customer will get (the lookup screen shows both to the floor).
        lines=[
            LineOut(
                sku=ln.sku,
                name=ln.name,
                quantity=ln.quantity,
                picked=ln.picked,
                packed=ln.packed,
                short=ln.short,
            )
            for ln in d.lines
            if ln.quantity
        ],
        parcels=[
            ParcelOut(
                seq=p.seq,
                count=p.count,
                status=p.status,
                sscc=p.sscc,
                tracking_number=p.tracking_number,
                tracking_url=p.tracking_url,
                weight_g=p.weight_g,
                loaded_at=p.loaded_at,
            )
            for p in d.parcels
            if p.status != "VOID"
        ],
    )


@router.post("/{name}/cancel", response_model=Done, responses=ERRORS)
def cancel_order(name: NamePath, request: Request, key: Annotated[KeyInfo, Depends(WRITE)]) -> Done:
    """Cancel while the life cycle allows it (not once it has left the building)."""
    return Done(message=orders_api.cancel_order(request.app.state.store, key.actor, name))


@router.post("/{name}/hold", response_model=Done, responses=ERRORS)
def hold_order(
    name: NamePath, body: HoldIn, request: Request, key: Annotated[KeyInfo, Depends(WRITE)]
) -> Done:
    """Hold before packing; a supervisor releases it on the floor."""
    return Done(
        message=orders_api.hold_order(request.app.state.store, key.actor, name, body.reason)
    )
