"""Where wms serve keeps its host key and log, and how it guards the key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from wms_tui.domain.errors import StoreError
from wms_tui.serve import files
from wms_tui.serve.files import HOST_KEY_NAME, host_key, state_dir


def test_the_state_folder_is_beside_the_store(tmp_path: Path) -> None:
    assert state_dir(f"sqlite:///{tmp_path}/wh/wms.db") == tmp_path / "wh"
    assert state_dir("postgresql+psycopg://wms@db/wms") == Path("data")
    assert state_dir("postgresql+psycopg://wms@db/wms", tmp_path) == tmp_path


def test_the_host_key_is_made_once_mode_0600_and_kept(tmp_path: Path) -> None:
    first = host_key(tmp_path / "data")
    path = tmp_path / "data" / HOST_KEY_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (tmp_path / "data" / f"{HOST_KEY_NAME}.pub").exists()
    again = host_key(tmp_path / "data")
    assert again.get_fingerprint() == first.get_fingerprint()


def test_a_host_key_others_can_read_is_refused(tmp_path: Path) -> None:
    host_key(tmp_path)
    path = tmp_path / HOST_KEY_NAME
    path.chmod(0o644)
    with pytest.raises(StoreError, match=r"can be read by others \(mode 644\): chmod 600"):
        host_key(tmp_path)
    path.chmod(0o600)
    path.write_text("not a key")
    with pytest.raises(StoreError, match="Cannot read host key"):
        host_key(tmp_path)


def test_a_log_asked_for_again_with_another_folder_writes_there(tmp_path: Path) -> None:
    # A server restarted on another state folder in one process (and the tests,
    # which start many) must not keep appending to the first folder's serve.log.
    first = files.connection_log(tmp_path / "a", "again")
    first.info("to a")
    second = files.connection_log(tmp_path / "b", "again")
    second.info("to b")
    assert "to a" in (tmp_path / "a" / files.LOG_NAME).read_text()
    assert "to b" not in (tmp_path / "a" / files.LOG_NAME).read_text()
    assert "to b" in (tmp_path / "b" / files.LOG_NAME).read_text()
    assert files.connection_log(tmp_path / "b", "again") is second
    assert len(second.handlers) == 2  # the file and stderr, not doubled
