"""Where a store's documents land: one folder per store under each setting's folder.

Two stores on one machine (a SQLite demo and a PostgreSQL warehouse, or the
demo before and after ``wms demo --reset``) hand out the same order names and
SSCC serials, so ``labels/label_D1042_….pdf`` of one would overwrite the
other's. Each store writes into ``<folder>/store-<first 8 of its UUID>/``
instead (``StoreIdentity``, made when the store is created).
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select

from wms_tui.domain.models import StoreIdentity
from wms_tui.services.core import settings


def store_code(session: Session) -> str:
    """``store-1a2b3c4d``; ``store-unnamed`` for a store made before it had an identity."""
    row = session.exec(select(StoreIdentity).order_by(col(StoreIdentity.id))).first()
    return f"store-{row.uuid.replace('-', '')[:8]}" if row else "store-unnamed"


def folder(session: Session, key: str) -> Path:
    """The folder a document setting (``label_dir``, ``report_dir``) names, for this store."""
    return Path(settings.get(session, key)) / store_code(session)
