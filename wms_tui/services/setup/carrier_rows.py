"""Setup rows for carriers (with their tracking numbers) and their services."""

from sqlmodel import col, select

from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Carrier, Service
from wms_tui.services.setup import carrier_tracking
from wms_tui.services.setup.carriers import retrack, tracking_of
from wms_tui.services.setup.setup_context import SetupContext, assign

_TRACKING_COLUMNS = {
    "prefix": "tracking_prefix",
    "length": "tracking_length",
    "check": "tracking_check",
    "next": "tracking_start",
}


class CarrierRows(SetupContext):
    def carriers(self) -> None:
        locked = select(Carrier).order_by(col(Carrier.id)).with_for_update(key_share=True)
        existing = {c.code: c for c in self.s.exec(locked)}
        for rec in self.records("carriers.csv"):
            v = rec.values
            c = existing.get(rec.key)
            if c is None:
                c = Carrier(
                    code=v["code"],
                    name=v["name"],
                    tracking_prefix=v.get("tracking_prefix", ""),
                    tracking_length=v["tracking_length"],
                    tracking_check=v["tracking_check"],
                    tracking_next=v.get("tracking_start", 1),
                )
                try:
                    carrier_tracking.check_setup(c, self.country)
                except carrier_tracking.TrackingSetupError as exc:
                    self.refuse(rec, _TRACKING_COLUMNS[exc.part], str(exc))
                    continue
                self.s.add(c)
                existing[c.code] = c
                self.tally(rec, True, False)
                self.retracked.append((c.code, ("", 0, "", 0), tracking_of(c)))
                continue
            changed = assign(c, {"name": v["name"]})
            old = tracking_of(c)
            fmt = (
                v.get("tracking_prefix", old[0]),
                v.get("tracking_length", old[1]),
                v.get("tracking_check", old[2]),
            )
            start = v.get("tracking_start")
            if fmt != old[:3]:
                nxt = start if start is not None else old[3]
            elif start is not None and start > old[3]:
                nxt = start  # a new range of the same format
            else:
                nxt = None  # the counter has moved on from the file's start: keep it
            if nxt is not None:
                try:
                    before, after = retrack(
                        self.s,
                        c,
                        prefix=fmt[0],
                        length=fmt[1],
                        check=fmt[2],
                        next_serial=nxt,
                        country=self.country,
                    )
                except carrier_tracking.TrackingSetupError as exc:
                    self.refuse(rec, _TRACKING_COLUMNS[exc.part], str(exc))
                    continue
                except DomainError as exc:
                    self.refuse(rec, "tracking_start", str(exc))
                    continue
                self.retracked.append((c.code, before, after))
                changed = True
            self.tally(rec, False, changed)
        self.s.flush()

    def services(self) -> None:
        carriers = {c.code: c for c in self.s.exec(select(Carrier))}
        existing = {
            (carriers_by_id.code, sv.code): sv
            for sv, carriers_by_id in self.s.exec(
                select(Service, Carrier).join(Carrier, col(Carrier.id) == col(Service.carrier_id))
            )
        }
        for rec in self.records("services.csv"):
            v = dict(rec.values)
            code = v.pop("carrier")
            carrier = carriers.get(code)
            if carrier is None:
                if not self.named("carriers.csv", code):
                    self.refuse(rec, "carrier", f"no carrier {code} in carriers.csv or the store")
                continue
            v["carrier_id"] = carrier.id
            sv = existing.get(rec.key)
            label = f"{code} {v['code']}"
            if sv is None:
                sv = Service(**v)
                self.s.add(sv)
                existing[rec.key] = sv
                self.tally(rec, True, False, label)
            else:
                self.tally(rec, False, assign(sv, v), label)
