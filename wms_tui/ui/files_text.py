"""Files a screen wrote, said in a message: their names, and their folder once.

A full path such as ``/srv/wms/labels/picklist_W0004-07_9f2c41d07a3e.pdf`` fills
a handheld's three message rows on its own, and the same folder said twice
(a manifest's PDF and CSV) fills them again. The operator needs the file's name
and where to look: a folder inside the working folder is said relative to it,
one under the home folder with ``~``, and a long one by its last parts only
(``…/wms/labels/``). The CLI keeps printing full paths.
"""

from __future__ import annotations

from pathlib import Path

# Columns a folder may take in a message before its first parts give way.
FOLDER_ROOM = 24
ELLIPSIS = "…/"


def folder_text(folder: Path) -> str:
    """``folder`` as an operator reads it, ending in "/" ("" for the working folder)."""
    folder = Path(folder)
    shown = str(folder)
    if folder.is_absolute():
        cwd, home = Path.cwd(), Path.home()
        if folder.is_relative_to(cwd):
            shown = str(folder.relative_to(cwd))
        elif folder.is_relative_to(home) and home != Path("/"):
            shown = str(Path("~") / folder.relative_to(home))
    if shown == ".":
        return ""
    if len(shown) + 1 > FOLDER_ROOM:
        parts = Path(shown).parts
        tail = parts[-1]
        for part in reversed(parts[:-1]):
            if len(ELLIPSIS) + len(part) + 1 + len(tail) + 1 > FOLDER_ROOM:
                break
            tail = f"{part}/{tail}"
        shown = ELLIPSIS + tail
    return shown + "/"


def files_text(*paths: Path | str) -> str:
    """``"M-1.pdf, M-1.csv in labels/manifests/"``: the names, each folder said once."""
    by_folder: dict[Path, list[str]] = {}
    for path in map(Path, paths):
        by_folder.setdefault(path.parent, []).append(path.name)
    said = []
    for folder, names in by_folder.items():
        where = folder_text(folder)
        said.append(", ".join(names) + (f" in {where}" if where else ""))
    return "; ".join(said)
