"""Ingest: sniff a file, enforce limits, and yield its pages one at a time.

Supports PDF (rendered page by page through poppler, never all pages at once),
multi-page TIFF, PNG and JPEG (EXIF orientation honoured). Grayscale, bilevel,
16-bit and colour images are all converted to 8-bit BGR.

This module does not import OpenCV, so the API process can probe uploads cheaply.
"""

from __future__ import annotations

import re
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pdf2image import convert_from_path
from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ocr_service.config import Settings
from ocr_service.errors import (
    CorruptFile,
    EncryptedFile,
    FileTooLarge,
    ImageTooLarge,
    ImageTooSmall,
    MissingDependency,
    TooManyPages,
    UnsupportedFileType,
)

BgrImage = npt.NDArray[np.uint8]

POPPLER_MISSING = (
    "poppler (pdfinfo, pdftoppm) is not installed or not on PATH, so PDFs cannot be read; "
    "install poppler-utils"
)

MIME = {"pdf": "application/pdf", "tiff": "image/tiff", "png": "image/png", "jpeg": "image/jpeg"}
PDF_RENDER_TIMEOUT_S = 120


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 100 * 2**20
    max_pages: int = 500
    max_pixels: int = 60_000_000
    """Pixels per page (600 dpi A3 is about 70 MP; A4 at 600 dpi about 35 MP)."""
    min_side: int = 300
    pdf_dpi: int = 200
    """DPI at which PDF pages are rendered."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The ``OCR_MAX_*`` settings: uploads, the worker and ``ocr-service read`` use these."""
        return cls(
            max_bytes=settings.max_upload_bytes,
            max_pages=settings.max_pages,
            max_pixels=settings.max_pixels,
        )


@dataclass(frozen=True)
class FileInfo:
    kind: str
    pages: int
    mime: str


def sniff(head: bytes) -> str:
    """Return the file kind from its magic bytes, or raise UnsupportedFileType."""
    if head.startswith(b"%PDF-") or (b"%PDF-" in head[:1024] and not _looks_like_html(head)):
        return "pdf"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    hint = ""
    if head.startswith(b"PK\x03\x04"):
        hint = " (this is a ZIP archive; upload the scans inside it one by one)"
    elif _looks_like_html(head):
        hint = " (this is HTML, perhaps a web page saved under a .pdf name)"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        hint = " (GIF is not a scan format; export the page as PNG)"
    elif not head:
        raise CorruptFile("the file is empty (0 bytes)")
    raise UnsupportedFileType(
        "unsupported file type" + hint + "; send a PDF, TIFF, PNG or JPEG scan",
    )


def _looks_like_html(head: bytes) -> bool:
    text = head[:512].lstrip().lower()
    return text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body"))


def probe_file(path: Path, limits: Limits | None = None) -> FileInfo:
    """Check type, size and page count without rendering anything."""
    limits = limits or Limits()
    size = path.stat().st_size
    if size == 0:
        raise CorruptFile("the file is empty (0 bytes)")
    if size > limits.max_bytes:
        raise FileTooLarge(
            f"the file is {size / 2**20:.1f} MiB; the limit is {limits.max_bytes / 2**20:.0f} MiB",
            size=size,
            limit=limits.max_bytes,
        )
    with path.open("rb") as fh:
        head = fh.read(2048)
    kind = sniff(head)
    pages = _count_pdf_pages(path, limits) if kind == "pdf" else _count_image_pages(path, limits)
    if pages == 0:
        raise CorruptFile("the file holds no pages")
    if pages > limits.max_pages:
        raise TooManyPages(
            f"the file has {pages} pages; the limit is {limits.max_pages} per file: "
            "split the batch into smaller files",
            pages=pages,
            limit=limits.max_pages,
        )
    return FileInfo(kind=kind, pages=pages, mime=MIME[kind])


def _count_pdf_pages(path: Path, limits: Limits) -> int:
    try:
        proc = subprocess.run(
            ["pdfinfo", str(path)],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise CorruptFile("the PDF could not be analysed within 30 s") from exc
    except FileNotFoundError as exc:
        raise MissingDependency(POPPLER_MISSING) from exc
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    if "Incorrect password" in err or (
        re.search(r"^Encrypted:\s+yes", out, re.M) and proc.returncode
    ):
        raise EncryptedFile("the PDF is password-protected; send an unprotected copy")
    if proc.returncode != 0:
        raise CorruptFile("the PDF is damaged or truncated and cannot be opened")
    match = re.search(r"^Pages:\s+(\d+)", out, re.M)
    if not match:
        raise CorruptFile("the PDF has no readable page tree")
    pages = int(match.group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)
    if size and pages:
        _check_pdf_page(1, float(size.group(1)), float(size.group(2)), limits)
    if 1 < pages <= limits.max_pages:
        for number, w_pt, h_pt in _pdf_page_sizes(path, pages):
            _check_pdf_page(number, w_pt, h_pt, limits)
    return pages


PAGE_SIZE = re.compile(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", re.M)


def _pdf_page_sizes(path: Path, pages: int) -> list[tuple[int, float, float]]:
    """Every page's size in points (``pdfinfo -f 1 -l N``), read before anything renders."""
    try:
        proc = subprocess.run(
            ["pdfinfo", "-f", "1", "-l", str(pages), str(path)],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise CorruptFile("the PDF's pages could not be measured within 30 s") from exc
    out = proc.stdout.decode("utf-8", "replace")
    return [(int(n), float(w), float(h)) for n, w, h in PAGE_SIZE.findall(out)]


def _check_pdf_page(number: int, w_pt: float, h_pt: float, limits: Limits) -> None:
    """Refuse a PDF page that would render past the pixel limit (before it is rendered)."""
    w_in, h_in = w_pt / 72, h_pt / 72
    pixels = w_in * h_in * limits.pdf_dpi**2
    if pixels > limits.max_pixels:
        raise ImageTooLarge(
            f"page {number} of the PDF is {w_in:.1f}x{h_in:.1f} in, which at "
            f"{limits.pdf_dpi} dpi would have {pixels / 1e6:.0f} MP; the limit is "
            f"{limits.max_pixels / 1e6:.0f} MP per page",
            page=number,
        )


@contextmanager
def _pixel_limit(pixels: int) -> Iterator[None]:
    """PIL's bomb limit set to ``pixels`` for one open, and put back after: it is a
    process-wide setting, and a small limit left behind (a test's, or a caller's) refused
    every later image of the process."""
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _open_image(path: Path, limits: Limits) -> Image.Image:
    try:
        with warnings.catch_warnings(), _pixel_limit(limits.max_pixels):
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(path)
            try:
                _check_pixels(im.size, limits)
            except BaseException:
                im.close()
                raise
            return im
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(
            f"the image is larger than {limits.max_pixels / 1e6:.0f} MP per page "
            "(or is a decompression bomb); rescan at 300 dpi"
        ) from exc
    except UnidentifiedImageError as exc:
        raise CorruptFile("the image is damaged or truncated and cannot be decoded") from exc
    except OSError as exc:
        raise CorruptFile(f"the image cannot be decoded: {exc}") from exc


def _check_pixels(size: tuple[int, int], limits: Limits) -> None:
    w, h = size
    if w * h > limits.max_pixels:
        raise ImageTooLarge(
            f"a page of {w}x{h} px has {w * h / 1e6:.0f} MP; the limit is "
            f"{limits.max_pixels / 1e6:.0f} MP per page; rescan at 300 dpi"
        )
    if min(w, h) < limits.min_side:
        raise ImageTooSmall(
            f"a page of {w}x{h} px is too small to hold a readable form "
            f"(at least {limits.min_side} px per side; scan at 150 dpi or more)"
        )


def _check_frame(size: tuple[int, int], index: int, limits: Limits) -> None:
    """Refuse a frame (a TIFF page) past the pixel limit before it is decoded: the open
    checks only the first frame, and an 81 MP second frame was decoded in full."""
    w, h = size
    if w * h > limits.max_pixels:
        raise ImageTooLarge(
            f"page {index + 1} of the image is {w}x{h} px, {w * h / 1e6:.0f} MP; the limit "
            f"is {limits.max_pixels / 1e6:.0f} MP per page; rescan at 300 dpi",
            page=index + 1,
        )


def _count_image_pages(path: Path, limits: Limits) -> int:
    with _open_image(path, limits) as im:
        return int(getattr(im, "n_frames", 1))


def iter_pages(path: Path, limits: Limits | None = None) -> Iterator[tuple[int, BgrImage]]:
    """Yield ``(index, BGR image)`` for every page, one page in memory at a time."""
    limits = limits or Limits()
    info = probe_file(path, limits)
    for index in range(info.pages):
        yield index, load_page(path, index, limits, info=info)


def load_page(
    path: Path, index: int, limits: Limits | None = None, *, info: FileInfo | None = None
) -> BgrImage:
    """Decode one page (0-based ``index``) as 8-bit BGR."""
    limits = limits or Limits()
    info = info or probe_file(path, limits)
    if not 0 <= index < info.pages:
        raise CorruptFile(f"page {index + 1} does not exist (the file has {info.pages})")
    if info.kind == "pdf":
        return _render_pdf_page(path, index, limits)
    with _open_image(path, limits) as im:
        frames = ImageSequence.Iterator(im)
        try:
            frame = frames[index]  # reads the frame's header only
            _check_frame(frame.size, index, limits)
            frame.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageTooLarge(
                f"page {index + 1} of the image is larger than "
                f"{limits.max_pixels / 1e6:.0f} MP (or is a decompression bomb); rescan at 300 dpi",
                page=index + 1,
            ) from exc
        except (OSError, EOFError, ValueError) as exc:
            raise CorruptFile(
                f"page {index + 1} of the image is damaged or truncated and cannot be decoded"
            ) from exc
        if info.kind == "jpeg":
            frame = ImageOps.exif_transpose(frame)
        return pil_to_bgr(frame)


def _render_pdf_page(path: Path, index: int, limits: Limits) -> BgrImage:
    try:
        pages = convert_from_path(
            str(path),
            dpi=limits.pdf_dpi,
            first_page=index + 1,
            last_page=index + 1,
            grayscale=False,
            timeout=PDF_RENDER_TIMEOUT_S,
        )
    except (PDFInfoNotInstalledError, FileNotFoundError) as exc:
        raise MissingDependency(POPPLER_MISSING) from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise CorruptFile(f"page {index + 1} of the PDF cannot be rendered") from exc
    except subprocess.TimeoutExpired as exc:
        raise CorruptFile(f"page {index + 1} of the PDF took too long to render") from exc
    if not pages:
        raise CorruptFile(f"page {index + 1} of the PDF rendered to nothing")
    page = pages[0]
    _check_pixels(page.size, limits)
    return pil_to_bgr(page)


def pil_to_bgr(im: Image.Image) -> BgrImage:
    """Convert any PIL mode (1, L, I;16, RGB, RGBA, CMYK, P...) to 8-bit BGR."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr16 = np.asarray(im, dtype=np.float64)
        hi = float(arr16.max()) or 1.0
        gray = np.clip(arr16 / hi * 255.0, 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if im.mode in ("RGBA", "LA", "P", "PA"):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, rgba)
    rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])
