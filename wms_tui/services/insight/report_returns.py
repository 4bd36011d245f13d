"""``wms report returns``: units returned by cause, controllable (our pick or pack) or
not, by product and by packer; the numbers are the returns desk's report
(:mod:`wms_tui.services.returns.reports`), drawn as the other reports are.
"""

from __future__ import annotations

from datetime import date

from wms_tui.domain.actor import Actor
from wms_tui.printing.insight_report import Chart, ReportDoc, TableData
from wms_tui.store import Store


def build(store: Store, actor: Actor, date_from: date, date_to: date, head: dict) -> ReportDoc:
    from wms_tui.services.returns.reports import build_report

    rep = build_report(store, date_from, date_to, actor=actor)
    ours = rep.controllable_units
    by_cause = tuple(
        (r.label, "yes" if r.controllable else "no", r.returns, r.units) for r in rep.by_cause
    )
    return ReportDoc(
        title="Returns report",
        notes=(
            f"{rep.receipts} returned parcels, {rep.units} units; {ours} controllable "
            f"(our pick or pack), {rep.units - ours} not (carrier, customer, supplier).",
        ),
        charts=(
            Chart(
                "bar",
                "Units returned: controllable or not",
                ("controllable", "not controllable"),
                (("units", (float(ours), float(rep.units - ours))),),
            ),  # fmt: skip
            Chart(
                "bar",
                "Units returned by cause",
                tuple(r[0] for r in by_cause),
                (("units", tuple(float(r[3]) for r in by_cause)),),
            ),  # fmt: skip
            Chart(
                "bar",
                "Units returned by product",
                tuple(r.key for r in rep.by_sku),
                (
                    ("controllable", tuple(float(r.controllable_units) for r in rep.by_sku)),
                    ("not", tuple(float(r.units - r.controllable_units) for r in rep.by_sku)),
                ),
            ),  # fmt: skip
            Chart(
                "bar",
                "Units returned for our packing, by packer",
                tuple(r.label for r in rep.by_packer),
                (("units", tuple(float(r.units) for r in rep.by_packer)),),
            ),  # fmt: skip
        ),
        tables=(
            TableData("By cause", ("Cause", "Controllable", "Parcels", "Units"), by_cause),
            TableData(
                "Controllable or not",
                ("Controllable", "Units"),
                (("yes", ours), ("no", rep.units - ours)),
            ),
            TableData(
                "By product",
                ("SKU", "Name", "Parcels", "Units", "Controllable units"),
                tuple(
                    (r.key, r.label, r.returns, r.units, r.controllable_units) for r in rep.by_sku
                ),  # fmt: skip
            ),
            TableData(
                "By packer",
                ("Packer", "Parcels", "Units caused by packing"),
                tuple((r.label, r.returns, r.units) for r in rep.by_packer),
            ),
        ),
        **head,
    )
