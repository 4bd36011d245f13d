"""The login screen paints before the database layer is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_module_does_not_import_the_database_layer() -> None:
    # SQLModel/SQLAlchemy take about half a second to import on a handheld;
    # the app imports them in a worker after "Scan your badge" is on screen.
    code = (
        "import sys, wms_tui.ui.app, wms_tui.ui.screens.login; "
        "print(sorted(m for m in ('sqlmodel', 'sqlalchemy', 'wms_tui.domain.models') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout, installed or not
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"
