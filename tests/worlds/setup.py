"""A warehouse's setup files to import: the demo's, copied to edit."""

from __future__ import annotations

import shutil
from pathlib import Path

from wms_tui.adapters.setup_specs import SETUP_FILES
from wms_tui.services.demo.seed_files import DEMO_DIR


def setup_copy(tmp_path: Path) -> Path:
    """The demo's setup files (and only those) in a folder of their own."""
    folder = tmp_path / "mywh"
    folder.mkdir()
    for name in SETUP_FILES:
        if (DEMO_DIR / name).exists():
            shutil.copy(DEMO_DIR / name, folder / name)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{old!r} not in {name}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
