"""Tests for the Shopify products/orders CSV parser and the fulfilment CSV writer."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import ean

from tests.fakes.shopify_csv import (
    CET,
    ORDER_HEADER,
    ORDERS_CSV,
    PRODUCT_HEADER,
    PRODUCTS_CSV,
    order_row,
    product_row,
    write_csv,
)
from wms_tui.adapters.csv_safety import neutralise
from wms_tui.adapters.shopify.csv_format import (
    FULFILLMENT_COLUMNS,
    MAX_FIELD_CHARS,
    CsvFileError,
    FulfillmentRow,
    OrderLineRecord,
    OrderRecord,
    ProductRecord,
    RowError,
    ShipTo,
    gtin_is_valid,
    parse_orders,
    parse_products,
    read_all,
    write_fulfillments_csv,
)


def split(items: Iterable[Any]) -> tuple[list[Any], list[RowError]]:
    """Like read_all but without dropping keyed records, to see exactly what was yielded."""
    records: list[Any] = []
    errors: list[RowError] = []
    for item in items:
        (errors if isinstance(item, RowError) else records).append(item)
    return records, errors


def orders_in(tmp_path: Path, *rows: dict[str, str] | list[str], **kw: Any):
    known = kw.pop("known_skus", None)
    return split(parse_orders(write_csv(tmp_path / "orders.csv", rows, **kw), known_skus=known))


def products_in(tmp_path: Path, *rows: dict[str, str] | list[str]):
    path = write_csv(tmp_path / "products.csv", rows, PRODUCT_HEADER)
    return split(parse_products(path))


# ---------------------------------------------------------------------------------------------
# GTIN
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["4006381333931", "036000291452", "96385074", "10012345678902", "7350001234014"]
)
def test_gtin_valid(code: str) -> None:
    assert gtin_is_valid(code)


@pytest.mark.parametrize(
    "code",
    [
        "4006381333932",  # wrong check digit
        "036000291453",
        "96385075",
        "10012345678903",
        "400638133393",  # 12 digits but not a UPC-A
        "1234567",  # bad lengths
        "123456789",
        "123456789012345",
        "",
        "40063813339 1",
        "4006381333931 ",
        "400638133393a",
        "\u0664\u0660\u0660\u0666\u0663\u0668\u0661\u0663\u0663\u0663\u0669\u0663\u0661",
    ],
)
def test_gtin_invalid(code: str) -> None:
    assert not gtin_is_valid(code)


@given(st.text(alphabet="0123456789", min_size=0, max_size=16))
def test_gtin_agrees_with_python_stdnum(code: str) -> None:
    assert gtin_is_valid(code) == ean.is_valid(code)


@given(
    st.sampled_from([7, 11, 12, 13]).flatmap(
        lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
    ),
    st.data(),
)
def test_gtin_detects_every_single_digit_error(body: str, data: st.DataObject) -> None:
    code = body + ean.calc_check_digit(body)
    assert gtin_is_valid(code)
    position = data.draw(st.integers(0, len(code) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    assert not gtin_is_valid(code[:position] + wrong + code[position + 1 :])


# ---------------------------------------------------------------------------------------------
# Products: happy path
# ---------------------------------------------------------------------------------------------


def test_products_fixture() -> None:
    records, errors = read_all(parse_products(PRODUCTS_CSV))
    assert errors == []
    assert [r.sku for r in records] == [
        "HOOD-NAVY-S",
        "HOOD-NAVY-M",
        "HOOD-GREEN-M",
        "MUG-FIKA",
        "SOCK-ARE-3639",
        "SOCK-ARE-4043",
        "NOTE-HANJI-A5",
    ]
    hoodie = records[1]
    assert hoodie == ProductRecord(
        # Row 3 although it's physical line 4: the first variant's Body (HTML) has a line break.
        row=3,
        sku="HOOD-NAVY-M",
        name="Organic Hoodie - Navy / M",
        title="Organic Hoodie",
        options={"Colour": "Navy", "Size": "M"},
        grams=540,
        barcode="7350001234021",
        handle="organic-hoodie",
    )
    # The image-only row 5 is skipped without an error.
    assert [r.row for r in records] == [2, 3, 4, 6, 7, 8, 9]
    mug = records[3]
    # Shopify's "Title: Default Title" placeholder option is not an option.
    assert (mug.options, mug.name, mug.title) == (
        {},
        "Stoneware Mug “Fika”",
        "Stoneware Mug “Fika”",
    )
    assert mug.grams == 410  # exported as "410.0"
    assert mug.barcode == "042000000123"  # UPC-A keeps its leading zero
    socks = records[4:6]
    assert [s.name for s in socks] == ["Ullsockor Åre - 36–39", "Ullsockor Åre - 40–43"]
    assert socks[0].barcode == "73500124"  # GTIN-8
    assert socks[1].barcode is None
    assert records[6].title == "한지 노트 (Hanji Notebook)"


def test_products_from_text_and_binary_streams() -> None:
    expected, _ = read_all(parse_products(PRODUCTS_CSV))
    data = PRODUCTS_CSV.read_bytes()
    assert read_all(parse_products(io.BytesIO(data)))[0] == expected
    assert read_all(parse_products(io.StringIO(data.decode(), newline="")))[0] == expected
    with open(PRODUCTS_CSV, encoding="utf-8", newline="") as f:
        assert read_all(parse_products(f))[0] == expected


def test_products_three_options_and_later_rows_reuse_first_row_names(tmp_path: Path) -> None:
    records, errors = products_in(
        tmp_path,
        product_row(
            "tee",
            **{"Title": "Tee", "Option1 Name": "Colour", "Option1 Value": "Red"},
            **{"Option2 Name": "Size", "Option2 Value": "M", "Option3 Name": "Fit"},
            **{"Option3 Value": "Slim", "Variant SKU": "TEE-1", "Variant Grams": ""},
        ),
        product_row(
            "tee",
            first=False,
            **{"Option1 Value": "Blue", "Option2 Value": "L", "Option3 Value": "Regular"},
            **{"Variant SKU": "TEE-2", "Variant Barcode": "'4006381333931"},
        ),
    )
    assert errors == []
    assert records[1].options == {"Colour": "Blue", "Size": "L", "Fit": "Regular"}
    assert records[1].name == "Tee - Blue / L / Regular"
    assert records[0].grams is None
    assert records[1].barcode == "4006381333931"  # spreadsheet text marker removed


# ---------------------------------------------------------------------------------------------
# Products: row errors
# ---------------------------------------------------------------------------------------------


def test_products_missing_sku_on_variant_row(tmp_path: Path) -> None:
    records, errors = products_in(
        tmp_path,
        product_row(**{"Variant SKU": ""}),
        product_row(first=False, **{"Variant SKU": "", "Option1 Value": "", "Variant Grams": ""}),
    )
    assert records == []
    assert errors == [RowError(2, "Variant SKU", "missing SKU for a variant of 'hoodie'")]


def test_products_with_invisible_characters_are_refused(tmp_path: Path) -> None:
    """A product's title and options are its name on the packing slip: a bidi control
    there prints a slip that reads otherwise (the orders' and the API's rule)."""
    records, errors = products_in(
        tmp_path,
        product_row(**{"Title": "Hoodie\u202e"}),
        product_row(first=False, **{"Variant SKU": "HOOD-M", "Option1 Value": "M"}),
        product_row("cap", **{"Title": "Cap", "Variant SKU": "CAP", "Option1 Value": "\u200bS"}),
        product_row("tee", **{"Title": "Tee", "Variant SKU": "TEE"}),
    )
    assert [r.sku for r in records] == ["TEE"]
    assert errors == [
        RowError(
            2,
            "Title",
            "holds the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE); retype it "
            "(the variants of 'hoodie' are skipped)",
        ),
        RowError(
            4,
            "Option1 Value",
            "holds the invisible character U+200B (ZERO WIDTH SPACE); retype it",
            key="CAP",
        ),
    ]


def test_products_duplicate_sku(tmp_path: Path) -> None:
    items = products_in(
        tmp_path,
        product_row(),
        product_row(first=False, **{"Option1 Value": "M", "Variant SKU": "HOOD-M"}),
        product_row(first=False, **{"Option1 Value": "L"}),
    )
    records, errors = items
    assert errors == [
        RowError(4, "Variant SKU", "duplicate SKU HOOD-S (rows 2 and 4)", key="HOOD-S")
    ]
    assert [r.sku for r in records] == ["HOOD-S", "HOOD-M"]
    # The first occurrence was already yielded; read_all drops it too, as the key says.
    path = tmp_path / "products.csv"
    assert [r.sku for r in read_all(parse_products(path))[0]] == ["HOOD-M"]


@pytest.mark.parametrize(
    ("grams", "reason"),
    [
        ("heavy", "weight 'heavy' is not a number"),
        ("1,5", "weight '1,5' is not a number"),
        ("nan", "weight 'nan' is not a number"),
        ("-5", "weight -5 is negative"),
    ],
)
def test_products_bad_grams(tmp_path: Path, grams: str, reason: str) -> None:
    records, errors = products_in(tmp_path, product_row(**{"Variant Grams": grams}))
    assert records == []
    assert errors == [RowError(2, "Variant Grams", reason, key="HOOD-S")]


def test_products_absurd_grams(tmp_path: Path) -> None:
    records, errors = products_in(tmp_path, product_row(**{"Variant Grams": "4006381333931"}))
    assert records == []
    assert errors == [
        RowError(
            2,
            "Variant Grams",
            "weight 4006381333931 g is implausibly large (over 1,000,000 g)",
            key="HOOD-S",
        )
    ]


@pytest.mark.parametrize(("grams", "expected"), [("0", 0), ("12.6", 13), (" 250 ", 250)])
def test_products_good_grams(tmp_path: Path, grams: str, expected: int) -> None:
    records, errors = products_in(tmp_path, product_row(**{"Variant Grams": grams}))
    assert errors == []
    assert records[0].grams == expected


@pytest.mark.parametrize(
    ("barcode", "reason"),
    [
        ("4006381333932", "barcode '4006381333932' has a wrong check digit"),
        ("40063813", "barcode '40063813' has a wrong check digit"),
        ("36000291452", "barcode '36000291452' has 11 digits; a GTIN has 8, 12, 13 or 14"),
        ("ABC-123", "barcode 'ABC-123' must contain digits only"),
        (
            "4.00638E+12",
            "barcode '4.00638E+12' was turned into scientific notation by a spreadsheet; "
            "re-export it with the column formatted as text",
        ),
    ],
)
def test_products_bad_barcode(tmp_path: Path, barcode: str, reason: str) -> None:
    records, errors = products_in(tmp_path, product_row(**{"Variant Barcode": barcode}))
    assert records == []
    assert errors == [RowError(2, "Variant Barcode", reason, key="HOOD-S")]


def test_products_missing_title_skips_the_product(tmp_path: Path) -> None:
    records, errors = products_in(
        tmp_path,
        product_row(**{"Title": ""}),
        product_row(first=False, **{"Variant SKU": "HOOD-M", "Option1 Value": "M"}),
        product_row("cap", **{"Title": "Cap", "Variant SKU": "CAP"}),
    )
    assert [r.sku for r in records] == ["CAP"]
    assert errors == [
        RowError(
            2,
            "Title",
            "missing Title on the first row of product 'hoodie' (its variants are skipped)",
        )
    ]


def test_products_option_value_without_name_and_title_conflict(tmp_path: Path) -> None:
    records, errors = products_in(
        tmp_path,
        product_row(),
        product_row(first=False, **{"Variant SKU": "HOOD-M", "Option2 Value": "Blue"}),
        product_row(first=False, **{"Variant SKU": "HOOD-L", "Title": "Hoody"}),
        product_row("", **{"Variant SKU": "X"}),
    )
    assert [r.sku for r in records] == ["HOOD-S", "HOOD-L"]
    assert errors == [
        RowError(
            3, "Option2 Value", "value 'Blue' but product 'hoodie' has no Option2 Name", "HOOD-M"
        ),
        RowError(4, "Title", "Title 'Hoody' differs from 'Hoodie' on row 2 for product 'hoodie'"),
        RowError(5, "Handle", "missing Handle"),
    ]


def test_products_handle_rows_need_not_be_consecutive(tmp_path: Path) -> None:
    records, errors = products_in(
        tmp_path,
        product_row("hoodie"),
        product_row("cap", **{"Title": "Cap", "Variant SKU": "CAP-S"}),
        product_row("hoodie", first=False, **{"Variant SKU": "HOOD-M", "Option1 Value": "M"}),
    )
    assert errors == []
    assert [(r.sku, r.name) for r in records] == [
        ("HOOD-S", "Hoodie - S"),
        ("CAP-S", "Cap - S"),
        ("HOOD-M", "Hoodie - M"),
    ]


def test_products_file_errors(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError) as exc:
        parse_products(write_csv(tmp_path / "p.csv", [], ["Handle", "Title", "Variant SKU"]))
    assert exc.value.message == (
        "missing required columns: Option1 Name, Option1 Value, Variant Grams, Variant Barcode"
    )
    with pytest.raises(CsvFileError, match=r"^this is a Shopify orders export; missing required"):
        parse_products(ORDERS_CSV)


# ---------------------------------------------------------------------------------------------
# Orders: happy path
# ---------------------------------------------------------------------------------------------


def test_orders_fixture() -> None:
    records, errors = read_all(parse_orders(ORDERS_CSV))
    assert errors == []
    by_name = {r.name: r for r in records}
    assert list(by_name) == ["#1041", "#1042", "#1043", "#1044", "#1045", "#1046"]

    kim = by_name["#1041"]
    assert kim.row == 2
    assert kim.created_at == datetime(2024, 3, 4, 9, 15, 31, tzinfo=timezone(timedelta(hours=9)))
    assert kim.created_at.utcoffset() == timedelta(hours=9)
    assert kim.ship_to == ShipTo(
        name="김민준",
        company="",
        address1="테헤란로 152",
        address2="강남파이낸스센터 12층",
        city="서울특별시 강남구",
        zip="06236",
        province="KR-11",
        country="KR",
        phone="+82 10-1234-5678",
    )
    assert kim.notes == (
        "부재 시 경비실에 맡겨 주세요.\nPlease leave with the building concierge if I'm out."
    )
    assert kim.note_attributes == {"gift_message": "생일 축하해, 지우야!", "gift_wrap": "yes"}
    assert kim.gift_message == "생일 축하해, 지우야!"
    assert kim.tags == ["split-ok", "gift-wrap", "vip"]
    assert (kim.email, kim.phone, kim.source) == (
        "minjun.kim@example.kr",
        "+82 10-1234-5678",
        "web",
    )
    assert kim.shipping_method == "EMS 국제특급"
    # Rows 2-4 although the note on row 2 spans two physical lines.
    assert kim.lines == [
        OrderLineRecord(2, "HOOD-NAVY-M", "Organic Hoodie - Navy / M", 2, Decimal("59000")),
        OrderLineRecord(3, "MUG-FIKA", "Stoneware Mug “Fika”", 1, Decimal("18500")),
        OrderLineRecord(4, "NOTE-HANJI-A5", "한지 노트 (Hanji Notebook)", 1, Decimal("12000")),
    ]

    asa = by_name["#1042"]
    assert asa.row == 5
    assert asa.ship_to.name == "Åsa Öberg"
    assert asa.ship_to.address1 == "Södra Vägen 12, lgh 1102"
    assert (asa.ship_to.city, asa.ship_to.zip, asa.ship_to.country) == ("Göteborg", "412 54", "SE")
    assert asa.shipping_method == "PostNord, Ombud"
    assert asa.gift_message == "Grattis på födelsedagen, Björn!\nMed kärlek, Åsa"
    assert [(line.row, line.sku, line.quantity) for line in asa.lines] == [
        (5, "SOCK-ARE-3639", 2),
        (6, "HOOD-GREEN-M", 1),
    ]

    assert by_name["#1043"].financial_status == "pending"
    assert by_name["#1043"].ship_to.zip == ""  # Irish address without Eircode is fine
    assert by_name["#1044"].financial_status == "refunded"
    cancelled = by_name["#1045"]
    assert cancelled.is_cancelled
    assert cancelled.cancelled_at == datetime(2024, 3, 6, 11, 30, tzinfo=CET)
    assert not by_name["#1043"].is_cancelled

    dana = by_name["#1046"]
    assert dana.ship_to.zip == "02138"
    assert dana.ship_to.phone == "+1 617-555-0134"
    assert dana.ship_to.company == "Lee & Park, LLC"
    assert dana.gift_message == "Happy birthday, Sam"
    assert dana.created_at == datetime(2024, 3, 7, 21, 19, 48, tzinfo=UTC)
    gift_card, hoodie = dana.lines
    assert (gift_card.sku, gift_card.requires_shipping) == ("", False)
    assert hoodie.requires_shipping
    assert dana.requires_shipping


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_orders_bom_and_line_endings_do_not_matter(tmp_path: Path, bom: bool, newline: str) -> None:
    rows = [
        order_row(**{"Notes": "Ring twice,\nthen knock", "Shipping Address1": "Storgatan 1, 2 tr"}),
        order_row(first=False, **{"Lineitem sku": "MUG", "Lineitem name": "Mug, large"}),
        order_row("#1002", **{"Shipping Name": "김민준", "Shipping City": "서울특별시 강남구"}),
    ]
    records, errors = orders_in(tmp_path, *rows, bom=bom, newline=newline)
    assert errors == []
    assert [(r.name, r.row) for r in records] == [("#1001", 2), ("#1002", 4)]
    assert records[0].notes == "Ring twice,\nthen knock"
    assert records[0].ship_to.address1 == "Storgatan 1, 2 tr"
    assert records[0].lines[1].name == "Mug, large"
    assert records[1].ship_to.name == "김민준"


def test_orders_text_is_nfc_normalised(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Åsa Öberg")
    assert decomposed != "Åsa Öberg"
    records, errors = orders_in(tmp_path, order_row(**{"Shipping Name": decomposed}))
    assert errors == []
    assert records[0].ship_to.name == "Åsa Öberg"


def test_orders_accepts_text_stream_with_bom_char(tmp_path: Path) -> None:
    text = ORDERS_CSV.read_bytes().decode("utf-8")  # keeps the BOM as U+FEFF
    assert text.startswith("\ufeff")
    expected = read_all(parse_orders(ORDERS_CSV))
    assert read_all(parse_orders(io.StringIO(text, newline=""))) == expected


def test_binary_stream_is_left_open_for_the_caller() -> None:
    stream = io.BytesIO(ORDERS_CSV.read_bytes())
    assert len(read_all(parse_orders(stream))[0]) == 6
    assert not stream.closed


def test_orders_streams_lazily_and_keeps_csv_limit(tmp_path: Path) -> None:
    before = csv.field_size_limit()
    calls: list[str] = []
    items = parse_orders(ORDERS_CSV, known_skus=lambda sku: calls.append(sku) is None)
    assert calls == []  # nothing parsed past the header until iterated
    first = next(items)
    assert isinstance(first, OrderRecord) and first.name == "#1041"
    assert csv.field_size_limit() == before  # our 1 MiB bound is only held while parsing
    items.close()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("gift_message", "Happy birthday"),
        ("Gift message", "Happy birthday"),
        ("gift-note", "Happy birthday"),
        ("GIFT NOTE", "Happy birthday"),
        ("giftMessage", "Happy birthday"),
    ],
)
def test_gift_message_keys(tmp_path: Path, key: str, value: str) -> None:
    attributes = f"delivery: after 10:00\n{key}: {value}"
    records, _ = orders_in(tmp_path, order_row(**{"Note Attributes": attributes}))
    assert records[0].gift_message == value
    assert records[0].note_attributes["delivery"] == "after 10:00"


def test_gift_message_absent_or_empty(tmp_path: Path) -> None:
    records, _ = orders_in(
        tmp_path,
        order_row(**{"Note Attributes": "gift_wrap: yes"}),
        order_row("#1002", **{"Note Attributes": "gift_message:"}),
    )
    assert [r.gift_message for r in records] == [None, None]
    assert records[1].note_attributes == {"gift_message": ""}


def test_note_attributes_continuation_and_orphan_text(tmp_path: Path) -> None:
    text = "stray text\ngift_message: Dear Sam,\nsee you soon\r\nurl: https://example.com/x"
    records, _ = orders_in(tmp_path, order_row(**{"Note Attributes": text}))
    assert records[0].note_attributes == {
        "": "stray text",
        "gift_message": "Dear Sam,\nsee you soon",
        "url": "https://example.com/x",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05 14:02:11 +0100", datetime(2024, 3, 5, 14, 2, 11, tzinfo=CET)),
        ("2024-03-05T14:02:11+01:00", datetime(2024, 3, 5, 14, 2, 11, tzinfo=CET)),
        ("2024-03-05T13:02:11Z", datetime(2024, 3, 5, 13, 2, 11, tzinfo=UTC)),
        ("2024-03-05 14:02 +0100", datetime(2024, 3, 5, 14, 2, tzinfo=CET)),
        ("2024-03-05 14:02:11.250 +0100", datetime(2024, 3, 5, 14, 2, 11, 250000, tzinfo=CET)),
        (
            "2024-03-05 19:32:11 +0530",
            datetime(2024, 3, 5, 19, 32, 11, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
    ],
)
def test_created_at_formats(tmp_path: Path, text: str, expected: datetime) -> None:
    records, errors = orders_in(tmp_path, order_row(**{"Created at": text}))
    assert errors == []
    assert records[0].created_at == expected
    assert records[0].created_at.utcoffset() == expected.utcoffset()


# ---------------------------------------------------------------------------------------------
# Orders: file-level errors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n\r\n", b"\xef\xbb\xbf\r\n  \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(CsvFileError, match=r"^file is empty$"):
        parse_orders(path)
    with pytest.raises(CsvFileError, match=r"^file is empty$"):
        parse_products(path)


def test_header_only_file_has_no_orders(tmp_path: Path) -> None:
    assert orders_in(tmp_path) == ([], [])


def _fixture_bytes_with(offset_marker: bytes, replacement: bytes) -> tuple[bytes, int]:
    data = ORDERS_CSV.read_bytes()
    at = data.index(offset_marker)
    return data[:at] + replacement + data[at + len(offset_marker) :], at


@pytest.mark.parametrize(
    ("marker", "replacement", "shift"),
    [
        ("Göteborg".encode(), "Göteborg".encode("latin-1"), 1),  # Latin-1 re-save: 'ö' = 0xF6
        (b"Dublin 2", b"Dublin\x002", 6),  # NUL byte
        ("김민준".encode(), "김민준".encode()[:4], 3),  # cut in the middle of a character
    ],
)
def test_not_utf8_reports_byte_offset(
    tmp_path: Path, marker: bytes, replacement: bytes, shift: int
) -> None:
    data, at = _fixture_bytes_with(marker, replacement)
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    with pytest.raises(CsvFileError) as exc:
        parse_orders(path)
    assert exc.value.message == f"not a UTF-8 text CSV (byte {at + shift})"


def test_not_utf8_found_past_the_first_chunk(tmp_path: Path) -> None:
    # 3 MB of valid orders, then one bad byte: still rejected up front, nothing yielded.
    rows = [order_row(f"#{n}") for n in range(1000, 7000)]
    path = write_csv(tmp_path / "orders.csv", rows)
    data = path.read_bytes()
    path.write_bytes(data[:-2] + b"\xe9\n")
    with pytest.raises(CsvFileError, match=rf"^not a UTF-8 text CSV \(byte {len(data) - 2}\)$"):
        parse_orders(path)


def test_truncated_character_at_end_of_file(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    data = ORDERS_CSV.read_bytes() + "한".encode()[:2]
    path.write_bytes(data)
    with pytest.raises(CsvFileError, match=rf"^not a UTF-8 text CSV \(byte {len(data) - 2}\)$"):
        parse_orders(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            ORDERS_CSV.read_text(encoding="utf-8-sig").encode("utf-16"),
            "not a UTF-8 text CSV (byte 0): it looks like UTF-16 text (Excel 'Unicode Text'); "
            "export it as 'CSV UTF-8'",
        ),
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
            "not a UTF-8 text CSV (byte 5): it looks like an Excel .xlsx workbook or a zip "
            "archive; export it as 'CSV UTF-8'",
        ),
        (bytes(range(256)), "not a UTF-8 text CSV (byte 0)"),
    ],
)
def test_binary_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    with pytest.raises(CsvFileError) as exc:
        parse_orders(path)
    assert exc.value.message == message


def test_nul_in_text_stream_is_a_file_error_while_streaming() -> None:
    text = ORDERS_CSV.read_text(encoding="utf-8-sig").replace("Dublin 2", "Dublin\x002")
    items = parse_orders(io.StringIO(text, newline=""))
    with pytest.raises(CsvFileError, match="NUL"):
        list(items)


def test_invalid_utf8_in_non_seekable_stream() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    data, _ = _fixture_bytes_with("Göteborg".encode(), "Göteborg".encode("latin-1"))
    with pytest.raises(CsvFileError, match=r"^not a UTF-8 text CSV \("):
        list(parse_orders(io.BufferedReader(Pipe(data))))


@pytest.mark.parametrize(("delimiter", "label"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_wrong_delimiter(tmp_path: Path, delimiter: str, label: str) -> None:
    path = write_csv(tmp_path / "orders.csv", [order_row()], delimiter=delimiter, bom=True)
    with pytest.raises(CsvFileError) as exc:
        parse_orders(path)
    assert exc.value.message == (
        f"file is {label}-delimited, not comma-separated; export it again as a "
        "comma-separated CSV (e.g. Excel 'CSV UTF-8')"
    )


def test_missing_columns_are_listed(tmp_path: Path) -> None:
    header = [c for c in ORDER_HEADER if c not in ("Lineitem sku", "Cancelled at", "Email")]
    path = write_csv(tmp_path / "orders.csv", [], header)
    with pytest.raises(CsvFileError) as exc:
        parse_orders(path)
    # Email is optional; the others would silently change what gets shipped.
    assert exc.value.message == "missing required columns: Lineitem sku, Cancelled at"


def test_products_export_given_as_orders() -> None:
    with pytest.raises(CsvFileError, match=r"^this is a Shopify products export; missing"):
        parse_orders(PRODUCTS_CSV)


def test_header_matching_ignores_case_and_spaces(tmp_path: Path) -> None:
    header = [f" {c.upper()} " for c in ORDER_HEADER]
    path = write_csv(tmp_path / "orders.csv", [[""] * len(header)], header)
    data = path.read_text().splitlines()[0] + "\n"
    row = order_row()
    data += ",".join(f'"{row.get(c, "")}"' for c in ORDER_HEADER) + "\n"
    path.write_text(data)
    records, errors = split(parse_orders(path))
    assert errors == [] and records[0].name == "#1001"


def test_duplicate_used_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orders.csv", [], [*ORDER_HEADER, "Lineitem SKU"])
    with pytest.raises(CsvFileError, match=r"^column 'Lineitem sku' appears more than once"):
        parse_orders(path)


def test_unreadable_header(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text('Name,"Email\n')
    with pytest.raises(CsvFileError, match=r"^cannot read the header row: unbalanced quotes"):
        parse_orders(path)


# ---------------------------------------------------------------------------------------------
# Orders: row errors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "reason"),
    [
        ("two", "quantity 'two' is not a whole number"),
        ("1.5", "quantity '1.5' is not a whole number"),
        ("", "missing quantity"),
        ("0", "quantity must be at least 1, not 0"),
        ("-2", "quantity must be at least 1, not -2"),
        ("10001", "quantity 10001 is implausibly large (over 10,000)"),
        (
            "99999999999999999999",
            "quantity 99999999999999999999 is implausibly large (over 10,000)",
        ),
    ],
)
def test_bad_quantity(tmp_path: Path, quantity: str, reason: str) -> None:
    records, errors = orders_in(
        tmp_path,
        order_row(),
        order_row(first=False, **{"Lineitem quantity": quantity, "Lineitem sku": "MUG"}),
        order_row("#1002"),
    )
    assert errors == [RowError(3, "Lineitem quantity", reason, key="#1001")]
    assert [r.name for r in records] == ["#1002"]


def test_quantity_with_thousands_of_digits_is_a_row_error(tmp_path: Path) -> None:
    # int() refuses strings over 4300 digits; that must not escape as a ValueError.
    _, errors = orders_in(
        tmp_path,
        order_row("#1", **{"Lineitem quantity": "9" * 5000}),
        order_row("#2", **{"Lineitem quantity": "-" + "9" * 5000}),
    )
    assert [e.row for e in errors] == [2, 3]
    assert errors[0].reason.startswith("quantity 9999")
    assert errors[0].reason.endswith("… is implausibly large (over 10,000)")
    assert errors[1].reason.startswith("quantity must be at least 1, not -9999")
    assert all(len(e.reason) < 100 for e in errors)  # the value is shortened


@pytest.mark.parametrize(("raw", "quantity"), [("10000", 10000), ("0000000000007", 7), ("+3", 3)])
def test_quantity_accepted(tmp_path: Path, raw: str, quantity: int) -> None:
    records, errors = orders_in(tmp_path, order_row(**{"Lineitem quantity": raw}))
    assert errors == [] and records[0].lines[0].quantity == quantity


def test_blank_requires_shipping_means_it_ships(tmp_path: Path) -> None:
    records, errors = orders_in(tmp_path, order_row(**{"Lineitem requires shipping": ""}))
    assert errors == [] and records[0].lines[0].requires_shipping


def test_quantity_at_the_limit_is_fine(tmp_path: Path) -> None:
    records, errors = orders_in(tmp_path, order_row(**{"Lineitem quantity": "10000"}))
    assert errors == [] and records[0].lines[0].quantity == 10000


def test_missing_sku(tmp_path: Path) -> None:
    records, errors = orders_in(
        tmp_path, order_row(**{"Lineitem sku": "", "Lineitem name": "Mystery box"})
    )
    assert records == []
    assert errors == [RowError(2, "Lineitem sku", "missing SKU (line 'Mystery box')", "#1001")]


def test_non_shipping_lines_are_kept_flagged_and_need_no_sku(tmp_path: Path) -> None:
    calls: list[str] = []
    records, errors = orders_in(
        tmp_path,
        order_row(),
        order_row(
            first=False,
            **{"Lineitem sku": "", "Lineitem name": "Tip", "Lineitem requires shipping": "false"},
        ),
        order_row(
            first=False,
            **{"Lineitem sku": "EBOOK-1", "Lineitem requires shipping": "FALSE"},
        ),
        known_skus=lambda sku: calls.append(sku) is None,
    )
    assert errors == []
    assert [(line.sku, line.requires_shipping) for line in records[0].lines] == [
        ("HOOD-NAVY-M", True),
        ("", False),
        ("EBOOK-1", False),
    ]
    assert calls == ["HOOD-NAVY-M"]  # the warehouse never picks non-shipping lines


def test_duplicate_line(tmp_path: Path) -> None:
    records, errors = orders_in(
        tmp_path,
        order_row("#1042"),
        order_row("#1042", first=False, **{"Lineitem sku": "MUG"}),
        order_row("#1042", first=False, **{"Lineitem sku": "HOOD-NAVY-M"}),
    )
    assert records == []
    assert errors == [
        RowError(
            4, "Lineitem sku", "duplicate line for SKU HOOD-NAVY-M in #1042 (rows 2 and 4)", "#1042"
        )
    ]


def test_same_sku_in_different_orders_is_fine(tmp_path: Path) -> None:
    records, errors = orders_in(tmp_path, order_row("#1"), order_row("#2"))
    assert errors == [] and len(records) == 2


@pytest.mark.parametrize(
    "column", ["Shipping Name", "Shipping Address1", "Shipping City", "Shipping Country"]
)
def test_missing_ship_to(tmp_path: Path, column: str) -> None:
    records, errors = orders_in(
        tmp_path,
        order_row(**{column: ""}),
        order_row(first=False, **{"Lineitem sku": "MUG"}),
    )
    assert records == []
    assert errors == [RowError(2, column, f"missing ship-to {column} for #1001", "#1001")]


def test_missing_ship_to_is_fine_when_cancelled_or_nothing_ships(tmp_path: Path) -> None:
    no_address = dict.fromkeys(
        ["Shipping Name", "Shipping Address1", "Shipping City", "Shipping Country"], ""
    )
    records, errors = orders_in(
        tmp_path,
        order_row("#1", **no_address, **{"Cancelled at": "2024-03-06 11:30:00 +0100"}),
        order_row("#2", **no_address, **{"Lineitem requires shipping": "false"}),
    )
    assert errors == []
    assert [r.name for r in records] == ["#1", "#2"]
    assert records[0].is_cancelled and not records[1].requires_shipping


def test_all_missing_ship_to_fields_are_listed(tmp_path: Path) -> None:
    no_address = dict.fromkeys(
        ["Shipping Name", "Shipping Address1", "Shipping City", "Shipping Country"], " "
    )
    _, errors = orders_in(tmp_path, order_row(**no_address))
    assert [e.column for e in errors] == list(no_address)


def test_conflicting_order_level_data(tmp_path: Path) -> None:
    records, errors = orders_in(
        tmp_path,
        order_row(),
        # Repeating the same Email / Created at, or leaving them blank, is what Shopify does.
        order_row(first=False, **{"Lineitem sku": "A"}),
        order_row(first=False, **{"Lineitem sku": "B", "Email": "", "Created at": ""}),
        order_row(first=False, **{"Lineitem sku": "C", "Email": "other@example.com"}),
        order_row(first=False, **{"Lineitem sku": "D", "Shipping City": "Malmö"}),
    )
    assert records == []
    assert errors == [
        RowError(
            5,
            "Email",
            "Email 'other@example.com' conflicts with 'asa@example.se' on row 2, "
            "the first row of #1001",
            "#1001",
        ),
        RowError(
            6,
            "Shipping City",
            "Shipping City 'Malmö' conflicts with 'Göteborg' on row 2, the first row of #1001",
            "#1001",
        ),
    ]


def test_rows_not_consecutive(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "orders.csv",
        [
            order_row("#1042"),
            order_row("#1043"),
            order_row("#1042", first=False, **{"Lineitem sku": "MUG"}),
            order_row("#1042", first=False, **{"Lineitem sku": "CAP"}),
            order_row("#1044"),
        ],
    )
    records, errors = split(parse_orders(path))
    assert errors == [
        RowError(
            4,
            "Name",
            "rows of #1042 are not consecutive: it starts on row 2 and appears again here "
            "after #1043",
            "#1042",
        )
    ]
    # #1042 streamed out before its stray rows were seen; the error's key retracts it.
    assert [r.name for r in records] == ["#1042", "#1043", "#1044"]
    assert [r.name for r in read_all(parse_orders(path))[0]] == ["#1043", "#1044"]


def test_unknown_sku_hook_called_once_per_sku(tmp_path: Path) -> None:
    calls: list[str] = []

    def known(sku: str) -> bool:
        calls.append(sku)
        return sku != "GHOST-1"

    records, errors = orders_in(
        tmp_path,
        order_row("#1"),
        order_row("#1", first=False, **{"Lineitem sku": "GHOST-1"}),
        order_row("#2"),
        order_row("#3", **{"Lineitem sku": "GHOST-1"}),
        known_skus=known,
    )
    assert errors == [
        RowError(3, "Lineitem sku", "unknown SKU GHOST-1", "#1"),
        RowError(5, "Lineitem sku", "unknown SKU GHOST-1", "#3"),
    ]
    assert [r.name for r in records] == ["#2"]
    assert calls == ["HOOD-NAVY-M", "GHOST-1"]


@pytest.mark.parametrize(
    ("cols", "expected"),
    [
        (
            {"Created at": "05/03/2024 14:02"},
            RowError(
                2,
                "Created at",
                "'05/03/2024 14:02' is not a date-time like '2024-03-05 14:02:11 +0100'",
                "#1001",
            ),
        ),
        (
            {"Created at": "2024-03-05 14:02:11"},  # no UTC offset: ambiguous
            RowError(
                2,
                "Created at",
                "'2024-03-05 14:02:11' is not a date-time like '2024-03-05 14:02:11 +0100'",
                "#1001",
            ),
        ),
        (
            {"Created at": "2024-13-05 14:02:11 +0100"},
            RowError(
                2,
                "Created at",
                "'2024-13-05 14:02:11 +0100' is not a date-time like '2024-03-05 14:02:11 +0100'",
                "#1001",
            ),
        ),
        ({"Created at": ""}, RowError(2, "Created at", "missing Created at for #1001", "#1001")),
        (
            {"Cancelled at": "yesterday"},
            RowError(
                2,
                "Cancelled at",
                "'yesterday' is not a date-time like '2024-03-05 14:02:11 +0100'",
                "#1001",
            ),
        ),
        (
            {"Shipping Country": "Sweden"},
            RowError(
                2, "Shipping Country", "'Sweden' is not an ISO 3166-1 country code like SE", "#1001"
            ),
        ),
        (
            {"Shipping Country": "ZZ"},
            RowError(
                2, "Shipping Country", "'ZZ' is not an ISO 3166-1 country code like SE", "#1001"
            ),
        ),
        (
            {"Lineitem requires shipping": "maybe"},
            RowError(2, "Lineitem requires shipping", "'maybe' is not true or false", "#1001"),
        ),
        (
            {"Lineitem price": "59,00"},
            RowError(2, "Lineitem price", "price '59,00' is not a valid amount", "#1001"),
        ),
        (
            {"Lineitem price": "-1"},
            RowError(2, "Lineitem price", "price '-1' is not a valid amount", "#1001"),
        ),
        (
            {"Lineitem price": "NaN"},
            RowError(2, "Lineitem price", "price 'NaN' is not a valid amount", "#1001"),
        ),
        ({"Lineitem price": ""}, RowError(2, "Lineitem price", "missing price", "#1001")),
        (
            # Prints "AnnaBank" on the label: the API's rule too (domain/text.py).
            {"Shipping Name": "Anna\u202eknaB"},
            RowError(
                2,
                "Shipping Name",
                "holds the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE); retype it",
                "#1001",
            ),
        ),
        (
            {"Lineitem name": "Mug\u2066"},
            RowError(
                2,
                "Lineitem name",
                "holds the invisible character U+2066 (LEFT-TO-RIGHT ISOLATE); retype it",
                "#1001",
            ),
        ),
    ],
)
def test_bad_order_values(tmp_path: Path, cols: dict[str, str], expected: RowError) -> None:
    records, errors = orders_in(tmp_path, order_row(**cols), order_row("#1002"))
    assert errors == [expected]
    assert [r.name for r in records] == ["#1002"]


def test_country_code_is_upper_cased(tmp_path: Path) -> None:
    records, _ = orders_in(tmp_path, order_row(**{"Shipping Country": "se"}))
    assert records[0].ship_to.country == "SE"


def test_missing_name_taints_neighbours(tmp_path: Path) -> None:
    records, errors = orders_in(
        tmp_path,
        order_row("#1"),
        order_row("", first=False, **{"Lineitem sku": "MUG"}),
        order_row("#1", first=False, **{"Lineitem sku": "CAP"}),
        order_row("#2"),
    )
    assert errors == [
        RowError(3, "Name", "missing order Name"),
        RowError(
            2, "Name", "#1 skipped: row 3 could not be read and may be one of its lines", "#1"
        ),
    ]
    assert [r.name for r in records] == ["#2"]


def test_blank_lines_count_as_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "orders.csv",
        [order_row("#1"), [], order_row("#2", **{"Lineitem quantity": "x"})],
    )
    records, errors = split(parse_orders(path))
    assert [r.name for r in records] == ["#1"]
    assert errors[0].row == 4  # a spreadsheet shows the blank line as row 3


def test_rows_after_multiline_fields_are_numbered_as_a_spreadsheet_shows_them(
    tmp_path: Path,
) -> None:
    records, errors = orders_in(
        tmp_path,
        order_row("#1", **{"Notes": "line 1\nline 2\nline 3", "Note Attributes": "a: 1\nb: 2"}),
        order_row("#2", **{"Notes": "x\r\ny"}),
        order_row("#3", **{"Lineitem quantity": "0"}),
    )
    assert [r.row for r in records] == [2, 3]
    assert [e.row for e in errors] == [4]


def test_row_with_wrong_number_of_fields(tmp_path: Path) -> None:
    def cells(name: str) -> list[str]:
        row = order_row(name)
        return [row.get(c, "") for c in ORDER_HEADER]

    shifted = cells("#2")
    shifted.insert(30, "oops")  # an unquoted comma in an address shifts everything right
    records, errors = orders_in(
        tmp_path,
        order_row("#1"),
        order_row("#1", first=False, **{"Lineitem sku": "MUG"}),
        shifted,
        cells("#3")[:-3],
        # Even empty extra fields: a stray comma leaves the shifted-off last columns empty.
        [*cells("#4"), "", ""],
        order_row("#5"),
    )
    n = len(ORDER_HEADER)

    def wrong(row: int, fields: int, key: str) -> RowError:
        reason = (
            f"row has {fields} fields but the header has {n}: a comma is missing or extra "
            "(unquoted), so its values would land in the wrong columns"
        )
        return RowError(row, "", reason, key)

    assert errors == [wrong(4, n + 1, "#2"), wrong(5, n - 3, "#3"), wrong(6, n + 2, "#4")]
    assert [r.name for r in records] == ["#1", "#5"]


def test_huge_field(tmp_path: Path) -> None:
    huge = "x" * (3 * MAX_FIELD_CHARS)
    records, errors = orders_in(
        tmp_path,
        order_row("#1"),
        order_row("#1", first=False, **{"Lineitem sku": "MUG"}),
        order_row("#2", **{"Notes": huge}),
        order_row("#2", first=False, **{"Lineitem sku": "MUG"}),
        order_row("#3"),
        order_row("#4", **{"Lineitem quantity": "0"}),
    )
    assert errors == [
        RowError(4, "", "field longer than 1 MiB (check for an unclosed quote)"),
        RowError(
            2, "Name", "#1 skipped: row 4 could not be read and may be one of its lines", "#1"
        ),
        RowError(
            5, "Name", "#2 skipped: row 4 could not be read and may be one of its lines", "#2"
        ),
        RowError(7, "Lineitem quantity", "quantity must be at least 1, not 0", "#4"),
    ]
    # Reading carries on after the bad row, with row numbers intact.
    assert [(r.name, r.row) for r in records] == [("#3", 6)]


def test_huge_line_of_many_fields_is_skipped_in_chunks(tmp_path: Path) -> None:
    row = order_row("#2")
    cells = [row.get(c, "") for c in ORDER_HEADER]
    cells[ORDER_HEADER.index("Notes")] = "n" * (MAX_FIELD_CHARS - 10)
    for column in ("Billing Street", "Billing Address1", "Billing Address2", "Billing Company"):
        cells[ORDER_HEADER.index(column)] = "b" * (MAX_FIELD_CHARS - 10)
    records, errors = orders_in(tmp_path, order_row("#1"), cells, order_row("#3"), order_row("#4"))
    assert errors[0] == RowError(3, "", "line longer than 4 MiB")
    assert [(r.name, r.row) for r in records] == [("#4", 5)]


def test_unbalanced_quote_at_end_of_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orders.csv", [order_row("#1"), order_row("#2")])
    with open(path, "a", encoding="utf-8", newline="") as f:
        f.write('#3,x@example.com,paid,,unfulfilled,,,SEK,,,,,,,,"2024-03-05 14:02:11 +0100,1\n')
        f.write("more text that is swallowed by the open quote\n")
    records, errors = split(parse_orders(path))
    assert errors == [
        RowError(4, "", "unbalanced quotes: a quoted field starting on this row is never closed"),
        RowError(
            3, "Name", "#2 skipped: row 4 could not be read and may be one of its lines", "#2"
        ),
    ]
    assert [r.name for r in records] == ["#1"]


def test_malformed_quoting_mid_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orders.csv", [order_row("#1")])
    with open(path, "a", encoding="utf-8", newline="") as f:
        f.write('#2,"a"b@example.com\n')
    write_rows = [order_row("#3")]
    with open(path, "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(
            [r.get(c, "") for c in ORDER_HEADER] for r in write_rows
        )
    records, errors = split(parse_orders(path))
    assert errors[0].row == 3
    assert errors[0].reason.startswith("malformed CSV quoting (")
    assert [r.row for r in errors] == [3, 2, 4]


# ---------------------------------------------------------------------------------------------
# read_all
# ---------------------------------------------------------------------------------------------


def test_read_all_splits_and_drops_keyed_records() -> None:
    record = read_all(parse_orders(ORDERS_CSV))[0][0]
    items = [record, RowError(9, "", "unrelated"), RowError(12, "Name", "x", key="#9999")]
    assert read_all(items) == ([record], items[1:])
    assert read_all([record, RowError(20, "Name", "x", key=record.name)])[0] == []


# ---------------------------------------------------------------------------------------------
# Round trip: random orders written the way Shopify writes them parse back equal
# ---------------------------------------------------------------------------------------------

_ALPHABET = "abcXYZ019 ,;\"'-#/.&()åäöÅÄÖéü김민준서울특별시강남구"
_text = st.text(alphabet=_ALPHABET, max_size=16).map(str.strip)
_nonempty = _text.filter(bool)
_no_apostrophe = st.text(alphabet=_ALPHABET.replace("'", ""), max_size=12).map(str.strip)
_multiline = st.text(alphabet=_ALPHABET + "\n", max_size=40).map(str.strip)
_sku = st.text(alphabet="ABCDEFGHJK0123456789-", min_size=1, max_size=10)
_tag = st.text(alphabet=_ALPHABET.replace(",", ""), max_size=10).map(str.strip).filter(bool)
_attr_key = (
    st.text(alphabet=_ALPHABET.replace(",", "") + "_", max_size=12).map(str.strip).filter(bool)
)
_attr_value = st.text(alphabet=_ALPHABET + ":", max_size=20).map(str.strip)
_zones = st.sampled_from([UTC, CET, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5))])
_when = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=_zones
).map(lambda d: d.replace(microsecond=0))


@st.composite
def _orders(draw: st.DrawFn) -> list[OrderRecord]:
    numbers = draw(st.lists(st.integers(1000, 99999), min_size=1, max_size=4, unique=True))
    orders = []
    for number in numbers:
        skus = draw(st.lists(_sku, min_size=1, max_size=4, unique=True))
        lines = [
            OrderLineRecord(
                row=0,
                sku=sku,
                name=draw(_text),
                quantity=draw(st.integers(1, 10_000)),
                price=draw(st.decimals(min_value=0, max_value=99999, places=2)),
                requires_shipping=draw(st.booleans()),
            )
            for sku in skus
        ]
        orders.append(
            OrderRecord(
                row=0,
                name=f"#{number}",
                email=draw(_text),
                phone=draw(_no_apostrophe),
                financial_status=draw(st.sampled_from(["paid", "pending", "refunded"])),
                fulfillment_status=draw(st.sampled_from(["", "unfulfilled", "partial"])),
                shipping_method=draw(_text),
                created_at=draw(_when),
                cancelled_at=draw(st.none() | _when),
                notes=draw(_multiline),
                note_attributes=draw(st.dictionaries(_attr_key, _attr_value, max_size=3)),
                tags=draw(st.lists(_tag, max_size=3)),
                ship_to=ShipTo(
                    name=draw(_nonempty),
                    company=draw(_text),
                    address1=draw(_nonempty),
                    address2=draw(_text),
                    city=draw(_nonempty),
                    zip=draw(_no_apostrophe),
                    province=draw(_text),
                    country=draw(st.sampled_from(["SE", "KR", "US", "DE"])),
                    phone=draw(_no_apostrophe),
                ),
                source=draw(_text),
                lines=lines,
            )
        )
    return orders


def _shopify_time(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S %z")


def _to_csv(orders: list[OrderRecord], repeat: list[bool], bom: bool, newline: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(ORDER_HEADER)
    for order, repeat_common in zip(orders, repeat, strict=True):
        for i, line in enumerate(order.lines):
            row = {
                "Name": order.name,
                "Lineitem quantity": str(line.quantity),
                "Lineitem name": line.name,
                "Lineitem price": str(line.price),
                "Lineitem sku": line.sku,
                "Lineitem requires shipping": "true" if line.requires_shipping else "false",
            }
            if i == 0 or repeat_common:
                row["Email"] = order.email
                row["Created at"] = _shopify_time(order.created_at)
            if i == 0:
                ship = order.ship_to
                row.update(
                    {
                        "Phone": order.phone,
                        "Financial Status": order.financial_status,
                        "Fulfillment Status": order.fulfillment_status,
                        "Shipping Method": order.shipping_method,
                        "Cancelled at": _shopify_time(order.cancelled_at),
                        "Notes": order.notes,
                        "Note Attributes": "\n".join(
                            f"{k}: {v}" for k, v in order.note_attributes.items()
                        ),
                        "Tags": ", ".join(order.tags),
                        "Source": order.source,
                        "Shipping Name": ship.name,
                        "Shipping Company": ship.company,
                        "Shipping Address1": ship.address1,
                        "Shipping Address2": ship.address2,
                        "Shipping City": ship.city,
                        "Shipping Zip": ship.zip,
                        "Shipping Province": ship.province,
                        "Shipping Country": ship.country,
                        "Shipping Phone": ship.phone,
                    }
                )
            writer.writerow([row.get(column, "") for column in ORDER_HEADER])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def _numbered(orders: list[OrderRecord]) -> list[OrderRecord]:
    numbered, row = [], 2
    for order in orders:
        lines = [
            OrderLineRecord(row + i, ln.sku, ln.name, ln.quantity, ln.price, ln.requires_shipping)
            for i, ln in enumerate(order.lines)
        ]
        fields = {f: getattr(order, f) for f in OrderRecord.__dataclass_fields__}
        numbered.append(OrderRecord(**{**fields, "row": row, "lines": lines}))
        row += len(lines)
    return numbered


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    _orders(),
    st.data(),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),
)
def test_orders_round_trip(
    orders: list[OrderRecord], data: st.DataObject, bom: bool, newline: str
) -> None:
    repeat = data.draw(st.lists(st.booleans(), min_size=len(orders), max_size=len(orders)))
    payload = _to_csv(orders, repeat, bom, newline)
    parsed = list(parse_orders(io.BytesIO(payload)))
    assert parsed == _numbered(orders)
    for got, want in zip(parsed, orders, strict=True):
        assert isinstance(got, OrderRecord)
        assert got.created_at.utcoffset() == want.created_at.utcoffset()


# ---------------------------------------------------------------------------------------------
# Fulfilments CSV
# ---------------------------------------------------------------------------------------------

SHIPPED = datetime(2024, 3, 6, 16, 45, 0, tzinfo=CET)


def _read_back(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_write_fulfillments(tmp_path: Path) -> None:
    path = tmp_path / "fulfilments.csv"
    rows = [
        FulfillmentRow(
            "#1041",
            "HOOD-NAVY-M",
            2,
            "CJ대한통운",
            "EMS 국제특급",
            ("EE123456789KR", "EE123456790KR"),
            SHIPPED,
        ),
        FulfillmentRow("#1042", "SOCK-ARE-3639", 2, "PostNord", "Ombud, Göteborg", ["0070"]),
    ]
    assert write_fulfillments_csv(rows, path) == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbfName,Fulfillment Status,")
    assert _read_back(path) == [
        {
            "Name": "#1041",
            "Fulfillment Status": "fulfilled",
            "Lineitem sku": "HOOD-NAVY-M",
            "Lineitem quantity": "2",
            "Tracking Company": "CJ대한통운",
            "Shipping Service": "EMS 국제특급",
            "Tracking Number": "EE123456789KR, EE123456790KR",
            "Shipped At": "2024-03-06 16:45:00 +0100",
        },
        {
            "Name": "#1042",
            "Fulfillment Status": "fulfilled",
            "Lineitem sku": "SOCK-ARE-3639",
            "Lineitem quantity": "2",
            "Tracking Company": "PostNord",
            "Shipping Service": "Ombud, Göteborg",
            "Tracking Number": "0070",
            "Shipped At": "",
        },
    ]
    assert list(_read_back(path)[0]) == list(FULFILLMENT_COLUMNS)
    assert [p.name for p in tmp_path.iterdir()] == ["fulfilments.csv"]


def test_single_tracking_number_as_plain_string() -> None:
    out = io.StringIO()
    write_fulfillments_csv([FulfillmentRow("#1", "A", 1, tracking_numbers="EE123456789KR")], out)
    assert out.getvalue().splitlines()[1] == "#1,fulfilled,A,1,,,EE123456789KR,"


def test_fulfillments_csv_text_cannot_run_as_a_formula() -> None:
    out = io.StringIO()
    write_fulfillments_csv(
        [FulfillmentRow("#1", "-SKU", 1, '=HYPERLINK("http://x.test")', "@Home", ["+1"])], out
    )
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["Lineitem sku"] == "'-SKU"
    assert row["Tracking Company"] == '\'=HYPERLINK("http://x.test")'
    assert (row["Shipping Service"], row["Tracking Number"]) == ("'@Home", "'+1")


def test_write_fulfillments_to_stream_without_bom() -> None:
    out = io.StringIO()
    assert write_fulfillments_csv([], out) == 0
    assert out.getvalue() == ",".join(FULFILLMENT_COLUMNS) + "\r\n"
    out = io.StringIO()
    write_fulfillments_csv([FulfillmentRow("#1", "A", 1)], out)
    assert out.getvalue().splitlines()[1] == "#1,fulfilled,A,1,,,,"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (FulfillmentRow("", "A", 1), "needs an order name and a SKU"),
        (FulfillmentRow("#1", " ", 1), "needs an order name and a SKU"),
        (FulfillmentRow("#1", "A", 0), "quantity must be a positive integer"),
        (FulfillmentRow("#1", "A", True), "quantity must be a positive integer"),
        (FulfillmentRow("#1", "A", 1, tracking_numbers=("1,2",)), "contains a comma"),
        (
            FulfillmentRow("#1", "A", 1, shipped_at=datetime(2024, 3, 6, 16, 45)),
            "must be timezone-aware",
        ),
    ],
)
def test_write_fulfillments_rejects_bad_rows_atomically(
    tmp_path: Path, row: FulfillmentRow, message: str
) -> None:
    path = tmp_path / "fulfilments.csv"
    path.write_text("previous export\n")
    with pytest.raises(ValueError, match=message):
        write_fulfillments_csv([FulfillmentRow("#0", "OK", 1), row], path)
    assert path.read_text() == "previous export\n"  # untouched, and no temp file left behind
    assert [p.name for p in tmp_path.iterdir()] == ["fulfilments.csv"]


@given(
    st.lists(
        st.builds(
            FulfillmentRow,
            name=_nonempty,
            sku=_sku,
            quantity=st.integers(1, 10_000),
            tracking_company=_text,
            shipping_service=_multiline,
            tracking_numbers=st.lists(
                st.text(alphabet="ABCDEFGHJK0123456789 ", max_size=14).map(str.strip).filter(bool),
                max_size=3,
            ).map(tuple),
            shipped_at=st.none() | _when,
        ),
        max_size=5,
    )
)
def test_write_fulfillments_round_trip(rows: list[FulfillmentRow]) -> None:
    out = io.StringIO()
    write_fulfillments_csv(rows, out)
    back = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert [
        (
            r["Name"],
            r["Lineitem sku"],
            int(r["Lineitem quantity"]),
            r["Tracking Company"],
            r["Shipping Service"],
            tuple(filter(None, r["Tracking Number"].split(", "))),
            r["Shipped At"],
        )
        for r in back
    ] == [
        (
            # Text a spreadsheet would evaluate comes back with its apostrophe (csv_safety).
            neutralise(row.name),
            neutralise(row.sku),
            row.quantity,
            neutralise(row.tracking_company),
            neutralise(row.shipping_service),
            tuple(row.tracking_numbers),
            _shopify_time(row.shipped_at),
        )
        for row in rows
    ]
