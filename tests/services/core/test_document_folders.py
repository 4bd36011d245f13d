"""Documents name their store: two stores (or one before and after a reset)
never write the same file under labels/."""

from __future__ import annotations

from pathlib import Path

from tests.worlds.picking import build_world
from wms_tui.services.core import document_folders
from wms_tui.services.picking.pick_list import print_pick_list
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store


def _pick_list(store: Store) -> Path:
    w = build_world(store)
    task = build_wave(store, w.supervisor).tasks[0].code
    return print_pick_list(store, task, printer="").path


def test_two_stores_write_the_same_document_to_different_files(
    tmp_path: Path, empty_store: Store
) -> None:
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    other.create_schema()
    ours, theirs = _pick_list(empty_store), _pick_list(other)
    # Same task code, same order names: only the store tells them apart.
    assert ours.name == theirs.name and ours != theirs
    assert ours.exists() and theirs.exists()
    for store, path in ((empty_store, ours), (other, theirs)):
        with store.read() as s:
            code = document_folders.store_code(s)
        assert path.parent == Path("labels").resolve() / code
        assert code.startswith("store-") and len(code) == len("store-") + 8
    other.dispose()


def test_a_reset_store_has_a_new_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wms.db'}"
    first = Store(url)
    first.create_schema()
    with first.read() as s:
        before = document_folders.folder(s, "label_dir")
    first.dispose()
    (tmp_path / "wms.db").unlink()
    again = Store(url)
    again.create_schema()
    with again.read() as s:
        assert document_folders.folder(s, "label_dir") != before
    again.dispose()
