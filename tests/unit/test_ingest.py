"""Ingest: type sniffing, limits and decoding of every accepted image kind (poppler only for
the PDF page-size check)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocr_service.errors import (
    CorruptFile,
    FileTooLarge,
    ImageTooLarge,
    ImageTooSmall,
    TooManyPages,
    UnsupportedFileType,
)
from ocr_service.imaging.ingest import Limits, iter_pages, load_page, probe_file


def _page(mode: str = "L", size: tuple[int, int] = (800, 1100)) -> Image.Image:
    im = Image.new("RGB", size, (255, 255, 255))
    im.paste((0, 0, 0), (100, 100, 300, 120))
    return im.convert(mode)


def test_png_jpeg_and_modes(tmp_path: Path) -> None:
    for mode, ext in [("L", "png"), ("1", "png"), ("RGB", "jpg"), ("CMYK", "jpg"), ("RGBA", "png")]:
        path = tmp_path / f"p_{mode}.{ext}"
        _page(mode).save(path)
        info = probe_file(path)
        assert info.pages == 1
        img = load_page(path, 0)
        assert img.dtype == np.uint8 and img.shape == (1100, 800, 3)
        assert img[110, 200].max() < 80 and img[500, 500].min() > 200


def test_sixteen_bit_tiff(tmp_path: Path) -> None:
    arr = np.full((1100, 800), 60000, np.uint16)
    arr[100:120, 100:300] = 0
    path = tmp_path / "p16.tif"
    Image.fromarray(arr).save(path)
    img = load_page(path, 0)
    assert img.dtype == np.uint8 and img[110, 200].max() < 10 and img[500, 500].min() > 240


def test_multipage_tiff_yields_every_page(tmp_path: Path) -> None:
    path = tmp_path / "batch.tif"
    pages = [_page() for _ in range(3)]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    assert probe_file(path).pages == 3
    assert [i for i, _ in iter_pages(path)] == [0, 1, 2]


def test_exif_orientation_is_honoured(tmp_path: Path) -> None:
    im = _page("RGB", (800, 1100))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW on display
    path = tmp_path / "phone.jpg"
    im.save(path, exif=exif)
    assert load_page(path, 0).shape[:2] == (800, 1100)


@pytest.mark.parametrize(
    ("data", "error", "needle"),
    [
        (b"", CorruptFile, "empty"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", UnsupportedFileType, "HTML"),
        (b"GIF89a" + b"\0" * 100, UnsupportedFileType, "GIF"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, CorruptFile, "damaged"),
        (b"random bytes that are not an image", UnsupportedFileType, "PDF, TIFF, PNG or JPEG"),
    ],
)
def test_bad_bytes_give_clear_errors(
    tmp_path: Path, data: bytes, error: type[Exception], needle: str
) -> None:
    path = tmp_path / "upload.pdf"
    path.write_bytes(data)
    with pytest.raises(error, match=needle):
        probe_file(path)


def test_zip_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    path = tmp_path / "scans.zip"
    path.write_bytes(buf.getvalue())
    with pytest.raises(UnsupportedFileType, match="ZIP"):
        probe_file(path)


def test_truncated_png(tmp_path: Path) -> None:
    path = tmp_path / "t.png"
    _page().save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFile):
        load_page(path, 0)


def test_limits(tmp_path: Path) -> None:
    path = tmp_path / "p.png"
    _page().save(path)
    with pytest.raises(FileTooLarge):
        probe_file(path, Limits(max_bytes=10))
    with pytest.raises(ImageTooLarge, match="MP"):
        probe_file(path, Limits(max_pixels=100_000))
    tiny = tmp_path / "tiny.png"
    Image.new("L", (1, 1), 255).save(tiny)
    with pytest.raises(ImageTooSmall):
        probe_file(tiny)
    multi = tmp_path / "m.tif"
    _page().save(multi, save_all=True, append_images=[_page(), _page()])
    with pytest.raises(TooManyPages, match="split"):
        probe_file(multi, Limits(max_pages=2))


def test_decompression_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000), 1).save(path)  # tiny file, 400 MP
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ImageTooLarge):
        probe_file(path)


def test_an_oversized_second_tiff_frame_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    small = Image.new("L", (400, 560), 255)
    big = Image.new("L", (1500, 1500), 255)
    path = tmp_path / "two.tif"
    small.save(path, save_all=True, append_images=[big])
    limits = Limits(max_pixels=1_000_000)
    assert load_page(path, 0, limits).shape[:2] == (560, 400)
    with pytest.raises(ImageTooLarge) as caught:
        load_page(path, 1, limits)
    assert caught.value.details["page"] == 2
    assert "page 2" in caught.value.message


def test_an_oversized_later_pdf_page_is_refused_before_anything_renders(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4
    writer.add_blank_page(width=14400, height=14400)  # a 200-inch page
    path = tmp_path / "two.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(ImageTooLarge) as caught:
        probe_file(path)
    assert caught.value.details["page"] == 2
    assert "200.0x200.0 in" in caught.value.message
