"""Operators for the login screen and the operator bar: who may log in, with or
without a PIN, and names of every length and script."""

from __future__ import annotations

from tests.worlds import factories as f
from wms_tui.store import Store


def login_people(store: Store) -> None:
    """A picker (no PIN), a supervisor (PIN 9001), an admin in every role (PIN 9999)
    and an operator who has left (inactive)."""
    with store.unit_of_work() as uow:
        f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        f.operator(uow, "Min-jun Kim", "supervisor", badge="S9001", pin="9001")
        f.operator(
            uow, "Admin", "picker", "packer", "receiver", "supervisor", badge="S9999", pin="9999"
        )
        f.operator(uow, "Gone", "picker", badge="X0000", active=False)
        uow.commit()


def pickers_in_seoul(store: Store) -> None:
    """A warehouse on Seoul's clock and three pickers: a short name, a long Swedish
    one and a Korean one with its romanisation."""
    with store.unit_of_work() as uow:
        wh = f.warehouse(uow)
        wh.timezone = "Asia/Seoul"
        f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        f.operator(uow, "Märta Sjöberg-Lindqvist", "picker", badge="P1009")
        f.operator(uow, "김지훈 (Jihoon Kim)", "picker", badge="P1002")
        uow.commit()
