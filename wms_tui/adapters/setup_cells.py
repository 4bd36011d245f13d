"""One cell of a setup CSV read as a value: each parser returns it or raises
:class:`Bad` saying why, in words for the person who filled in the file.

The setup files (:mod:`wms_tui.adapters.setup_csv`) name a parser per column;
the shop's customs data (``services/shop/customs_pull``) reads HS codes,
countries and amounts with the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wms_tui.domain.countries import country_problem
from wms_tui.domain.credentials import pin_problem
from wms_tui.domain.customs import INCOTERMS, valid_currency, valid_hs_code
from wms_tui.domain.enums import Role
from wms_tui.domain.identifiers.sscc import MAX_COMPANY_PREFIX, MIN_COMPANY_PREFIX

# In the order they are applied: a station names a location, a service a carrier.

# A whole number longer than this is no counter value (and int() of thousands
# of digits is refused by Python itself).
MAX_DIGITS = 19


class Bad(ValueError):
    """A cell's value is wrong; the message says why, for the operator."""


Parse = Callable[[str], Any]


def char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def text(max_len: int | None = None) -> Parse:
    def parse(raw: str) -> str:
        if max_len is not None and len(raw) > max_len:
            raise Bad(f"longer than {max_len} characters")
        return raw

    return parse


def code(max_len: int) -> Parse:
    """A code or badge: typed by a scanner, so every character must be one it types."""

    def parse(raw: str) -> str:
        for ch in raw:
            if not ch.isprintable():
                raise Bad(
                    f"contains the invisible character {char_name(ch)}: a scanner cannot type it"
                )
        return text(max_len)(raw)

    return parse


def whole(low: int, high: int | None = None) -> Parse:
    def parse(raw: str) -> int:
        digits = raw[1:] if raw[:1] in "+-" else raw
        if not (digits.isascii() and digits.isdigit()):
            raise Bad(f"{raw!r} is not a whole number")
        if len(digits) > MAX_DIGITS:
            raise Bad(f"{raw} is too large")
        n = int(raw)
        if n < low:
            if low == 0:
                raise Bad(f"{n} must not be negative")
            raise Bad(f"{n} must be more than {low - 1}")
        if high is not None and n > high:
            raise Bad(f"{n} is more than {high}")
        return n

    return parse


def pin(raw: str) -> str:
    """A PIN for ``pin``: hashed on import, never stored as written."""
    problem = pin_problem(raw)
    if problem:
        raise Bad(problem)
    return raw


_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")


def boolean(raw: str) -> bool:
    value = raw.lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise Bad(f"{raw!r} is not true or false")


def choice(options: Iterable[str], what: str) -> Parse:
    """One of ``options``, whatever its case; the option's own spelling is kept."""
    spelled = {o.lower(): o for o in options}

    def parse(raw: str) -> str:
        found = spelled.get(raw.lower())
        if found is None:
            raise Bad(f"{raw!r} is not {what} ({', '.join(spelled.values())})")
        return found

    return parse


_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def cutoff(raw: str) -> time:
    m = _HHMM.match(raw)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise Bad(f"{raw!r} is not a time like 15:00")
    return time(int(m.group(1)), int(m.group(2)))


def roles(raw: str) -> str:
    """``picker;packer`` as the model stores it: comma separated, in the house order."""
    given = {r.strip().lower() for r in re.split(r"[;,]", raw) if r.strip()}
    known = {r.value for r in Role}
    unknown = sorted(given - known)
    if unknown:
        raise Bad(f"{unknown[0]!r} is not a role ({', '.join(r.value for r in Role)})")
    if not given:
        raise Bad("empty: give at least one role")
    return ",".join(r.value for r in Role if r.value in given)


def country(raw: str) -> str:
    if why := country_problem(raw):
        raise Bad(why)
    return raw.upper()


def currency(raw: str) -> str:
    code = raw.upper()
    if not valid_currency(code):
        raise Bad(f"{raw!r} is not a three-letter currency code like SEK")
    return code


def incoterms(raw: str) -> str:
    code = raw.strip().upper()
    if code not in INCOTERMS:
        raise Bad(f"{raw!r} is not DAP or DDP (the Incoterms a shop ships parcels under)")
    return code


def hs_code(raw: str) -> str:
    digits = raw.replace(".", "").replace(" ", "")
    if not valid_hs_code(digits):
        raise Bad(f"{raw!r} is not an HS code (6 to 10 digits, like 610910)")
    return digits


def money(raw: str) -> Decimal:
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise Bad(f"{raw!r} is not an amount like 149.00") from None
    if not value.is_finite() or value <= 0 or value >= Decimal("1e10"):
        raise Bad(f"{raw} must be more than 0")
    return value.quantize(Decimal("0.01"))


def un_number(raw: str) -> str:
    value = raw.upper().replace(" ", "")
    if not (value.startswith("UN") and len(value) == 6 and value[2:].isdigit()):
        raise Bad(f"{raw!r} is not a UN number like UN3481")
    return value


def gs1_prefix(raw: str) -> str:
    if not (raw.isascii() and raw.isdigit()) or not (
        MIN_COMPANY_PREFIX <= len(raw) <= MAX_COMPANY_PREFIX
    ):
        raise Bad(
            f"{raw!r} is not a GS1 company prefix "
            f"({MIN_COMPANY_PREFIX} to {MAX_COMPANY_PREFIX} digits)"
        )
    return raw


def timezone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise Bad(f"{raw!r} is not a time zone like Europe/Stockholm") from None
    return raw


def upper(parse: Parse) -> Parse:
    return lambda raw: parse(raw.upper())
