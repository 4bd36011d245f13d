"""Which parcels need customs papers, and which."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wms_tui.domain.customs import CN22_LIMIT, form_for, needs_declaration, valid_hs_code


@pytest.mark.parametrize(
    ("origin", "destination", "needed"),
    [
        ("SE", "KR", True),
        ("SE", "GB", True),  # left the customs union
        ("SE", "NO", True),  # EEA, but not the customs union
        ("SE", "CH", True),
        ("SE", "SE", False),
        ("SE", "DE", False),
        ("se", "fi", False),
        ("SE", "S1", False),  # not a country: the address check refuses it
    ],
)
def test_needs_declaration(origin: str, destination: str, needed: bool) -> None:
    assert needs_declaration(origin, destination) is needed


def test_form_by_carrier_kind_and_value() -> None:
    assert form_for(True, CN22_LIMIT) == "CN22"
    assert form_for(True, CN22_LIMIT + Decimal("0.01")) == "CN23"
    assert form_for(False, Decimal("10")) == "INVOICE"


@pytest.mark.parametrize(
    ("code", "ok"),
    [("610910", True), ("6109100010", True), ("61091", False), ("61091000101", False),
     ("6109.10", False), ("", False), ("６１０９１０", False)],
)  # fmt: skip
def test_hs_codes(code: str, ok: bool) -> None:
    assert valid_hs_code(code) is ok
