"""The pickers' and packers' turns in a simulated day: a task walked stop by stop (short
picks, a logout mid-task), an order packed unit by unit (an over-scan refused, a damaged
or missing unit, weighing, inserts, the close).
"""

from __future__ import annotations

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Order
from wms_tui.services.demo.day_setup import DEMO_SUPERVISOR

S = OrderStatus


class FloorWork:
    """Mixed into :class:`~wms_tui.services.demo.simulate._Day` (its state is set there)."""

    # -- pickers ------------------------------------------------------------

    def pick(self, picker: Actor) -> bool:
        from wms_tui.services.picking import walk as picking
        from wms_tui.services.picking.short_pick import report_short
        from wms_tui.services.picking.task_view import Stage

        if self.on_break.get(picker.terminal, 0) > self.round:
            return False
        view = self.task_views.pop(picker.terminal, None)
        if view is None:
            view = self._task_view(picker)
            if view is None:
                return False
        code, stop = view.code, view.stop
        if stop is None:
            return False
        if self.rng.random() < self.faults.logout_mid_task:
            picking.pause_task(self.store, picker, code)
            self.paused.add(picker.terminal)
            self.on_break[picker.terminal] = self.round + self.rng.randint(2, 8)
            self.note("logout mid-task")
            return True
        # Every scan passes the view the handheld shows, as the pick screen does:
        # the service then reads only the stop (picking/stop.py), not the cart.
        if stop.stage == Stage.TOTE:
            # Picked, the tote not scanned yet (the scan was refused, or the
            # picker logged out in between): the handheld asks for the tote.
            done = picking.scan(self.store, picker, code, stop.tote, known=view)
            self._after_tote(picker, done)
            return True
        out = picking.scan(self.store, picker, code, stop.bin, known=view)
        at, view = out.at_bin, out.view
        left = stop.qty - stop.picked - stop.short
        if left > 0 and self.rng.random() < self.faults.short_pick:
            if left > 1:
                # What is there goes in the tote; the rest is reported short.
                out = picking.scan(
                    self.store, picker, code, stop.sku, at_bin=at, count=left - 1, known=view
                )
                out = report_short(self.store, picker, code, "missing", at_bin=at)
                picking.scan(self.store, picker, code, stop.tote, at_bin=at, known=out.view)
            else:
                report_short(self.store, picker, code, "missing", at_bin=at)
            self.note("short pick")
            return True
        if left > 0:
            out = picking.scan(
                self.store, picker, code, stop.sku, at_bin=at, count=left, known=view
            )
            view = out.view
        done = picking.scan(self.store, picker, code, stop.tote, at_bin=at, known=view)
        self._after_tote(picker, done)
        return True

    def _after_tote(self, picker: Actor, done) -> None:  # noqa: ANN001 - a ScanOutcome
        if done.finished is None and done.view.stop is not None:
            self.task_views[picker.terminal] = done.view
        elif done.finished is not None:
            self.task_of.pop(picker.terminal, None)

    def _task_view(self, picker: Actor):  # noqa: ANN202 - a TaskView or None
        """The picker's task as the handheld shows it next: the one it holds (resumed
        after a pause), else the next one claimed."""
        from wms_tui.services.picking import walk as picking

        terminal = picker.terminal
        if terminal not in self.logged_in:
            # At login the handheld asks for a task left claimed or paused.
            self.logged_in.add(terminal)
            if (left := picking.my_open_task(self.store, picker)) is not None:
                self.task_of[terminal] = left
                self.paused.add(terminal)
        code = self.task_of.get(terminal)
        if code is not None:
            try:
                if terminal in self.paused:
                    view = picking.resume_task(self.store, picker, code)
                else:
                    view = picking.current_stop(self.store, picker, code)
                self.paused.discard(terminal)
                if view.stop is not None:
                    return view
            except DomainError as exc:
                # Finished or taken away meanwhile (its last orders cancelled, the
                # supervisor released it): the picker takes the next one.
                self.refused("pick: task gone", exc)
            self.task_of.pop(terminal, None)
            self.paused.discard(terminal)
        view = picking.claim_next_task(self.store, picker)
        if view is None:
            return None
        self.note("task claimed")
        self.task_of[terminal] = view.code
        return view

    # -- packers ------------------------------------------------------------

    def pack(self, packer: Actor) -> bool:
        from wms_tui.services.packing import station as packing

        order_id = self.open_at.get(packer.terminal)
        if order_id is None and packer.terminal not in self.logged_in:
            # At login the station asks for an order left open here.
            self.logged_in.add(packer.terminal)
            order_id = packing.my_open_order(self.store, packer)
        if order_id is None:
            for row in packing.station_queue(self.store, packer):
                try:
                    view = packing.open_order(self.store, packer, row.name)
                    order_id = view.order_id
                    self.pack_views[packer.terminal] = view
                    break
                except DomainError:
                    continue
            if order_id is None:
                return False
            self.note("order opened")
        self.open_at[packer.terminal] = order_id
        try:
            self._pack_step(packer, order_id)
        except DomainError as exc:
            self.pack_views.pop(packer.terminal, None)
            # Taken over, cancelled, stopped: told once, back to the queue.
            with self.store.read() as s:
                order = s.get(Order, order_id)
                mine = (
                    order is not None
                    and order.status == S.PACKING
                    and order.locked_terminal == packer.terminal
                )
            if mine:
                self.refused("pack", exc)
                return False
            self.open_at[packer.terminal] = None
            self.refused("pack: order gone from the station", exc)
        return True

    def _pack_step(self, packer: Actor, order_id: int) -> None:
        from wms_tui.services.packing import station as packing

        view = self.pack_views.pop(packer.terminal, None)
        if view is None or view.order_id != order_id:
            view = packing.current_view(self.store, packer, order_id)
        if view.status != S.PACKING:
            self.open_at[packer.terminal] = None
            if view.status not in (S.PACKED,):
                self.note("pack: order left the station")
            return
        for line in view.lines:
            left = line.need - line.packed
            if left <= 0:
                continue
            if self.rng.random() < self.faults.missing_at_pack:
                packing.report_missing(self.store, packer, order_id, line.line_no)
                self.note("unit missing at pack")
                self.open_at[packer.terminal] = None
                return
            if self.rng.random() < self.faults.damaged_at_pack:
                short = self.rng.random() < self.faults.short_ship
                view = packing.qc_fail(
                    self.store,
                    packer,
                    order_id,
                    line.line_no,
                    self.rng.choice(("damaged", "colour", "size", "item")),
                    replace=not short,
                    scanned=False,
                    approver=DEMO_SUPERVISOR if short else None,
                )
                self.note("short-shipped at pack" if short else "replacement requested")
                if view.status != S.PACKING:
                    self.open_at[packer.terminal] = None
                else:
                    self.pack_views[packer.terminal] = view
                return
            view = packing.scan(self.store, packer, order_id, line.sku)
            if left > 1:
                view = packing.set_count(self.store, packer, order_id, line.line_no, line.need)
            if self.rng.random() < self.faults.over_scan:
                try:
                    view = packing.scan(self.store, packer, order_id, line.sku)
                    self.note("OVER-SCAN ACCEPTED")
                except DomainError:
                    self.note("over-scan refused")
            self.pack_views[packer.terminal] = view
            return
        self._finish_pack(packer, order_id, view)
        self.open_at[packer.terminal] = None

    def _finish_pack(self, packer: Actor, order_id: int, view) -> None:  # noqa: ANN001 - a PackView
        from wms_tui.services.demo.walk import scale_reading
        from wms_tui.services.packing import station as packing

        for line in view.lines:
            if line.need - line.packed > 0:
                if line.packed == 0:
                    view = packing.scan(self.store, packer, order_id, line.sku)
                view = packing.set_count(self.store, packer, order_id, line.line_no, line.need)
        if not any(p.units for p in view.parcels):
            return
        if any(p.fit_problem for p in view.parcels):
            # The suggested box does not take them: the packer picks one that does.
            fits = [c for c in packing.carton_options(self.store, packer, order_id) if c.ok]
            if fits:
                view = packing.choose_carton(self.store, packer, order_id, fits[0].code)
                self.note("other carton chosen")
        for parcel in view.parcels:
            reading = scale_reading(parcel.expected_g, order_id)
            view = packing.enter_weight(self.store, packer, order_id, reading, parcel_no=parcel.seq)
        for item in view.inserts:
            if not item.done:
                view = packing.confirm_insert(self.store, packer, order_id, item.n)
        packing.close_parcel(self.store, packer, order_id)
        self.note("packed")
