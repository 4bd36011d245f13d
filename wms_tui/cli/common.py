"""What every ``wms`` command shares: the consoles, the one-line error, the
``--db`` option and opening the store.

Here rather than in ``wms_tui.cli.main``: ``python -m wms_tui.cli.main`` runs that
module as ``__main__``, and a command module importing it again would
register the commands twice (and, at import time, in a circle).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

# Where the commands have always found it; the fast start needs it without Typer.
from wms_tui.cli.entry import default_terminal  # noqa: F401

if TYPE_CHECKING:
    from wms_tui.store import Store


class _DataSafeConsole(Console):
    """A console that shows control characters in what it prints as escapes.

    SKUs, names and notes come from files and shops: one holding ``ESC[2J``
    would clear the operator's terminal, a right-to-left mark would turn the
    line around. Our own styling goes through markup, not through the text.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Rich fixes the width from $COLUMNS when a console is made, and this
        # one is made once, at import: read the width when printing instead, so
        # a command prints at the width it runs at (a test runner's COLUMNS, a
        # terminal resized since), not at whatever the first importer had.
        self._width = None

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(_safe(o) for o in objects), **kwargs)


def _safe(obj: Any) -> Any:
    from rich.table import Table

    from wms_tui.domain.shown import printable

    if isinstance(obj, str):
        return printable(obj, keep="\n\t")
    if isinstance(obj, Table):
        for column in obj.columns:
            column._cells = [_safe(c) for c in column._cells]
    return obj


console = _DataSafeConsole()
err_console = _DataSafeConsole(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database path or URL (default: $WMS_DATABASE_URL or data/wms.db).",
        show_default=False,
    ),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """One line on stderr; exit 1 for store problems, 2 for bad input."""
    # The message is plain text: a SKU like "TEE-[M]" must not be read as markup.
    from rich.markup import escape

    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def open_store_or_fail(db: str | None) -> Store:
    """The store behind ``--db``; a store that cannot be opened is one line, exit 1."""
    from wms_tui.domain.errors import StoreError
    from wms_tui.store import open_store

    try:
        return open_store(db)
    except StoreError as exc:
        raise fail(str(exc)) from None


@contextmanager
def use_case(
    store: Store, code: int = 2, *, also: tuple[type[Exception], ...] = ()
) -> Iterator[None]:
    """Run a command's use case: a refusal (a ``DomainError``, or one of ``also``)
    is one line and exit ``code`` (2: bad input), and the store is let go
    whatever happens."""
    from wms_tui.domain.errors import DomainError

    try:
        yield
    except (DomainError, *also) as exc:
        raise fail(str(exc), code) from None
    finally:
        store.dispose()


@contextmanager
def reading(db: str | None) -> Iterator[Store]:
    """``with reading(db) as store:`` -- a command that only reads: the store
    behind ``--db``, a refusal as one line and exit 2, the store let go after."""
    store = open_store_or_fail(db)
    with use_case(store):
        yield store
