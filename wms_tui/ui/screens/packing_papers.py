"""The pack station's papers: a closed parcel's label, slip and customs papers
made and printed in a thread worker (never exclusive: an exclusive worker
would cancel a close's papers still queued), a reprint (F10), and what came of
them said in the feedback's rows in the longest form that fits.

:class:`~wms_tui.ui.screens.packing.PackScreen` mixes them in; they read its
open order, the order it last closed and its feedback line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from wms_tui.domain.errors import DomainError
from wms_tui.services.packing import station as packing
from wms_tui.ui.answers import answer, tell
from wms_tui.ui.widgets.dialogs import AskChoice, AskText

if TYPE_CHECKING:
    from wms_tui.services.packing.documents import Documents


class PackPapers:
    """Mixed into PackScreen (see the module's docstring)."""

    # Never exclusive: an exclusive worker cancels its group's others, so a reprint
    # or the next close could cancel a close's papers still queued, unprinted.
    @work(thread=True, group="pack-print")
    def make_documents(self, order_id: int, done: str, short_done: str = "", **kwargs) -> None:
        try:
            docs = packing.produce(self.store, order_id, self.actor.terminal, **kwargs)
        except DomainError as exc:
            tell(self, str(exc))
            return
        if not docs.ok:
            answer(self, self.say_trouble, docs, done, short_done or done)
        else:
            answer(self, self.say_documents, docs, done, short_done or done)

    def say_documents(self, docs: Documents, done: str, short_done: str) -> None:
        """The parcel closed and its papers: the files' names and tracking numbers when they
        fit the feedback's rows, else counts (three parcels' labels and a customs paper cut
        the station's two rows mid-name and the handheld's before "printed")."""
        tries = [(done, docs.summary()), (done, docs.short_summary())]
        tries.append((short_done, docs.short_summary()))
        self.feedback.ok(self._fitting(" · ", tries))

    def say_trouble(self, docs: Documents, done: str, short_done: str = "") -> None:
        """Papers not printed, or held in a stopped queue: the whole sentences when they fit,
        else the short forms (a handheld cut a held label's line before "cupsenable")."""
        # A job held in a stopped queue prints when it starts: F10 would print it twice.
        again = " — F10 reprints" if docs.problems else ""
        tries = [(done, "; ".join(docs.problems + docs.held) + again)]
        tries.append((short_done, docs.short_trouble() + again))
        tries.append((short_done, docs.short_trouble()))
        self.feedback.error(self._fitting(". ", tries))

    def _fitting(self, sep: str, tries: list[tuple[str, str]]) -> str:
        """The first of ``tries`` (what was done, then what came of it) that fits the
        feedback's rows, else the last."""
        width, height = self.feedback.content_region.width, self.feedback.content_region.height
        for first, then in tries:
            said = f"{first}{sep}{then}" if first else then
            if len(Text(f"✓ {said}").wrap(self.app.console, width)) <= height:
                break
        return said

    @work(exclusive=True, group="pack-dialog")
    async def action_reprint(self) -> None:
        name = self.view.order_name if self.view else self.last_packed
        if name is None:
            name = await self.app.push_screen_wait(
                AskText("Reprint: scan the order, SSCC or tracking number")
            )
            if name is None:
                self.focus_scan()
                return
        what = await self.app.push_screen_wait(
            AskChoice(
                f"Reprint {name}",
                [("both", "Label and slip"), ("label", "Label"), ("slip", "Packing slip")],
                other=None,
            )
        )
        self.focus_scan()
        if what is None:
            return
        self.reprint(name, what)

    @work(thread=True, group="pack-print")  # not exclusive: see make_documents
    def reprint(self, name: str, what: str) -> None:
        try:
            docs = packing.reprint(
                self.store,
                self.actor,
                name,
                labels=what in ("both", "label"),
                slip=what in ("both", "slip"),
            )
        except DomainError as exc:
            tell(self, str(exc))
            return
        if not docs.ok:
            answer(self, self.say_trouble, docs, "")
        else:
            tell(self, f"Reprinted {name}: {docs.summary()}", ok=True)
