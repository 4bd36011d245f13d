"""Which parcels need customs papers, and which."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wms_tui.domain.customs import (
    CN22_LIMIT,
    CN22_LIMITS,
    form_for,
    needs_declaration,
    valid_currency,
    valid_hs_code,
)


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


def test_the_cn22_limit_is_in_the_declared_currency() -> None:
    # 300 SDR: 3,700 SEK but only about 350 EUR; 1,000 is a CN23 in euros, a CN22 in kronor.
    assert form_for(True, Decimal("1000"), "SEK") == "CN22"
    assert form_for(True, Decimal("1000"), "EUR") == "CN23"
    assert form_for(True, CN22_LIMITS["EUR"], "eur") == "CN22"
    # No known limit: the CN23, which the UPU takes at any value.
    assert form_for(True, Decimal("1"), "XYZ") == "CN23"


@pytest.mark.parametrize(("code", "ok"), [("SEK", True), ("sek", False), ("SEKK", False),
                                          ("S3K", False), ("ÅÄÖ", False), ("", False)])  # fmt: skip
def test_currency_codes(code: str, ok: bool) -> None:
    assert valid_currency(code) is ok
