"""The pack station's questions: the keys it takes (F1), a keyed count (F2), the
weight (F6), the carton (F5), the checklist (F7), a faulty or missing item (F4)
and a supervisor's badge (F11: a take-over, a weight mismatch).

Each asks in a dialog and hands the answer to one packing service call;
:class:`~wms_tui.ui.screens.packing.PackScreen` mixes them in, and they read
its open order (``view``), the line last scanned and its feedback line.
"""

from __future__ import annotations

from textual import work

from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.numbers import read_int
from wms_tui.services.core import approval
from wms_tui.services.packing import station as packing
from wms_tui.ui.screens.packing_text import keys_text
from wms_tui.ui.widgets.dialogs import AskApproval, AskChoice, AskConfirm, AskText


class PackQuestions:
    """Mixed into PackScreen (see the module's docstring)."""

    def action_keys(self) -> None:
        self.app.push_screen(
            AskConfirm(
                "Pack station keys",
                keys_text().splitlines(),
                hint="Any scan: a unit, a carton, or a weight like 1450 g · Esc: close",
            )
        )

    def action_count(self) -> None:
        if self._need_order():
            self.ask_count(None)

    @work(exclusive=True, group="pack-dialog")
    async def ask_count(self, total: int | None) -> None:
        view = self.view
        if view is None:
            return
        line_no = self.last_line
        if line_no is None:
            self.feedback.error("Scan one unit of the line first, then key its count")
            return
        line = view.line(line_no)
        if total is None:
            answer = await self.app.push_screen_wait(
                AskText(
                    f"How many {line.sku} in all? ({line.packed} of {line.need} scanned)",
                    placeholder="count",
                    validate=_whole_number,
                )
            )
            if answer is None:
                self.focus_scan()
                return
            total = answer
        if total > line.need:
            # More than the order wants: no "9 × TEE in the parcel?" to say yes to before
            # the refusal; the station refuses it straight away ("needs 8, not 9").
            self.focus_scan()
            self._call(packing.set_count, line_no, total)
            return
        ok = await self.app.push_screen_wait(
            AskConfirm(
                f"{total} × {line.sku} in the parcel?",
                [line.name, f"{line.packed} scanned, {line.need} ordered"],
            )
        )
        self.focus_scan()
        if ok:
            self._call(packing.set_count, line_no, total)
        else:
            self.feedback.info("Count not changed")

    @work(exclusive=True, group="pack-dialog")
    async def action_weight(self) -> None:
        if not self._need_order():
            return
        view = self.view
        pending = [p for p in view.parcels if p.units and not p.weight_ok]
        target = pending[0] if pending else view.parcels[-1]
        name = f"parcel {target.seq} of {len(view.parcels)}" if len(view.parcels) > 1 else "parcel"
        result = await self.app.push_screen_wait(
            AskText(
                f"Weight of the {name} (g, or kg with a unit)",
                placeholder="grams from the scale",
                validate=lambda text: packing.enter_weight(
                    self.store, self.actor, view.order_id, text, parcel_no=target.seq
                ),
            )
        )
        self.focus_scan()
        if result is not None:
            self.show(result)

    @work(exclusive=True, group="pack-dialog")
    async def action_carton(self) -> None:
        if not self._need_order():
            return
        options = packing.carton_options(self.store, self.actor, self.view.order_id)
        choices = [("", "Suggested carton")] + [
            (
                o.code,
                f"{o.code} {o.inner}{' ★' if o.suggested else ''}"
                f"{'' if o.ok else ' ✗ ' + o.reason.split(':')[0]}",
            )
            for o in options
        ]
        code = await self.app.push_screen_wait(
            AskChoice(
                "Carton for this parcel",
                choices,
                other=None,
                hint="★ suggested · ✗ will not fit · Esc: cancel",
            )
        )
        self.focus_scan()
        if code is not None:
            self._call(packing.choose_carton, code)

    @work(exclusive=True, group="pack-dialog")
    async def action_checklist(self) -> None:
        if not self._need_order():
            return
        items = self.view.inserts
        if all(i.done for i in items):
            self.feedback.info("Checklist done")
            return
        # Every item keeps its number; a done one is refused by the service.
        choices = [(str(i.n), f"{'☑' if i.done else '☐'} {i.label}") for i in items]
        key = await self.app.push_screen_wait(
            AskChoice("Put in the parcel, then confirm:", choices, other=None)
        )
        self.focus_scan()
        if key is not None:
            self._call(packing.confirm_insert, int(key))

    @work(exclusive=True, group="pack-dialog")
    async def action_qc(self) -> None:
        if not self._need_order():
            return
        view = self.view
        which = await self.app.push_screen_wait(
            AskText(
                "Faulty or missing item: scan it or type its line number",
                placeholder="item or line #",
                validate=lambda v: packing.line_for_scan(self.store, self.actor, view.order_id, v),
            )
        )
        if which is None:
            self.focus_scan()
            return
        line = view.line(which)
        reason = await self.app.push_screen_wait(
            AskChoice(
                f"What is wrong with {line.sku}?",
                [*packing.QC_REASONS.items(), packing.MISSING_REASON],
                other=None,
            )
        )
        if reason is None:
            self.focus_scan()
            return
        if reason == packing.MISSING_REASON[0]:
            # Nothing to scan, replace or approve here: a supervisor decides.
            self.focus_scan()
            self._call(packing.report_missing, line.line_no)
            return
        scanned: bool | None = None
        if line.packed and line.left:
            scanned = await self.app.push_screen_wait(
                AskConfirm(
                    "Was it already scanned into the parcel?",
                    [f"{line.packed} of {line.need} {line.sku} scanned"],
                )
            )
        action = await self.app.push_screen_wait(
            AskChoice(
                "Then:",
                [
                    ("replace", "Replace it (pick a new one)"),
                    ("short", "Short-ship it (supervisor)"),
                ],
                other=None,
            )
        )
        if action is None:
            self.focus_scan()
            return
        badge: Credential | None = None
        if action == "short":
            badge = await self._supervisor_badge("approve the short shipment")
            if badge is None:
                self.focus_scan()
                return
        self.focus_scan()
        self._call(
            packing.qc_fail,
            line.line_no,
            reason,
            replace=action == "replace",
            scanned=scanned,
            approver=badge,
        )

    async def _supervisor_badge(self, what: str) -> Credential | None:
        # A wrong badge or PIN is refused in the dialog, with the supervisor still there.
        me = " (Enter alone: you are one)" if self.actor.has(Role.SUPERVISOR) else ""
        return await self.app.push_screen_wait(
            AskApproval(
                f"Supervisor: badge and PIN to {what}{me}",
                validate=lambda c: approval.check(self.store, self.actor, c),
            )
        )

    @work(exclusive=True, group="pack-dialog")
    async def action_supervisor(self) -> None:
        if self.view is None:
            if not self.conflict_code:
                # At the queue F11 is the take-over of an order open elsewhere.
                self.feedback.error("Scan the order open at another station, then F11")
                return
            badge = await self._supervisor_badge(f"take over {self.conflict_name}")
            self.focus_scan()
            if badge is None:
                return
            try:
                view = packing.open_order(
                    self.store, self.actor, self.conflict_code, take_over=badge
                )
            except DomainError as exc:
                self.feedback.error(str(exc))
                return
            self.conflict_code = None
            self.show(view)
            return
        if not any(p.weight_state == "mismatch" for p in self.view.parcels):
            self.feedback.error("Nothing needs a supervisor now")
            return
        badge = await self._supervisor_badge("accept the parcel weight")
        self.focus_scan()
        if badge is not None:
            self._call(packing.override_weight, badge)


def _whole_number(text: str) -> int:
    return read_int(text, what="a whole number", low=1)
