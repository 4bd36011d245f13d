"""The bundled Korean font as a browser will take it: NanumGothic without its VTT tables.

The page's terminal font ('Roboto Mono') has no Hangul, and a browser on a machine
without a Korean font drew boxes for Korean names and addresses. The web page offers
NanumGothic for those characters (``web_server.font_head``), but Chromium's font
sanitizer (OTS) refuses the file as shipped: its ``TSI3`` table, one of the hinting
*sources* Microsoft's VTT keeps in a font (``TSI0``–``TSI5``, read by no renderer), is
empty ("OTS parsing error: TSI3: zero-length table"). The font is served with those
tables left out; the glyphs, metrics and compiled hints are the same bytes.
"""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
WEB_FONTS = {"NanumGothic.ttf": "normal", "NanumGothicBold.ttf": "bold"}
# Hangul (syllables, jamo, compatibility jamo), kana, CJK ideographs and their
# punctuation, enclosed letters and full-width forms: what NanumGothic draws
# and Roboto Mono does not.
CJK_RANGES = (
    "U+1100-11FF, U+3000-303F, U+3040-30FF, U+3130-318F, U+3200-32FF, "
    "U+4E00-9FFF, U+A960-A97F, U+AC00-D7AF, U+D7B0-D7FF, U+F900-FAFF, U+FF00-FFEF"
)
_HEADER = struct.Struct(">IHHHH")
_ENTRY = struct.Struct(">4sIII")


def _dropped(tag: bytes) -> bool:
    return tag.startswith(b"TSI")


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def without_vtt_sources(font: bytes) -> bytes:
    """``font`` (a TrueType file) rebuilt without its ``TSI*`` tables."""
    version, count, *_ = _HEADER.unpack_from(font, 0)
    tables = []
    for i in range(count):
        tag, checksum, offset, length = _ENTRY.unpack_from(font, _HEADER.size + i * _ENTRY.size)
        if not _dropped(tag):
            tables.append((tag, checksum, font[offset : offset + length]))
    tables.sort(key=lambda t: t[0])
    kept = len(tables)
    power = 1 << (kept.bit_length() - 1)
    header = _HEADER.pack(version, kept, power * 16, power.bit_length() - 1, kept * 16 - power * 16)
    offset = _HEADER.size + kept * _ENTRY.size
    directory, body = [], []
    for tag, checksum, data in tables:
        if tag == b"head":  # its whole-file checksum is set below, over the new file
            data = data[:8] + b"\0\0\0\0" + data[12:]
        directory.append(_ENTRY.pack(tag, checksum, offset, len(data)))
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    out = bytearray(header + b"".join(directory) + b"".join(body))
    head = next((e for e in directory if e[:4] == b"head"), None)
    if head is not None:
        head_offset = _ENTRY.unpack(head)[2]
        adjustment = (0xB1B0AFBA - _checksum(bytes(out))) & 0xFFFFFFFF
        out[head_offset + 8 : head_offset + 12] = struct.pack(">I", adjustment)
    return bytes(out)


@cache
def web_font(name: str) -> bytes:
    """One of :data:`WEB_FONTS` as the page serves it (built once per process)."""
    if name not in WEB_FONTS:
        raise KeyError(name)
    return without_vtt_sources((FONT_DIR / name).read_bytes())
