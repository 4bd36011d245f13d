"""GS1 mod-10 check digits and SSCC-18 (Serial Shipping Container Code) numbers.

An SSCC is 18 digits: one extension digit (chosen freely by the company, often the packaging
level), the GS1 company prefix, a serial reference and a mod-10 check digit. Together the
company prefix and serial reference are always 16 digits, so a longer prefix leaves fewer
digits for the serial.
"""

from __future__ import annotations

SSCC_LENGTH = 18
# company prefix + serial reference
SSCC_BODY_DIGITS = 16
MIN_COMPANY_PREFIX = 6
MAX_COMPANY_PREFIX = 12


def _require_digits(value: str, what: str) -> None:
    # str.isdigit() accepts superscripts and other Unicode digits; GS1 data is ASCII only.
    if not value or not (value.isascii() and value.isdigit()):
        raise ValueError(f"{what} must be a non-empty string of ASCII digits, got {value!r}")


def gs1_check_digit(digits: str) -> int:
    """Return the GS1 mod-10 check digit for ``digits`` (the number *without* its check digit).

    Weights 3 and 1 alternate starting with 3 at the rightmost digit, which makes the same
    routine right for GTIN-8/12/13/14, GLN and SSCC.
    """
    _require_digits(digits, "digits")
    total = 0
    for position, char in enumerate(reversed(digits)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def has_valid_check_digit(number: str) -> bool:
    """True when the last digit of ``number`` is the GS1 mod-10 check digit of the rest."""
    if len(number) < 2 or not (number.isascii() and number.isdigit()):
        return False
    return gs1_check_digit(number[:-1]) == int(number[-1])


def make_sscc(extension_digit: int, company_prefix: str, serial: int | str) -> str:
    """Build an 18-digit SSCC from its parts and append the check digit.

    ``serial`` is zero-padded to fill the digits the company prefix leaves over; a serial that
    does not fit raises ``ValueError`` rather than being truncated into someone else's number.
    """
    if isinstance(extension_digit, bool) or not isinstance(extension_digit, int):
        raise ValueError(f"extension digit must be an int 0-9, got {extension_digit!r}")
    if not 0 <= extension_digit <= 9:
        raise ValueError(f"extension digit must be 0-9, got {extension_digit}")
    _require_digits(company_prefix, "company prefix")
    if not MIN_COMPANY_PREFIX <= len(company_prefix) <= MAX_COMPANY_PREFIX:
        raise ValueError(
            f"company prefix must have {MIN_COMPANY_PREFIX}-{MAX_COMPANY_PREFIX} digits, "
            f"got {len(company_prefix)} ({company_prefix!r})"
        )
    serial_digits = SSCC_BODY_DIGITS - len(company_prefix)
    if isinstance(serial, bool):
        raise ValueError(f"serial must be an int or digit string, got {serial!r}")
    if isinstance(serial, int):
        if serial < 0:
            raise ValueError(f"serial must not be negative, got {serial}")
        serial_text = str(serial)
    else:
        _require_digits(serial, "serial")
        serial_text = serial
    if len(serial_text) > serial_digits:
        raise ValueError(
            f"serial {serial_text} does not fit in {serial_digits} digits "
            f"left by a {len(company_prefix)}-digit company prefix"
        )
    body = f"{extension_digit}{company_prefix}{serial_text.zfill(serial_digits)}"
    return body + str(gs1_check_digit(body))


def validate_sscc(sscc: str) -> str:
    """Return ``sscc`` unchanged if it is 18 ASCII digits with a correct check digit."""
    if not isinstance(sscc, str):
        raise ValueError(f"SSCC must be a string, got {type(sscc).__name__}")
    if len(sscc) != SSCC_LENGTH or not (sscc.isascii() and sscc.isdigit()):
        raise ValueError(f"SSCC must be exactly {SSCC_LENGTH} digits, got {sscc!r}")
    if not has_valid_check_digit(sscc):
        expected = gs1_check_digit(sscc[:-1])
        raise ValueError(f"SSCC {sscc} has check digit {sscc[-1]}, expected {expected}")
    return sscc


def is_valid_sscc(sscc: str) -> bool:
    """Non-raising form of :func:`validate_sscc`."""
    try:
        validate_sscc(sscc)
    except ValueError:
        return False
    return True


def format_sscc_hri(sscc: str, company_prefix_length: int = 7) -> str:
    """Human-readable SSCC as printed under the barcode: ``(00) 3 0614141 123456789 1``.

    The groups (extension, company prefix, serial, check) help people compare a label against
    paperwork; the split needs the prefix length because it is not encoded in the number.
    """
    validate_sscc(sscc)
    if not MIN_COMPANY_PREFIX <= company_prefix_length <= MAX_COMPANY_PREFIX:
        raise ValueError(
            f"company prefix length must be {MIN_COMPANY_PREFIX}-{MAX_COMPANY_PREFIX}, "
            f"got {company_prefix_length}"
        )
    prefix_end = 1 + company_prefix_length
    return f"(00) {sscc[0]} {sscc[1:prefix_end]} {sscc[prefix_end:17]} {sscc[17]}"


GSIN_LENGTH = 17


def make_gsin(company_prefix: str, shipper_reference: int) -> str:
    """GS1 Global Shipment Identification Number (AI 402): the consignment reference.

    One GSIN names a whole shipment, so every parcel of an order carries the same one:
    the company prefix, the shipper's reference zero-padded to 16 digits in all, and a
    mod-10 check digit.
    """
    _require_digits(company_prefix, "company prefix")
    room = GSIN_LENGTH - 1 - len(company_prefix)
    reference = str(shipper_reference)
    if shipper_reference < 0 or len(reference) > room:
        raise ValueError(f"shipper reference {shipper_reference} does not fit in {room} digits")
    body = company_prefix + reference.zfill(room)
    return body + str(gs1_check_digit(body))
