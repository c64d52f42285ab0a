"""Template authoring: render a blank form and propose field zones from its ruled lines.

``templates new`` uses this: the author only names and types the proposed zones.
Candidates come from two kinds of printed structure:

* closed cells bounded by ruled lines (boxes, table cells, tick squares);
* writing lines: a horizontal rule with free space above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import yaml
from pdf2image import convert_from_path

from ocr_service.errors import InputError, TemplateInvalid
from ocr_service.imaging.ingest import pil_to_bgr, probe_file
from ocr_service.templates.loader import TEMPLATE_FILE

GrayImage = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Candidate:
    bbox: tuple[int, int, int, int]
    kind: str
    """"cell", "square" (a tick box) or "line" (a writing line)."""

    @property
    def suggested_type(self) -> str:
        return "checkbox" if self.kind == "square" else "text"


def render_reference(source: Path, dpi: int, pages: list[int] | None) -> list[GrayImage]:
    """Render the chosen pages (1-based) of a blank PDF or image to grayscale at ``dpi``."""
    info = probe_file(source)
    wanted = pages or list(range(1, info.pages + 1))
    for p in wanted:
        if not 1 <= p <= info.pages:
            raise InputError(f"page {p} does not exist in {source} ({info.pages} pages)")
    out: list[GrayImage] = []
    for p in wanted:
        if info.kind == "pdf":
            im = convert_from_path(str(source), dpi=dpi, first_page=p, last_page=p)[0]
            bgr = pil_to_bgr(im)
        else:
            bgr = np.asarray(cv2.imread(str(source)), np.uint8)
        out.append(np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), np.uint8))
    return out


def _line_masks(gray: GrayImage, dpi: int) -> tuple[GrayImage, GrayImage]:
    binary = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15
    )
    min_len = max(dpi // 8, 12)  # ~3 mm: shorter strokes are text, not rules
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((1, min_len), np.uint8))
    vert = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((min_len, 1), np.uint8))
    return np.asarray(horiz, np.uint8), np.asarray(vert, np.uint8)


def find_candidates(gray: GrayImage, dpi: int) -> list[Candidate]:
    """Propose field zones from ruled cells, tick squares and writing lines."""
    horiz, vert = _line_masks(gray, dpi)
    grid = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    h, w = gray.shape
    mm = dpi / 25.4
    cells: list[Candidate] = []
    contours, hierarchy = cv2.findContours(grid, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is not None:
        for i, c in enumerate(contours):
            if hierarchy[0][i][3] < 0:  # outer boundary of a line blob, not a cell
                continue
            x, y, cw, ch = cv2.boundingRect(c)
            if cw < 2.5 * mm or ch < 2.5 * mm or cw > 0.95 * w or ch > 0.5 * h:
                continue
            fill = cv2.contourArea(c) / float(cw * ch)
            if fill < 0.85:
                continue
            square = abs(cw - ch) < 0.25 * max(cw, ch) and max(cw, ch) < 8 * mm
            inset = 2 if square else 4
            bbox = (x + inset, y + inset, max(cw - 2 * inset, 1), max(ch - 2 * inset, 1))
            cells.append(Candidate(bbox=bbox, kind="square" if square else "cell"))
    squares = [
        s for s in _tick_squares(gray, mm) if not any(_iou(s.bbox, c.bbox) > 0.5 for c in cells)
    ]
    lines = _writing_lines(horiz, vert, cells + squares, mm)
    ordered = sorted(cells + squares + lines, key=lambda c: (c.bbox[1] // int(3 * mm), c.bbox[0]))
    return ordered


def _tick_squares(gray: GrayImage, mm: float) -> list[Candidate]:
    """Small hollow squares (2.5 to 8 mm): tick boxes whose sides are too short for rules."""
    binary = np.asarray((gray < 200) * 255, np.uint8)  # thin rules render light grey
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    out: list[Candidate] = []
    if hierarchy is None:
        return out
    for i, c in enumerate(contours):
        if hierarchy[0][i][3] < 0:  # we want the inner (hole) contour of the square
            continue
        x, y, cw, ch = cv2.boundingRect(c)
        if not (2.0 * mm <= cw <= 8 * mm and 2.0 * mm <= ch <= 8 * mm):
            continue
        if abs(cw - ch) > 0.2 * max(cw, ch):
            continue
        if cv2.contourArea(c) / float(cw * ch) < 0.85:
            continue
        inner = gray[y + 2 : y + ch - 2, x + 2 : x + cw - 2]
        if inner.size == 0 or float(inner.mean()) < 200:  # a filled glyph, not an empty box
            continue
        out.append(Candidate(bbox=(x + 1, y + 1, max(cw - 2, 1), max(ch - 2, 1)), kind="square"))
    return out


def _writing_lines(
    horiz: GrayImage, vert: GrayImage, cells: list[Candidate], mm: float
) -> list[Candidate]:
    """Horizontal rules that are not part of a cell border: a zone above each."""
    out: list[Candidate] = []
    n, _, stats, _ = cv2.connectedComponentsWithStats(horiz)
    for i in range(1, n):
        x, y, lw, lh, _ = stats[i]
        if lw < 20 * mm or lh > 1.5 * mm:
            continue
        zone = (int(x), int(max(y - 7 * mm, 0)), int(lw), int(7 * mm - 2))
        if any(_overlap_ratio(zone, c.bbox) > 0.3 for c in cells):
            continue
        if vert[zone[1] : zone[1] + zone[3], zone[0] : zone[0] + zone[2]].mean() > 40:
            continue
        out.append(Candidate(bbox=zone, kind="line"))
    return out


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    return inter / float(aw * ah + bw * bh - inter)


def _overlap_ratio(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    return ix * iy / float(min(aw * ah, bw * bh))


def new_template(
    template_id: str,
    source: Path,
    root: Path,
    *,
    dpi: int = 200,
    pages: list[int] | None = None,
    name: str | None = None,
    force: bool = False,
) -> tuple[Path, int]:
    """Create ``root/template_id`` with reference PNGs and a template of proposed fields."""
    folder = root / template_id
    if (folder / TEMPLATE_FILE).exists() and not force:
        raise TemplateInvalid(
            f"{folder / TEMPLATE_FILE} already exists; pass --force to overwrite it"
        )
    images = render_reference(source, dpi, pages)
    folder.mkdir(parents=True, exist_ok=True)
    page_specs: list[dict[str, Any]] = []
    fields: list[dict[str, Any]] = []
    for number, gray in enumerate(images, start=1):
        image_name = f"page{number}.png"
        cv2.imwrite(str(folder / image_name), gray)
        h, w = gray.shape
        page_specs.append(
            {"page": number, "image": image_name, "dpi": dpi, "width": w, "height": h}
        )
        for cand in find_candidates(gray, dpi):
            fields.append(
                {
                    "name": f"p{number}_field_{len(fields) + 1:03d}",
                    "label": f"TODO: name this {cand.kind} zone",
                    "page": number,
                    "bbox": list(cand.bbox),
                    "type": cand.suggested_type,
                    "language": "eng",
                    "required": False,
                }
            )
    doc = {
        "id": template_id,
        "name": name or template_id,
        "version": 1,
        "description": "Generated by `ocr-service templates new`; name and type each field.",
        "source": str(source.name),
        "pages": page_specs,
        "fields": fields,
    }
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=None)
    (folder / TEMPLATE_FILE).write_text(text, encoding="utf-8")
    return folder, len(fields)
