"""Every use case checks the operator's role: one table over every public
function of ``wms_tui/services/**`` that takes an :class:`Actor`.

Each use case is called once per role, with an operator holding only that
role, on an empty store and with arguments that name nothing: a role that may
not do it must be refused with :class:`PermissionDenied` before anything
else; a role that may must get past the role check (it is then refused for
the empty store, or does nothing). A new function taking an ``Actor`` fails
:func:`test_every_function_taking_an_actor_has_a_row` until it has a row.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import wms_tui.services
from tests.worlds.dbstate import snapshot
from wms_tui.domain.actor import Actor
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import Role
from wms_tui.domain.errors import DomainError, PermissionDenied
from wms_tui.store import Store

P, K, R, S = Role.PICKER, Role.PACKER, Role.RECEIVER, Role.SUPERVISOR
ANYONE = frozenset(Role)

Args = Callable[[Path], tuple[tuple[Any, ...], dict[str, Any]]]


def _args(*args: Any, **kwargs: Any) -> Args:
    return lambda _tmp: (args, kwargs)


class _NoShop:
    """An Admin API client that is never reached: the role is checked before."""

    def __getattr__(self, name: str) -> Any:
        raise DomainError("no shop in this test")


def _asn(tmp: Path) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return (b"reference,supplier,expected_date,sku,quantity\nPO-1,X,,NOPE,1\n",), {}


def _csv(tmp: Path) -> tuple[tuple[Any, ...], dict[str, Any]]:
    path = tmp / "empty.csv"
    path.write_text("", encoding="utf-8")
    return (path,), {}


def _return_request(tmp: Path) -> tuple[tuple[Any, ...], dict[str, Any]]:
    from wms_tui.services.returns.desk import ReturnRequest, ReturnUnit

    unit = ReturnUnit(order_line_id=1, reason_code="DAMAGED", disposition="restock")
    return (ReturnRequest(order_id=1, units=[unit], resolution="refund"),), {}


def _api_delivery(tmp: Path) -> tuple[tuple[Any, ...], dict[str, Any]]:
    from wms_tui.services.integrations.inbound_api import AsnLine

    return ("PO-1", "X", None, [AsnLine("NOPE", 1)]), {}


def _api_return(tmp: Path) -> tuple[tuple[Any, ...], dict[str, Any]]:
    from wms_tui.services.integrations.inbound_api import ReturnLine

    return ("#NOPE", [ReturnLine("NOPE", 1)]), {}


def _api_order(tmp: Path) -> tuple[tuple[Any, ...], dict[str, Any]]:
    from wms_tui.services.integrations.orders_api import NewLine, NewOrder

    new = NewOrder(
        name="#NOPE", channel="api", lines=[NewLine("NOPE", 1)], ship_name="A",
        ship_address1="B", ship_city="C", ship_zip="1", ship_country="SE",
    )  # fmt: skip
    return (new,), {}


class _QuietShop:
    """An Admin API with no orders: the sync's use cases get past their role check."""

    def orders_page(self, search: str, after: str | None) -> tuple[list, None, bool]:
        return [], None, False


def _shop(tmp: Path) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return (_QuietShop(),), {}


def _shop_report(tmp: Path) -> tuple[tuple[Any, ...], dict[str, Any]]:
    from wms_tui.services.shop.sync import SyncReport

    return (_QuietShop(), SyncReport()), {}


def _shop_follow(tmp: Path) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return (_QuietShop(),), {"interval": 1.0, "on_report": print, "keep_going": lambda: False}


# use case -> (the roles that may, its arguments after (store, actor))
USE_CASES: dict[str, tuple[frozenset[Role], Args]] = {
    # an approval may be asked for by anyone: the approver's role is checked
    "core.approval.verify": (ANYONE, _args(Credential("NOPE", "1234"))),
    "core.approval.check": (ANYONE, _args(Credential("NOPE", "1234"))),
    "core.pins.set_pin": (frozenset({S}), _args("NOPE", "1234")),
    "demo.walk.pick_task": (frozenset({P}), _args("T-NOPE")),
    "demo.walk.pack_order": (frozenset({K}), _args("#NOPE")),
    "dispatch.handover.load_parcel": (frozenset({K, S}), _args("PN", "NOPE")),
    "dispatch.handover.take_out": (frozenset({K, S}), _args("PN", "NOPE")),
    "dispatch.manifest.close_manifest": (frozenset({S}), _args("PN")),
    "dispatch.manifest.reprint_manifest": (frozenset({K, S}), _args("PN-NOPE")),
    "dispatch.delays.find_delays": (frozenset({S}), _args()),
    "insight.dashboard.dashboard": (frozenset({S}), _args()),
    "insight.reports.build": (frozenset({S}), _args("shift", None, None)),
    "shop.customs_pull.pull_customs": (frozenset({S}), _args(_NoShop())),
    "shop.customs_pull.pull_for_orders": (frozenset({S}), _args(_NoShop())),
    "dispatch.delays.send_delay_notices": (frozenset({S}), _args()),
    "intake.intake_rules.set_grace_period": (frozenset({S}), _args(5)),
    "intake.intake_rules.set_same_day_cutoff": (frozenset({S}), _args("13:00")),
    "intake.intake_rules.set_rules": (frozenset({S}), _args(grace=5)),
    "intake.order_admin.hold_order": (frozenset({S}), _args(1, "why")),
    "intake.order_admin.release_order": (frozenset({S}), _args(1)),
    "intake.order_admin.cancel_order": (frozenset({S}), _args(1)),
    "intake.order_admin.change_priority": (frozenset({S}), _args(1, 1)),
    "intake.order_admin.split_order": (frozenset({S}), _args(1)),
    "intake.order_import.import_orders": (frozenset({S}), _csv),
    "intake.product_import.import_products": (frozenset({S}), _csv),
    "intake.shipping_methods.replace_mapping": (frozenset({S}), _args([])),
    "intake.release.release": (frozenset({S}), _args()),
    "intake.release.release_due_orders": (frozenset({S}), _args()),
    "exceptions.actions.resolve": (frozenset({S}), _args(1, "acknowledge", note="seen")),
    "exceptions.inbox.open_exceptions": (frozenset({S}), _args()),
    "integrations.api_keys.create_key": (frozenset({S}), _args("erp", ["read"])),
    "integrations.api_keys.revoke_key": (frozenset({S}), _args("NOPE")),
    "integrations.inbound_api.announce_delivery": (frozenset({R, S}), _api_delivery),
    "integrations.inbound_api.announce_return": (frozenset({R, S}), _api_return),
    "integrations.orders_api.cancel_order": (frozenset({S}), _args("#NOPE")),
    "integrations.orders_api.create_order": (frozenset({S}), _api_order),
    "integrations.orders_api.hold_order": (frozenset({S}), _args("#NOPE", "why")),
    "integrations.orders_api.read_order": (ANYONE, _args("#NOPE")),
    "inventory.cycle_count.start_count": (frozenset({S}), _args("NOPE")),
    "inventory.cycle_count.count_variance": (frozenset({S}), _args("NOPE", {})),
    "inventory.cycle_count.approve_count": (frozenset({S}), _args("NOPE", {})),
    "packing.close.close_order": (frozenset({K}), _args(1)),
    "packing.reprint.reprint": (frozenset({K, S}), _args("#NOPE")),
    "packing.qc.qc_fail": (frozenset({K}), _args(1, 1, "damaged", replace=True)),
    "packing.missing.report_missing": (frozenset({K}), _args(1, 1)),
    "packing.queue.station_queue": (frozenset({K}), _args()),
    "packing.queue.my_open_order": (frozenset({K}), _args()),
    "packing.queue.left_on_bench": (frozenset({K}), _args()),
    "packing.opening.open_order": (frozenset({K}), _args("#NOPE")),
    "packing.opening.current_view": (frozenset({K}), _args(1)),
    "packing.opening.release": (frozenset({K}), _args(1)),
    "packing.station.scan": (frozenset({K}), _args(1, "NOPE")),
    "packing.station.line_for_scan": (frozenset({K}), _args(1, "NOPE")),
    "packing.station.set_count": (frozenset({K}), _args(1, 1, 1)),
    "packing.station.undo": (frozenset({K}), _args(1)),
    "packing.station.new_parcel": (frozenset({K}), _args(1)),
    "packing.carton_choice.carton_options": (frozenset({K}), _args(1)),
    "packing.carton_choice.choose_carton": (frozenset({K}), _args(1, "BOX")),
    "packing.weight.enter_weight": (frozenset({K}), _args(1, "100")),
    "packing.weight.override_weight": (frozenset({K}), _args(1)),
    "packing.checklist.confirm_insert": (frozenset({K}), _args(1, 1)),
    "picking.short_pick.report_short": (frozenset({P}), _args("T-NOPE", "empty")),
    "picking.claiming.claim_next_task": (frozenset({P}), _args()),
    "lookup.trace.trace": (frozenset({S}), _args("NOPE")),
    "demo.day_checks.check_day": (frozenset({S}), _args()),
    "picking.holding.resume_task": (frozenset({P}), _args("T-NOPE")),
    "picking.holding.pause_task": (frozenset({P}), _args("T-NOPE")),
    "picking.holding.release_task": (frozenset({S}), _args("T-NOPE")),
    "picking.holding.current_stop": (frozenset({P}), _args("T-NOPE")),
    "picking.holding.my_open_task": (frozenset({P}), _args()),
    "picking.walk.scan": (frozenset({P}), _args("T-NOPE", "NOPE")),
    "picking.walk.scan_bin": (frozenset({P}), _args("T-NOPE", "NOPE")),
    "picking.walk.scan_item": (frozenset({P}), _args("T-NOPE", "NOPE", at_bin="NOPE")),
    "picking.walk.scan_tote": (frozenset({P}), _args("T-NOPE", "NOPE")),
    "picking.walk.skip_stop": (frozenset({P}), _args("T-NOPE")),
    "picking.walk.complete_task": (frozenset({P}), _args("T-NOPE")),
    "picking.waves.build_wave": (frozenset({S}), _args()),
    "receiving.asn.import_asn": (frozenset({R, S}), _asn),
    "receiving.putaway.put_away": (
        frozenset({R, S}),
        _args(reference="NOPE", product_code="NOPE", bin_code="NOPE"),
    ),
    "receiving.receipt.start_receipt": (frozenset({R, S}), _args("NOPE")),
    "receiving.receipt.start_blind_receipt": (frozenset({R, S}), _args("")),
    "receiving.receipt.receive_scan": (frozenset({R, S}), _args("NOPE", "NOPE")),
    "receiving.barcode_links.link_barcode": (frozenset({R, S}), _args("NOPE", "NOPE")),
    "receiving.closing.close_preview": (frozenset({R, S}), _args("NOPE")),
    "receiving.closing.close_receipt": (frozenset({R, S}), _args("NOPE")),
    "returns.desk.register_return": (frozenset({R, S}), _return_request),
    "returns.reasons.put_reason": (frozenset({S}), _args("NEW", "New reason", "customer")),
    "returns.reasons.import_reasons": (frozenset({S}), _args([])),
    "returns.reasons.remove_reason": (frozenset({S}), _args("NOPE")),
    "returns.reports.build_report": (frozenset({S}), _args(date(2026, 1, 1), date(2026, 1, 2))),
    "session.login.logout": (ANYONE, _args()),
    "session.resume.open_work": (ANYONE, _args()),
    "session.resume.take_pack_order_here": (frozenset({K}), _args("#NOPE")),
    "lookup.order_search.find": (ANYONE, _args("NOPE")),
    "lookup.order_lookup.order_detail": (ANYONE, _args(1)),
    "receiving.receipt_undo.undo_last_scan": (frozenset({R, S}), _args("NOPE")),
    "devices.registry.remove_device": (frozenset({S}), _args("NOPE")),
    "devices.registry.add_device": (frozenset({S}), _args("hh-1", web=True)),
    "setup.carriers.change_tracking": (frozenset({S}), _args("PN", next_serial=5)),
    "dispatch.notices.shipping_confirmations": (frozenset({S}), _args()),
    "dispatch.notices.send_pending": (frozenset({S}), _args()),
    "receiving.documents.write_receipt_report": (frozenset({R, S}), _args("NOPE")),
    "shop.orders_in.apply": (frozenset({S}), _args("graphql", {})),
    "shop.orders_in.retry_held": (frozenset({S}), _args()),
    "shop.fulfilments.send_due": (frozenset({S}), _args(None)),
    "shop.fulfilments.retry_failed": (frozenset({S}), _args()),
    "shop.sync.pull_orders": (frozenset({S}), _shop_report),
    "shop.sync.run_once": (frozenset({S}), _shop),
    "shop.sync.follow": (frozenset({S}), _shop_follow),
}

# Functions taking an Actor that are not entry points: they take the caller's
# unit of work (or session), and the use case calling them checked the role.
INSIDE_A_USE_CASE = {
    "dispatch.notices.write_and_send",  # the delay and shipping notices checked the role
    "picking.claiming.lock_task_to_work",
    "picking.claiming.take_task",
    "lookup.order_search.sees_contacts",  # a predicate on the actor, no store
    "core.approval.supervisor",
    "core.events.log",
    "core.events.change_status",
    "core.events.event_row",
    # Writes the record of a wrong scan that station.scan / walk.scan refused:
    # they checked the role before refusing, and it writes nothing else.
    "core.events.record_refusal",
    "exceptions.repick.repick_in",  # resolve(…, Action.REPICK); checks SUPERVISOR itself too
    "exceptions.restock.restock_in",  # resolve(…, Action.RESTOCK); checks SUPERVISOR itself too
    "exceptions.settle.settle",
    # resolve() (role checked per action), settle() and the dock's take-out call it.
    "exceptions.settle.close",
    "exceptions.settle.close_open",  # the same callers: restock and the dock's take-out
    "exceptions.waiting.raise_waiting",
    "insight.report_returns.build",  # reports.build checked SUPERVISOR
    # cancel_in (the supervisor, role checked) and the shop's re-import both call it.
    "intake.cancelling.cancel_on_floor",
    "intake.cancelling.drop_open_stops",
    "intake.cancelling.void_parcel",  # the cancel and the inbox's restock (role checked)
    "intake.order_admin.cancel_in",
    "intake.order_admin.release_in",
    "intake.order_admin.split_in",
    "intake.order_import.import_record",
    "intake.release.release_due",
    "intake.release.retry_backorders",
    "inventory.allocation.allocate_from",
    "shop.fulfilments.withdraw",
    "inventory.allocation.allocate_order",
    "inventory.backorder_split.split_off_shortages",
    "inventory.backorder_split.split_off_shortages_from",
    "inventory.backorder_split.split_into_backorder",
    "inventory.allocation.deallocate_order",
    "inventory.stock.move_stock",
    "dispatch.manifest_sheet.print_sheet",  # close_manifest and reprint_manifest checked the role
    "packing.qc.open_replacement_task",
    "packing.carton_choice.choose",  # scan() and choose_carton() checked PACKER
    "packing.change.mutate",  # the runner of every station change: checks PACKER itself
    "packing.change.remember",  # after a committed request: what the station holds
    "packing.held.remember",
    "packing.held.recall",
    "packing.held.forget",
    "packing.quick_scan.try_scan",  # scan() checked PACKER
    "packing.quick_scan.try_count",  # set_count() checked PACKER
    "packing.change.require_packer",
    "returns.exchange.create_exchange",  # register_return checked RECEIVER or SUPERVISOR
    "packing.weight.clear_weight",
    "packing.weight.resolve_weight_exceptions",
    "picking.task.my_task",
    "picking.task.advance",
    "picking.task.maybe_complete",
    "picking.task.complete",
    "picking.holding.pause_at_logout",
    "picking.holding.release_task_in",
    "picking.units.pick_units",  # an item scan's writes, inside walk.scan's unit of work
    "setup.carriers.log_retrack",
    "setup.master_data.apply_setup",
    "setup.master_data.load_setup",
}


def _functions_taking_an_actor() -> dict[str, Callable[..., Any]]:
    found = {}
    for info in pkgutil.walk_packages(wms_tui.services.__path__, "wms_tui.services."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if fn.__module__ != module.__name__:
                continue
            params = inspect.signature(fn).parameters.values()
            if any("Actor" in str(p.annotation) for p in params):
                found[f"{info.name.removeprefix('wms_tui.services.')}.{name}"] = fn
    return found


FUNCTIONS = _functions_taking_an_actor()


def test_every_function_taking_an_actor_has_a_row() -> None:
    missing = sorted(set(FUNCTIONS) - set(USE_CASES) - INSIDE_A_USE_CASE)
    assert not missing, f"add a row to USE_CASES (or INSIDE_A_USE_CASE) for: {missing}"
    gone = sorted((set(USE_CASES) | INSIDE_A_USE_CASE) - set(FUNCTIONS))
    assert not gone, f"rows for functions that no longer exist: {gone}"
    assert not set(USE_CASES) & INSIDE_A_USE_CASE


def _call(fn: Callable[..., Any], store: Store, actor: Actor, args: Args, tmp: Path) -> Any:
    positional, keywords = args(tmp)
    signature = inspect.signature(fn).parameters
    params = list(signature)
    if "actor" in params and (
        params.index("actor") > 1 or signature["actor"].kind is inspect.Parameter.KEYWORD_ONLY
    ):
        keywords = {**keywords, "actor": actor}  # the store-first, actor-later ones
        return fn(store, *positional, **keywords)
    return fn(store, actor, *positional, **keywords)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_use_case_checks_the_role(sqlite_store: Store, tmp_path: Path, role: Role) -> None:
    actor = Actor(operator_id=None, name="Tess", roles=frozenset({role.value}), terminal="T1")
    wrong = []
    for key, (allowed, args) in sorted(USE_CASES.items()):
        fn = FUNCTIONS[key]
        before = snapshot(sqlite_store) if role not in allowed else None
        try:
            _call(fn, sqlite_store, actor, args, tmp_path)
            outcome = "done"
        except PermissionDenied as exc:
            outcome = f"refused: {exc}"
        except (DomainError, LookupError, ValueError) as exc:
            outcome = f"{type(exc).__name__}: {exc}"
        if role in allowed and outcome.startswith("refused") and "needs the" in outcome:
            wrong.append(f"{key}: {role} refused ({outcome})")
        if role not in allowed:
            if not outcome.startswith("refused"):
                wrong.append(f"{key}: {role} not refused ({outcome})")
            elif snapshot(sqlite_store) != before:
                wrong.append(f"{key}: {role} refused but the store changed")
    assert not wrong, "\n".join(wrong)
