"""Where ``wms serve`` keeps its host key and its connection log.

Beside the store: a SQLite store's folder (``data/`` by default), else
``data/`` under the working folder (a PostgreSQL store has no folder of its
own); ``--state-dir`` chooses another.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

from wms_tui.domain.errors import StoreError
from wms_tui.store.urls import sqlite_path

HOST_KEY_NAME = "ssh_host_ed25519_key"
LOG_NAME = "serve.log"


def state_dir(db_url: str, chosen: Path | None = None) -> Path:
    if chosen is not None:
        return chosen
    path = sqlite_path(db_url)
    return path.parent if path is not None else Path("data")


def host_key(folder: Path):  # noqa: ANN201 - asyncssh.SSHKey, imported lazily
    """The server's key, made on first start (mode 0600); one a stranger can read is refused."""
    from wms_tui.serve.quiet_asyncssh import asyncssh

    path = folder / HOST_KEY_NAME
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise StoreError(
                f"Host key {path} can be read by others (mode {mode:o}): chmod 600 {path}"
            )
        try:
            return asyncssh.read_private_key(path)
        except (OSError, asyncssh.KeyImportError) as exc:
            raise StoreError(f"Cannot read host key {path}: {exc}") from None
    folder.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    (folder / f"{HOST_KEY_NAME}.pub").write_bytes(key.export_public_key())
    return key


def connection_log(folder: Path, name: str) -> logging.Logger:
    """Accepted, refused and dropped connections: to ``serve.log`` and to stderr."""
    folder.mkdir(parents=True, exist_ok=True)
    log = logging.getLogger(f"wms.serve.{name}")
    log.setLevel(logging.INFO)
    log.propagate = False
    path = str((folder / LOG_NAME).resolve())
    if any(
        getattr(h, "baseFilename", None) != path
        for h in log.handlers
        if isinstance(h, logging.FileHandler)
    ):
        # The same name asked for with another folder: log there, not to the old file.
        for h in list(log.handlers):
            log.removeHandler(h)
            h.close()
    if not log.handlers:
        fmt = logging.Formatter("%(asctime)s %(name)s %(message)s")
        to_file = logging.FileHandler(folder / LOG_NAME, encoding="utf-8")
        to_file.setFormatter(fmt)
        to_err = logging.StreamHandler(sys.stderr)
        to_err.setFormatter(fmt)
        log.addHandler(to_file)
        log.addHandler(to_err)
    return log
