"""The ``wms`` command.

Commands parse arguments, call a service, print the result with rich and map
errors to one line and an exit code (1: store problem, 2: bad input). Heavy
imports happen inside the commands so ``wms --help`` stays instant.
"""

from __future__ import annotations

from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, console, default_terminal, fail

app = typer.Typer(
    name="wms",
    help="wms_tui: warehouse floor terminal for e-commerce fulfilment.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(
    help="Import shop, supplier and warehouse setup files (CSV).", no_args_is_help=True
)
export_app = typer.Typer(help="Export files for the shop and for reports.", no_args_is_help=True)
TerminalOption = Annotated[
    str | None,
    typer.Option("--terminal", "-t", help="Terminal/station code shown in the header and log."),
]


def _run_tui(url: str, terminal: str | None, command: str = "run") -> None:
    from wms_tui.ui.app import WmsApp
    from wms_tui.ui.upgraded import restart_after_upgrade

    app = WmsApp(
        url, terminal=terminal or default_terminal(command), freeze_memory=True, hangup_logout=True
    )
    app.run()
    restart_after_upgrade(app.return_code)


@app.callback(invoke_without_command=True)
def _main(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        console.print(ctx.get_help())


@app.command()
def init(
    db: DbOption = None,
    app_role: Annotated[
        str | None,
        typer.Option(
            "--app-role",
            help="PostgreSQL: create this role for the terminals (LOGIN, no password) and "
            "grant it everything but UPDATE/DELETE/TRUNCATE on the event log and stock ledger.",
        ),
    ] = None,
) -> None:
    """Create an empty store (no demo data)."""
    from wms_tui.domain.errors import StoreError
    from wms_tui.services.setup.db_roles import grant_app_role
    from wms_tui.services.setup.store_init import init_store
    from wms_tui.store.urls import shown_url

    try:
        store, created = init_store(db)
        role_created = grant_app_role(store, app_role) if app_role else False
    except StoreError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"{'Created' if created else 'Already initialised'}: {shown_url(store.url)}",
        highlight=False,
        soft_wrap=True,
    )
    if app_role:
        console.print(
            f"Role {app_role} {'created' if role_created else 'updated'}: terminals connect "
            f"as {app_role} (event log and stock ledger: read and append only)",
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def demo(
    db: DbOption = None,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset", help="Delete and rebuild the demo (only a store `wms demo` built)."
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Reset without asking (scripts, CI).")] = False,
    terminal: TerminalOption = None,
    no_tui: Annotated[
        bool, typer.Option("--no-tui", help="Only create the database, do not open the TUI.")
    ] = False,
) -> None:
    """Create the demo warehouse on first run (or with --reset) and open the TUI."""
    from wms_tui.domain.errors import StoreError
    from wms_tui.services.demo.build import check_resettable, create_demo
    from wms_tui.store.urls import resolve_url, shown_url

    if reset:
        try:
            exists = check_resettable(db)
        except StoreError as exc:
            raise fail(str(exc)) from None
        shown = shown_url(resolve_url(db))
        if exists and not yes:
            typer.confirm(
                f"Delete the demo store {shown} (its orders, stock and event log) and rebuild it?",
                abort=True,
            )

    def upgraded(before: str, after: str) -> None:
        console.print(f"Demo database upgraded from schema {before} to {after}")

    try:
        with console.status("Building the demo warehouse…"):
            store, created = create_demo(db, reset=reset, on_upgrade=upgraded)
    except StoreError as exc:
        raise fail(str(exc)) from None
    if created:
        console.print(
            f"Demo warehouse created in {shown_url(store.url)}", highlight=False, soft_wrap=True
        )
    url = store.url
    store.dispose()
    if not no_tui:
        _run_tui(url, terminal, "demo")


@app.command()
def run(db: DbOption = None, terminal: TerminalOption = None) -> None:
    """Open the TUI on an existing store."""
    from wms_tui.domain.errors import StoreError
    from wms_tui.store import open_store

    try:
        store = open_store(db)
    except StoreError as exc:
        raise fail(str(exc)) from None
    url = store.url
    store.dispose()
    _run_tui(url, terminal)


db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring an existing database up to this version's schema (Alembic)."""
    from wms_tui.domain.errors import StoreError
    from wms_tui.services.setup.schema_upgrade import upgrade_database
    from wms_tui.store.urls import resolve_url, shown_url

    url = resolve_url(db)
    try:
        done = upgrade_database(url)
    except StoreError as exc:
        raise fail(str(exc).splitlines()[0]) from None
    if done.changed:
        console.print(
            f"Database {shown_url(url)} upgraded from schema {done.before} to {done.after}",
            highlight=False,
            soft_wrap=True,
        )
    else:
        console.print(
            f"Database {shown_url(url)} is already at schema {done.after}",
            highlight=False,
            soft_wrap=True,
        )


# Feature areas register their commands from wms_tui/cli/<area>.py, each
# with a ``register(app, import_app, export_app)`` function; keeping them apart
# keeps this file small and the areas independent.
COMMAND_MODULES = (
    "intake",
    "printing",
    "picking",
    "packing",
    "receiving",
    "stock",
    "dispatch",
    "returns",
    "carriers",
    "setup",
    "sync",
    "api_keys",
    "devices",
    "serve",
    "serve_devices",
    "simulate",
    "insight",
    "operators",
)


def _register_commands() -> None:
    import importlib
    import importlib.util

    for name in COMMAND_MODULES:
        module = f"wms_tui.cli.{name}"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).register(app, import_app, export_app)
    if import_app.registered_commands:
        app.add_typer(import_app, name="import")
    if export_app.registered_commands:
        app.add_typer(export_app, name="export")


_register_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
