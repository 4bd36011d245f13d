"""What a barcode scanner types, cleaned: pure text, no database.

Lives in the domain so the login screen can use it before the store (and
SQLModel with it) has been imported in the background.
"""

from __future__ import annotations

import re


def clean_scan(raw: str) -> str:
    """What a scanner typed, without the control characters some append (CR, GS, ...)."""
    return "".join(ch for ch in raw if ch.isprintable()).strip()


def split_scans(text: str, *, tab: bool = False) -> list[str]:
    """Codes in text that arrived in one piece: each ends at CR, LF or CRLF (and Tab
    when the scanners are set to send one). The last item is what follows the
    last terminator, a code still being typed ("" when the text ended with one).
    """
    return re.split(r"\r\n|[\r\n\t]" if tab else r"\r\n|[\r\n]", text)
