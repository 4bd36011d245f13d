"""Barcodes at the receiving screen: linking an unknown barcode to a SKU (a
supervisor approves when the receiver is not one) and SKU labels for the
received products that have no barcode, written in a thread worker.

:class:`~wms_tui.ui.screens.receiving.ReceivingScreen` mixes this in; it reads
the screen's receipt, the last unknown code, its scan log and feedback line.
"""

from __future__ import annotations

from textual import work

from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.shown import excerpt
from wms_tui.domain.text import plural
from wms_tui.services.core import approval
from wms_tui.services.receiving import barcode_links
from wms_tui.services.receiving import receipt as rcv
from wms_tui.ui.answers import tell
from wms_tui.ui.files_text import folder_text
from wms_tui.ui.widgets.dialogs import AskApproval, AskChoice, AskText


class ReceivingBarcodes:
    """Mixed into ReceivingScreen (see the module's docstring)."""

    @work(exclusive=True, group="rcv-ask")
    async def action_link(self) -> None:
        code = self.last_unknown
        if code is None:
            code = await self.app.push_screen_wait(
                AskText("Scan the barcode to link", placeholder="barcode")
            )
            if code is None:
                return
            if problem := barcode_links.too_long(code):
                self.feedback.error(problem)
                return
        sku = await self.app.push_screen_wait(
            AskText(
                f"Link {excerpt(code)} to which SKU?",
                placeholder="SKU or a known barcode",
                validate=self.sku_of,
            )
        )
        if sku is None:
            self.feedback.info("Not linked")
            return
        badge = None
        if not self.actor.has("supervisor"):
            badge = await self.app.push_screen_wait(
                AskApproval(
                    "Supervisor: badge and PIN to link it",
                    validate=lambda c: approval.check(self.store, self.actor, c),
                )
            )
            if badge is None:
                self.feedback.info("Not linked: a supervisor must approve")
                return
        try:
            res = barcode_links.link_barcode(self.store, self.actor, code, sku, approver=badge)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.last_unknown = None
        self.feedback.ok(f"{res.code} → {res.sku} ({res.authorised_by}); scan it again")
        self.note(f"linked {res.code} → {res.sku} by {res.authorised_by}")

    def sku_of(self, code: str) -> str:
        try:
            return rcv.identify(self.store, code)[0]
        except rcv.UnknownBarcode as exc:
            raise NotFound(f"Unknown SKU {exc.code}") from None

    @work(exclusive=True, group="rcv-ask")
    async def action_labels(self) -> None:
        assert self.receipt is not None
        missing = [ln for ln in self.receipt.lines if not ln.has_barcode and ln.good > 0]
        if not missing:
            self.feedback.info("Every received product has a barcode: no labels needed")
            return
        units = sum(ln.good for ln in missing)
        layout = await self.app.push_screen_wait(
            AskChoice(
                f"{plural(units, 'SKU label')} ({plural(len(missing), 'product')})",
                ["Sheet (A4, 24 per page)", "Roll (62×29 mm)"],
                other=None,
            )
        )
        if layout is None:
            return
        self.feedback.info("Writing labels…")
        self.write_labels(self.receipt.reference, "roll" if layout.startswith("Roll") else "sheet")

    @work(thread=True, group="rcv-pdf")  # not exclusive: see write_report
    def write_labels(self, reference: str, layout: str) -> None:
        from wms_tui.services.receiving.documents import write_sku_labels

        try:
            written = write_sku_labels(self.store, reference, layout=layout)
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            tell(self, f"Labels not written: {exc}")
            return
        # The folder on the first line and the long file name on its own below: said in
        # one run, the name wrapped whole to the second line and the folder was cut off
        # (three rows on a handheld, two on a station).
        where = folder_text(written.path.parent)
        said = f"{plural(written.count, 'label')}{f' in {where}' if where else ''}:\n"
        said += written.path.name
        if written.skipped:
            # What did not print comes first: at 40 columns the feedback shows three lines.
            said = f"Not printed: {'; '.join(written.skipped)} · {said}"
            tell(self, said)
            return
        tell(self, said, ok=True)
