"""The shift dashboard's cache of the day's settled per-hour figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class InsightKept(SQLModel, table=True):
    """The shift dashboard's per-hour figures of one warehouse day up to ``until``.

    A cache of a read model, not a record: the rows are what the event log says
    about ``[day_start, until)`` as of its event ``last_id``, kept in the store so
    a dashboard started later in the day (a restart, a second supervisor's
    terminal) reads only the events after ``until`` instead of the whole day
    (services/insight/hour_cache.py). Deleting it loses nothing.
    """

    __tablename__ = "insight_kept"

    day_start: datetime = Field(primary_key=True)
    until: datetime
    last_id: int
    rows: str = Field(sa_column=Column(Text, nullable=False))  # JSON (hour_cache)
