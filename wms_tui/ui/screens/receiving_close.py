"""Closing a receipt at the receiving screen: what the close would find (short,
over, unexpected, damaged) asked first, the close, the discrepancy report on
screen (only the lines that differ) and its PDF written in a thread worker.

:class:`~wms_tui.ui.screens.receiving.ReceivingScreen` mixes this in; it reads
the screen's receipt, its table, scan log and feedback line.
"""

from __future__ import annotations

from pathlib import Path

from textual import work

from wms_tui.domain.errors import DomainError
from wms_tui.services.receiving import closing
from wms_tui.ui.answers import answer, tell
from wms_tui.ui.files_text import files_text
from wms_tui.ui.screens.receiving_text import NARROW_LINES, discrepancy_lines, report_issues
from wms_tui.ui.widgets.dialogs import AskConfirm
from wms_tui.ui.widgets.fixed_table import reset
from wms_tui.ui.widgets.variance import variance_text


class ReceiptClosing:
    """Mixed into ReceivingScreen (see the module's docstring)."""

    @work(exclusive=True, group="rcv-ask")
    async def action_close_receipt(self) -> None:
        assert self.receipt is not None
        ref = self.receipt.reference
        try:
            preview = closing.close_preview(self.store, self.actor, ref)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        yes = await self.app.push_screen_wait(
            AskConfirm(f"Close {ref}? {preview.summary()}", discrepancy_lines(preview))
        )
        if not yes:
            self.feedback.info("Still open")
            return
        try:
            receipt, found = closing.close_receipt(self.store, self.actor, ref)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.receipt = receipt
        self.closed = found
        self.plain_scans()
        self.note(f"closed {ref}: {found.summary()}")
        self.feedback.ok(f"{ref} closed · writing report…")
        self.render_head()
        self.render_report()
        self.refresh_keys()
        self.write_report(ref)

    def render_report(self) -> None:
        """The discrepancy report on screen: only the lines that differ."""
        assert self.closed is not None and self.receipt is not None
        table = self.table
        if self.wide:
            reset(table, [("SKU", 14), ("Name", 24), ("Exp", 4), ("Rcv", 4), ("Dmg", 4),
                          ("Issue", 20)])  # fmt: skip
        else:
            reset(table, NARROW_LINES)
        for ln in self.receipt.lines:
            issues = report_issues(ln)
            if not issues:
                continue
            if self.wide:
                table.add_row(ln.sku, ln.name, str(ln.expected), str(ln.received),
                              str(ln.damaged or ""), ", ".join(issues), key=ln.sku)  # fmt: skip
            else:
                diff = variance_text(ln.diff, unexpected=ln.expected == 0)
                table.add_row(ln.sku, str(ln.expected), str(ln.received), str(ln.damaged or ""),
                              diff, key=ln.sku)  # fmt: skip

    # Never exclusive: an exclusive worker cancels its group's others, so a second
    # document started while the first still waited for its thread was never written.
    @work(thread=True, group="rcv-pdf")
    def write_report(self, reference: str) -> None:
        from wms_tui.services.receiving.documents import write_receipt_report

        try:
            path = write_receipt_report(self.store, self.actor, reference)
        except Exception as exc:  # noqa: BLE001 - any failure is shown, the close stands
            tell(self, f"Report not written: {exc}")
            return
        answer(self, self.report_written, path)

    def report_written(self, path: Path) -> None:
        self.report_file = str(path)
        self.feedback.ok(f"Report: {files_text(path)}")
