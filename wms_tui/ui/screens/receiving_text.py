"""How the receiving screen reads: its keys, the lines table's columns, what is
wrong with a received line and what a close found."""

from __future__ import annotations

from wms_tui.services.receiving import closing, deliveries

KEYS_HELP = """\
scan  a unit (case code = its pack)
F2    blind receipt (no ASN)
F3    count mode: key the count
F4    next scan damaged → quarantine
F5    close + discrepancy report
F6    link an unknown barcode
F7    put away this delivery
F8    SKU labels (* = no barcode)
F9    undo this terminal's last scan
↑↓ ⏎  pick a delivery from the list
Esc   back"""
NARROW_LINES = [("SKU", 13), ("Exp", 3), ("Rcv", 3), ("Dmg", 3), ("±", 4)]
WIDE_LINES = [("SKU", 14), ("Name", 20), ("Options", 12), ("Exp", 4), ("Rcv", 4), ("Dmg", 4),
              ("Away", 4), ("±", 4)]  # fmt: skip


def report_issues(ln: deliveries.ReceiptLine) -> list[str]:
    check = ln.check
    issues = [f"unexpected +{ln.received}" if ln.unexpected else check.text()] if check.kind else []
    if ln.damaged:
        issues.append(f"{ln.damaged} damaged")
    return issues


def discrepancy_lines(found: closing.Discrepancies) -> list[str]:
    if found.blind and not found.damaged:
        return ["Blind receipt: nothing was expected, so nothing to compare."]
    if found.clean:
        return ["Everything arrived as expected."]
    out = []
    for ln in found.short:
        out.append(f"SHORT {ln.sku}: {ln.received} of {ln.expected}")
    for ln in found.over:
        out.append(f"OVER  {ln.sku}: {ln.received} of {ln.expected}")
    for ln in found.unexpected:
        out.append(f"UNEXPECTED {ln.sku}: {ln.received}")
    for ln in found.damaged:
        out.append(f"DAMAGED {ln.sku}: {ln.damaged} to quarantine")
    return out
