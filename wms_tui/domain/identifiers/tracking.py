"""Carrier tracking numbers: generation from a sequence and validation, driven by data.

Each carrier account is described by a :class:`TrackingRule` (which can live in config) rather
than by code, so adding a carrier that uses an existing check-digit scheme needs no new code.

Supported check schemes (``TrackingRule.check``):

``"mod10"``
    GS1 mod-10 (weights 3,1 from the right) over all digits before the check digit.
``"mod7"``
    The number formed by all digits before the check digit, modulo 7 (DHL Express waybills,
    IATA air waybill serials). For CJ Logistics' 12-digit waybills this is not confirmed:
    no CJ document states a check rule (CJ issues numbers through its API, "ReqInvcNo");
    it is the rule of Japan's 12-digit courier numbers (TakamoriYamashiro/shipping-jp-js,
    README.md: Yamato, Sagawa, Japan Post, "7DR") and holds for 5 of 9 CJ numbers found in
    public code, among them the three of KHyun94/SOPO's
    app/src/main/java/com/delivery/sopo/viewmodels/inquiry/InquiryViewModel.kt; the four
    others fail it (docs/printing.md).
``"ups"``
    UPS ``1Z`` numbers: 18 characters, ``1Z`` + 15 alphanumerics + check digit. Letters count as
    ``(ord(letter) - 63) % 10``; the 15 values are summed with weights 1,2,1,2,... and the
    check digit tops the sum up to a multiple of 10.
``"s10"``
    UPU S10 international postal items: 2-letter service indicator, 8-digit serial, check digit
    (weights 8,6,4,2,3,5,9,7; ``11 - sum % 11`` with 10 -> 0 and 11 -> 5) and a 2-letter ISO
    country code, e.g. ``RR473124829GB``.
``"sscc_s10"``
    A postal operator that takes the sender's SSCC as the item ID of a parcel it delivers
    in its own country (PostNord: the GS1 SSCC is the parcel number on a domestic label,
    18 digits, GS1 mod-10) and a UPU S10 parcel number for one leaving it (service
    indicator ``CA``-``CZ`` for parcels; ``RR`` would be a registered *letter*). The rule
    describes the S10 range; a domestic parcel takes no number from it.
``"none"``
    No check digit: prefix + zero-padded sequence.

python-stdnum checks none of the carrier schemes (it has no S10, UPS, DHL or CJ module);
its ``ean.calc_check_digit`` agrees with the GS1 mod-10 digit of the SSCC a ``sscc_s10``
parcel carries at home.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from wms_tui.domain.countries import is_country
from wms_tui.domain.identifiers.sscc import gs1_check_digit

CheckScheme = Literal["mod10", "mod7", "ups", "s10", "sscc_s10", "none"]
CHECK_SCHEMES: tuple[str, ...] = get_args(CheckScheme)

_UPPER_ALNUM = frozenset(string.ascii_uppercase + string.digits)
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
#: UPU S10: service indicators beginning with these letters are reserved, never issued.
_S10_RESERVED = frozenset("JKSTW")
#: Schemes whose numbers are UPU S10 identifiers (13 characters, country suffix).
S10_SCHEMES = frozenset({"s10", "sscc_s10"})


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _is_letters(text: str) -> bool:
    return text.isascii() and text.isalpha() and text.isupper()


@dataclass(frozen=True, slots=True)
class TrackingRule:
    """How one carrier account numbers its parcels.

    Attributes:
        prefix: Fixed leading characters (account/range prefix). For ``ups`` it starts with
            ``1Z`` and usually includes the 6-character shipper number and 2-digit service
            code; for ``s10`` it is the 2-letter service indicator, optionally followed by
            fixed leading digits of the serial.
        length: Total length of a complete number, including prefix, check digit and suffix.
        check: Check-digit scheme, one of :data:`CHECK_SCHEMES`.
        suffix: Fixed trailing characters after the check digit; for ``s10`` the 2-letter
            ISO country code of the issuing postal operator, empty for the others.
    """

    prefix: str
    length: int
    check: CheckScheme
    suffix: str = ""

    def __post_init__(self) -> None:
        if self.check not in CHECK_SCHEMES:
            raise ValueError(f"unknown check scheme {self.check!r}; use one of {CHECK_SCHEMES}")
        if isinstance(self.length, bool) or not isinstance(self.length, int):
            raise ValueError(f"length must be an int, got {self.length!r}")
        if not set(self.prefix) <= _UPPER_ALNUM or not set(self.suffix) <= _UPPER_ALNUM:
            raise ValueError(
                f"prefix and suffix must be uppercase ASCII letters/digits, "
                f"got {self.prefix!r} / {self.suffix!r}"
            )
        if self.serial_digits < 1:
            raise ValueError(
                f"length {self.length} leaves no room for a serial after prefix "
                f"{self.prefix!r}, suffix {self.suffix!r} and check digit"
            )
        self._validate_scheme()

    def _validate_scheme(self) -> None:
        if self.check in ("mod10", "mod7"):
            if self.prefix and not _is_digits(self.prefix):
                raise ValueError(f"{self.check} needs a numeric prefix, got {self.prefix!r}")
            if self.suffix:
                raise ValueError(f"{self.check} numbers have no suffix, got {self.suffix!r}")
        elif self.check == "ups":
            if not self.prefix.startswith("1Z"):
                raise ValueError(f"UPS numbers start with '1Z', got prefix {self.prefix!r}")
            if self.length != 18 or self.suffix:
                raise ValueError("UPS numbers are exactly 18 characters with no suffix")
        elif self.check in S10_SCHEMES:
            indicator, serial_start = self.prefix[:2], self.prefix[2:]
            if len(indicator) != 2 or not _is_letters(indicator):
                raise ValueError(
                    f"S10 prefix must start with a 2-letter service indicator, got {self.prefix!r}"
                )
            if indicator[0] in _S10_RESERVED:
                raise ValueError(
                    f"S10 service indicators starting with J, K, S, T or W are reserved by the "
                    f"UPU, got {indicator!r}"
                )
            if self.check == "sscc_s10" and indicator[0] != "C":
                raise ValueError(
                    f"sscc_s10 numbers parcels: its S10 service indicator is CA-CZ (parcel "
                    f"post), got {indicator!r}"
                )
            if serial_start and not _is_digits(serial_start):
                raise ValueError(
                    f"S10 prefix may only add digits after the letters: {self.prefix!r}"
                )
            # The suffix names the issuing post: "ZZ" would print on every label and
            # no carrier's scanner would read it as a country.
            if len(self.suffix) != 2 or not _is_letters(self.suffix) or not is_country(self.suffix):
                raise ValueError(
                    f"S10 suffix must be the issuing post's ISO 3166-1 country code (like SE), "
                    f"got {self.suffix!r}"
                )
            if self.length != 13:
                raise ValueError(f"S10 numbers are 13 characters, got length {self.length}")

    @property
    def has_check_digit(self) -> bool:
        return self.check != "none"

    @property
    def serial_digits(self) -> int:
        """How many digits of the number come from the sequence."""
        return self.length - len(self.prefix) - len(self.suffix) - int(self.has_check_digit)

    @property
    def capacity(self) -> int:
        """Number of distinct sequence values (0 .. capacity-1) this rule can encode."""
        return 10**self.serial_digits


def check_character(check: CheckScheme, body: str) -> str:
    """Check digit for ``body`` (everything before the check digit) under scheme ``check``.

    For ``ups`` the body is the full number without its check digit (``1Z`` included); for
    ``s10`` it is the 2 letters and 8 digits (letters are ignored, as the standard says).
    """
    if check == "mod10":
        return str(gs1_check_digit(body))
    if check == "mod7":
        if not _is_digits(body):
            raise ValueError(f"mod7 body must be digits, got {body!r}")
        return str(int(body) % 7)
    if check == "ups":
        return str(_ups_check_digit(body))
    if check in S10_SCHEMES:
        return str(_s10_check_digit(body[2:]))
    if check == "none":
        return ""
    raise ValueError(f"unknown check scheme {check!r}")


def _ups_check_digit(body: str) -> int:
    if len(body) != 17 or not body.startswith("1Z"):
        raise ValueError(f"UPS body must be '1Z' + 15 characters, got {body!r}")
    total = 0
    for position, char in enumerate(body[2:]):
        if char.isascii() and char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = (ord(char) - 63) % 10
        else:
            raise ValueError(f"UPS numbers use A-Z and 0-9 only, got {char!r} in {body!r}")
        total += value * (2 if position % 2 else 1)
    return (10 - total % 10) % 10


def _s10_check_digit(serial: str) -> int:
    if len(serial) != 8 or not _is_digits(serial):
        raise ValueError(f"S10 serial must be 8 digits, got {serial!r}")
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def make_tracking_number(rule: TrackingRule, sequence: int) -> str:
    """The tracking number for the ``sequence``-th parcel of an account.

    Raises ``ValueError`` when the sequence is negative or has run past the rule's range, so a
    carrier range running out is noticed instead of silently wrapping into reused numbers.
    """
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise ValueError(f"sequence must be an int, got {sequence!r}")
    if sequence < 0:
        raise ValueError(f"sequence must not be negative, got {sequence}")
    if sequence >= rule.capacity:
        raise ValueError(
            f"sequence {sequence} does not fit in {rule.serial_digits} digits "
            f"(rule {rule.prefix!r}..{rule.suffix!r}, capacity {rule.capacity})"
        )
    body = rule.prefix + str(sequence).zfill(rule.serial_digits)
    return body + check_character(rule.check, body) + rule.suffix


def sscc_at_home(check: str, origin: str, destination: str) -> bool:
    """True when a parcel's own SSCC is its tracking number (``sscc_s10`` inside ``origin``)."""
    return check == "sscc_s10" and origin.upper() == destination.upper()


def normalize_tracking_number(value: str) -> str:
    """Uppercase and drop spaces, as tracking numbers are often printed in groups."""
    return "".join(value.split()).upper()


def validate_tracking_number(rule: TrackingRule, value: str) -> bool:
    """True when ``value`` (spaces and case ignored) is a well-formed number under ``rule``."""
    if not isinstance(value, str):
        return False
    number = normalize_tracking_number(value)
    if len(number) != rule.length or not number.isascii():
        return False
    if not (number.startswith(rule.prefix) and number.endswith(rule.suffix)):
        return False
    serial_end = len(rule.prefix) + rule.serial_digits
    if not _is_digits(number[len(rule.prefix) : serial_end]):
        return False
    if not rule.has_check_digit:
        return True
    check = number[serial_end]
    try:
        return check == check_character(rule.check, number[:serial_end])
    except ValueError:
        return False


def rules_from_config(config: Mapping[str, Mapping[str, Any]]) -> dict[str, TrackingRule]:
    """Build rules from plain data, e.g. a TOML table ``{carrier: {prefix, length, check}}``."""
    rules: dict[str, TrackingRule] = {}
    for name, spec in config.items():
        unknown = set(spec) - {"prefix", "length", "check", "suffix"}
        if unknown:
            raise ValueError(f"tracking rule {name!r} has unknown keys {sorted(unknown)}")
        try:
            rules[name] = TrackingRule(
                prefix=str(spec.get("prefix", "")),
                length=spec["length"],
                check=spec["check"],
                suffix=str(spec.get("suffix", "")),
            )
        except KeyError as exc:
            raise ValueError(f"tracking rule {name!r} is missing {exc.args[0]!r}") from None
        except ValueError as exc:
            raise ValueError(f"tracking rule {name!r}: {exc}") from None
    return rules


#: Example rules for the carriers the demo data uses. Real accounts come from config.
EXAMPLE_RULES: dict[str, TrackingRule] = {
    "ups": TrackingRule(prefix="1Z999AA101", length=18, check="ups"),
    "dhl_express": TrackingRule(prefix="", length=10, check="mod7"),
    "postnord": TrackingRule(prefix="CA", length=13, check="sscc_s10", suffix="SE"),
    "korea_post": TrackingRule(prefix="EE", length=13, check="s10", suffix="KR"),
    "gs1_parcel": TrackingRule(prefix="00340434", length=18, check="mod10"),
    "local_courier": TrackingRule(prefix="LC", length=12, check="none"),
}
