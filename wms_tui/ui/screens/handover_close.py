"""The hand-over screen's manifests: closing the carrier's manifest (F10: what
the close would do asked first, the close in a thread worker, the files and
the shipping e-mails it wrote said after) and reprinting it (F6).

:class:`~wms_tui.ui.screens.handover.HandoverScreen` mixes this in; it reads
the screen's carrier, the dock it shows and its feedback line, and reloads the
dock after a close.
"""

from __future__ import annotations

from textual import work

from wms_tui.domain.text import plural
from wms_tui.ui.answers import answer
from wms_tui.ui.files_text import files_text
from wms_tui.ui.screens.handover_text import close_question


class ManifestClose:
    """Mixed into HandoverScreen (see the module's docstring)."""

    def action_close_out(self) -> None:
        from wms_tui.services.dispatch.manifest_preview import preview_close
        from wms_tui.ui.widgets.dialogs import AskConfirm

        fb = self.feedback
        if self.carrier is None:
            fb.error("Choose the carrier first (F2)")
            return
        if self.busy:
            return
        pv = preview_close(self.store, self.carrier)
        if pv.manifest_status == "CLOSED":
            fb.error(f"Manifest {pv.manifest_number} is already closed: F6 reprints it")
            return
        if not pv.loaded:
            fb.error(f"Nothing loaded for {pv.carrier_name} today: scan parcels first")
            return
        if pv.problems:
            more = f" (+{len(pv.problems) - 1} more)" if len(pv.problems) > 1 else ""
            fb.error(pv.problems[0] + more)
            return
        title, body = close_question(pv)
        leave = bool(pv.waiting)

        def answered(yes: bool | None) -> None:
            if yes:
                self.busy = True
                fb.info(f"Closing {pv.manifest_number}…")
                self._run_close(pv.carrier_code, leave)

        self.app.push_screen(AskConfirm(title, body), answered)

    @work(thread=True, exclusive=True, group="close-out")
    def _run_close(self, carrier: str, leave_behind_ok: bool) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.dispatch.manifest import close_manifest

        try:
            r = close_manifest(self.store, self.actor, carrier, leave_behind_ok=leave_behind_ok)
        except DomainError as exc:
            answer(self, self._after_close, None, str(exc))
            return
        answer(self, self._after_close, r, "")

    def _after_close(self, r, error: str) -> None:  # noqa: ANN001 - a CloseOutResult or None
        self.busy = False
        fb = self.feedback
        if r is None:
            fb.error(error)
        else:
            fb.ok(
                f"{r.number} closed: {plural(r.parcels, 'parcel')}, "
                f"{plural(r.orders, 'order')} dispatched"
            )
            notes = f"{plural(r.notices_written, 'shipping e-mail')} written, {r.notices_sent} sent"
            extra = r.print_problem or "; ".join(r.notice_problems[:1])
            self.notify(
                f"Manifest {files_text(r.pdf_file, r.csv_file)}\n{notes}"
                + (f"\n{extra}" if extra else ""),
                title=f"Manifest {r.number}",
                severity="warning" if extra else "information",
                timeout=15,
            )
        self.reload()

    def action_reprint(self) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.dispatch.manifest import reprint_manifest

        fb = self.feedback
        if self.dock is None:
            fb.error("Choose the carrier first (F2)")
            return
        try:
            r = reprint_manifest(self.store, self.actor, self.dock.manifest_number)
        except DomainError as exc:
            fb.error(str(exc))
            return
        fb.ok(f"{r.number} reprinted ({plural(r.parcels, 'parcel')})")
        self.notify(
            files_text(r.pdf_file) + (f"\n{r.print_problem}" if r.print_problem else ""),
            title=f"Manifest {r.number}",
            timeout=10,
        )
