"""The receiving screen's questions after a scan: how many (count mode), why
damaged (damaged mode), and "check the count" when the service finds it
unusual; the scan is received once they are answered, never before.

:class:`~wms_tui.ui.screens.receiving.ReceivingScreen` mixes this in; it reads
the screen's modes and feedback line and receives through its ``receive``.
"""

from __future__ import annotations

from textual import work

from wms_tui.domain.errors import DomainError
from wms_tui.services.receiving import receipt as rcv
from wms_tui.ui.widgets.dialogs import AskChoice, AskCount, AskSure

# A plain number this short keyed into the scan field is a count, never a barcode to link.


class ScanQuestions:
    """Mixed into ReceivingScreen (see the module's docstring)."""

    @work(exclusive=True, group="rcv-confirm")
    async def confirm_large(self, code: str, count: int, reason: str | None, why: str) -> None:
        self.app.bell()
        yes = await self.app.push_screen_wait(
            AskSure("Check the count", [why, "y receives them, Esc cancels."])
        )
        if yes:
            self.receive(code, count=count, reason=reason, confirmed=True)
        else:
            self.feedback.info("Not received: scan again")

    @work(exclusive=True, group="rcv-ask")
    async def ask_then_receive(self, code: str) -> None:
        try:
            await self._ask_then_receive(code)
        finally:
            self.wms.expect_no_screen()  # asked, refused or cancelled: keys go on

    async def _ask_then_receive(self, code: str) -> None:
        try:
            sku, name, pack = rcv.identify(self.store, code)
        except rcv.UnknownBarcode as exc:
            # Another delivery's reference opens it, in count or damaged mode too.
            if self.switch_delivery(exc.code):
                return
            self.unknown(exc)
            return
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        count = 1
        if self.count_mode:
            what = f"cases of {pack}" if pack > 1 else "units"
            answer = await self.app.push_screen_wait(
                AskCount(f"{sku}: how many {what}?", validate=rcv.parse_count)
            )
            if answer is None:
                self.feedback.info("Cancelled: nothing received")
                return
            count = answer
        reason: str | None = None
        if self.damaged_next:
            reason = await self.app.push_screen_wait(
                AskChoice(f"Damaged {sku}: why?", rcv.DAMAGE_REASONS)
            )
            if reason is None:
                self.feedback.info("Cancelled: nothing received")
                return
        self.receive(code, count=count, reason=reason)
