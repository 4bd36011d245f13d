"""A difference between what was expected and what was found, as a table cell.

Short (−3 red, +2 yellow) and even (✓ green) carry a sign or a mark as well as
a colour, so the meaning does not rest on colour.
"""

from __future__ import annotations

from rich.text import Text


def variance_text(diff: int, *, unexpected: bool = False) -> Text:
    """``diff`` = found − expected; ``unexpected``: nothing was expected at all."""
    if unexpected:
        return Text(f"+{diff}" if diff else "0", style="bold magenta")
    if diff < 0:
        return Text(str(diff), style="bold red")
    if diff > 0:
        return Text(f"+{diff}", style="bold yellow")
    return Text("✓", style="bold green")
