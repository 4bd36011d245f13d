"""Returns as the desk meets them: codes decoded from the printed slip and label."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.printing.helpers import decode_pdf, label_data, slip_data
from tests.worlds.returns import World, build_world
from wms_tui.domain.codes import rma_code
from wms_tui.domain.identifiers.sscc import make_sscc
from wms_tui.domain.models import Parcel
from wms_tui.printing.label import render_label_pdf_bytes
from wms_tui.printing.slip import render_slip_pdf_bytes
from wms_tui.services.returns import returnable
from wms_tui.store import Store


@pytest.fixture
def world(sqlite_store: Store) -> World:
    return build_world(sqlite_store)


def test_rma_barcode_on_the_printed_slip_opens_the_order(world: World) -> None:
    pdf = render_slip_pdf_bytes(slip_data(order_name="#1042", rma=rma_code(world.order_id)))
    texts = [b.text for page in decode_pdf(pdf) for b in page]
    (rma,) = [t for t in texts if t.upper().startswith("RMA")]
    view = returnable.lookup(world.store, rma)
    assert view.order_id == world.order_id and view.rma == rma


def test_tracking_and_sscc_barcodes_on_the_label_open_the_order(world: World) -> None:
    sscc = make_sscc(3, "7350053", 42)
    with world.store.unit_of_work() as uow:
        parcel = uow.session.exec(select(Parcel)).one()
        parcel.sscc = sscc
        uow.commit()
        tracking = parcel.tracking_number
    label = label_data(order_name="#1042", tracking_number=tracking, sscc=sscc)
    pdf = render_label_pdf_bytes(label)
    # The label also carries the postcode routing barcode (AI 421), which names no order.
    texts = [b.text for page in decode_pdf(pdf) for b in page if not b.text.startswith("(421)")]
    assert len(texts) == 2, texts
    # Scanners differ in how they hand over GS1-128: HRI, bare, or with the
    # symbology prefix and a trailing GS.
    for text in [*texts, f"00{sscc}", f"]C100{sscc}\x1d", sscc]:
        assert returnable.lookup(world.store, text).order_id == world.order_id, text
