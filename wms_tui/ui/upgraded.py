"""A terminal whose program was upgraded under it: log out, say so, start on the new code.

The app imports most of its screens and services when they are first needed (start-up
matters on a handheld). After ``pip install -U`` (or a deploy) under a running
terminal, such an import reads the *new* files into the *old* program: a module that
moved is missing, a name it imported is gone, and the operator read a traceback where
the screen had been. Mixing the two versions further could write with rules of both,
so nothing is retried: the operator is logged out (a claimed pick task paused, as at
Ctrl+L), and ``wms run`` starts again on the new code, whose login screen says why
(:func:`restart_after_upgrade`). A restart that meets a missing module again within
a minute is not repeated: the message stays on the screen and the app ends.
"""

from __future__ import annotations

import os
import sys
import time

from textual.worker import WorkerFailed

# EX_TEMPFAIL: try again (on the new code).
UPGRADED_EXIT = 75
RESTARTED_AT = "WMS_RESTARTED_AT"
RESTART_NOTE = "WMS_RESTART_NOTE"
NOTE = "wms was upgraded while this terminal ran: you were logged out, log in again"
# A second upgrade restart this soon is a broken install, not an upgrade.
RESTART_AT_MOST_EVERY_S = 60.0


def moved_code(error: BaseException) -> ImportError | None:
    """The import of our own code that failed behind ``error`` (a worker's failure, its
    cause), if any."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        exc = todo.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        if isinstance(exc, ImportError) and (exc.name or "").split(".")[0] == "wms_tui":
            return exc  # another package missing is no upgrade of ours
        if isinstance(exc, WorkerFailed):
            todo.append(exc.error)
        todo += [exc.__cause__, exc.__context__]
    return None


def upgrade_message(error: ImportError) -> str:
    what = error.name or str(error).split("\n")[0][:80]
    return (
        f"wms was upgraded while this terminal ran ({what} is not where this program "
        "left it): you were logged out. Start wms again."
    )


def restart_after_upgrade(return_code: int | None) -> None:
    """After an app that ended with ``UPGRADED_EXIT``: run the same command again, in
    this process (so a device's connection and its pty stay), on the code now
    installed. Returns when there is nothing to restart."""
    if return_code != UPGRADED_EXIT:
        return
    now = time.time()
    try:
        last = float(os.environ.get(RESTARTED_AT, "0"))
    except ValueError:
        last = 0.0
    if now - last < RESTART_AT_MOST_EVERY_S:
        return
    os.environ[RESTARTED_AT] = f"{now:.0f}"
    os.environ[RESTART_NOTE] = NOTE
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
