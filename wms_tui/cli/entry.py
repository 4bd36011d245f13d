"""The ``wms`` command's entry point: opening the TUI does not wait for the CLI.

``wms run`` and ``wms demo`` on an existing SQLite file, with at most
``--db`` and ``--terminal``, start the app at once: the login screen paints
while the app's worker opens and checks the store. Loading Typer, every
command module, SQLModel and the models first (and opening the store twice)
used to take 3-5× as long as importing Textual. Anything else, and any store
the app cannot open (missing, older or newer schema, PostgreSQL down), goes
the ordinary way through ``wms_tui.cli.main``, which prints the one-line
refusal, or upgrades the demo's own file, exactly as before.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

FAST_COMMANDS = ("run", "demo")
# As wms_tui.store.resolve_url, without importing SQLAlchemy to find out.
ENV_URL = "WMS_DATABASE_URL"
DEFAULT_SQLITE_PATH = Path("data") / "wms.db"
DEMO_TERMINAL = "PACK-1"


def default_terminal(command: str = "run") -> str:
    """``--terminal`` left out: $WMS_TERMINAL, else the host's short name.

    The demo opens as its pack station PACK-1 instead: a newcomer trying every
    badge on one terminal can then close a parcel as K2001 (a host name has no
    pack location, and the first order would be refused at the bench).
    """
    import socket

    if command == "demo":
        return os.environ.get("WMS_TERMINAL") or DEMO_TERMINAL
    return os.environ.get("WMS_TERMINAL") or socket.gethostname().split(".")[0][:16]


def fast_tui_args(argv: list[str]) -> tuple[str, str | None] | None:
    """(SQLite file, terminal) when ``argv`` only opens the TUI on an existing file."""
    if not argv or argv[0] not in FAST_COMMANDS:
        return None
    db: str | None = None
    terminal: str | None = None
    rest = argv[1:]
    while rest:
        opt, *rest = rest
        name, eq, value = opt.partition("=")
        if name in ("--db", "--terminal", "-t") and not eq:
            if not rest:
                return None
            value, *rest = rest
        if name == "--db":
            db = value
        elif name in ("--terminal", "-t"):
            terminal = value
        else:
            return None  # --reset, --no-tui, --help, anything new: the full CLI
    target = db or os.environ.get(ENV_URL) or str(DEFAULT_SQLITE_PATH)
    if target.startswith("sqlite:///"):
        target = target.removeprefix("sqlite:///")
    elif "://" in target:
        return None
    if not target or not Path(target).is_file():
        return None  # a demo to build, or a missing file to refuse with its message
    return target, terminal or default_terminal(argv[0])


def main() -> None:
    fast = fast_tui_args(sys.argv[1:]) if sys.stdout.isatty() else None
    if fast is not None:
        from wms_tui.ui.app import WmsApp
        from wms_tui.ui.upgraded import restart_after_upgrade

        db, terminal = fast
        app = WmsApp(
            db,
            terminal=terminal,
            freeze_memory=True,
            quit_on_store_error=True,
            hangup_logout=True,
        )
        app.run()
        restart_after_upgrade(app.return_code)
        if app.store_error is None:
            return
        # The store could not be opened: the full command says why, or (the
        # demo's own older file) upgrades it and opens the TUI again.
    from wms_tui.cli.main import main as cli_main

    cli_main()
