"""Where rendered documents go: safe file names, confined output paths, CUPS printing.

Order names come from shops and customers (``#1001``, ``../../etc/x``, ``주문 1001``), so they
never reach the file system as they are: :func:`safe_filename` keeps a readable ASCII slug and
adds a short hash of the exact inputs, which keeps different orders apart even when their
slugs are equal, and :func:`output_path` refuses anything that would resolve outside the
output folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from wms_tui.printing.errors import PrintError, UnsafePathError

_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")
_HASH_LENGTH = 12  # 48 bits: collisions need ~16 million names in one folder to get likely
LP_TIMEOUT_S = 30.0


def _slug(text: str, max_length: int) -> str:
    # NFKD splits "Å" into "A" + ring so Nordic names keep their letters; characters with no
    # ASCII form (Hangul) drop out and are represented by the hash alone.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE_RUN.sub("-", ascii_text).strip("-._")
    return slug[:max_length].strip("-._")


def safe_filename(kind: str, order_name: str, suffix: str = "", ext: str = "pdf") -> str:
    """File name for a document, built only from ``[A-Za-z0-9._-]``.

    ``safe_filename("label", "#1001", "pkg1")`` gives ``label_1001_<hash>_pkg1.pdf``. The hash
    covers kind, order name and suffix exactly, so two different inputs never share a name
    even when their slugs are equal (``a/b`` and ``a-b``). Never starts with a dot and never
    contains a path separator.
    """
    extension = ext.lstrip(".")
    if not _EXTENSION.fullmatch(extension):
        raise ValueError(f"file extension must be 1-10 ASCII letters/digits, got {ext!r}")
    identity = "\x00".join((kind, order_name, suffix))
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()
    parts = [_slug(kind, 20) or "doc", _slug(order_name, 40) or "order", digest[:_HASH_LENGTH]]
    suffix_slug = _slug(suffix, 24)
    if suffix_slug:
        parts.append(suffix_slug)
    return "_".join(parts) + "." + extension


def output_path(folder: Path | str, filename: str) -> Path:
    """Absolute path of ``filename`` directly inside ``folder``, or :class:`UnsafePathError`.

    Rejects separators, ``.``/``..`` and anything that resolves (through symlinks too)
    outside the folder, so even a hand-built name cannot write elsewhere.
    """
    base = Path(folder).resolve()
    if (
        not filename
        or filename in {".", ".."}
        or "/" in filename
        or "\\" in filename
        or "\x00" in filename
    ):
        raise UnsafePathError(f"refusing output file name {filename!r}: not a plain file name")
    candidate = (base / filename).resolve()
    if candidate.parent != base:
        raise UnsafePathError(
            f"refusing to write {filename!r}: it resolves to {candidate}, outside {base}"
        )
    return candidate


def write_atomically(path: Path | str, content: bytes) -> Path:
    """Write ``content`` to ``path`` so that ``path`` is never half a file.

    The bytes go to a temporary file in the same folder, reach the disk
    (fsync), and replace ``path`` in one rename: a crash, a full disk or a
    killed terminal leaves the old file or the new one, never a truncated PDF
    that a printer or a courier's scanner would choke on.
    """
    with atomic_file(path, "wb") as fh:
        fh.write(content)
    return Path(path)


@contextmanager
def atomic_file(path: Path | str, mode: str = "w", **open_kwargs: object) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; renamed over ``path`` on success,
    removed on any error (see :func:`write_atomically`)."""
    target = Path(path)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, mode, **open_kwargs) as fh:  # type: ignore[call-overload]
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _check_printer_name(printer: str) -> None:
    # CUPS queue names are printable, without spaces, '/' or '#'; a leading '-' would be
    # read by lp as an option.
    if printer.startswith("-") or any(
        char.isspace() or char in "/#" or not char.isprintable() for char in printer
    ):
        raise PrintError(f"invalid printer name {printer!r}")


def send_to_printer(path: Path | str, printer: str | None) -> None:
    """Print ``path`` with ``lp -d PRINTER PATH``; do nothing when no printer is configured.

    Failures are raised as :class:`PrintError` carrying lp's own message (unknown printer,
    scheduler not running, ...) so the operator sees why, including when ``lp`` is missing.
    """
    if not printer:
        return
    _check_printer_name(printer)
    file_path = Path(path)
    if not file_path.is_file():
        raise PrintError(f"nothing to print: {file_path} does not exist")
    # An absolute path can never be mistaken for an lp option.
    command = ["lp", "-d", printer, str(file_path.resolve())]
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=LP_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise PrintError(
            "cannot print: the 'lp' command was not found (install the CUPS client tools)"
        ) from None
    except subprocess.TimeoutExpired:
        raise PrintError(
            f"lp did not answer within {LP_TIMEOUT_S:.0f} s (printer {printer!r})"
        ) from None
    except OSError as exc:
        raise PrintError(f"cannot run lp: {exc}") from exc
    if result.returncode != 0:
        message = (result.stderr or result.stdout or "").strip()
        message = message or f"exit status {result.returncode}"
        raise PrintError(f"printing {file_path.name} on {printer!r} failed: {message}")
