"""The supervisor's inbox: a problem raised with what resolves it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow

if TYPE_CHECKING:
    from wms_tui.domain.actor import Actor


class WmsException(SQLModel, table=True):
    """Something a supervisor must look at: short pick, QC fail, weight, ..."""

    __tablename__ = "wms_exception"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    at: datetime = Field(default_factory=utcnow)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    sku: str = ""
    location: str = ""
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = ""
    terminal: str = ""
    message: str = ""
    resolved_at: datetime | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="operator.id")

    @classmethod
    def raised_by(cls, actor: Actor, kind: str, message: str, **refs: object) -> WmsException:
        """An exception raised at an operator's step: who, at which terminal, what.

        ``refs`` are the other columns it names (``order_id``, ``sku``, ``location``).
        """
        return cls(
            kind=kind,
            operator_id=actor.operator_id,
            operator_name=actor.name,
            terminal=actor.terminal,
            message=message,
            **refs,
        )
