#!/usr/bin/env python3
"""Deterministic generator for the ``wms demo`` seed CSVs.

Stdlib only. Re-running it rewrites every CSV in the package's ``wms_tui/demo_data/``
byte for byte (the files ``wms demo`` reads, shipped in the wheel)::

    python tools/generate_demo.py            # writes wms_tui/demo_data/
    python tools/generate_demo.py --out DIR  # writes somewhere else

All files are UTF-8 (no BOM), comma separated, with a header row and ``\\n`` line endings;
``;`` separates list values inside a field (barcodes, roles, tags).
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240611
DEMO_DATA = Path(__file__).resolve().parents[1] / "wms_tui" / "demo_data"

GS1_PREFIX = "7350053"  # 7-digit demo company prefix -> 5-digit item reference
ITEM_REF_FIRST = 1  # consumer unit barcodes 7350053 00001 ...
ITEM_REF_SECOND = 50001  # second (alternative) barcodes
ITEM_REF_CASE = 90001  # case (outer carton) barcodes

ROLES = ("picker", "packer", "receiver", "supervisor")

ORDER_STATUSES: dict[str, int] = {
    "NEW": 15,
    "READY_TO_PICK": 30,
    "BACKORDERED": 8,
    "ON_HOLD": 5,
    "PICKING": 5,
    "PICKED": 10,
    "PACKING": 3,
    "PACKED": 10,
    "DISPATCHED": 10,
    "CANCELLED": 3,
    "RETURNED": 1,
}
# Demo order names: a shop's own numbers start at #1001 (Shopify's default), so
# the letter keeps an import of real orders from updating demo orders.
ORDER_PREFIX = "#D"
# Orders in these states no longer hold stock in the warehouse.
TERMINAL_STATUSES = frozenset({"DISPATCHED", "CANCELLED", "RETURNED"})

# created_minutes_ago range (min, max) per status: the life cycle runs oldest -> newest.
CREATED_RANGE: dict[str, tuple[int, int]] = {
    "NEW": (5, 240),
    "READY_TO_PICK": (30, 3600),
    "BACKORDERED": (1440, 8640),
    "ON_HOLD": (720, 7200),
    "PICKING": (20, 1440),
    "PICKED": (60, 2160),
    "PACKING": (60, 1440),
    "PACKED": (120, 2880),
    "DISPATCHED": (2160, 10080),
    "CANCELLED": (1440, 8640),
    "RETURNED": (9360, 10080),
}

HEADERS: dict[str, list[str]] = {
    "warehouse.csv": [
        "code",
        "name",
        "address1",
        "address2",
        "city",
        "zip",
        "region",
        "country_code",
        "phone",
        "gs1_company_prefix",
        "sscc_extension",
    ],
    "locations.csv": ["code", "zone", "aisle", "bay", "level", "kind"],
    "products.csv": [
        "sku",
        "name",
        "option1_name",
        "option1_value",
        "option2_name",
        "option2_value",
        "barcodes",
        "weight_g",
        "length_mm",
        "width_mm",
        "height_mm",
        "fragile",
        "case_barcode",
        "case_qty",
        "reorder_point",
        "max_stock",
        "zone",
        "hs_code",
        "origin_country",
        "customs_value",
        "dangerous_goods",
    ],
    "stock.csv": ["sku", "location", "qty", "received_days_ago"],
    "operators.csv": ["badge", "name", "roles", "pin"],
    "carriers.csv": [
        "code",
        "name",
        "tracking_prefix",
        "tracking_length",
        "tracking_check",
        "tracking_start",
    ],
    "services.csv": ["carrier", "code", "name", "cutoff", "transit_days", "express"],
    "cartons.csv": [
        "code",
        "name",
        "inner_length_mm",
        "inner_width_mm",
        "inner_height_mm",
        "max_weight_g",
        "own_weight_g",
    ],
    "orders.csv": [
        "name",
        "channel",
        "customer_name",
        "email",
        "phone",
        "ship_name",
        "ship_company",
        "ship_address1",
        "ship_address2",
        "ship_city",
        "ship_zip",
        "ship_province",
        "ship_country",
        "shipping_method",
        "carrier",
        "service",
        "status",
        "priority",
        "created_minutes_ago",
        "promised_in_days",
        "notes",
        "gift_message",
        "tags",
        "financial_status",
    ],
    "order_lines.csv": ["order", "sku", "quantity", "price"],
    "asn.csv": ["reference", "supplier", "expected_date", "sku", "quantity"],
}

Row = dict[str, str | int]


# --------------------------------------------------------------------------- helpers


def ean13(body12: str) -> str:
    """Return ``body12`` with its GS1 mod-10 check digit appended."""
    if len(body12) != 12 or not body12.isdigit():
        raise ValueError(f"need 12 digits, got {body12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def demo_ean(item_ref: int) -> str:
    return ean13(f"{GS1_PREFIX}{item_ref:05d}")


def fmt_bool(value: bool) -> str:
    return "true" if value else "false"


def fmt_price(value: float) -> str:
    return f"{value:.2f}"


def write_csv(out_dir: Path, filename: str, rows: Iterable[Row]) -> int:
    header = HEADERS[filename]
    count = 0
    with (out_dir / filename).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            if set(row) != set(header):
                raise ValueError(f"{filename}: columns {sorted(row)} != {sorted(header)}")
            writer.writerow(row)
            count += 1
    return count


# --------------------------------------------------------------------------- warehouse


def warehouse_rows() -> list[Row]:
    return [
        {
            "code": "JKG1",
            "name": "Nordlys Fulfilment",
            "address1": "Lagervägen 7",
            "address2": "Port 3",
            "city": "Jönköping",
            "zip": "553 03",
            "region": "Jönköpings län",
            "country_code": "SE",
            "phone": "+46 70 174 06 05",
            "gs1_company_prefix": GS1_PREFIX,
            "sscc_extension": 0,
        }
    ]


# --------------------------------------------------------------------------- locations

PICK_AISLES = range(1, 11)
PICK_BAYS = range(1, 21)
PICK_LEVELS = "ABC"
BULK_AISLES = (11, 12)
BULK_BAYS = range(1, 9)
BULK_LEVELS = "AB"


def pick_zone(aisle: int) -> str:
    return "A" if aisle <= 5 else "B"


def bin_code(zone: str, aisle: int, bay: int, level: str) -> str:
    return f"{zone}-{aisle:02d}-{bay}-{level}"


def pick_bins(zone: str) -> list[str]:
    """Pick bins of a zone in walking order (aisle, bay, level)."""
    return [
        bin_code(zone, aisle, bay, level)
        for aisle in PICK_AISLES
        if pick_zone(aisle) == zone
        for bay in PICK_BAYS
        for level in PICK_LEVELS
    ]


def bulk_locations() -> list[str]:
    return [
        bin_code("R", aisle, bay, level)
        for aisle in BULK_AISLES
        for bay in BULK_BAYS
        for level in BULK_LEVELS
    ]


def location_rows() -> list[Row]:
    rows: list[Row] = []
    for aisle in PICK_AISLES:
        zone = pick_zone(aisle)
        for bay in PICK_BAYS:
            for level in PICK_LEVELS:
                rows.append(
                    {
                        "code": bin_code(zone, aisle, bay, level),
                        "zone": zone,
                        "aisle": aisle,
                        "bay": bay,
                        "level": level,
                        "kind": "pick",
                    }
                )
    for aisle in BULK_AISLES:
        for bay in BULK_BAYS:
            for level in BULK_LEVELS:
                rows.append(
                    {
                        "code": bin_code("R", aisle, bay, level),
                        "zone": "R",
                        "aisle": aisle,
                        "bay": bay,
                        "level": level,
                        "kind": "bulk",
                    }
                )
    specials: list[tuple[str, str, str]] = [
        ("RCV-1", "RCV", "receiving"),
        ("RCV-2", "RCV", "receiving"),
        ("QUAR-1", "QUAR", "quarantine"),
        *((f"PACK-{n}", "PACK", "pack") for n in range(1, 5)),
        *((f"DSP-{c}", "DSP", "dispatch") for c in ("CJ", "PN", "DHL", "UPS", "USPS")),
        *((f"T-{n:04d}", "TOTE", "tote") for n in range(1, 61)),
    ]
    for code, zone, kind in specials:
        rows.append({"code": code, "zone": zone, "aisle": 0, "bay": 0, "level": "-", "kind": kind})
    return rows


# --------------------------------------------------------------------------- products

Dims = tuple[int, int, int]
Option = tuple[str, str]  # (sku code, display value)
SIZE_FACTOR = {"S": 0.9, "M": 1.0, "L": 1.1, "XL": 1.2}
APPAREL = ("S", "M", "L", "XL")


@dataclass
class Base:
    code: str
    name: str
    lang: str  # en / ko / sv
    zone: str  # preferred pick zone A / B
    weight_g: int
    dims: Dims
    price: float
    opt1: tuple[str, Sequence[Option]] | None = None
    opt2: tuple[str, Sequence[Option]] | None = None
    fragile: bool = False
    case_qty: int = 0
    reorder: int = 10
    max_stock: int = 80
    # per option-1 code: (weight_g, dims, price) replacing the base values
    overrides: dict[str, tuple[int, Dims, float]] = field(default_factory=dict)


def sizes(label: str = "Size", values: Sequence[str] = APPAREL) -> tuple[str, list[Option]]:
    return (label, [(v, v) for v in values])


def opts(label: str, *pairs: str) -> tuple[str, list[Option]]:
    """``opts("Colour", "BLK", "Black", "WHT", "White")``."""
    return (label, [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)])


BASES: list[Base] = [
    # ---- English -------------------------------------------------------------------
    Base(
        "TS-ORG",
        "Organic Cotton Tee",
        "en",
        "A",
        180,
        (300, 250, 20),
        299,
        opts("Colour", "BLK", "Black", "WHT", "White", "NVY", "Navy"),
        sizes(),
        reorder=8,
        max_stock=60,
    ),
    Base(
        "HD-HVY",
        "Heavyweight Hoodie",
        "en",
        "A",
        650,
        (350, 300, 60),
        699,
        opts("Colour", "GRY", "Grey Melange", "BLK", "Black"),
        sizes(),
        reorder=5,
        max_stock=40,
    ),
    Base(
        "SK-CRW",
        "Everyday Crew Socks",
        "en",
        "A",
        60,
        (200, 100, 15),
        129,
        opts("Colour", "WHT", "White", "BLK", "Black"),
        sizes(values=("S", "M", "L")),
        reorder=12,
        max_stock=120,
    ),
    Base(
        "BN-RIB",
        "Rib Knit Beanie",
        "en",
        "A",
        90,
        (220, 200, 30),
        249,
        opts("Colour", "OAT", "Oatmeal", "FOR", "Forest", "RST", "Rust"),
    ),
    Base(
        "BG-CNV",
        "Canvas Tote Bag",
        "en",
        "A",
        220,
        (380, 300, 10),
        179,
        opts("Colour", "NAT", "Natural", "BLK", "Black"),
    ),
    Base(
        "MG-STN",
        "Stoneware Mug 350 ml",
        "en",
        "B",
        350,
        (120, 90, 100),
        189,
        opts("Colour", "WHT", "Chalk White", "SGE", "Sage", "SND", "Sand"),
        fragile=True,
        case_qty=6,
        reorder=12,
        max_stock=96,
    ),
    Base(
        "VS-BUD",
        "Glass Bud Vase",
        "en",
        "B",
        280,
        (80, 80, 160),
        249,
        opts("Colour", "CLR", "Clear", "AMB", "Amber", "SMK", "Smoke"),
        fragile=True,
    ),
    Base(
        "CN-SOY",
        "Soy Wax Candle",
        "en",
        "B",
        320,
        (85, 85, 100),
        229,
        opts("Scent", "CED", "Cedar & Moss", "FIG", "Wild Fig", "SEA", "Sea Salt"),
        case_qty=12,
        reorder=12,
        max_stock=120,
    ),
    Base(
        "TW-WFL",
        "Waffle Bath Towel",
        "en",
        "B",
        600,
        (350, 250, 80),
        349,
        opts("Colour", "WHT", "White", "GRY", "Grey"),
    ),
    Base(
        "EB-AIR",
        "Wireless Earbuds Air",
        "en",
        "B",
        150,
        (110, 90, 45),
        899,
        opts("Colour", "BLK", "Black", "WHT", "White"),
        reorder=5,
        max_stock=40,
    ),
    Base(
        "PC-SLM",
        "Slim Phone Case",
        "en",
        "B",
        40,
        (170, 95, 20),
        249,
        opts("Model", "I15", "iPhone 15", "I15P", "iPhone 15 Pro", "S24", "Galaxy S24"),
        opts("Colour", "BLK", "Black", "CLR", "Clear"),
    ),
    Base(
        "CB-USC",
        "Braided USB-C Cable",
        "en",
        "B",
        45,
        (120, 80, 20),
        149,
        opts("Length", "1M", "1 m", "2M", "2 m"),
        reorder=15,
        max_stock=150,
        overrides={"2M": (70, (120, 80, 25), 179)},
    ),
    Base(
        "PB-10K",
        "Power Bank 10000 mAh",
        "en",
        "B",
        220,
        (140, 70, 20),
        399,
        reorder=6,
        max_stock=50,
    ),
    Base(
        "NB-DOT",
        "Dot Grid Notebook A5",
        "en",
        "A",
        280,
        (215, 150, 15),
        159,
        opts("Colour", "BLK", "Black", "OLV", "Olive", "TER", "Terracotta"),
        case_qty=12,
        reorder=12,
        max_stock=120,
    ),
    Base(
        "PN-GEL",
        "Gel Pen Set (6 pcs)",
        "en",
        "A",
        70,
        (160, 90, 15),
        99,
        opts("Tip", "05", "0.5 mm", "038", "0.38 mm"),
        reorder=15,
        max_stock=150,
    ),
    Base(
        "WT-SET",
        "Washi Tape Set",
        "en",
        "A",
        80,
        (100, 100, 40),
        89,
        opts("Design", "BOT", "Botanical", "GEO", "Geometric"),
    ),
    Base(
        "PS-ART",
        "Art Print 50x70",
        "en",
        "A",
        250,
        (720, 80, 80),
        399,
        opts("Motif", "NLT", "Northern Lights", "ARC", "Archipelago"),
        reorder=4,
        max_stock=30,
    ),
    Base(
        "LM-CLP",
        "LED Clip Lamp",
        "en",
        "B",
        300,
        (200, 120, 80),
        349,
        opts("Colour", "WHT", "White", "BLK", "Black"),
        reorder=5,
        max_stock=40,
    ),
    Base("EP-SET", "Enamel Pin Set", "en", "A", 40, (120, 90, 15), 119),
    # ---- Korean --------------------------------------------------------------------
    Base(
        "NB-HNJ",
        "한지 노트북",
        "ko",
        "A",
        230,
        (215, 150, 15),
        189,
        opts("사이즈", "A5", "A5", "B6", "B6"),
        opts("색상", "IVR", "아이보리", "IND", "쪽빛"),
        reorder=10,
        max_stock=100,
        overrides={"B6": (170, (182, 128, 15), 159)},
    ),
    Base(
        "KB-GTC",
        "녹차 폼 클렌저",
        "ko",
        "B",
        190,
        (180, 55, 40),
        189,
        opts("용량", "150", "150 ml", "050", "50 ml"),
        case_qty=12,
        reorder=12,
        max_stock=120,
        overrides={"050": (75, (120, 35, 30), 89)},
    ),
    Base(
        "KB-CSN",
        "글로우 쿠션 팩트",
        "ko",
        "B",
        110,
        (90, 90, 35),
        329,
        opts("호수", "13", "13호 포슬린", "21", "21호 라이트", "23", "23호 내추럴"),
    ),
    Base(
        "KB-MSK",
        "시트 마스크",
        "ko",
        "B",
        25,
        (180, 120, 3),
        29,
        opts("종류", "ALO", "알로에", "GRT", "녹차", "RCE", "쌀"),
        opts("수량", "1P", "1매", "10P", "10매"),
        reorder=20,
        max_stock=200,
    ),
    Base(
        "KB-SUN",
        "데일리 선크림 SPF50+",
        "ko",
        "B",
        80,
        (140, 45, 35),
        219,
        opts("타입", "MLD", "마일드", "TNU", "톤업"),
        case_qty=12,
        reorder=12,
        max_stock=120,
    ),
    Base(
        "KB-TNT",
        "워터 립 틴트",
        "ko",
        "B",
        20,
        (95, 25, 25),
        149,
        opts("색상", "CRL", "코랄", "RSE", "로즈", "BRK", "브릭"),
    ),
    Base("KB-TNR", "어성초 토너 200ml", "ko", "B", 260, (160, 60, 60), 249),
    Base("KB-CRM", "세라마이드 수분 크림", "ko", "B", 120, (80, 80, 60), 289),
    Base(
        "MG-DAL",
        "달항아리 머그",
        "ko",
        "B",
        380,
        (110, 110, 110),
        289,
        opts("색상", "WHT", "백자", "CEL", "청자"),
        fragile=True,
        case_qty=6,
    ),
    Base(
        "BX-NAC",
        "자개 보석함",
        "ko",
        "B",
        420,
        (180, 120, 70),
        890,
        fragile=True,
        reorder=3,
        max_stock=20,
    ),
    Base(
        "SK-BSN",
        "버선 양말 3켤레",
        "ko",
        "A",
        120,
        (200, 110, 25),
        159,
        sizes("사이즈", ("S", "M", "L")),
        reorder=10,
        max_stock=100,
    ),
    Base(
        "SW-OVR",
        "오버핏 맨투맨",
        "ko",
        "A",
        480,
        (330, 280, 50),
        549,
        opts("색상", "MEL", "멜란지", "NVY", "네이비"),
        sizes("사이즈"),
        reorder=5,
        max_stock=40,
    ),
    Base(
        "TS-LGO",
        "로고 반팔 티셔츠",
        "ko",
        "A",
        170,
        (300, 250, 20),
        259,
        opts("색상", "WHT", "화이트", "BLK", "블랙"),
        sizes("사이즈"),
        reorder=6,
        max_stock=50,
    ),
    Base("CH-WLS", "무선 충전 패드", "ko", "B", 160, (110, 110, 25), 349),
    Base(
        "PC-JLY",
        "투명 젤리 케이스",
        "ko",
        "B",
        35,
        (170, 95, 20),
        179,
        opts("모델", "I15", "아이폰 15", "S24", "갤럭시 S24"),
    ),
    Base(
        "EB-NCX",
        "노이즈캔슬링 이어폰",
        "ko",
        "B",
        160,
        (110, 90, 50),
        1190,
        opts("색상", "BLK", "블랙", "WHT", "화이트", "BEI", "베이지"),
        reorder=4,
        max_stock=30,
    ),
    Base(
        "SP-MNI",
        "미니 블루투스 스피커",
        "ko",
        "B",
        280,
        (100, 100, 60),
        459,
        reorder=4,
        max_stock=30,
    ),
    Base(
        "PN-MNM",
        "심플 볼펜 세트",
        "ko",
        "A",
        60,
        (160, 60, 15),
        59,
        opts("색상", "BLK", "블랙", "BLU", "블루", "RED", "레드"),
        reorder=15,
        max_stock=150,
    ),
    Base(
        "ST-PCK",
        "스티커 팩",
        "ko",
        "A",
        30,
        (150, 100, 5),
        59,
        opts("디자인", "CAT", "고양이", "HNK", "한옥"),
    ),
    Base(
        "DY-UND",
        "만년 다이어리",
        "ko",
        "A",
        350,
        (200, 140, 25),
        219,
        opts("색상", "BLK", "블랙", "PNK", "핑크"),
    ),
    Base(
        "TC-SET",
        "도자기 찻잔 세트",
        "ko",
        "B",
        900,
        (260, 200, 110),
        590,
        fragile=True,
        reorder=3,
        max_stock=20,
    ),
    Base(
        "VS-GLS",
        "유리 화병",
        "ko",
        "B",
        350,
        (100, 100, 180),
        290,
        opts("크기", "S", "소", "L", "대"),
        fragile=True,
        overrides={"L": (650, (130, 130, 260), 420)},
    ),
    Base(
        "CN-HNK",
        "한옥 향초",
        "ko",
        "B",
        260,
        (80, 80, 90),
        219,
        opts("향", "PIN", "소나무", "YUZ", "유자"),
    ),
    Base(
        "TW-CTN",
        "호텔 수건 40수",
        "ko",
        "B",
        180,
        (250, 200, 40),
        129,
        opts("색상", "WHT", "화이트", "GRY", "그레이"),
        reorder=12,
        max_stock=100,
    ),
    # ---- Swedish -------------------------------------------------------------------
    Base(
        "SK-ALG",
        "Ullsockor Älg",
        "sv",
        "A",
        80,
        (220, 100, 20),
        179,
        opts("Färg", "GRA", "Grå", "RED", "Röd"),
        sizes("Storlek"),
        reorder=8,
        max_stock=80,
    ),
    Base(
        "MG-BLB",
        "Kaffekopp Blåbär",
        "sv",
        "B",
        300,
        (120, 90, 95),
        199,
        opts("Variant", "KPP", "Kopp 25 cl", "FAT", "Kopp med fat"),
        fragile=True,
        case_qty=6,
        reorder=12,
        max_stock=96,
        overrides={"FAT": (480, (160, 160, 95), 279)},
    ),
    Base(
        "TW-LNG",
        "Linnehandduk Grå",
        "sv",
        "B",
        220,
        (250, 200, 30),
        249,
        opts("Storlek", "GST", "50×70 cm", "BAD", "70×140 cm"),
        overrides={"BAD": (520, (300, 250, 50), 449)},
    ),
    Base(
        "TW-LNN",
        "Linnehandduk Natur",
        "sv",
        "B",
        220,
        (250, 200, 30),
        249,
        opts("Storlek", "GST", "50×70 cm", "BAD", "70×140 cm"),
        overrides={"BAD": (520, (300, 250, 50), 449)},
    ),
    Base(
        "DH-RED",
        "Dalahäst Röd",
        "sv",
        "B",
        120,
        (110, 40, 100),
        349,
        opts("Storlek", "10", "10 cm", "15", "15 cm"),
        reorder=4,
        max_stock=30,
        overrides={"15": (260, (160, 55, 150), 549)},
    ),
    Base(
        "VS-BBL",
        "Glasvas Bubbla",
        "sv",
        "B",
        700,
        (150, 150, 200),
        495,
        opts("Färg", "KLR", "Klar", "GRN", "Grön"),
        fragile=True,
        reorder=4,
        max_stock=30,
    ),
    Base(
        "GL-ISX",
        "Dricksglas Is 4-pack",
        "sv",
        "B",
        900,
        (200, 200, 110),
        349,
        opts("Färg", "KLR", "Klar", "GRA", "Grå"),
        fragile=True,
        reorder=4,
        max_stock=30,
    ),
    Base(
        "CN-KRN",
        "Kronljus 6-pack",
        "sv",
        "B",
        500,
        (260, 80, 30),
        89,
        opts("Färg", "VIT", "Vit", "GRA", "Grå", "ROS", "Rosa"),
        case_qty=12,
        reorder=12,
        max_stock=144,
    ),
    Base(
        "LS-MSS", "Ljusstake Mässing", "sv", "B", 450, (120, 120, 160), 399, reorder=4, max_stock=30
    ),
    Base(
        "DT-SVK",
        "Disktrasa 3-pack",
        "sv",
        "B",
        50,
        (200, 170, 5),
        79,
        opts("Mönster", "LNG", "Lingon", "BLB", "Blåbär", "HJT", "Hjärtan"),
        reorder=15,
        max_stock=150,
    ),
    Base(
        "PL-FJL",
        "Ullpläd Fjäll",
        "sv",
        "B",
        1200,
        (400, 300, 100),
        1195,
        opts("Färg", "GRA", "Grå", "SKG", "Skogsgrön"),
        reorder=3,
        max_stock=20,
    ),
    Base(
        "BR-DAL",
        "Bricka Dalarna",
        "sv",
        "B",
        400,
        (330, 240, 20),
        299,
        opts("Storlek", "S", "Liten", "L", "Stor"),
        overrides={"L": (650, (430, 330, 20), 399)},
    ),
    Base(
        "SB-EKX",
        "Skärbräda Ek",
        "sv",
        "B",
        900,
        (300, 200, 20),
        395,
        opts("Storlek", "S", "Liten", "L", "Stor"),
        reorder=4,
        max_stock=30,
        overrides={"L": (1800, (450, 300, 25), 695)},
    ),
    Base("SM-BJK", "Smörkniv Björk", "sv", "B", 30, (170, 30, 10), 89),
    Base(
        "BW-HAV",
        "Keramikskål Hav",
        "sv",
        "B",
        280,
        (130, 130, 60),
        169,
        opts("Storlek", "12", "12 cm", "18", "18 cm"),
        fragile=True,
        overrides={"18": (520, (190, 190, 80), 249)},
    ),
    Base(
        "HD-SKG",
        "Luvtröja Skärgård",
        "sv",
        "A",
        620,
        (350, 300, 60),
        749,
        sizes("Storlek"),
        reorder=4,
        max_stock=40,
    ),
    Base(
        "TS-MID",
        "T-shirt Midsommar",
        "sv",
        "A",
        180,
        (300, 250, 20),
        279,
        opts("Färg", "VIT", "Vit", "GUL", "Gul"),
        sizes("Storlek"),
        reorder=6,
        max_stock=50,
    ),
    Base(
        "MO-RBB",
        "Mössa Ribbstickad",
        "sv",
        "A",
        90,
        (220, 200, 30),
        229,
        opts("Färg", "SVA", "Svart", "GRA", "Grå", "SEN", "Senap"),
    ),
    Base(
        "VT-NRS",
        "Vantar Norrsken",
        "sv",
        "A",
        110,
        (260, 130, 30),
        299,
        sizes("Storlek", ("S", "M", "L")),
    ),
    Base(
        "HL-ULL",
        "Halsduk Ull",
        "sv",
        "A",
        180,
        (300, 200, 40),
        449,
        opts("Färg", "GRA", "Grå", "BLA", "Blå", "RUT", "Rutig"),
    ),
    Base(
        "NB-LIN",
        "Anteckningsbok Linne",
        "sv",
        "A",
        260,
        (210, 150, 15),
        169,
        opts("Färg", "GRA", "Grå", "BLA", "Blå"),
    ),
    Base(
        "PN-TRA",
        "Blyertspennor Trä 5-pack",
        "sv",
        "A",
        50,
        (190, 50, 10),
        69,
        reorder=15,
        max_stock=150,
    ),
    Base(
        "PS-STH",
        "Affisch Stockholm 50×70",
        "sv",
        "A",
        240,
        (720, 80, 80),
        349,
        reorder=4,
        max_stock=30,
    ),
    Base("BG-LNG", "Tygkasse Lingon", "sv", "A", 200, (380, 300, 10), 149),
    Base(
        "MS-LDR",
        "Mobilskal Läder",
        "sv",
        "B",
        45,
        (170, 95, 20),
        399,
        opts("Modell", "I15", "iPhone 15", "I15P", "iPhone 15 Pro"),
    ),
    Base(
        "EB-SND",
        "Hörlurar Trådlösa Sund",
        "sv",
        "B",
        170,
        (110, 90, 50),
        1290,
        reorder=4,
        max_stock=30,
    ),
]

# Handmade / not yet labelled by the supplier: no barcode, for the receiving flow.
UNLABELLED = ("BX-NAC", "DH-RED-15", "PL-FJL-SKG", "PS-ART-ARC", "SB-EKX-L")


@dataclass
class Product:
    sku: str
    base: Base
    name: str
    option1: Option | None
    option2: Option | None
    weight_g: int
    dims: Dims
    price: float
    barcodes: list[str] = field(default_factory=list)
    case_barcode: str = ""

    @property
    def fragile(self) -> bool:
        return self.base.fragile


def expand_products(rng: random.Random) -> list[Product]:
    products: list[Product] = []
    for base in BASES:
        values1: Sequence[Option | None] = base.opt1[1] if base.opt1 else [None]
        values2: Sequence[Option | None] = base.opt2[1] if base.opt2 else [None]
        for o1 in values1:
            for o2 in values2:
                parts = [base.code] + [o[0] for o in (o1, o2) if o is not None]
                weight, dims, price = base.weight_g, base.dims, base.price
                if o1 is not None and o1[0] in base.overrides:
                    weight, dims, price = base.overrides[o1[0]]
                if o2 is not None and o2[0] == "10P":  # 10-pack sheet masks
                    weight, dims, price = 250, (190, 130, 30), 249
                size_code = next(
                    (o[0] for o in (o1, o2) if o is not None and o[0] == o[1] in SIZE_FACTOR),
                    None,
                )
                if size_code is not None:
                    weight = round(weight * SIZE_FACTOR[size_code])
                products.append(
                    Product(
                        sku="-".join(parts),
                        base=base,
                        name=base.name,
                        option1=o1,
                        option2=o2,
                        weight_g=weight,
                        dims=dims,
                        price=float(price),
                    )
                )
    # barcodes: consumer units numbered in catalogue order
    item_ref = ITEM_REF_FIRST
    for product in products:
        if product.sku in UNLABELLED:
            continue
        product.barcodes.append(demo_ean(item_ref))
        item_ref += 1
    labelled = [p for p in products if p.barcodes]
    second_ref = ITEM_REF_SECOND
    for product in sorted(rng.sample(labelled, 6), key=lambda p: p.sku):
        product.barcodes.append(demo_ean(second_ref))
        second_ref += 1
    case_ref = ITEM_REF_CASE
    for product in products:
        if product.base.case_qty:
            product.case_barcode = demo_ean(case_ref)
            case_ref += 1
    return products


# Customs data (parcels to KR and GB leave the EU): HS heading by product family, origin by
# the catalogue the product comes from, the unit's price as its customs value.
HS_CODES = {
    "TS": "610910", "HD": "611020", "SW": "611020", "SK": "611595", "BN": "650500",
    "MO": "650500", "BG": "420292", "MG": "691200", "BW": "691200", "TC": "691110",
    "VS": "701399", "GL": "701337", "CN": "340600", "TW": "630260", "DT": "630790",
    "PL": "630120", "EB": "851830", "SP": "851822", "PC": "392690", "MS": "420232",
    "CB": "854442", "PB": "850760", "NB": "482010", "DY": "482010", "PN": "960810",
    "WT": "482390", "ST": "491199", "PS": "491191", "LM": "940520", "KB": "330499",
    "BX": "442090", "DH": "442090", "BR": "442090", "SB": "441990", "LS": "830630",
    "VT": "611693", "HL": "611710", "EP": "711719", "CH": "850440", "SM": "441990",
}  # fmt: skip
ORIGIN = {"en": "PT", "ko": "KR", "sv": "SE"}
# Lithium batteries: UN3480 on their own (a power bank), UN3481 inside equipment.
DANGEROUS = {"PB-10K": "UN3480", "EB-AIR": "UN3481", "EB-NCX": "UN3481",
             "SP-MNI": "UN3481", "EB-SND": "UN3481"}  # fmt: skip


def product_rows(products: Sequence[Product]) -> list[Row]:
    rows: list[Row] = []
    for p in products:
        b = p.base
        rows.append(
            {
                "sku": p.sku,
                "name": p.name,
                "option1_name": b.opt1[0] if b.opt1 else "",
                "option1_value": p.option1[1] if p.option1 else "",
                "option2_name": b.opt2[0] if b.opt2 else "",
                "option2_value": p.option2[1] if p.option2 else "",
                "barcodes": ";".join(p.barcodes),
                "weight_g": p.weight_g,
                "length_mm": p.dims[0],
                "width_mm": p.dims[1],
                "height_mm": p.dims[2],
                "fragile": fmt_bool(p.fragile),
                "case_barcode": p.case_barcode,
                "case_qty": b.case_qty if b.case_qty else "",
                "reorder_point": b.reorder,
                "max_stock": b.max_stock,
                "zone": b.zone,
                "hs_code": HS_CODES[b.code.split("-")[0]],
                "origin_country": ORIGIN[b.lang],
                "customs_value": f"{p.price:.2f}",
                "dangerous_goods": DANGEROUS.get(b.code, ""),
            }
        )
    return rows


# --------------------------------------------------------------------------- stock


@dataclass
class StockPlan:
    rows: list[Row]
    on_hand: dict[str, int]
    zero: list[str]
    low: list[str]
    over: list[str]


def plan_stock(rng: random.Random, products: Sequence[Product]) -> StockPlan:
    by_sku = {p.sku: p for p in products}
    skus = [p.sku for p in products]
    labelled = [p.sku for p in products if p.barcodes]
    zero = sorted(rng.sample(labelled, 10))
    rest = [s for s in skus if s not in zero]
    low = sorted(rng.sample([s for s in rest if by_sku[s].base.reorder >= 5], 6))
    over_pool = [s for s in rest if s not in low and by_sku[s].base.max_stock <= 60]
    over = sorted(rng.sample(over_pool, 4))

    free_bins = {zone: pick_bins(zone) for zone in "AB"}
    cursor = {"A": 0, "B": 0}
    bulk = bulk_locations()
    bulk_cursor = 0
    rows: list[Row] = []
    on_hand: dict[str, int] = {}

    def take_bin(zone: str) -> str:
        cursor[zone] += rng.choice((0, 0, 1, 1, 2))  # leave gaps for put-away
        code = free_bins[zone][cursor[zone]]
        cursor[zone] += 1
        return code

    def add(sku: str, loc: str, qty: int, days: int) -> None:
        rows.append({"sku": sku, "location": loc, "qty": qty, "received_days_ago": days})
        on_hand[sku] = on_hand.get(sku, 0) + qty

    bulk_candidates = set(over)
    bulk_candidates.update(
        rng.sample(
            [s for s in rest if s not in low and s not in over and by_sku[s].base.max_stock >= 80],
            24,
        )
    )
    for zone in "AB":
        for sku in (s for s in rest if by_sku[s].base.zone == zone):
            base = by_sku[sku].base
            if sku in low:
                qty = rng.randint(1, max(1, base.reorder - 2))
                add(sku, take_bin(zone), qty, rng.randint(30, 90))
                continue
            # normal stock: above the reorder point, within max_stock
            hi = min(60, int(base.max_stock * 0.6))
            lo = min(max(10, base.reorder + 2), hi)
            ages = sorted(rng.sample(range(1, 91), 2), reverse=True)
            add(sku, take_bin(zone), rng.randint(lo, hi), ages[0])
            room = base.max_stock - on_hand[sku]
            if rng.random() < 0.3 and room >= 15:
                add(sku, take_bin(zone), rng.randint(5, min(40, room - 5)), ages[1])
            if sku not in bulk_candidates:
                continue
            case = base.case_qty or 12
            if sku in over:
                target = base.max_stock + rng.randint(10, 40) - on_hand[sku]
                qty = max(case, math.ceil(target / case) * case)
            else:
                cases = min(8, (base.max_stock - on_hand[sku]) // case)
                if cases < 2:
                    continue
                qty = case * rng.randint(2, cases)
            add(sku, bulk[bulk_cursor], qty, rng.randint(60, 180))
            bulk_cursor += 1
    return StockPlan(rows=rows, on_hand=on_hand, zero=zero, low=low, over=over)


# --------------------------------------------------------------------------- operators


def operator_rows() -> list[Row]:
    people: list[tuple[str, str, tuple[str, ...]]] = [
        ("P1001", "Ana Lindqvist", ("picker",)),
        ("P1002", "김지훈 (Jihoon Kim)", ("picker",)),
        ("P1003", "Oliver Bennett", ("picker",)),
        ("P1004", "Märta Sjöberg", ("picker", "packer")),
        ("P1005", "이수민 (Sumin Lee)", ("picker",)),
        ("K2001", "Johan Öberg", ("packer",)),
        ("K2002", "박서연 (Seoyeon Park)", ("packer",)),
        ("K2003", "Emily Carter", ("packer",)),
        ("R3001", "Björn Åkesson", ("receiver",)),
        ("R3002", "최민호 (Minho Choi)", ("receiver",)),
        ("S9001", "Karin Holmgren", ("supervisor",)),
        ("S9002", "정하늘 (Haneul Jung)", ("supervisor",)),
        ("S9999", "ADMIN", ROLES),
    ]
    # Supervisors must have a PIN: the demo's is the badge's digits (README).
    return [
        {"badge": b, "name": n, "roles": ";".join(r), "pin": b[1:] if "supervisor" in r else ""}
        for b, n, r in people
    ]


# --------------------------------------------------------------------------- carriers


def carrier_rows() -> list[Row]:
    # tracking number = prefix + zero-padded sequence + check digit (+ "SE" for S10);
    # tracking_start has exactly the width of the sequence part.
    carriers: list[tuple[str, str, str, int, str, int]] = [
        ("CJ", "CJ Logistics", "", 12, "mod7", 60500000001),
        ("POSTNORD", "PostNord", "CA", 13, "sscc_s10", 73500001),
        ("DHL", "DHL Express", "", 10, "mod7", 421000001),
        ("UPS", "UPS", "1Z999AA1", 18, "ups", 110000001),
        ("USPS", "USPS", "9400", 22, "mod10", 11000000000000001),
    ]
    return [
        {
            "code": code,
            "name": name,
            "tracking_prefix": prefix,
            "tracking_length": length,
            "tracking_check": check,
            "tracking_start": start,
        }
        for code, name, prefix, length, check, start in carriers
    ]


@dataclass(frozen=True)
class Service:
    carrier: str
    code: str
    name: str
    cutoff: str
    transit_days: int
    express: bool


SERVICES: list[Service] = [
    Service("CJ", "CJ-STD", "CJ Standard", "15:00", 4, False),
    Service("CJ", "CJ-EXP", "CJ Express", "13:00", 2, True),
    Service("POSTNORD", "PN-COLLECT", "PostNord MyPack Collect", "17:00", 2, False),
    Service("POSTNORD", "PN-HOME", "PostNord MyPack Home", "16:00", 2, False),
    Service("POSTNORD", "PN-VB1", "PostNord Varubrev 1:a-klass", "12:00", 1, False),
    Service("DHL", "DHL-EXP", "DHL Express Worldwide", "16:30", 2, True),
    Service("DHL", "DHL-ECO", "DHL Economy Select", "15:00", 5, False),
    Service("UPS", "UPS-STD", "UPS Standard", "16:00", 4, False),
    Service("UPS", "UPS-SAVER", "UPS Express Saver", "15:30", 2, True),
    Service("USPS", "USPS-PMI", "USPS Priority Mail International", "14:00", 8, False),
    Service("USPS", "USPS-FCPI", "USPS First-Class Package International", "14:00", 12, False),
]
SERVICE_BY_CODE = {s.code: s for s in SERVICES}


def service_rows() -> list[Row]:
    return [
        {
            "carrier": s.carrier,
            "code": s.code,
            "name": s.name,
            "cutoff": s.cutoff,
            "transit_days": s.transit_days,
            "express": fmt_bool(s.express),
        }
        for s in SERVICES
    ]


# --------------------------------------------------------------------------- cartons

CARTONS: list[tuple[str, str, int, int, int, int, int]] = [
    ("ENV-XS", "Padded envelope XS", 240, 165, 30, 500, 15),
    ("FLAT-A4", "Flat box A4", 310, 220, 50, 2000, 90),
    ("BOX-S", "Box S", 200, 150, 100, 5000, 120),
    ("BOX-M", "Box M", 300, 200, 150, 10000, 220),
    ("BOX-L", "Box L", 400, 300, 200, 15000, 380),
    ("BOX-XL", "Box XL", 600, 400, 400, 25000, 750),
    ("LONG", "Long box (posters)", 760, 110, 110, 3000, 250),
]


def carton_rows() -> list[Row]:
    return [
        {
            "code": code,
            "name": name,
            "inner_length_mm": length,
            "inner_width_mm": width,
            "inner_height_mm": height,
            "max_weight_g": max_weight,
            "own_weight_g": own,
        }
        for code, name, length, width, height, max_weight, own in CARTONS
    ]


# --------------------------------------------------------------------------- customers


@dataclass(frozen=True)
class Customer:
    name: str
    email_local: str
    phone: str
    address1: str
    address2: str
    city: str
    zip: str
    province: str
    country: str


def _se(n: int) -> str:
    # PTS reserves 070-174 06 05 .. 070-174 06 99 for fiction
    return f"+46 70 174 06 {n:02d}"


SE_CUSTOMERS: list[Customer] = [
    Customer(
        "Erik Johansson",
        "erik.johansson",
        _se(10),
        "Storgatan 5",
        "",
        "Stockholm",
        "114 55",
        "",
        "SE",
    ),
    Customer(
        "Åsa Öberg",
        "asa.oberg",
        _se(11),
        "Kungsportsavenyen 12",
        "lgh 1102",
        "Göteborg",
        "411 36",
        "",
        "SE",
    ),
    Customer(
        "Björn Ångström",
        "bjorn.angstrom",
        _se(12),
        "Södra Förstadsgatan 20",
        "",
        "Malmö",
        "211 43",
        "",
        "SE",
    ),
    Customer(
        "Märta Ekström",
        "marta.ekstrom",
        _se(13),
        "Drottninggatan 18",
        "",
        "Uppsala",
        "753 10",
        "",
        "SE",
    ),
    Customer(
        "Lars Nilsson",
        "lars.nilsson",
        _se(14),
        "Vasagatan 3",
        "c/o Nilsson",
        "Västerås",
        "722 15",
        "",
        "SE",
    ),
    Customer(
        "Sofia Lindberg",
        "sofia.lindberg",
        _se(15),
        "Götgatan 44",
        "lgh 1201",
        "Stockholm",
        "118 26",
        "",
        "SE",
    ),
    Customer(
        "Oskar Åberg",
        "oskar.aberg",
        _se(16),
        "Östra Storgatan 9",
        "",
        "Jönköping",
        "553 21",
        "",
        "SE",
    ),
    Customer(
        "Maja Sjöström",
        "maja.sjostrom",
        _se(17),
        "Klostergatan 22",
        "",
        "Linköping",
        "582 23",
        "",
        "SE",
    ),
    Customer(
        "Elin Bergström",
        "elin.bergstrom",
        _se(18),
        "Rådhusesplanaden 8",
        "",
        "Umeå",
        "903 28",
        "",
        "SE",
    ),
    Customer(
        "Johan Hägglund", "johan.hagglund", _se(19), "Storgatan 51", "", "Luleå", "972 31", "", "SE"
    ),
    Customer(
        "Karin Söderberg",
        "karin.soderberg",
        _se(20),
        "Stortorget 4",
        "",
        "Lund",
        "222 23",
        "",
        "SE",
    ),
    Customer(
        "Linnea Strömqvist",
        "linnea.stromqvist",
        _se(21),
        "Drottninggatan 7",
        "",
        "Örebro",
        "702 10",
        "",
        "SE",
    ),
    Customer(
        "Gustav Nyström", "gustav.nystrom", _se(22), "Nygatan 30", "", "Gävle", "803 20", "", "SE"
    ),
    Customer(
        "Frida Löfgren",
        "frida.lofgren",
        _se(23),
        "Sveavägen 98",
        "3 tr",
        "Stockholm",
        "113 50",
        "",
        "SE",
    ),
    Customer(
        "Axel Wåhlin", "axel.wahlin", _se(24), "Linnégatan 15", "", "Göteborg", "413 04", "", "SE"
    ),
    Customer(
        "Ebba Sandström",
        "ebba.sandstrom",
        _se(25),
        "Möllevångsgatan 6",
        "",
        "Malmö",
        "214 20",
        "",
        "SE",
    ),
    Customer(
        "Hugo Björk", "hugo.bjork", _se(26), "Kungsgatan 12", "", "Norrköping", "602 32", "", "SE"
    ),
    Customer(
        "Alva Forsberg",
        "alva.forsberg",
        _se(27),
        "Hornsgatan 61",
        "lgh 1003",
        "Stockholm",
        "118 49",
        "",
        "SE",
    ),
    Customer(
        "Nils Öhman", "nils.ohman", _se(28), "Kyrkogatan 2", "", "Sundsvall", "852 32", "", "SE"
    ),
    Customer(
        "Ingrid Järvinen",
        "ingrid.jarvinen",
        _se(29),
        "Tullgatan 8",
        "",
        "Helsingborg",
        "252 21",
        "",
        "SE",
    ),
    Customer(
        "Ali Hassan", "ali.hassan", _se(30), "Rinkebytorget 3", "", "Spånga", "163 73", "", "SE"
    ),
    Customer(
        "Ellen Håkansson",
        "ellen.hakansson",
        _se(31),
        "Storgatan 14",
        "",
        "Växjö",
        "352 31",
        "",
        "SE",
    ),
    Customer(
        "Viktor Dahlén",
        "viktor.dahlen",
        _se(32),
        "Fjällgatan 1",
        "",
        "Östersund",
        "831 34",
        "",
        "SE",
    ),
    Customer(
        "Saga Mårtensson",
        "saga.martensson",
        _se(33),
        "Strandvägen 19",
        "",
        "Karlstad",
        "652 24",
        "",
        "SE",
    ),
]

KR_CUSTOMERS: list[Customer] = [
    Customer(
        "김민준",
        "minjun.kim",
        "+82 10-2381-4407",
        "테헤란로 152",
        "12층",
        "강남구",
        "06236",
        "서울특별시",
        "KR",
    ),
    Customer(
        "이서연",
        "seoyeon.lee",
        "+82 10-4702-1193",
        "와우산로 94",
        "301호",
        "마포구",
        "04066",
        "서울특별시",
        "KR",
    ),
    Customer(
        "박지호",
        "jiho.park",
        "+82 10-9135-2260",
        "올림픽로 300",
        "101동 1203호",
        "송파구",
        "05551",
        "서울특별시",
        "KR",
    ),
    Customer(
        "최수아",
        "sua.choi",
        "+82 10-3318-7745",
        "해운대해변로 264",
        "",
        "해운대구",
        "48099",
        "부산광역시",
        "KR",
    ),
    Customer(
        "정예준",
        "yejun.jung",
        "+82 10-5560-9182",
        "판교역로 235",
        "에이치스퀘어 N동",
        "성남시 분당구",
        "13494",
        "경기도",
        "KR",
    ),
    Customer(
        "강하은",
        "haeun.kang",
        "+82 10-7724-0318",
        "대학로 99",
        "",
        "유성구",
        "34134",
        "대전광역시",
        "KR",
    ),
    Customer(
        "조도윤",
        "doyun.jo",
        "+82 10-2047-6651",
        "동성로 12",
        "2층",
        "중구",
        "41911",
        "대구광역시",
        "KR",
    ),
    Customer(
        "윤서윤",
        "seoyun.yoon",
        "+82 10-8841-3027",
        "센트럴로 160",
        "1504호",
        "연수구",
        "21984",
        "인천광역시",
        "KR",
    ),
    Customer(
        "장시우",
        "siwoo.jang",
        "+82 10-6192-5538",
        "금남로 245",
        "",
        "동구",
        "61473",
        "광주광역시",
        "KR",
    ),
    Customer(
        "임지유",
        "jiyu.lim",
        "+82 10-3075-8814",
        "북촌로 31",
        "",
        "종로구",
        "03055",
        "서울특별시",
        "KR",
    ),
    Customer(
        "한유진",
        "yujin.han",
        "+82 10-9953-1420",
        "노연로 80",
        "",
        "제주시",
        "63122",
        "제주특별자치도",
        "KR",
    ),
    Customer(
        "오하준",
        "hajun.oh",
        "+82 10-4419-2675",
        "성수이로 78",
        "3층",
        "성동구",
        "04790",
        "서울특별시",
        "KR",
    ),
    Customer(
        "서지민",
        "jimin.seo",
        "+82 10-1286-9903",
        "광교중앙로 145",
        "",
        "수원시 영통구",
        "16508",
        "경기도",
        "KR",
    ),
    Customer(
        "신은우",
        "eunwoo.shin",
        "+82 10-5537-4481",
        "양재대로 1218",
        "",
        "강동구",
        "05330",
        "서울특별시",
        "KR",
    ),
]

OTHER_CUSTOMERS: list[Customer] = [
    Customer(
        "Emma Thompson",
        "emma.t",
        "+1 206-555-0142",
        "1450 Pine Street",
        "Apt 5B",
        "Seattle",
        "98101",
        "WA",
        "US",
    ),
    Customer(
        "Daniel Park",
        "dpark",
        "+1 213-555-0187",
        "3200 Wilshire Blvd",
        "Suite 410",
        "Los Angeles",
        "90010",
        "CA",
        "US",
    ),
    Customer(
        "Olivia Brooks",
        "olivia.brooks",
        "+1 212-555-0119",
        "88 Bedford Street",
        "",
        "New York",
        "10014",
        "NY",
        "US",
    ),
    Customer(
        "Lukas Müller",
        "lukas.mueller",
        "+49 30 23125 471",
        "Torstraße 120",
        "",
        "Berlin",
        "10119",
        "",
        "DE",
    ),
    Customer(
        "Sophie Schäfer",
        "sophie.schaefer",
        "+49 30 23125 382",
        "Schanzenstraße 58",
        "3. OG",
        "Hamburg",
        "20357",
        "",
        "DE",
    ),
    Customer(
        "Charlotte Evans",
        "charlotte.evans",
        "+44 20 7946 0321",
        "14 Camden High Street",
        "Flat 2",
        "London",
        "NW1 0JH",
        "",
        "GB",
    ),
    Customer(
        "James Whitfield",
        "j.whitfield",
        "+44 20 7946 0874",
        "22 Deansgate",
        "",
        "Manchester",
        "M3 2BW",
        "",
        "GB",
    ),
]

B2B_ACCOUNTS: list[tuple[str, Customer]] = [
    (
        "Designtorget Hornstull AB",
        Customer(
            "Petra Wallin",
            "inkop",
            _se(40),
            "Långholmsgatan 27",
            "Varumottagning",
            "Stockholm",
            "117 33",
            "",
            "SE",
        ),
    ),
    (
        "Lagom Living Göteborg AB",
        Customer(
            "Mats Ek",
            "order",
            _se(41),
            "Magasinsgatan 3",
            "Lastkaj 2",
            "Göteborg",
            "411 18",
            "",
            "SE",
        ),
    ),
    (
        "한옥리빙 주식회사",
        Customer(
            "배성민",
            "purchase",
            "+82 2-555-0139",
            "삼일대로 428",
            "B1 물류센터",
            "종로구",
            "03133",
            "서울특별시",
            "KR",
        ),
    ),
]

ALL_CUSTOMERS = SE_CUSTOMERS + KR_CUSTOMERS + OTHER_CUSTOMERS
COUNTRY_WEIGHTS: list[tuple[str, int]] = [("SE", 50), ("KR", 32), ("US", 7), ("DE", 5), ("GB", 6)]

EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

NOTES = [
    "Please no plastic",
    "Leave at door",
    "Fragile - double box",
    "Ring på dörren, porttelefon 1234",
    "Lämna hos grannen om ingen är hemma",
    "문 앞에 놓아주세요",
    "경비실에 맡겨주세요",
    "Deliver to reception",
    "Plastfri förpackning tack",
]
GIFT_MESSAGES = {
    "SE": [
        "Grattis på födelsedagen! Kram, Mormor",
        "Tack för allt, du är bäst!",
        "God Jul önskar Ingrid & Per",
        "Lycka till i nya lägenheten!",
    ],
    "KR": [
        "생일 축하해! 항상 고마워",
        "새해 복 많이 받으세요",
        "사랑하는 엄마에게",
    ],
    "OTHER": [
        "Happy birthday! Love, Sam",
        "Congratulations on the new job!",
        "Thinking of you - J.",
    ],
}


# --------------------------------------------------------------------------- orders


@dataclass
class Order:
    status: str
    created: int
    customer: Customer
    channel: str = "shopify"
    company: str = ""
    ship_to: Customer | None = None
    lines: list[tuple[str, int, float]] = field(default_factory=list)
    service: Service | None = None
    shipping_method: str = ""
    priority: int = 0
    promised: int = 0
    notes: str = ""
    gift: str = ""
    tags: list[str] = field(default_factory=list)
    financial: str = "paid"
    name: str = ""


def choose_service(
    rng: random.Random, country: str, weight_g: int, small: bool, express: bool
) -> Service:
    if country == "SE":
        if express:
            code = "DHL-EXP"
        elif small and weight_g <= 450 and rng.random() < 0.5:
            code = "PN-VB1"
        else:
            code = rng.choice(("PN-COLLECT", "PN-COLLECT", "PN-COLLECT", "PN-HOME"))
    elif country == "KR":
        code = "CJ-EXP" if express else rng.choice(("CJ-STD", "CJ-STD", "CJ-STD", "DHL-ECO"))
    elif country == "US":
        code = "UPS-SAVER" if express else rng.choice(("USPS-PMI", "USPS-FCPI", "UPS-STD"))
    elif express:
        code = rng.choice(("DHL-EXP", "UPS-SAVER"))
    else:
        code = rng.choice(("UPS-STD", "UPS-STD", "DHL-ECO"))
    return SERVICE_BY_CODE[code]


SHOP_METHOD_ALIASES = {
    "PN-COLLECT": ["Fri frakt över 499 kr (PostNord MyPack Collect)", "Ombud – PostNord"],
    "PN-HOME": ["Hemleverans (PostNord)"],
    "CJ-STD": ["해외배송 (CJ대한통운)"],
    "USPS-PMI": ["Standard International"],
}


def build_orders(rng: random.Random, products: Sequence[Product], stock: StockPlan) -> list[Order]:
    by_sku = {p.sku: p for p in products}
    available = dict(stock.on_hand)
    in_stock = sorted(available)
    low = set(stock.low)

    statuses = [s for s, n in ORDER_STATUSES.items() for _ in range(n)]
    b2b_slots = {
        statuses.index("READY_TO_PICK") + 3,
        statuses.index("PACKED") + 1,
        statuses.index("DISPATCHED") + 2,
        statuses.index("NEW") + 4,
        statuses.index("ON_HOLD") + 1,
        statuses.index("PICKED") + 2,
    }
    zero_queue = list(stock.zero)
    rng.shuffle(zero_queue)
    backorder_total = ORDER_STATUSES["BACKORDERED"]
    backorder_seen = 0

    orders: list[Order] = []
    used_created: set[int] = set()
    for idx, status in enumerate(statuses):
        lo, hi = CREATED_RANGE[status]
        created = rng.randint(lo, hi)
        while created in used_created:
            created = rng.randint(lo, hi)
        used_created.add(created)

        b2b = idx in b2b_slots
        if b2b:
            company, customer = B2B_ACCOUNTS[len([i for i in b2b_slots if i < idx]) % 3]
            order = Order(
                status=status,
                created=created,
                customer=customer,
                channel="b2b",
                company=company,
                tags=["b2b"],
            )
        else:
            country = rng.choices(COUNTRY_WEIGHTS, weights=[w for _, w in COUNTRY_WEIGHTS])[0]
            pool = [c for c in ALL_CUSTOMERS if c.country == country[0]]
            order = Order(status=status, created=created, customer=rng.choice(pool))
        order.ship_to = order.customer

        # ---- lines
        consumes = status not in TERMINAL_STATUSES
        n_lines = rng.choices((1, 2, 3, 4, 5), weights=(35, 30, 20, 10, 5))[0]
        chosen: list[str] = []
        if status == "BACKORDERED":
            backorder_seen += 1
            remaining_orders = backorder_total - backorder_seen + 1
            take = math.ceil(len(zero_queue) / remaining_orders)
            chosen.extend(zero_queue[:take])
            del zero_queue[:take]
            n_lines = max(n_lines, len(chosen))
        attempts = 0
        while len(chosen) < n_lines and attempts < 200:
            attempts += 1
            sku = rng.choice(in_stock)
            if sku in chosen or (sku in low and rng.random() < 0.7):
                continue
            qty = rng.randint(6, 12) if b2b else rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
            if consumes and available[sku] < qty:
                continue
            if consumes:
                available[sku] -= qty
            chosen.append(sku)
            price = by_sku[sku].price * (0.6 if b2b else 1.0)
            order.lines.append((sku, qty, round(price, 2)))
        for sku in chosen:
            if sku in stock.zero:
                qty = rng.randint(6, 12) if b2b else rng.randint(1, 2)
                price = by_sku[sku].price * (0.6 if b2b else 1.0)
                order.lines.insert(0, (sku, qty, round(price, 2)))
        orders.append(order)

    # ---- everything else that is not about stock
    gift_slots = set(rng.sample([i for i, o in enumerate(orders) if o.channel != "b2b"], 10))
    note_slots = set(rng.sample(range(len(orders)), 18))
    for idx, order in enumerate(orders):
        country = order.customer.country
        weight = sum(by_sku[s].weight_g * q for s, q, _ in order.lines)
        small = all(
            max(by_sku[s].dims) <= 240 and min(by_sku[s].dims) <= 30 for s, _, _ in order.lines
        )
        express = order.channel != "b2b" and rng.random() < 0.12
        order.service = choose_service(rng, country, weight, small, express)
        aliases = SHOP_METHOD_ALIASES.get(order.service.code, [])
        order.shipping_method = (
            rng.choice(aliases) if aliases and rng.random() < 0.3 else order.service.name
        )
        order.priority = 2 if express and rng.random() < 0.5 else 1 if express else 0
        if order.priority == 0 and rng.random() < 0.08:
            order.priority = 1

        # Days after the order was placed that the shop promised to ship it
        # (the loader adds them to the creation time, so never negative):
        # next day, express the same day, sometimes one more. The oldest open
        # orders are late because that day is behind *now*, not behind the order.
        order.promised = 1 + rng.choice((0, 0, 1)) - (1 if express else 0)
        if idx in note_slots:
            if any(by_sku[s].fragile for s, _, _ in order.lines):
                order.notes = "Fragile - double box"
            elif country == "KR":
                order.notes = rng.choice(
                    ["문 앞에 놓아주세요", "경비실에 맡겨주세요", "Please no plastic"]
                )
            elif country == "SE":
                order.notes = rng.choice(NOTES)
            else:
                order.notes = rng.choice(["Leave at door", "Please no plastic"])
        if order.channel == "b2b":
            order.notes = "Invoice in parcel. Deliver to goods reception 08-16."
        if idx in gift_slots:
            key = country if country in ("SE", "KR") else "OTHER"
            order.gift = rng.choice(GIFT_MESSAGES[key])
            order.tags.append("gift-wrap")
            friends = [c for c in ALL_CUSTOMERS if c.country == country and c != order.customer]
            if rng.random() < 0.5 and friends:
                order.ship_to = rng.choice(friends)  # gift sent straight to a friend
        if len(order.lines) > 1 and rng.random() < 0.15:
            order.tags.append("split-ok")
        if order.priority == 2 or (order.channel != "b2b" and rng.random() < 0.08):
            order.tags.append("vip")
        if order.channel != "b2b" and rng.random() < 0.06:
            order.tags.append("manual")

    # ---- holds, cancellations, returns
    holds = [o for o in orders if o.status == "ON_HOLD"]
    for i, order in enumerate(holds):
        if order.channel == "b2b" or i < 3:
            order.financial = "pending"
            order.notes = (
                "Awaiting credit approval" if order.channel == "b2b" else "Awaiting payment"
            )
        elif i == 3:
            order.notes = "Address incomplete - contacting customer"
        else:
            order.notes = "Customer asked to hold until Friday"
    for i, order in enumerate(o for o in orders if o.status == "CANCELLED"):
        order.financial = "voided" if i == 0 else "refunded"
        order.notes = "Cancelled by customer" if i else "Payment failed"
    for order in (o for o in orders if o.status == "RETURNED"):
        order.financial = "refunded"
        order.notes = "Returned: wrong size"

    # ---- names in creation order, first-order tags
    orders.sort(key=lambda o: -o.created)
    seen_customers: set[str] = set()
    for number, order in enumerate(orders, start=1001):
        order.name = f"{ORDER_PREFIX}{number}"
        key = order.customer.email_local + order.customer.country
        if key not in seen_customers and order.channel != "b2b" and rng.random() < 0.5:
            order.tags.append("first-order")
        seen_customers.add(key)
    return orders


def order_rows(orders: Sequence[Order]) -> list[Row]:
    rows: list[Row] = []
    for o in orders:
        c = o.customer
        ship = o.ship_to or c
        assert o.service is not None
        domain = EMAIL_DOMAINS[sum(map(ord, c.email_local)) % len(EMAIL_DOMAINS)]
        tag_order = ("b2b", "vip", "first-order", "gift-wrap", "split-ok", "manual")
        rows.append(
            {
                "name": o.name,
                "channel": o.channel,
                "customer_name": c.name,
                "email": f"{c.email_local}@{domain}",
                "phone": c.phone,
                "ship_name": ship.name,
                "ship_company": o.company,
                "ship_address1": ship.address1,
                "ship_address2": ship.address2,
                "ship_city": ship.city,
                "ship_zip": ship.zip,
                "ship_province": ship.province,
                "ship_country": ship.country,
                "shipping_method": o.shipping_method,
                "carrier": o.service.carrier,
                "service": o.service.code,
                "status": o.status,
                "priority": o.priority,
                "created_minutes_ago": o.created,
                "promised_in_days": o.promised,
                "notes": o.notes,
                "gift_message": o.gift,
                "tags": ";".join(t for t in tag_order if t in o.tags),
                "financial_status": o.financial,
            }
        )
    return rows


def order_line_rows(orders: Sequence[Order]) -> list[Row]:
    return [
        {"order": o.name, "sku": sku, "quantity": qty, "price": fmt_price(price)}
        for o in orders
        for sku, qty, price in o.lines
    ]


def asn_rows() -> list[Row]:
    """Two deliveries on their way (``wms demo`` imports them as ``wms import asn`` would):
    most of the SKUs the demo's backorders wait for, so receiving and putting them away
    releases those orders. Two backordered SKUs have nothing coming. No dates: the file
    is committed, the demo is built on any day."""
    deliveries = [
        ("PO-D2001", "Nordic Tees AB", [
            ("TS-ORG-WHT-S", 12), ("HD-HVY-GRY-S", 6), ("SW-OVR-MEL-XL", 6),
            ("HL-ULL-GRA", 4), ("MO-RBB-SVA", 4),
        ]),
        ("PO-D2002", "한옥리빙 주식회사", [
            ("KB-MSK-RCE-1P", 10), ("KB-CRM", 6), ("MG-STN-WHT", 8),
        ]),
    ]  # fmt: skip
    return [
        {"reference": ref, "supplier": supplier, "expected_date": "", "sku": sku, "quantity": n}
        for ref, supplier, lines in deliveries
        for sku, n in lines
    ]


# --------------------------------------------------------------------------- main


def generate(out_dir: Path) -> dict[str, int]:
    rng = random.Random(SEED)
    out_dir.mkdir(parents=True, exist_ok=True)
    products = expand_products(rng)
    stock = plan_stock(rng, products)
    orders = build_orders(rng, products, stock)
    tables: dict[str, list[Row]] = {
        "warehouse.csv": warehouse_rows(),
        "locations.csv": location_rows(),
        "products.csv": product_rows(products),
        "stock.csv": stock.rows,
        "operators.csv": operator_rows(),
        "carriers.csv": carrier_rows(),
        "services.csv": service_rows(),
        "cartons.csv": carton_rows(),
        "orders.csv": order_rows(orders),
        "order_lines.csv": order_line_rows(orders),
        "asn.csv": asn_rows(),
    }
    return {name: write_csv(out_dir, name, rows) for name, rows in tables.items()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEMO_DATA, help="output directory")
    args = parser.parse_args(argv)
    for name, count in generate(args.out).items():
        print(f"{name:16} {count:4d} rows")


if __name__ == "__main__":
    main()
