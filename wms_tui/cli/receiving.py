"""Receiving commands: ``wms import asn``, ``wms sku-labels``, ``wms receipt-report``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, use_case
from wms_tui.cli.common import open_store_or_fail as _open
from wms_tui.cli.supervisor import BadgeOption, PinOption, TerminalOption, acting, operator
from wms_tui.domain.text import plural

# wms_tui.cli.main imports this module while it builds the command tree, so anything
# from it is imported inside the functions (at run time, when cli is complete).


def _cli_actor(action: str):
    """Who a dry run is: it changes nothing, so it needs no badge."""
    from wms_tui.cli.common import default_terminal
    from wms_tui.domain.actor import SYSTEM, Actor

    return Actor(operator_id=None, name=f"wms {action}", roles=SYSTEM.roles,
                 terminal=default_terminal())  # fmt: skip


def import_asn(
    file: Annotated[Path, typer.Argument(help="ASN CSV: reference, supplier, expected_date, "
                                              "sku, quantity (see docs/receiving.md).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; import nothing.")] = False,
    badge: BadgeOption = None,
    pin: PinOption = None,
    terminal: TerminalOption = None,
    db: DbOption = None,
) -> None:  # fmt: skip
    """Import expected deliveries (advance shipping notices) from a supplier CSV."""
    from wms_tui.cli.common import console, err_console, fail
    from wms_tui.services.receiving.asn import AsnImportError
    from wms_tui.services.receiving.asn import import_asn as run_import

    if not file.is_file():
        raise fail(f"No such file: {file}", 2)
    store = _open(db)
    actor = _cli_actor("import asn") if dry_run else operator(store, badge, terminal, pin)
    try:
        result = run_import(store, actor, file, dry_run=dry_run)
    except AsnImportError as exc:
        for problem in exc.errors:
            err_console.print(f"{file.name}: {problem}", highlight=False, markup=False)
        raise fail(str(exc), 2) from None
    finally:
        store.dispose()
    verb = "Would import" if dry_run else "Imported"
    changed = [r for r in result if r.action != "unchanged"]
    console.print(
        f"{verb} {plural(len(changed), 'delivery', 'deliveries')} "
        f"({len(result) - len(changed)} unchanged)",
        highlight=False,
    )
    for r in result:
        when = f" due {r.expected_date}" if r.expected_date else ""
        console.print(
            f"  {r.reference}  {r.supplier or '-'}{when}: "
            f"{plural(r.skus, 'SKU')}, {plural(r.units, 'unit')} "
            f"[{r.action}]",
            highlight=False,
            markup=False,
        )


def sku_labels(
    delivery: Annotated[str, typer.Option("--delivery", "-d", help="Delivery reference.")],
    layout: Annotated[
        str, typer.Option("--layout", help="sheet (A4, 3×8) or roll (one 62×29 mm per label).")
    ] = "sheet",
    every_product: Annotated[
        bool, typer.Option("--all", help="Also products that already have a barcode.")
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Folder (default: labels/).")] = None,
    db: DbOption = None,
) -> None:
    """SKU labels (Code 128) for a delivery's received products without a barcode."""
    from wms_tui.cli.common import console, fail
    from wms_tui.services.receiving.documents import write_sku_labels

    if layout not in ("sheet", "roll"):
        raise fail(f"--layout must be sheet or roll, not {layout!r}", 2)
    store = _open(db)
    with use_case(store):
        written = write_sku_labels(
            store, delivery, layout=layout, only_without_barcode=not every_product, out_dir=out
        )
    # soft_wrap: a path or a SKU cut over two lines cannot be copied or searched for.
    console.print(
        f"{plural(written.count, 'label')}: {written.path}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    for problem in written.skipped:
        console.print(f"Not printed: {problem}", highlight=False, markup=False, soft_wrap=True)


def receipt_report(
    delivery: Annotated[str, typer.Argument(help="Delivery reference.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder (default: data/reports/).")
    ] = None,
    badge: BadgeOption = None,
    pin: PinOption = None,
    terminal: TerminalOption = None,
    db: DbOption = None,
) -> None:
    """Write (again) the discrepancy report PDF of a delivery (receiver or supervisor)."""
    from wms_tui.cli.common import console
    from wms_tui.services.receiving.documents import write_receipt_report

    with acting(db, badge, terminal, pin) as (store, actor):
        path = write_receipt_report(store, actor, delivery, out_dir=out)
    console.print(f"Report: {path}", highlight=False)


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    import_app.command("asn")(import_asn)
    app.command("sku-labels")(sku_labels)
    app.command("receipt-report")(receipt_report)
