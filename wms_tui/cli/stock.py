"""``wms stock``: the stock screen's list on the command line, and one row's history.

``wms stock --level low``                      SKUs below their reorder point
``wms stock --status allocated --by-bin``      bins holding units reserved for orders
``wms stock --sku MUG-1 --bin A-01 --history``  what happened to MUG-1 in those bins
"""

from __future__ import annotations

from typing import Annotated

import typer

from wms_tui.cli.common import DbOption, console, fail, reading


def _opt(name: str, help: str):  # noqa: ANN202 - a typer annotation
    return Annotated[str, typer.Option(name, help=help, show_default=False)]


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    @app.command("stock")
    def stock(
        sku: _opt("--sku", "Part of a SKU or name, or a whole barcode.") = "",
        bin: _opt("--bin", "Part of a bin's code (A-01 finds A-01-1-A, A-01-2-B, …).") = "",
        zone: _opt("--zone", "A zone of bins or products.") = "",
        level: _opt("--level", "low, over, zero or ok (thresholds: stock_levels.csv).") = "",
        status: _opt("--status", "available, allocated or quarantine.") = "",
        by_bin: Annotated[bool, typer.Option("--by-bin", help="One row per bin and SKU.")] = False,
        history: Annotated[
            bool,
            typer.Option("--history", help="The history of --sku (in --bin, if given)."),
        ] = False,
        db: DbOption = None,
    ) -> None:
        """Stock by SKU (or by bin), filtered as on the stock screen; or one row's history."""
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.inventory import stock_history
        from wms_tui.services.inventory import stock_queries as q

        try:
            query = q.stock_query(
                text=sku, bin=bin, zone=zone, level=level, status=status, by_bin=by_bin
            )
        except DomainError as exc:
            raise fail(str(exc), 2) from None
        with reading(db) as store:
            if history:
                _print_history(stock_history.row_history(store, query.text, query.bin))
            else:
                _print_list(q.find_stock(store, query))


def _print_list(found) -> None:  # noqa: ANN001 - a StockList
    out = console.print
    if found.query.by_bin:
        out(
            f"{'Bin':<12} {'Zone':<6} {'Kind':<10} {'SKU':<20} {'Qty':>6} {'Alloc':>6} {'Avail':>6}"
        )
        for b in found.bins:
            flag = "  flagged" if b.flagged else ""
            out(
                f"{b.bin:<12} {b.zone:<6} {b.kind:<10} {b.sku:<20} {b.qty:>6} "
                f"{b.allocated:>6} {b.available:>6}{flag}",
                highlight=False,
                soft_wrap=True,
            )
    else:
        out(
            f"{'SKU':<20} {'Zone':<5} {'Stor':>6} {'Alloc':>6} {'Avail':>6} {'Rcv':>5} "
            f"{'Quar':>5} {'Reord':>6} {'Max':>6}  Level"
        )
        for r in found.skus:
            out(
                f"{r.sku:<20} {r.zone:<5} {r.storage:>6} {r.allocated:>6} {r.available:>6} "
                f"{r.receiving:>5} {r.quarantine:>5} {r.reorder_point or '':>6} "
                f"{r.max_stock or '':>6}  {r.level}",
                highlight=False,
                soft_wrap=True,
            )
    rows = "row" if found.count == 1 else "rows"
    out(f"{found.count} {rows}" + (" (the first ones; narrow the filter)" if found.more else ""))


def _print_history(h) -> None:  # noqa: ANN001 - a RowHistory
    where = f" in {h.bin}" if h.bin else ""
    console.print(f"{h.sku}{where}, newest first ({h.tz_name} time)", highlight=False)
    for e in h.entries:
        qty = "" if e.qty is None else str(e.qty)
        places = f"{e.from_loc or '-'} → {e.to_loc or '-'}" if e.movement else (e.to_loc or "")
        console.print(
            f"{e.at:%Y-%m-%d %H:%M}  {e.what:<15} {qty:>5}  {places:<24} {e.who:<18} "
            f"{e.terminal:<8} {e.order:<10} {e.detail}".rstrip(),
            highlight=False,
            soft_wrap=True,
        )
    if not h.entries:
        console.print("nothing on record")
    if h.more:
        console.print("(older entries left out)")
