"""Shopify shipping method text -> carrier service."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from sqlmodel import select

from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Carrier, Service
from wms_tui.services.intake.shipping_methods import (
    ServiceMatcher,
    load_mapping_csv,
    read_mapping,
    save_mapping,
)
from wms_tui.store import Store


@pytest.fixture
def carriers(sqlite_store: Store) -> Store:
    with sqlite_store.unit_of_work() as uow:
        pn, cj = Carrier(code="POSTNORD", name="PostNord"), Carrier(code="CJ", name="CJ Logistics")
        uow.add(pn)
        uow.add(cj)
        uow.flush()
        for carrier, code, name, express in (
            (pn, "PN-EXP", "PostNord Express", True),
            (pn, "PN-COLLECT", "PostNord MyPack Collect", False),
            (pn, "PN-HOME", "PostNord MyPack Home", False),
            (cj, "CJ-EXP", "CJ Express", True),
        ):
            uow.add(
                Service(
                    carrier_id=carrier.id, code=code, name=name, express=express, cutoff=time(15)
                )
            )
        uow.commit()
    return sqlite_store


def codes(store: Store, *texts: str) -> list[tuple[str | None, str]]:
    with store.read() as s:
        matcher = ServiceMatcher(s)
        services = {sv.id: sv.code for sv in s.exec(select(Service))}
        out = []
        for text in texts:
            m = matcher.match(text)
            out.append((services.get(m.service_id), m.how))
        return out


def test_matching_rules(carriers: Store) -> None:
    assert codes(
        carriers,
        "PostNord MyPack Home",
        "postnord mypack home",
        "Fri frakt över 499 kr (PostNord MyPack Collect)",
        "pn-exp",
        "PostNord, Ombud",
        "해외배송 (CJ)",
        "Budbee",
        "",
        "Postnordic",
    ) == [
        ("PN-HOME", "service"),
        ("PN-HOME", "service"),
        ("PN-COLLECT", "service"),
        ("PN-EXP", "code"),
        ("PN-COLLECT", "carrier"),  # first standard service of the carrier
        ("CJ-EXP", "carrier"),  # CJ has no standard service: its first
        (None, ""),
        (None, ""),
        (None, ""),  # "PostNord" must be a whole word
    ]


def test_mapping_beats_the_rules(carriers: Store, tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text(
        "Shipping Method,Carrier,Service\n"
        "PostNord MyPack Home,POSTNORD,PN-EXP\n"
        "EMS 국제특급,cj,cj-exp\n",
        encoding="utf-8",
    )
    rows = load_mapping_csv(path)
    with carriers.unit_of_work() as uow:
        assert save_mapping(uow, rows) == 2
        uow.commit()
    with carriers.read() as s:
        assert read_mapping(s) == rows
    assert codes(carriers, "PostNord MyPack Home", "EMS 국제특급 (5-7 days)") == [
        ("PN-EXP", "map"),
        ("CJ-EXP", "map"),
    ]


def test_bad_mapping_is_refused(carriers: Store, tmp_path: Path) -> None:
    with carriers.unit_of_work() as uow, pytest.raises(DomainError, match="Unknown carrier"):
        save_mapping(uow, [("Budbee", "BUDBEE", "B-1")])
    path = tmp_path / "map.csv"
    path.write_text("Method,Carrier\nx,y\n", encoding="utf-8")
    with pytest.raises(DomainError, match="need columns"):
        load_mapping_csv(path)
    path.write_text("Shipping Method,Carrier,Service\nx,,y\n", encoding="utf-8")
    with pytest.raises(DomainError, match="row 2"):
        load_mapping_csv(path)
