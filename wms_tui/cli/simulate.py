"""``wms simulate day``: a whole floor day through the services, then checked for dead ends."""

# No ``from __future__ import annotations``: Typer reads the parameter
# annotations at run time and DbOption is only imported inside register().
from typing import Annotated

import typer


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    from wms_tui.cli.common import DbOption, console, fail, use_case

    sim_app = typer.Typer(help="Simulated floor days.", no_args_is_help=True)
    app.add_typer(sim_app, name="simulate")

    @sim_app.command("day")
    def simulate_day_cmd(
        orders: Annotated[int, typer.Option("--orders", help="Orders in the day.")] = 200,
        seed: Annotated[int, typer.Option("--seed", help="Same seed, same day.")] = 1,
        db: DbOption = None,
    ) -> None:
        """Run one floor day (demo warehouse, several operators per role, the faults of
        a real day) in an EMPTY store, then check it; exit 1 when a check fails."""
        from wms_tui.domain.errors import StoreError
        from wms_tui.services.demo.simulate import simulate_day
        from wms_tui.store import Store
        from wms_tui.store.urls import resolve_url, sqlite_path

        if orders < 1:
            raise fail("--orders must be at least 1", 2)
        url = resolve_url(db)
        path = sqlite_path(url)
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            store = Store(url)
            if not store.is_initialised():
                store.create_schema()
            store.check_schema()
        except StoreError as exc:
            raise fail(str(exc)) from None
        with use_case(store):
            report = simulate_day(
                store,
                orders=orders,
                seed=seed,
                progress=lambda text: console.print(text, style="dim", highlight=False),
            )
        ends = ", ".join(f"{n} {s.lower()}" for s, n in sorted(report.statuses.items()))
        console.print(
            f"Day of {orders:,} orders (seed {seed}) in {report.seconds:.1f} s, "
            f"{report.rounds} rounds: {ends}",
            highlight=False,
        )
        for what, n in sorted(report.events.items()):
            console.print(f"  {n:6,}  {what}", highlight=False)
        if report.refusals:
            told = sum(report.refusals.values())
            console.print(f"Refused ({told:,}), by reason:", highlight=False, markup=False)
            for line in report.refusal_summary():
                console.print(f"  {line}", highlight=False, markup=False)
        for check in report.checks:
            mark = "[green]✓[/]" if check.ok else "[bold red]✗[/]"
            console.print(f"{mark} {check.name}: {check.detail}", highlight=False)
        if not report.ok:
            raise typer.Exit(1)
