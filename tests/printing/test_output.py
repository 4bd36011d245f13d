"""File names, confined output paths and printing through lp."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wms_tui.printing.errors import PrintError, UnsafePathError
from wms_tui.printing.output import output_path, safe_filename, send_to_printer

SAFE = re.compile(r"[A-Za-z0-9._-]+")
ANY_NAME = st.text(max_size=80) | st.sampled_from(
    [
        "../../etc/x",
        "/etc/passwd",
        "..",
        ".",
        "",
        "a/b",
        "a-b",
        "주문 1001",
        "Åsa/Öberg",
        "CON",
        "x\x00y",
        "....//....//",
        "\\\\server\\share",
        "-rf",
    ]
)


@settings(max_examples=300)
@given(ANY_NAME, st.sampled_from(["label", "slip", "../x", ""]), st.sampled_from(["", "pkg1"]))
def test_any_order_name_stays_in_the_folder(name: str, kind: str, suffix: str) -> None:
    folder = Path("/tmp/wms-output-test").resolve()
    filename = safe_filename(kind, name, suffix, "pdf")
    assert SAFE.fullmatch(filename)
    assert not filename.startswith(".")
    assert len(filename) <= 120
    path = output_path(folder, filename)
    assert path.parent == folder


@settings(max_examples=300)
@given(ANY_NAME, ANY_NAME)
def test_distinct_names_never_share_a_file(first: str, second: str) -> None:
    if first != second:
        assert safe_filename("label", first, "pkg1") != safe_filename("label", second, "pkg1")


def test_readable_slugs() -> None:
    assert safe_filename("label", "#1001", "pkg1").startswith("label_1001_")
    assert safe_filename("slip", "Åsa/Öberg", "", "pdf").startswith("slip_Asa-Oberg_")
    assert safe_filename("label", "../../etc/x").startswith("label_etc-x_")
    assert safe_filename("label", "주문", ext=".zpl").endswith(".zpl")
    assert safe_filename("label", "a/b") != safe_filename("label", "a-b")


@pytest.mark.parametrize("ext", ["", "pdf/x", "p df", "a" * 11, "../pdf"])
def test_bad_extension(ext: str) -> None:
    with pytest.raises(ValueError, match="extension"):
        safe_filename("label", "#1", ext=ext)


@pytest.mark.parametrize("name", ["../x.pdf", "/etc/passwd", "..", ".", "", "a/b.pdf", "a\\b"])
def test_output_path_refuses_escapes(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafePathError):
        output_path(tmp_path, name)


def test_output_path_refuses_symlink_escape(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "labels"
    folder.mkdir()
    (folder / "label.pdf").symlink_to(outside / "label.pdf")
    with pytest.raises(UnsafePathError, match="outside"):
        output_path(folder, "label.pdf")
    assert isinstance(UnsafePathError("x"), PrintError | ValueError)


def test_output_path_accepts_plain_names(tmp_path: Path) -> None:
    assert output_path(tmp_path, "label_1001_abc.pdf") == tmp_path.resolve() / "label_1001_abc.pdf"


# -- send_to_printer with a fake lp on PATH ----------------------------------------------------


def _fake_lp(folder: Path, body: str) -> None:
    script = folder / "lp"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "label.pdf"
    path.write_bytes(b"%PDF-1.4 fake")
    return path


def test_lp_called_with_printer_and_path(tmp_path: Path, document: Path, monkeypatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "args.txt"
    _fake_lp(
        bin_dir,
        f'for arg in "$@"; do echo "$arg" >> "{record}"; done\n'
        'echo "request id is Zebra-42 (1 file(s))"\n',
    )
    monkeypatch.setenv("PATH", str(bin_dir))
    send_to_printer(document, "Zebra_GK420d")
    assert record.read_text().splitlines() == ["-d", "Zebra_GK420d", str(document.resolve())]


def test_lp_failure_raises_with_its_message(tmp_path: Path, document: Path, monkeypatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_lp(bin_dir, 'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(PrintError, match="The printer or class does not exist"):
        send_to_printer(document, "NoSuchPrinter")


def test_lp_missing_is_a_print_error(tmp_path: Path, document: Path, monkeypatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(PrintError, match="'lp' command was not found"):
        send_to_printer(document, "Zebra")


def test_no_printer_configured_does_nothing(tmp_path: Path, document: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # lp would not even be found
    send_to_printer(document, None)
    send_to_printer(document, "")


@pytest.mark.parametrize("printer", ["-o evil", "two words", "a/b", "x\ny"])
def test_bad_printer_names(document: Path, printer: str) -> None:
    with pytest.raises(PrintError, match="invalid printer name"):
        send_to_printer(document, printer)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PrintError, match="does not exist"):
        send_to_printer(tmp_path / "nope.pdf", "Zebra")
    assert os.path.exists(tmp_path)


# --------------------------------------------------------------------------- atomic writes


def test_a_document_replaces_the_old_one_in_one_step(tmp_path: Path) -> None:
    from wms_tui.printing.output import write_atomically

    target = tmp_path / "label.pdf"
    target.write_bytes(b"old label")
    write_atomically(target, b"%PDF-1.4 new label")
    assert target.read_bytes() == b"%PDF-1.4 new label"
    assert [p.name for p in tmp_path.iterdir()] == ["label.pdf"]


def test_a_write_that_dies_half_way_leaves_the_old_file_and_no_scraps(
    tmp_path: Path, monkeypatch
) -> None:
    """A crash (here: the disk refusing the flush) after half the bytes were
    written never leaves a truncated PDF where the printer looks."""
    from wms_tui.printing import label
    from wms_tui.printing.output import atomic_file

    target = tmp_path / "label.pdf"
    target.write_bytes(b"%PDF old, whole")
    with pytest.raises(RuntimeError), atomic_file(target, "wb") as fh:
        fh.write(b"%PDF-1.4 half a lab")
        raise RuntimeError("terminal killed")
    assert target.read_bytes() == b"%PDF old, whole"

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    monkeypatch.setattr(label, "render_label_pdf_bytes", lambda *_a, **_k: b"%PDF-1.4 " * 1000)
    with pytest.raises(PrintError, match="No space left"):
        label.render_label_pdf(None, target)  # type: ignore[arg-type]
    assert target.read_bytes() == b"%PDF old, whole"
    assert [p.name for p in tmp_path.iterdir()] == ["label.pdf"]
