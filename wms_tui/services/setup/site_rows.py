"""Setup rows for the building and its people: the warehouse, locations, stations, operators."""

from sqlmodel import col, func, select

from wms_tui.adapters.setup_csv import SetupProblem
from wms_tui.domain.enums import LocationKind
from wms_tui.domain.identifiers.sscc import SSCC_BODY_DIGITS
from wms_tui.domain.models import Location, Operator, Station, Stock, Warehouse
from wms_tui.domain.text import plural
from wms_tui.services.core import settings
from wms_tui.services.core.pins import hash_pin, pin_matches
from wms_tui.services.setup.setup_context import AUTO_STATIONS, SetupContext, any_supervisor, assign


class SiteRows(SetupContext):
    def warehouse(self) -> None:
        wh = self.s.exec(select(Warehouse).order_by(col(Warehouse.id))).first()
        for rec in self.records("warehouse.csv"):
            v = dict(rec.values)
            settings_changed = False
            # The shop's currency and terms of delivery are settings, not warehouse columns.
            for column, key in (("currency", "shop_currency"), ("incoterms", "incoterms")):
                value = v.pop(column, None)
                if value and value != settings.get(self.s, key):
                    settings.put(self.s, key, value)
                    settings_changed = True
            if wh is None:
                wh = Warehouse(**v)
                self.s.add(wh)
                self.tally(rec, True, False)
                continue
            if wh.code != v["code"]:
                self.refuse(
                    rec,
                    "code",
                    f"this store's warehouse is {wh.code}: a store holds one warehouse",
                )
                continue
            prefix = v.get("gs1_company_prefix", wh.gs1_company_prefix)
            serial_digits = SSCC_BODY_DIGITS - len(prefix)
            if len(str(wh.sscc_next_serial)) > serial_digits:
                self.refuse(
                    rec,
                    "gs1_company_prefix",
                    f"a {len(prefix)}-digit prefix leaves {serial_digits} serial digits, "
                    f"fewer than the SSCC serials already used (next {wh.sscc_next_serial})",
                )
                continue
            numbering = (wh.gs1_company_prefix, wh.sscc_extension)
            self.tally(rec, False, assign(wh, v) or settings_changed)
            if (wh.gs1_company_prefix, wh.sscc_extension) != numbering:
                self.numbering_changed = True
        if wh is not None and wh.country_code:
            self.country = wh.country_code

    def locations_(self) -> None:
        self.locations = {loc.code: loc for loc in self.s.exec(select(Location))}
        for rec in self.records("locations.csv"):
            v = dict(rec.values)
            v["kind"] = LocationKind(v["kind"])
            loc = self.locations.get(rec.key)
            if loc is None:
                loc = Location(**v)
                self.s.add(loc)
                self.locations[loc.code] = loc
                if loc.kind is LocationKind.PACK:
                    self.new_pack_locations.append(loc)
                self.tally(rec, True, False)
                continue
            retired = loc.active and v.get("active", True) is False
            if v["kind"] != loc.kind or retired:
                held = self.s.exec(
                    select(func.coalesce(func.sum(Stock.qty), 0)).where(Stock.location_id == loc.id)
                ).one()
                if held:
                    what = "changing its kind" if v["kind"] != loc.kind else "retiring it"
                    self.refuse(
                        rec,
                        "kind" if v["kind"] != loc.kind else "active",
                        f"{loc.code} holds {plural(held, 'unit')}: move them before {what}",
                    )
                    continue
            self.tally(rec, False, assign(loc, v))
        self.s.flush()

    def stations(self) -> None:
        existing = {st.code: st for st in self.s.exec(select(Station))}
        for rec in self.records("stations.csv"):
            v = dict(rec.values)
            where = v.pop("location", None)
            if where is not None:
                loc = self.locations.get(where) if where else None
                if where and loc is None:
                    if not self.named("locations.csv", where):
                        self.refuse(
                            rec, "location", f"no location {where} in locations.csv or the store"
                        )
                    continue
                v["location_id"] = loc.id if loc else None
            for printer in ("printer", "document_printer"):
                if printer in v:
                    v[printer] = v[printer] or None
            if "printer_dpi" in v:
                v["printer_dpi"] = int(v["printer_dpi"])
            st = existing.get(rec.key)
            if st is None:
                st = Station(**v)
                self.s.add(st)
                existing[st.code] = st
                self.tally(rec, True, False)
            else:
                self.tally(rec, False, assign(st, v))
        # Packing needs a station at the bench: a new pack location gets one.
        for loc in self.new_pack_locations:
            if loc.code not in existing:
                st = Station(code=loc.code, kind="pack", location_id=loc.id)
                self.s.add(st)
                existing[st.code] = st
                what = "stations.csv" if "stations.csv" in self.files else AUTO_STATIONS
                self.outcome(what).created.add(st.code)

    def operators(self) -> None:
        existing = {op.badge: op for op in self.s.exec(select(Operator))}
        had_supervisor = any_supervisor(existing.values())
        for rec in self.records("operators.csv"):
            v = dict(rec.values)
            pin = v.pop("pin", "")
            op = existing.get(rec.key)
            if op is None:
                op = Operator(**v, pin_hash=hash_pin(pin) if pin else "")
                self.s.add(op)
                existing[op.badge] = op
                self.tally(rec, True, False)
                self.operators_changed.append(op.badge)
                continue
            if set(v["roles"].split(",")) == op.role_set:
                del v["roles"]  # the same roles, perhaps in another order
            changed = assign(op, v)
            if pin and not pin_matches(op.pin_hash, pin):
                # A new PIN from the file, as `wms operators set-pin` would set it.
                op.pin_hash, op.pin_failures = hash_pin(pin), 0
                self.s.add(op)
                changed = True
            self.tally(rec, False, changed)
            if changed:
                self.operators_changed.append(op.badge)
        if had_supervisor and not any_supervisor(existing.values()):
            # Nobody could change operators or tracking ranges any more, and a
            # store without a supervisor takes a setup import without a badge.
            self.problems.append(
                SetupProblem(
                    "operators.csv", 0, "", "no active supervisor would be left: keep at least one"
                )
            )
