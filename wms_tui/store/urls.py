"""Naming a database: the URL ``--db`` or ``WMS_DATABASE_URL`` gives, a SQLite
file's path, and the one way a URL is shown (password masked) in any message."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SQLITE_PATH = Path("data") / "wms.db"
ENV_URL = "WMS_DATABASE_URL"


def resolve_url(db: str | None = None) -> str:
    """``--db`` (a path or URL) beats ``WMS_DATABASE_URL`` beats ``data/wms.db``."""
    value = db or os.environ.get(ENV_URL) or str(DEFAULT_SQLITE_PATH)
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for any other URL, or one that is none
    (``Store`` refuses that with one line)."""
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def shown_url(url: str) -> str:
    """The database as an operator names it with ``--db``: a SQLite file by its
    path, a URL with its password replaced by ``***``. Every message that names
    a database goes through here: the line is shown on floor terminals and
    written to logs, and a PostgreSQL URL may carry the password."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        # Not a URL SQLAlchemy can read, but it may still hold "user:password@".
        return _PASSWORD_IN_URL.sub(r"\1***@", url)
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    if parsed.password:
        return parsed.render_as_string(hide_password=True)
    return url


# "scheme://user:password@host": everything from the ":" after the user to the
# last "@" is masked, since an unreadable URL may hold an unescaped "@" in it.
_PASSWORD_IN_URL = re.compile(r"^([^:/]+://[^:/@]*:).*@")


def hide_password(message: str, url: str) -> str:
    """``message`` with the URL's password masked, should a driver have quoted it."""
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        return message
    if password:
        message = message.replace(str(password), "***")
    return message


def db_option(url: str) -> str:
    """``shown_url`` quoted for a shell, ready to paste after ``--db``."""
    return shlex.quote(shown_url(url))
