"""Dispatch commands: close a carrier's day, reprint a manifest, customer notices.

``wms manifest close POSTNORD --badge S9001``   close today's PostNord manifest
``wms manifest reprint POSTNORD-20261124``      write its CSV and PDF again
``wms manifest list [--date 2026-11-24]``        manifests and their parcel counts
``wms notices delays [--send] --badge S9001``    orders missing their date; --send notifies
``wms notices shipped [--date …]``               confirmations a close-out could not write
``wms notices send``                             send by SMTP what is waiting in the outbox

Notices change the store (the outbox, the event log): each takes ``--badge``
and ``--pin`` like ``manifest close`` (a cron job runs as a service account).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from wms_tui.cli.common import DbOption, console, fail, reading
from wms_tui.cli.common import open_store_or_fail as _store
from wms_tui.cli.supervisor import PinOption, TerminalOption, acting, supervisor
from wms_tui.domain.text import noun, plural

if TYPE_CHECKING:
    from wms_tui.services.dispatch.notices import NoticeRun

BadgeOption = Annotated[
    str | None,
    typer.Option(
        "--badge",
        "-b",
        help="Your badge (default: $WMS_BADGE); the log records who did it.",
        show_default=False,
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option("--date", help="Day as YYYY-MM-DD (default: today in the warehouse)."),
]


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"Not a date: {value!r}; use YYYY-MM-DD", 2) from None


def _report(run: NoticeRun, what: str) -> None:
    console.print(
        f"{plural(len(run.written), what)} written to the outbox"
        + (f", {run.sent} sent by SMTP" if run.smtp else " (SMTP not configured: not sent)")
    )
    for path in run.written:
        console.print(f"  {path}", highlight=False, soft_wrap=True)
    for problem in run.problems:
        console.print(f"  [yellow]![/] {problem}", highlight=False, soft_wrap=True)


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    manifest_app = typer.Typer(
        help="Carrier manifests: close a carrier's day, reprint.", no_args_is_help=True
    )
    notices_app = typer.Typer(
        help="Customer e-mails: shipping confirmations and delay notices.", no_args_is_help=True
    )
    app.add_typer(manifest_app, name="manifest")
    app.add_typer(notices_app, name="notices")

    @manifest_app.command("close")
    def manifest_close(
        carrier: Annotated[str, typer.Argument(help="Carrier code, e.g. POSTNORD.")],
        day: DateOption = None,
        leave_behind: Annotated[
            bool,
            typer.Option(
                "--leave-behind",
                help="Close even though packed parcels are not loaded (they go tomorrow).",
            ),
        ] = False,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Close a carrier's manifest: loaded parcels leave, their orders are DISPATCHED."""
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.dispatch import manifest

        the_day = _day(day)
        store = _store(db)
        actor = supervisor(store, badge, terminal, pin)
        try:
            r = manifest.close_manifest(
                store, actor, carrier, the_day, leave_behind_ok=leave_behind
            )
        except manifest.LeftBehind as exc:
            console.print(f"Not loaded ({len(exc.waiting)}):", highlight=False, soft_wrap=True)
            for p in exc.waiting:
                console.print(f"  {p.label:<16} {p.code}", highlight=False, soft_wrap=True)
            raise fail(f"{exc} (add --leave-behind)", 2) from None
        except DomainError as exc:
            raise fail(str(exc), 2) from None
        finally:
            store.dispose()
        console.print(
            f"[bold]Manifest {r.number}[/] closed: {plural(r.parcels, 'parcel')}, "
            f"{plural(r.orders, 'order')}, "
            f"{r.weight_g / 1000:.3f} kg for {r.carrier_name}",
            highlight=False,
            soft_wrap=True,
        )
        if r.left_behind:
            console.print(
                f"{plural(r.left_behind, 'packed parcel')} "
                f"{'stays' if r.left_behind == 1 else 'stay'} for {r.left_for}",
                highlight=False,
                soft_wrap=True,
            )
        console.print(f"  PDF {r.pdf_file}\n  CSV {r.csv_file}", highlight=False, soft_wrap=True)
        if r.print_problem:
            console.print(f"  [yellow]![/] {r.print_problem}", highlight=False, soft_wrap=True)
        console.print(
            f"{plural(r.notices_written, 'shipping confirmation')} written, {r.notices_sent} sent",
            highlight=False,
            soft_wrap=True,
        )
        for problem in r.notice_problems:
            console.print(f"  [yellow]![/] {problem}", highlight=False, soft_wrap=True)

    @manifest_app.command("reprint")
    def manifest_reprint(
        number: Annotated[str, typer.Argument(help="Manifest number, e.g. POSTNORD-20261124.")],
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Write a closed manifest's PDF and CSV again (and print it if a printer is set)."""
        from wms_tui.services.dispatch import manifest

        with acting(db, badge, terminal, pin) as (store, actor):
            r = manifest.reprint_manifest(store, actor, number)
        console.print(
            f"Manifest {r.number} ({plural(r.parcels, 'parcel')})\n"
            f"  PDF {r.pdf_file}\n  CSV {r.csv_file}",
            highlight=False,
            soft_wrap=True,
        )
        if r.print_problem:
            console.print(f"  [yellow]![/] {r.print_problem}", highlight=False, soft_wrap=True)

    @manifest_app.command("list")
    def manifest_list(day: DateOption = None, db: DbOption = None) -> None:
        """Manifests (newest first) with their status and parcel count."""
        from wms_tui.services.dispatch import manifest

        the_day = _day(day)
        with reading(db) as store:
            rows = manifest.list_manifests(store, the_day)
        if not rows:
            console.print("No manifests" + (f" on {the_day}" if the_day else ""))
            return
        for m in rows:
            line = f"{m.number:<22} {m.carrier_code:<10} {m.day}  {m.status:<7}"
            parcels = f"{m.parcels:>5} {noun(m.parcels, 'parcel')}"
            console.print(f"{line} {parcels}", highlight=False, soft_wrap=True)

    @notices_app.command("delays")
    def notices_delays(
        send: Annotated[
            bool,
            typer.Option(
                "--send",
                help="Write (and with SMTP set, send) a delay notice to each order listed "
                "that has had none.",
            ),
        ] = False,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Orders that will miss their promised ship date (late, carrier gone, cut-off
        passed, no stock coming in time, behind today's pace); --send notifies them."""
        from wms_tui.services.dispatch import delays

        with acting(db, badge, terminal, pin) as (store, actor):
            found = delays.find_delays(store, actor)
            run = delays.send_delay_notices(store, actor) if send else None
        for o in found.orders:
            ships = f"{o.new_ship_day:%a %d %b}" if o.new_ship_day else "when stock arrives"
            notice = f"notice {o.noticed_at:%d %b %H:%M}" if o.noticed_at else "no notice yet"
            console.print(
                f"{o.name:<12} {o.carrier:<9} promised {o.promised:%a %d %b}  "
                f"{o.cause:<14} ships {ships:<17} {notice:<19} {o.why}",
                highlight=False,
                soft_wrap=True,
            )
        console.print(
            f"{plural(len(found.orders), 'order')} will miss the promised date, "
            f"{len(found.to_notify)} without a notice"
            + ("" if send or not found.to_notify else " (--send to notify them)"),
            highlight=False,
            soft_wrap=True,
        )
        if run is not None:
            _report(run, "delay notice")

    @notices_app.command("shipped")
    def notices_shipped(
        day: DateOption = None,
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Write the shipping confirmations missing for orders dispatched on a day."""
        from wms_tui.services.dispatch import notices

        the_day = _day(day)
        with acting(db, badge, terminal, pin) as (store, actor):
            run = notices.shipping_confirmations(store, actor, day=the_day)
        _report(run, "shipping confirmation")

    @notices_app.command("send")
    def notices_send(
        badge: BadgeOption = None,
        pin: PinOption = None,
        terminal: TerminalOption = None,
        db: DbOption = None,
    ) -> None:
        """Send by SMTP every notice in the outbox that has not gone out yet."""
        from wms_tui.services.dispatch import notices

        with acting(db, badge, terminal, pin) as (store, actor):
            run = notices.send_pending(store, actor)
        if not run.smtp:
            raise fail(run.problems[0], 2)
        console.print(f"{plural(run.sent, 'notice')} sent", highlight=False, soft_wrap=True)
        for problem in run.problems:
            console.print(f"  [yellow]![/] {problem}", highlight=False, soft_wrap=True)
