"""Order intake commands: Shopify imports, fulfilments export, release.

    wms import products FILE [--dry-run]
    wms import orders FILE [--dry-run] [--no-release]
    wms import shipping-methods FILE
    wms export fulfillments FILE [--since DATE]
    wms release
    wms intake-rules [--grace MINUTES] [--same-day-cutoff HH:MM] [--badge BADGE]

Setting the intake rules is a supervisor's decision: ``--grace`` and
``--same-day-cutoff`` need a supervisor's ``--badge`` (or ``$WMS_BADGE``);
showing them does not.

Exit codes: 0 done, 1 store problem, 2 bad input (nothing was imported).

``wms_tui.cli.main`` is imported inside the functions, not at the top: under
``python -m wms_tui.cli.main`` it runs as ``__main__`` and a top-level import here
would load it a second time while it registers this module.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wms_tui.cli.common import DbOption
from wms_tui.cli.common import open_store_or_fail as _open
from wms_tui.cli.import_report import ProgressBar, print_errors, print_release, print_summary
from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption, acting, supervisor

if TYPE_CHECKING:
    from wms_tui.domain.actor import Actor
    from wms_tui.store import Store


FileArg = Annotated[
    Path, typer.Argument(help="CSV file exported from Shopify.", show_default=False)
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Check and show what would change; change nothing.")
]


def _cli():
    # Imported lazily: wms_tui.cli.main imports this module while it is being loaded.
    from wms_tui.cli import common as cli

    return cli


def _actor(name: str) -> Actor:
    """Who a dry run is: it changes nothing, so it needs no badge."""
    from dataclasses import replace

    from wms_tui.domain.actor import SYSTEM

    return replace(SYSTEM, name=name, terminal=_cli().default_terminal())


def _who(store: Store, name: str, dry_run: bool, badge, pin, terminal) -> Actor:
    return _actor(name) if dry_run else supervisor(store, badge, terminal, pin)


def _run_import(
    kind: str, file: Path, dry_run: bool, db: str | None, who: tuple, release: bool = True
) -> None:
    cli = _cli()
    store = _open(db)
    actor = _who(store, f"import {kind}", dry_run, *who)
    try:
        with ProgressBar(file) as progress:
            if kind == "orders":
                from wms_tui.services.intake.order_import import import_orders

                report = import_orders(
                    store, file, dry_run=dry_run, actor=actor, progress=progress, release=release
                )
            else:
                from wms_tui.services.intake.product_import import import_products

                report = import_products(
                    store, file, dry_run=dry_run, actor=actor, progress=progress
                )
    finally:
        store.dispose()
    if not report.ok:
        print_errors(cli.err_console, report)
        raise typer.Exit(2)
    print_summary(cli.console, report)


def _parse_since(text: str | None, store: Store) -> datetime | None:
    if not text:
        return None
    from datetime import UTC

    from wms_tui.services.core.priority import load_rules

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _cli().fail(
            f"--since '{text}' is not a date like 2024-03-05 or 2024-03-05T14:00", 2
        ) from None
    if value.tzinfo is None:
        # A bare date or time means the warehouse's wall clock.
        with store.read() as session:
            value = value.replace(tzinfo=load_rules(session).tz)
    return value.astimezone(UTC)


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    @import_app.command("products")
    def import_products_cmd(
        file: FileArg,
        dry_run: DryRun = False,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Create or update products from Shopify's products export (variants by SKU)."""
        _run_import("products", file, dry_run, db, (badge, pin, terminal))

    @import_app.command("orders")
    def import_orders_cmd(
        file: FileArg,
        dry_run: DryRun = False,
        no_release: Annotated[
            bool,
            typer.Option("--no-release", help="Do not release orders whose grace period is over."),
        ] = False,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Import Shopify's orders export: create, update, cancel and hold orders."""
        _run_import("orders", file, dry_run, db, (badge, pin, terminal), release=not no_release)

    @import_app.command("shipping-methods")
    def import_shipping_methods(
        file: Annotated[
            Path,
            typer.Argument(help="CSV with columns Shipping Method, Carrier, Service."),
        ],
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Map Shopify shipping method texts to carrier services (replaces the mapping)."""
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.intake.shipping_methods import load_mapping_csv, replace_mapping

        cli = _cli()
        try:
            rows = load_mapping_csv(file)
        except DomainError as exc:
            raise cli.fail(str(exc), 2) from None
        store = _open(db)
        actor = supervisor(store, badge, terminal, pin)
        try:
            n = replace_mapping(store, actor, rows)
        except DomainError as exc:
            raise cli.fail(f"{file.name}: {exc}; nothing was changed", 2) from None
        finally:
            store.dispose()
        cli.console.print(f"Shipping method mapping replaced: {n} entr{'y' if n == 1 else 'ies'}")

    @export_app.command("fulfillments")
    def export_fulfillments_cmd(
        file: Annotated[Path, typer.Argument(help="CSV file to write.", show_default=False)],
        since: Annotated[
            str | None,
            typer.Option(
                "--since", help="Only orders dispatched at or after this date/time (local)."
            ),
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Write dispatched orders (SKUs, quantities, carrier, tracking) for upload to the shop."""
        from wms_tui.services.dispatch.fulfillment_export import export_fulfillments

        cli = _cli()
        if file.is_dir():
            raise cli.fail(f"{file} is a folder; give a file name", 2)
        if not file.parent.exists():
            raise cli.fail(f"folder {file.parent} does not exist", 2)
        store = _open(db)
        try:
            start = _parse_since(since, store)
            n = export_fulfillments(store, file, start)
        except OSError as exc:
            raise cli.fail(f"cannot write {file}: {exc.strerror or exc}") from None
        finally:
            store.dispose()
        cli.console.print(f"Wrote {n:,} fulfilment line{'s' if n != 1 else ''} to {file}")

    @app.command("release")
    def release_cmd(
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Release orders whose grace period is over, and retry backorders (supervisor)."""
        from wms_tui.services.intake.release import release

        cli = _cli()
        with acting(db, badge, terminal, pin) as (store, actor):
            result = release(store, actor)
        print_release(cli.console, result.due)
        retried = result.backorders_released
        if retried:
            cli.console.print(
                f"Backorders now in stock: {len(retried):,} ({', '.join(retried[:8])}"
                f"{' …' if len(retried) > 8 else ''})",
                highlight=False,
            )

    @app.command("intake-rules")
    def intake_rules_cmd(
        grace: Annotated[
            int | None,
            typer.Option(
                "--grace",
                help="Minutes a new order waits before release (0 = at once). "
                "Also moves orders waiting now.",
            ),
        ] = None,
        same_day_cutoff: Annotated[
            str | None,
            typer.Option(
                "--same-day-cutoff",
                help="Orders in before this time (warehouse clock) are due the same day.",
            ),
        ] = None,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Show the grace period and the same-day cut-off, or set them (supervisor)."""
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.intake import intake_rules

        cli = _cli()
        store = _open(db)
        setting = grace is not None or same_day_cutoff is not None
        # Showing the rules is anyone's; only a change needs who makes it.
        actor = supervisor(store, badge, terminal, pin) if setting else None
        try:
            if setting:
                # Both or neither: a bad cut-off must not leave a new grace period.
                moved, value = intake_rules.set_rules(
                    store, actor, grace=grace, cutoff=same_day_cutoff
                )
            if grace is not None:
                cli.console.print(
                    f"Grace period set to {grace} min; {moved:,} waiting order"
                    f"{'s' if moved != 1 else ''} moved to the new release time."
                )
            if same_day_cutoff is not None:
                cli.console.print(f"Same-day cut-off set to {value} (orders arriving from now).")
            rules = intake_rules.read_rules(store)
        except DomainError as exc:
            raise cli.fail(f"{exc}; nothing was changed", 2) from None
        finally:
            store.dispose()
        cli.console.print(
            f"Grace period: {rules.grace_period_minutes} min · "
            f"same-day cut-off: {rules.same_day_cutoff} (warehouse time)",
            highlight=False,
        )
