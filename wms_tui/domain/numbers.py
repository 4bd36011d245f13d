"""Reading a count or a number from what was typed: the one helper every
screen, command and service uses.

``str.isdigit()`` is true for ``²`` and ``①`` and ``int()`` then raises;
``int()`` also reads ``"1_000"`` and ``" 7 "``. A floor terminal gets all of
these (AltGr+2 on a German keyboard types ``²``). Here a number is an optional
sign and decimal digits of one script (ASCII, Arabic-Indic, full-width, …:
Unicode's decimal digits, read as their value); anything else is refused
with a one-line :class:`DomainError` naming what was typed.
"""

from __future__ import annotations

import unicodedata

from wms_tui.domain.errors import DomainError
from wms_tui.domain.shown import excerpt

MAX_DIGITS = 12


def digits_of(text: str) -> str | None:
    """ASCII digits for a run of one script's decimal digits, or None."""
    if not text or len(text) > MAX_DIGITS:
        return None
    out = []
    for ch in text:
        if "0" <= ch <= "9":
            out.append(ch)
        elif unicodedata.category(ch) == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        else:
            return None
    return "".join(out)


def read_int(
    text: str,
    *,
    what: str = "a number",
    low: int | None = 0,
    high: int | None = None,
) -> int:
    """The whole number in ``text`` (surrounding spaces ignored), within ``low``..``high``."""
    raw = text.strip()
    sign = -1 if raw[:1] in ("-", "−") else 1
    body = raw[1:] if raw[:1] in ("+", "-", "−") else raw
    digits = digits_of(body)
    if digits is None:
        if not raw:
            raise DomainError(f"Type {what}")
        if len(body) > MAX_DIGITS and digits_of(body[:MAX_DIGITS]) is not None:
            raise DomainError(f"{excerpt(raw)} is too large for {what}")
        raise DomainError(f"{excerpt(raw)} is not {what}: type digits 0-9")
    n = sign * int(digits)
    if low is not None and n < low:
        raise DomainError(f"{what.capitalize()} must be at least {low}, not {n}")
    if high is not None and n > high:
        raise DomainError(f"{what.capitalize()} must be at most {high}, not {n}")
    return n


def read_count(text: str, *, what: str = "a count", high: int | None = None) -> int:
    """A count of units: a whole number, 0 or more."""
    return read_int(text, what=what, low=0, high=high)


def small_number(text: str, max_digits: int) -> int | None:
    """``text`` as a number of at most ``max_digits`` digits (a count or a line
    number typed into a scan field), or None when it is anything else."""
    raw = text.strip()
    digits = digits_of(raw) if len(raw) <= max_digits else None
    return int(digits) if digits is not None else None


def digit_key(character: str | None) -> int | None:
    """The digit on a key 0-9 (a menu choice), or None: ``²`` and ``①`` are not keys 2 and 1."""
    if character is not None and len(character) == 1 and "0" <= character <= "9":
        return int(character)
    return None
