"""The integrator's end of outgoing webhooks, shared by the API's webhook tests."""

from __future__ import annotations

import httpx
from sqlmodel import select

from tests.api.conftest import Api
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order
from wms_tui.services.core import events

# The receiver here is a mock transport, not the internet: delivered as with
# --allow-private-webhooks (test_webhook_targets checks the addresses themselves).
TEST_RECEIVER = {"allow_private": True}


class Receiver:
    """The integrator's end: records what arrives, answers with ``status``."""

    def __init__(self) -> None:
        self.got: list[httpx.Request] = []
        self.status = 200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.got.append(request)
        return httpx.Response(self.status)


def to_packed(api: Api, name: str) -> None:
    with api.store.unit_of_work() as uow:
        o = uow.session.exec(select(Order).where(Order.name == name)).one()
        # The event the pack station's close writes; the walk there is not this test's.
        o.status = OrderStatus.PACKING
        events.change_status(uow, o, OrderStatus.PACKED, SYSTEM, detail="closed")
        uow.commit()
