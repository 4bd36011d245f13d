"""An import as the terminal shows it: a progress bar for big files, the problems
found (row by row, the first few), what was created or changed, what was released.

``wms_tui.cli.common`` is reached through :func:`_cli`, as in :mod:`wms_tui.cli.intake`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from wms_tui.services.core.import_report import ImportReport, Progress


# Files smaller than this import faster than a progress bar can draw.
PROGRESS_MIN_BYTES = 1 << 20
SHOWN_ERRORS = 50


def _cli():
    # Imported lazily: wms_tui.cli.main imports this module (through intake) while it is
    # being loaded.
    from wms_tui.cli import common as cli

    return cli


class ProgressBar:
    """A rich progress bar on stderr, only for big files."""

    def __init__(self, path: Path) -> None:
        self.progress = None
        self.tasks: dict[str, int] = {}
        try:
            big = path.stat().st_size >= PROGRESS_MIN_BYTES
        except OSError:
            big = False
        if big:
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description:<10}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[amount]}"),
                TimeRemainingColumn(),
                console=_cli().err_console,
                transient=True,
            )

    def __enter__(self) -> Progress | None:
        if self.progress is None:
            return None
        self.progress.start()
        return self.update

    def update(self, phase: str, done: int, total: int) -> None:
        assert self.progress is not None
        if phase == "Releasing":
            amount = f"{done:,}/{total:,} orders"
        else:
            amount = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=total, amount=amount)
        self.progress.update(self.tasks[phase], completed=done, total=total, amount=amount)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def print_errors(console: Console, report: ImportReport, limit: int = SHOWN_ERRORS) -> None:
    from rich.table import Table

    name = Path(report.path).name
    if report.file_error:
        console.print(
            f"[bold red]error:[/] {name}: {report.file_error}; nothing was imported",
            highlight=False,
            soft_wrap=True,
        )
        return
    n = report.error_count
    table = Table(
        title=f"{n:,} problem{'s' if n != 1 else ''} in {name}",
        title_justify="left",
        title_style="bold red",
        show_lines=False,
    )
    table.add_column("Row", justify="right", style="bold")
    table.add_column("Column")
    table.add_column("Reason", overflow="fold")
    for error in report.errors[:limit]:
        table.add_row(str(error.row), error.column or "—", error.reason)
    console.print(table)
    if n > limit:
        console.print(f"… and {n - limit:,} more.", highlight=False)
    if any(e.reason.startswith("unknown SKU") for e in report.errors):
        console.print(
            "Unknown SKUs: import the shop's products first (wms import products FILE).",
            highlight=False,
        )
    console.print(
        f"[bold]Nothing was imported from {name}.[/] Fix the rows above and import it again.",
        highlight=False,
    )


_ORDER_ROWS = (
    ("created", "Created"),
    ("updated", "Updated"),
    ("unchanged", "Unchanged"),
    ("cancelled", "Cancelled"),
    ("held", "Put on hold"),
    ("hold lifted", "Hold lifted (paid)"),
    ("too late", "Too late to change"),
    ("barcodes added", "Barcodes added"),
)


def print_summary(console: Console, report: ImportReport) -> None:
    from rich.table import Table

    name = Path(report.path).name
    what = "order" if report.kind == "orders" else "product variant"
    counted = f"{report.records:,} {what}{'s' if report.records != 1 else ''}"
    if report.kind == "orders":
        counted += f", {report.lines:,} line{'s' if report.lines != 1 else ''}"
    if report.dry_run:
        title = f"Dry run of {name} ({counted}): nothing was changed"
        verbs = {"Created": "Would create", "Updated": "Would update", "Cancelled": "Would cancel"}
    else:
        title = f"Imported {name} ({counted})"
        verbs = {}
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False)
    table.add_column("What")
    table.add_column("Count", justify="right")
    table.add_column("Orders" if report.kind == "orders" else "SKUs", overflow="fold")
    for key, label in _ORDER_ROWS:
        tally = report.tallies.get(key)
        if tally and tally.count:
            label = verbs.get(label, label)
            if report.dry_run and key == "held":
                label = "Would hold"
            table.add_row(label, f"{tally.count:,}", tally.sample())
    for key, tally in sorted(report.tallies.items()):
        if key.startswith("skipped: "):
            table.add_row(f"Skipped: {key[9:]}", f"{tally.count:,}", tally.sample())
    console.print(table)
    if report.notes:
        console.print("[bold yellow]Needs a look:[/]")
        for note in report.notes:
            console.print(f"  • {note}", highlight=False)
        if report.note_count > len(report.notes):
            console.print(
                f"  … and {report.note_count - len(report.notes):,} more", highlight=False
            )
    if report.unmatched_methods or report.guessed_methods:
        methods = Table(
            title="Shipping methods", title_justify="left", title_style="bold", show_lines=False
        )
        methods.add_column("Shopify shipping method")
        methods.add_column("Orders", justify="right")
        methods.add_column("Carrier service")
        for text, n in report.unmatched_methods.most_common():
            methods.add_row(text, f"{n:,}", "[red]none: imported without a carrier[/]")
        for text, (label, n) in sorted(report.guessed_methods.items()):
            methods.add_row(text, f"{n:,}", f"[yellow]{label}[/] (by carrier name)")
        console.print(methods)
        console.print(
            "Map shipping methods with [bold]wms import shipping-methods FILE[/] "
            "(columns: Shipping Method, Carrier, Service).",
            highlight=False,
        )
    if report.released is not None:
        print_release(console, report.released, dry_run=report.dry_run)
        if report.still_due:
            console.print(
                f"{report.still_due:,} more orders are due: running terminals release them "
                "in the background, or run [bold]wms release[/].",
                highlight=False,
            )


def print_release(console: Console, result: dict[str, list[str]], *, dry_run: bool = False) -> None:
    from wms_tui.services.core.import_report import Tally

    parts = []
    for key, label in (
        ("ready", "ready to pick"),
        ("backordered", "backordered"),
        ("held", "held"),
    ):
        names = result.get(key, [])
        if names:
            tally = Tally()
            for n in names:
                tally.add(n)
            parts.append(f"{len(names):,} {label} ({tally.sample()})")
    verb = "Would release" if dry_run else "Released"
    if parts:
        console.print(f"{verb} after the grace period: " + "; ".join(parts), highlight=False)
    else:
        console.print("No orders due for release.", highlight=False)
