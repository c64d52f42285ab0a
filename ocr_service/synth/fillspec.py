"""Fill a form we did not design from its fill spec: a page image and its exact truth.

A fill spec (``plume/fill_specs/<form>.json`` under the realforms root, or a
``fill_spec.json`` beside a template) says what someone wrote on the form, in one of
three ways (``strategy``):

* ``acroform``: values by AcroForm field name, written into that widget's rectangle
  (read from the PDF with pypdf) as a viewer shows a filled field.
* ``overlay`` (plume's graphical forms): values with a position in PDF points
  (origin bottom-left, the text's baseline) and a font size, drawn in a print face on the
  rendered reference page; ``checkbox`` entries are an ``X`` at that position.
* ``scan``: a real filled scan (``image``, relative to the realforms root) and its
  ``truth`` by template field name (the NIST SD19 page).

Each written value belongs to the template field whose zone holds it (its widget's
centre, or its text's middle), so no name mapping is kept anywhere: the template's
geometry decides. The truth of a field is the canonical value its type parses the
written text to (:func:`~ocr_service.reading.validate.parse_typed`), the reading
contract's form; a value its type cannot parse stays as written, so a wrong type shows
as a miss instead of vanishing.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from ocr_service.reading.normalize import normalize_for
from ocr_service.reading.validate import parse_typed
from ocr_service.synth.fonts import FALLBACK
from ocr_service.synth.render import load_reference
from ocr_service.synth.values import Value
from ocr_service.templates.loader import LoadedTemplate, default_realforms_dir
from ocr_service.templates.model import FieldSpec, FieldType, PageSpec

FILL_SPEC = "fill_spec.json"
POINTS_PER_INCH = 72.0


class FillSpecError(ValueError):
    """A fill spec is missing, malformed, or does not fit its template."""


@dataclass(frozen=True)
class Written:
    """One thing written on the page: where (reference px) and what."""

    x: float
    y: float
    value: str
    check: bool = False
    """A tick (a check box or an ``X``), not text."""


@dataclass
class FilledPage:
    image: NDArray[np.uint8]
    """The filled page at reference size, BGR."""
    truth: dict[str, Value]
    """Field name -> expected value in the reading contract's format."""
    unplaced: int
    """Written values that fell in no field's zone (the spec fills parts the template
    leaves out)."""


def fill_spec_path(loaded: LoadedTemplate, root: Path | None = None) -> Path:
    """The template's own ``fill_spec.json``, else plume's spec for its source PDF."""
    own = loaded.folder / FILL_SPEC
    if own.is_file():
        return own
    source = loaded.template.pages[0].source
    if source is None:
        raise FillSpecError(f"{loaded.id}: no {FILL_SPEC} and no source PDF to find one by")
    pdf = Path(source.pdf)
    spec = (root or default_realforms_dir()) / pdf.parent.parent / "fill_specs" / f"{pdf.stem}.json"
    if not spec.is_file():
        raise FillSpecError(f"{loaded.id}: no fill spec at {spec} or {own}")
    return spec


def fill_from_spec(
    loaded: LoadedTemplate, *, spec_path: Path | None = None, root: Path | None = None
) -> FilledPage:
    """Page 1 of ``loaded`` filled as its fill spec says, with the truth of every field."""
    root = root or default_realforms_dir()
    path = spec_path or fill_spec_path(loaded, root)
    spec = json.loads(path.read_text(encoding="utf-8"))
    strategy = spec.get("strategy")
    page = loaded.template.pages[0]
    if strategy in ("acroform", "both"):
        image, written = fill_acroform(loaded, page, spec["fields"], root)
    elif strategy == "overlay":
        image, written = fill_overlay(loaded, page, spec["fields"])
    elif strategy == "scan":
        return filled_scan(loaded, spec, root)
    else:
        raise FillSpecError(f"{path}: unknown strategy {strategy!r}")
    truth, unplaced = truth_of(loaded, written)
    return FilledPage(image=image, truth=truth, unplaced=unplaced)


# ---------------------------------------------------------------- acroform


@dataclass(frozen=True)
class Widget:
    bbox: tuple[float, float, float, float]
    """x, y, w, h in reference px."""
    check_on: str | None
    """The on-state of a check box (``/1``, ``/On``); None for text and choice widgets."""
    comb: int
    """The number of character cells of a comb text widget; 0 for any other."""
    font_px: float
    """The text size its default appearance asks for (0: fit the widget)."""


COMB_FLAG = 1 << 24
_DA_SIZE = re.compile(r"([0-9.]+)\s+Tf")


def _inherited(widget: DictionaryObject, key: str) -> str | None:
    node: DictionaryObject | None = widget
    while node is not None:
        if key in node:
            return str(node[key])
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _full_name(widget: DictionaryObject) -> str:
    parts: list[str] = []
    node: DictionaryObject | None = widget
    while node is not None:
        if "/T" in node:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(parts))


def page_widgets(pdf_page: Any, dpi: int) -> dict[str, Widget]:
    """Every widget of one PDF page by full field name, in reference px at ``dpi``."""
    box = pdf_page.mediabox
    scale = dpi / POINTS_PER_INCH
    out: dict[str, Widget] = {}
    for annot in pdf_page.get("/Annots") or []:
        w = annot.get_object()
        if w.get("/Subtype") != "/Widget":
            continue
        x0, y0, x1, y1 = (float(v) for v in w["/Rect"])
        bbox = (
            (min(x0, x1) - float(box.left)) * scale,
            (float(box.top) - max(y0, y1)) * scale,
            abs(x1 - x0) * scale,
            abs(y1 - y0) * scale,
        )
        on = None
        if _inherited(w, "/FT") == "/Btn" and "/AP" in w:
            states = [str(k) for k in w["/AP"]["/N"] if str(k) != "/Off"]
            on = states[0] if states else None
        flags = int(_inherited(w, "/Ff") or 0)
        comb = int(_inherited(w, "/MaxLen") or 0) if flags & COMB_FLAG else 0
        size = _DA_SIZE.search(_inherited(w, "/DA") or "")
        font_px = float(size[1]) * scale if size else 0.0
        out[_full_name(w)] = Widget(bbox=bbox, check_on=on, comb=comb, font_px=font_px)
    return out


def fill_acroform(
    loaded: LoadedTemplate, page: PageSpec, entries: list[dict[str, Any]], root: Path
) -> tuple[NDArray[np.uint8], list[Written]]:
    """Write ``entries`` into the source PDF's widgets, as a PDF viewer shows a filled form.

    The values are drawn on the rendered blank page, one line in each widget's rectangle
    (left-aligned, at the size its default appearance asks for, else 65 % of its
    height), a comb widget one character per cell, a check box an X. Letting pypdf
    regenerate the widgets' appearances instead loses the printed cell borders and
    squares of forms that draw them as widget appearances (the Modelo 030 does).
    """
    if page.source is None:
        raise FillSpecError("an acroform fill needs the page's source PDF")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # government PDFs carry stray xrefs
    pdf_page = PdfReader(root / page.source.pdf).pages[page.source.page - 1]
    widgets = page_widgets(pdf_page, page.dpi)
    canvas = Image.fromarray(cv2.cvtColor(load_reference(loaded), cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(canvas)
    written: list[Written] = []
    for entry in entries:
        name, value = entry.get("name"), entry.get("value")
        widget = widgets.get(str(name))
        if widget is None or not isinstance(value, str) or value in ("", "Off"):
            continue
        x, y, w, h = widget.bbox
        if widget.check_on is not None:
            _draw_text(draw, "X", x + w * 0.18, y + h * 0.82, h * 0.9)
            written.append(Written(x + w / 2, y + h / 2, "X", check=True))
            continue
        size = widget.font_px or h * 0.65
        size = min(size, h * 0.9)
        baseline = y + h / 2 + size * 0.36
        if widget.comb:
            step = w / widget.comb
            for i, ch in enumerate(value[: widget.comb]):
                _draw_text(draw, ch, x + step * i + step / 2, baseline, size, centre=True)
        else:
            _draw_text(draw, value, x + 2 * page.dpi / POINTS_PER_INCH, baseline, size)
        written.append(Written(x + min(w / 2, 12.0), y + h / 2, value))
    bgr = cv2.cvtColor(np.asarray(canvas, dtype=np.uint8), cv2.COLOR_RGB2BGR)
    return np.ascontiguousarray(bgr, dtype=np.uint8), written


def _draw_text(
    draw: ImageDraw.ImageDraw,
    text: str,
    x: float,
    baseline: float,
    size: float,
    *,
    centre: bool = False,
) -> None:
    font = FALLBACK.font(max(6, round(size)))
    draw.text((x, baseline), text, fill=(20, 20, 20), font=font, anchor="ms" if centre else "ls")


# ---------------------------------------------------------------- overlay


def fill_overlay(
    loaded: LoadedTemplate, page: PageSpec, entries: list[dict[str, Any]]
) -> tuple[NDArray[np.uint8], list[Written]]:
    """Draw each entry at its position (PDF points, baseline, origin bottom-left)."""
    if page.source is None:
        raise FillSpecError("an overlay fill needs the page's source PDF (for its height)")
    scale = page.dpi / POINTS_PER_INCH
    height_pt = page.height / scale
    canvas = Image.fromarray(cv2.cvtColor(load_reference(loaded), cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(canvas)
    written: list[Written] = []
    for entry in entries:
        value = entry.get("value")
        if entry.get("page", 0) != page.source.page - 1 or not isinstance(value, str) or not value:
            continue
        size = float(entry.get("font_size", 10)) * scale
        x = float(entry["x"]) * scale
        baseline = (height_pt - float(entry["y"])) * scale
        font = FALLBACK.font(round(size))
        draw.text((x, baseline), value, fill=(20, 20, 20), font=font, anchor="ls")
        check = entry.get("type") == "checkbox"
        # a value belongs to the zone that holds its middle (most of it)
        middle = x + (size * 0.3 if check else float(font.getlength(value)) / 2)
        written.append(Written(middle, baseline - size * 0.35, value, check))
    bgr = cv2.cvtColor(np.asarray(canvas, dtype=np.uint8), cv2.COLOR_RGB2BGR)
    return np.ascontiguousarray(bgr, dtype=np.uint8), written


# ---------------------------------------------------------------- scan


def filled_scan(loaded: LoadedTemplate, spec: dict[str, Any], root: Path) -> FilledPage:
    """A real filled scan and its truth as the spec gives it (field name -> value)."""
    path = root / str(spec["image"])
    gray = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if gray is None:
        raise FillSpecError(f"{loaded.id}: cannot read the filled scan {path}")
    names = {f.name for f in loaded.template.fields_on(1)}
    given: dict[str, Value] = spec["truth"]
    unknown = set(given) - names
    if unknown:
        raise FillSpecError(f"{loaded.id}: truth for unknown fields {sorted(unknown)}")
    truth: dict[str, Value] = {n: given.get(n) for n in sorted(names)}
    return FilledPage(image=np.asarray(gray, dtype=np.uint8), truth=truth, unplaced=0)


# ---------------------------------------------------------------- truth


def _inside(x: float, y: float, bbox: list[int], pad: float = 0.0) -> bool:
    bx, by, bw, bh = bbox
    return bx - pad <= x <= bx + bw + pad and by - pad <= y <= by + bh + pad


def truth_of(loaded: LoadedTemplate, written: list[Written]) -> tuple[dict[str, Value], int]:
    """Each field's truth from what was written in its zone; and how many values fell
    in no zone."""
    fields = loaded.template.fields_on(1)
    mine: dict[str, list[Written]] = {f.name: [] for f in fields}
    unplaced = 0
    for item in written:
        home = next((f for f in fields if _inside(item.x, item.y, f.bbox)), None)
        if home is None:  # a tick just outside a choice's option row still chose it
            home = next(
                (
                    f
                    for f in fields
                    if f.type is FieldType.CHOICE and _inside(item.x, item.y, f.bbox, 12)
                ),
                None,
            )
        if home is None:
            unplaced += 1
        else:
            mine[home.name].append(item)
    return {f.name: field_truth(f, mine[f.name]) for f in fields}, unplaced


def field_truth(spec: FieldSpec, items: list[Written]) -> Value:
    if spec.type is FieldType.CHECKBOX:
        return bool(items)
    if spec.type is FieldType.MARK:
        return False  # a fill spec writes no signatures into our zones
    if spec.type is FieldType.CHOICE:
        return _chosen(spec, items)
    texts = [i.value for i in sorted(items, key=lambda i: (round(i.y / 20), i.x)) if not i.check]
    if not texts:
        return None
    joiner = "" if spec.type is FieldType.BOXED else " "
    return canonical(spec, joiner.join(texts))


def _chosen(spec: FieldSpec, items: list[Written]) -> str | None:
    ticks = [i for i in items if i.check]
    if not ticks:
        return None
    t = ticks[0]

    def distance(bbox: list[int]) -> float:
        x, y, w, h = bbox
        return float(abs(x + w / 2 - t.x) + abs(y + h / 2 - t.y))

    inside = [o for o in spec.options if _inside(t.x, t.y, o.bbox, 4)]
    best = inside or sorted(spec.options, key=lambda o: distance(o.bbox))
    return best[0].value


def canonical(spec: FieldSpec, text: str) -> str:
    """The reading contract's form of ``text`` written in ``spec``'s zone."""
    normalized = normalize_for(spec.type, text, kana=spec.kana)
    parsed = parse_typed(spec, normalized)
    return parsed.value if parsed.value is not None else text
