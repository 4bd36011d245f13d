"""/stock: what is where, and what can be sold, per SKU."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from wms_tui.api.auth import READ
from wms_tui.api.orders import ERRORS
from wms_tui.api.schemas import SKU, StockOut
from wms_tui.services.integrations import stock_api
from wms_tui.services.integrations.api_keys import KeyInfo

router = APIRouter(prefix="/stock", tags=["stock"])


@router.get("/{sku}", response_model=StockOut, responses=ERRORS)
def stock_for_sku(
    sku: Annotated[str, Path(min_length=1, max_length=64, pattern=SKU)],
    request: Request,
    key: Annotated[KeyInfo, Depends(READ)],
    location: Annotated[str, Query(max_length=32, pattern=r"^[A-Za-z0-9._-]*$")] = "",
) -> dict:
    """Units per location (bins, totes, pack stations) and the sellable total."""
    return asdict(stock_api.stock_for_sku(request.app.state.store, sku, location))
