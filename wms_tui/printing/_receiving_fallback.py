"""Text, Code 128 and file names for the receiving PDFs, on plain reportlab.

Stand-in until the shared printing toolkit (fonts with Hangul fallback, vector
barcodes, ``safe_filename``) is in this branch: the functions here have the same
shape, so switching is a change of imports in ``receiving_report.py`` and
``sku_labels.py``. Text uses DejaVu Sans with a per-character fallback to
NanumGothic for Hangul; barcodes are reportlab's vector Code 128.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path
from typing import Literal

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

MM = mm
QUIET_ZONE_MODULES = 10

_FONT_FILES = {
    "RcvSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "RcvSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "RcvHangul": "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "RcvHangul-Bold": "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
}
_lock = threading.Lock()
_cmaps: dict[str, dict[int, int]] = {}


def ensure_fonts() -> None:
    with _lock:
        if _cmaps:
            return
        for name, path in _FONT_FILES.items():
            if not Path(path).is_file():
                if "Hangul" in name:
                    continue  # Latin still prints; Hangul shows as boxes
                raise FileNotFoundError(f"font missing: {path}")
            font = TTFont(name, path)
            pdfmetrics.registerFont(font)
            _cmaps[name] = font.face.charToGlyph


def _runs(text: str, bold: bool) -> list[tuple[str, str]]:
    ensure_fonts()
    latin = "RcvSans-Bold" if bold else "RcvSans"
    hangul = "RcvHangul-Bold" if bold else "RcvHangul"
    if hangul not in _cmaps:
        hangul = latin
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = latin if (ord(ch) in _cmaps[latin] or not ch.isalpha()) else hangul
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def clean_text(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)


def text_width(text: str, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(t, f, size) for f, t in _runs(clean_text(text), bold))


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    anchor: Literal["start", "middle", "end"] = "start",
) -> float:
    """Draw one line; returns its width."""
    text = clean_text(text)
    width = text_width(text, size, bold)
    if anchor == "middle":
        x -= width / 2
    elif anchor == "end":
        x -= width
    for font, run in _runs(text, bold):
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)
    return width


def fit_text(text: str, size: float, max_width: float, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``max_width``."""
    text = clean_text(text)
    if text_width(text, size, bold) <= max_width:
        return text
    while text and text_width(text + "…", size, bold) > max_width:
        text = text[:-1]
    return text + "…"


def wrap_text(text: str, size: float, max_width: float, bold: bool = False) -> list[str]:
    words = clean_text(text).split()
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if text_width(trial, size, bold) <= max_width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return [fit_text(ln, size, max_width, bold) for ln in lines]


def code128_width(data: str, x_dim: float) -> float:
    """Width of the symbol including both 10X quiet zones."""
    quiet = QUIET_ZONE_MODULES * x_dim
    sym = Code128(data, barWidth=x_dim, humanReadable=False, quiet=True, lquiet=quiet,
                  rquiet=quiet)  # fmt: skip
    return float(sym.width)


def fit_x_dim(data: str, max_width: float, preferred: float, minimum: float) -> float | None:
    """The widest X-dimension (up to ``preferred``) that fits, or None below ``minimum``."""
    per_unit = code128_width(data, 1.0)
    x_dim = min(preferred, max_width / per_unit)
    return x_dim if x_dim >= minimum else None


def draw_code128(
    canvas: Canvas,
    x: float,
    y: float,
    data: str,
    *,
    x_dim: float,
    bar_height: float,
    anchor: Literal["start", "middle"] = "start",
) -> float:
    """Vector Code 128 with 10X quiet zones; ``x`` is the quiet zone's left edge (or centre)."""
    quiet = QUIET_ZONE_MODULES * x_dim
    sym = Code128(data, barWidth=x_dim, barHeight=bar_height, humanReadable=False, quiet=True,
                  lquiet=quiet, rquiet=quiet)  # fmt: skip
    width = float(sym.width)
    left = x - width / 2 if anchor == "middle" else x
    sym.drawOn(canvas, left, y)
    return width


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(kind: str, name: str, suffix: str = "", ext: str = "pdf") -> str:
    """A file name of ``[A-Za-z0-9._-]`` only (Hangul and slashes never reach the disk)."""
    import hashlib

    def slug(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return _UNSAFE.sub("-", ascii_text).strip("-._")[:40]

    digest = hashlib.sha256("\0".join((kind, name, suffix)).encode()).hexdigest()[:8]
    parts = [slug(kind) or "doc", slug(name) or "x", digest]
    if slug(suffix):
        parts.append(slug(suffix))
    return "_".join(parts) + "." + ext


def output_path(folder: Path | str, filename: str) -> Path:
    base = Path(folder).resolve()
    candidate = (base / filename).resolve()
    if candidate.parent != base or "/" in filename or filename in ("", ".", ".."):
        raise ValueError(f"refusing output file name {filename!r}")
    return candidate
