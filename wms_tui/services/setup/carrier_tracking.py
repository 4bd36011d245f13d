"""A carrier's tracking numbers: its setup checked, its next numbers handed out.

A carrier account numbers its parcels ``prefix + serial + check digit`` (S10
numbers end in the warehouse's country), ``tracking_length`` characters in
all, and ``Carrier.tracking_next`` is the next serial. Two ways that goes
wrong are caught here rather than at a pack station:

* the serial is kept in a 64-bit counter (BIGINT on PostgreSQL, SQLite's
  INTEGER), so a format whose serial has more than 18 digits is refused when
  the carrier is set up: its counter would overflow the column long before
  the format ran out;
* when the serials run out (the next one would need more digits than the
  format has), closing an order is refused with the carrier's name and what
  to do, instead of an overflow or a number with a digit too many.

The check-digit schemes themselves are ``printing.tracking``'s.
"""

from __future__ import annotations

from wms_tui.domain.errors import DomainError
from wms_tui.domain.identifiers.tracking import (
    CHECK_SCHEMES,
    S10_SCHEMES,
    TrackingRule,
    make_tracking_number,
)
from wms_tui.domain.models import Carrier

#: The largest value a tracking counter column holds (BIGINT, SQLite INTEGER).
COUNTER_MAX = 2**63 - 1
#: Every serial of this many digits fits the counter; not every one of 19 does.
MAX_SERIAL_DIGITS = len(str(COUNTER_MAX)) - 1
#: ``Parcel.tracking_number`` is VARCHAR(40).
MAX_LENGTH = 40
#: Says "no warehouse country yet" when a carrier is set up before the warehouse:
#: S10 numbers end in a 2-letter country, and only its length matters to the setup.
ANY_COUNTRY = "XX"
#: The real country the setup's S10 rule is checked with meanwhile: a rule takes
#: only an ISO 3166-1 code as its suffix, and "XX" is none.
_SHAPE_COUNTRY = "SE"


class TrackingSetupError(DomainError):
    """A tracking setup that cannot number parcels; ``part`` says which part is wrong.

    ``part`` is ``prefix``, ``length``, ``check`` or ``next``, so an import can
    point at the column to fix.
    """

    def __init__(self, message: str, part: str) -> None:
        super().__init__(message)
        self.part = part


def set_command(code: str) -> str:
    return f"wms carriers set {code} --prefix … --next … --badge …"


def rule_for(carrier: Carrier, country_code: str) -> TrackingRule:
    """The carrier's numbering as a rule; a setup that is no format is refused."""
    check = carrier.tracking_check
    if check not in CHECK_SCHEMES:
        raise TrackingSetupError(
            f"Carrier {carrier.code}: check digit {check!r} is not one of "
            f"{', '.join(CHECK_SCHEMES)}",
            "check",
        )
    # S10 numbers end in the issuing country (the warehouse's, e.g. RR…SE).
    suffix = country_code.upper() if check in S10_SCHEMES else ""
    if suffix == ANY_COUNTRY:
        suffix = _SHAPE_COUNTRY
    try:
        return TrackingRule(
            prefix=carrier.tracking_prefix,
            length=carrier.tracking_length,
            check=check,  # type: ignore[arg-type]
            suffix=suffix,
        )
    except ValueError as exc:
        part = "length" if str(exc).startswith("length") or "numbers are" in str(exc) else "prefix"
        raise TrackingSetupError(
            f"Carrier {carrier.code} tracking setup is wrong: {exc}", part
        ) from None


def check_setup(carrier: Carrier, country_code: str, *, used_up_ok: bool = False) -> TrackingRule:
    """Refuse a tracking setup that cannot number parcels; return its rule.

    Checked when a carrier is created or changed and again when an order is
    closed (a setup edited by hand in the database meets the same checks).
    ``used_up_ok``: a range whose last number was used (``tracking_next`` one
    past it) passes, for pack-close to refuse with :func:`take_numbers`'s
    message; a new setup must have numbers left.
    """
    code = carrier.code
    length = carrier.tracking_length
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise TrackingSetupError(
            f"Carrier {code}: tracking length must be a number, not {length!r}", "length"
        )
    if length > MAX_LENGTH:
        raise TrackingSetupError(
            f"Carrier {code}: tracking numbers of {length} characters do not fit "
            f"(at most {MAX_LENGTH})",
            "length",
        )
    rule = rule_for(carrier, country_code)
    if rule.serial_digits > MAX_SERIAL_DIGITS:
        raise TrackingSetupError(
            f"Carrier {code}: a {length}-character number after prefix "
            f"{carrier.tracking_prefix or '(none)'} leaves a {rule.serial_digits}-digit serial, "
            f"more than the {MAX_SERIAL_DIGITS} digits a 64-bit counter holds: "
            "use a longer prefix or a shorter length",
            "length",
        )
    nxt = carrier.tracking_next
    end = rule.capacity + 1 if used_up_ok else rule.capacity
    if isinstance(nxt, bool) or not isinstance(nxt, int) or not 0 <= nxt < end:
        raise TrackingSetupError(
            f"Carrier {code}: next serial {nxt} does not fit the {rule.serial_digits} serial "
            f"digits of its numbers (0 to {rule.capacity - 1})",
            "next",
        )
    return rule


def numbers_left(carrier: Carrier, rule: TrackingRule) -> int:
    return max(0, rule.capacity - carrier.tracking_next)


def take_numbers(carrier: Carrier, rule: TrackingRule, count: int, order_name: str) -> list[str]:
    """The carrier's next ``count`` numbers; bumps ``tracking_next`` past them.

    The caller holds the carrier's row lock and commits or rolls back with the
    parcels; a range that cannot give them all gives none.
    """
    left = numbers_left(carrier, rule)
    if left < count:
        last = make_tracking_number(rule, rule.capacity - 1)
        what = (
            "has no tracking numbers left"
            if left == 0
            else f"has {left} tracking number{'s' if left != 1 else ''} left, "
            f"{order_name} needs {count}"
        )
        raise DomainError(
            f"Cannot close {order_name}: carrier {carrier.code} {what} (range ends at {last}); "
            f"a supervisor must enter its new range: {set_command(carrier.code)}"
        )
    numbers = [make_tracking_number(rule, carrier.tracking_next + i) for i in range(count)]
    carrier.tracking_next += count
    return numbers
