"""The CLI's consoles print at the width the command runs at."""

from __future__ import annotations

import pytest

from wms_tui.cli.common import _DataSafeConsole, console


def test_the_width_is_read_when_printing_not_when_the_console_was_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A console made while COLUMNS said 80 (the first command of a test run, a
    # narrow shell) used to stay at 80 for every later command of the process.
    monkeypatch.setenv("COLUMNS", "80")
    made_narrow = _DataSafeConsole()
    monkeypatch.setenv("COLUMNS", "200")
    assert made_narrow.width == 200
    assert console.width == 200
    monkeypatch.setenv("COLUMNS", "40")
    assert made_narrow.width == 40 and console.width == 40
