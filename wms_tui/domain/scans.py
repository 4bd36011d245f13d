"""What a barcode scanner types, cleaned: pure text, no database.

Lives in the domain so the login screen can use it before the store (and
SQLModel with it) has been imported in the background.
"""

from __future__ import annotations


def clean_scan(raw: str) -> str:
    """What a scanner typed, without the control characters some append (CR, GS, ...)."""
    return "".join(ch for ch in raw if ch.isprintable()).strip()
