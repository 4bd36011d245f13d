"""The supervisor's turns in a simulated day: release and waves, a cancel mid-flow, a take-over
at another station, and the exceptions inbox worked with its actions (bin counts included).
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import col, select

from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.enums import OrderStatus, TaskStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Order, PickTask
from wms_tui.services.demo.day_setup import CART, DEMO_SUPERVISOR, WAVE_CARTS

S = OrderStatus


class OfficeWork:
    """Mixed into :class:`~wms_tui.services.demo.simulate._Day` (its state is set there)."""

    # -- supervisor ---------------------------------------------------------

    def supervise(self) -> bool:
        from wms_tui.services.intake.release import release
        from wms_tui.services.picking import waves

        did = False
        result = release(self.store, replace(SYSTEM, terminal=self.office.terminal))
        if result.anything:
            self.report.events["released"] += len(result.ready)
            self.report.events["backorders released"] += len(result.backorders_released)
            did = True
        if self.round % 3 == 0 and self.open_tasks() < len(self.pickers):
            # As a supervisor does: the next wave when the pickers are running
            # out of work, a few carts' worth. Building one every few rounds
            # from every ready order made each round cost as much as the
            # backlog (a wave reads all its candidates): a day of 5,000 orders
            # slowed to a crawl once thousands were waiting.
            try:
                wave = waves.build_wave(
                    self.store, self.office, cart_size=CART, max_orders=WAVE_CARTS * CART
                )
                self.note("wave built")
                did = did or bool(wave.tasks)
            except DomainError:
                pass
        if self.rng.random() < self.faults.cancel * 10:
            did = self.cancel_something() or did
        if self.rng.random() < self.faults.take_over * 10:
            did = self.take_over() or did
        return self.work_inbox() or did

    def open_tasks(self) -> int:
        """Pick tasks no picker has claimed yet."""
        from sqlalchemy import func

        with self.store.read() as s:
            return s.exec(
                select(func.count()).select_from(PickTask).where(PickTask.status == TaskStatus.OPEN)
            ).one()

    def cancel_something(self) -> bool:
        from wms_tui.services.intake import order_admin

        with self.store.read() as s:
            ids = s.exec(
                select(Order.id)
                .where(
                    col(Order.status).in_(
                        [S.NEW, S.READY_TO_PICK, S.BACKORDERED, S.PICKING, S.PICKED, S.PACKED]
                    )
                )
                # In a set order: the store's own order follows whichever index it reads,
                # and the seed alone must decide which order the customer cancels.
                .order_by(col(Order.id))
            ).all()
        if not ids:
            return False
        try:
            order_admin.cancel_order(
                self.store, self.office, self.rng.choice(ids), "customer cancelled"
            )
            self.note("cancelled mid-flow")
            return True
        except DomainError as exc:
            self.refused("cancel", exc)
            return False

    def take_over(self) -> bool:
        from wms_tui.services.packing import station as packing

        taken = [
            t for t, oid in self.open_at.items() if oid is not None and t != self.taker.terminal
        ]
        if not taken or self.open_at.get(self.taker.terminal):
            return False
        terminal = self.rng.choice(taken)
        order_id = self.open_at[terminal]
        with self.store.read() as s:
            name = s.get(Order, order_id).name  # type: ignore[union-attr]
        try:
            view = packing.open_order(self.store, self.taker, name, take_over=DEMO_SUPERVISOR)
        except DomainError as exc:
            self.refused("take over", exc)
            return False
        self.note("taken over")
        # Märta goes on with it at PACK-4; the first station learns on its next scan.
        self.open_at[self.taker.terminal] = view.order_id
        self.pack_views[self.taker.terminal] = view
        return True

    def work_inbox(self) -> bool:
        from wms_tui.services.exceptions.actions import resolve
        from wms_tui.services.exceptions.inbox import Action, open_exceptions

        did = False
        # Twenty decisions a turn, not the first twenty rows: rows the supervisor
        # leaves (backorders waiting for stock) filled the top of a big day's
        # inbox, and two cancelled orders' put-backs further down never came up.
        acted = 0
        for item in open_exceptions(self.store, self.office):
            if acted >= 20:
                break
            try:
                if Action.PUT_BACK in item.actions:
                    resolve(self.store, self.office, item.id, Action.PUT_BACK)
                    self.note("inbox: put back")
                elif Action.RESTOCK in item.actions:
                    resolve(self.store, self.office, item.id, Action.RESTOCK)
                    self.note("inbox: stopped parcel restocked")
                elif Action.REPICK in item.actions and self.rng.random() < 0.5:
                    resolve(self.store, self.office, item.id, Action.REPICK)
                    self.note("inbox: re-pick requested")
                elif Action.COUNT in item.actions:
                    self.count_bin(item.bin)
                    self.note("inbox: bin counted")
                elif item.kind == "MISSING_UNIT":
                    if Action.SHIP_SHORT in item.actions:
                        resolve(self.store, self.office, item.id, Action.SHIP_SHORT)
                        self.note("inbox: missing unit, shipped without it")
                    else:
                        resolve(
                            self.store, self.office, item.id, Action.CANCEL, note="unit missing"
                        )
                        self.note("inbox: missing unit, cancelled")
                elif item.kind == "NOTHING_TO_SHIP":
                    resolve(self.store, self.office, item.id, Action.RETRY)
                    self.note("inbox: wait for stock")
                elif item.kind in ("RECEIVING", "OTHER", "CANCELLED_AFTER_PACK", "WEIGHT_MISMATCH"):
                    if Action.ACKNOWLEDGE in item.actions:
                        resolve(
                            self.store, self.office, item.id, Action.ACKNOWLEDGE, note="checked"
                        )
                        self.note("inbox: acknowledged")
                    else:
                        continue
                else:
                    continue
                did = True
                acted += 1
            except DomainError as exc:
                self.refused("inbox", exc)
        return did

    def count_bin(self, bin_code: str) -> None:
        from wms_tui.services.inventory import cycle_count as cc

        system = {v.sku: v.system for v in cc.count_variance(self.store, self.office, bin_code, {})}
        counted = dict(system)
        reason = ""
        if system and self.rng.random() < 0.5:
            # The short pick was right: one unit really is missing.
            sku = self.rng.choice(sorted(system))
            if counted[sku] > 0:
                counted[sku] -= 1
                reason = "missing, found by count"
        cc.approve_count(self.store, self.office, bin_code, counted, reason=reason, expected=system)
