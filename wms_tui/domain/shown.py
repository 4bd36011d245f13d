"""What was typed, made safe to echo: in a message, on a terminal, in a log.

Scanned or typed text can hold anything a keyboard or a file can: escape
sequences that would recolour or clear a terminal, right-to-left marks that
turn a line around, NUL, ten thousand characters. Messages echo at most a
short excerpt of it, with every such character written as a visible escape.
"""

from __future__ import annotations

import unicodedata

EXCERPT = 24


def _visible(ch: str) -> str:
    # Cc: C0/C1 controls (ESC, NUL, CR, …); Cf: format characters (RLM,
    # RLO, zero-width joiners) that are invisible or reorder the line;
    # Zl/Zp: line and paragraph separators that break the one-line rule.
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch


def printable(text: str, keep: str = "") -> str:
    """``text`` with every control or format character written as an escape
    (but those in ``keep``, e.g. the newlines of a multi-line message)."""
    if text.isprintable() and text.isascii():
        return text
    return "".join(ch if ch in keep else _visible(ch) for ch in text)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """A short, escaped excerpt of ``text`` for a one-line message."""
    cut = text[: limit + 1]
    shown = printable(cut[:limit])
    return shown + "…" if len(cut) > limit else shown
