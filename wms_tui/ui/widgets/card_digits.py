"""The pick card's big bin or tote number: Textual's Digits in a box whose size is
fixed, and which characters it can draw at all."""

from __future__ import annotations

from textual.widgets import Digits

_DIGITS_OK = set("0123456789+-^x:ABCDEF$£€()")


def big_text_fits(text: str) -> bool:
    return bool(text) and set(text) <= _DIGITS_OK


class CardDigits(Digits):
    """The card's big bin or tote number, in a box picking.tcss fixes (1fr wide, 3 high).

    Digits.update lays the whole screen out again when the new value is wider or
    narrower (a bin code, then a tote's slot number: every other scan); in a fixed
    box its size cannot change, so only the digits are drawn again (``_value`` is
    where Digits keeps its value, textual 8: there is no public setter without layout).
    """

    def update(self, value: str) -> None:
        if value != self._value:
            self._value = value
            self.refresh()
