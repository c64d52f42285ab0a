"""Fill a blank reference page with ink, at reference geometry.

Every stroke for a field is drawn into a mask the size of that field's zone (a
little larger for check marks and signatures), so nothing written for one field
can bleed into another. The page is BGR, like OpenCV's images.

A pen with a ``hand`` (the ``handwriting-distorted`` style) writes text lines and
boxes through :mod:`distort`; its masks are the zone grown by the zone's reach (so a
stroke may cross the printed rule just outside), still short of any other zone. A pen
without one draws exactly as it always has: same draws, same pixels, for the same seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ocr_service.synth import distort, ink
from ocr_service.synth.fonts import (
    DISTORTED,
    FALLBACK,
    HANDWRITING_STYLES,
    Face,
    face_by_family,
    pick_face,
)
from ocr_service.synth.values import Value, written_form
from ocr_service.templates.loader import LoadedTemplate
from ocr_service.templates.model import FieldSpec, FieldType

Page = NDArray[np.uint8]

TICK_OVERSHOOT = 8
"""How far (px) a check mark may stray outside its square's interior."""


@dataclass(frozen=True)
class Pen:
    """How one person fills one form."""

    face: Face
    color: ink.BGR
    handwriting: bool
    width: int
    """Stroke width for ticks, circles and signatures."""
    hand: distort.Hand | None = None
    """A writer's irregularities, applied to each character; None draws the font as it is."""


def pick_pen(font_style: str, rng: random.Random, *, font: str | None = None) -> Pen:
    face = face_by_family(font) if font else pick_face(font_style, rng)
    handwriting = font_style in HANDWRITING_STYLES
    color = (
        ink.INKS[rng.choice(("black", "black", "blue", "grey"))]
        if handwriting
        else ink.INKS["black"]
    )
    width = rng.randint(3, 5)
    # the writer's seed is read without a draw: the page's draws stay those of "handwriting"
    hand = distort.writer(distort.writer_seed(rng)) if font_style == DISTORTED else None
    return Pen(face=face, color=color, handwriting=handwriting, width=width, hand=hand)


def render_filled(
    loaded: LoadedTemplate,
    values: dict[str, Value],
    *,
    font_style: str,
    rng: random.Random,
    font: str | None = None,
) -> Page:
    """Page 1 of ``loaded`` with ``values`` written in, as a BGR image at reference size."""
    pen = pick_pen(font_style, rng, font=font)
    return render_with_pen(loaded, values, pen=pen, rng=rng)


def render_with_pen(
    loaded: LoadedTemplate, values: dict[str, Value], *, pen: Pen, rng: random.Random
) -> Page:
    page = load_reference(loaded)
    specs = loaded.template.fields_on(1)
    zones = [s.bbox for s in specs]
    for spec in specs:
        value = values.get(spec.name)
        if value is None or value is False:
            continue
        draw_field(page, spec, value, pen=pen, rng=rng, values=values, zones=zones)
    return page


def load_reference(loaded: LoadedTemplate) -> Page:
    with Image.open(loaded.reference_path(1)) as im:
        rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    return np.ascontiguousarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def draw_field(
    page: Page,
    spec: FieldSpec,
    value: str | bool,
    *,
    pen: Pen,
    rng: random.Random,
    values: dict[str, Value],
    zones: Sequence[Sequence[int]] = (),
) -> None:
    """Write ``value`` into ``spec``'s zone; ``zones`` are the page's field zones (a
    distorting pen's strokes stay out of the others)."""
    by_hand = None
    if pen.hand is not None:
        by_hand = Writer(pen.hand, distort.field_rng(pen.hand, spec.name), zones)
    if spec.type is FieldType.CHECKBOX:
        draw_check(page, spec, pen, rng)
    elif spec.type is FieldType.CHOICE:
        draw_choice(page, spec, str(value), pen, rng)
    elif spec.type is FieldType.MARK:
        draw_mark(page, spec, pen, rng, surname=_surname(values))
    elif spec.type is FieldType.BOXED:
        draw_boxed(page, spec, str(value), pen, rng, by_hand=by_hand)
    else:
        text = written_form(spec, str(value), rng)
        draw_text(page, spec.bbox, text, pen, rng, multiline=spec.multiline, by_hand=by_hand)


def _surname(values: dict[str, Value]) -> str:
    name = values.get("name")
    if isinstance(name, str) and name.strip():
        return name.split()[0]
    return ""


@dataclass(frozen=True)
class Writer:
    """A distorting pen at work on one field: the hand, the field's own generator and
    the page's zones (to keep out of)."""

    hand: distort.Hand
    rng: random.Random
    zones: Sequence[Sequence[int]]

    def canvas(self, rect: Sequence[int]) -> tuple[ink.Mask, distort.Reach]:
        """An empty mask for ``rect`` grown by its reach, and that reach."""
        others = [z for z in self.zones if list(z) != list(rect)]
        r = distort.reach(rect, others)
        shape = (rect[3] + r.top + r.bottom, rect[2] + r.left + r.right)
        return np.zeros(shape, dtype=np.float32), r


# ---------------------------------------------------------------- text


@dataclass(frozen=True)
class Glyph:
    ch: str
    size: int
    dx: float
    dy: float
    angle: float


def layout_line(text: str, size: int, pen: Pen, rng: random.Random) -> tuple[list[Glyph], float]:
    """Place each character of one line; return the glyphs and the line's width."""
    glyphs: list[Glyph] = []
    x = 0.0
    spacing = rng.uniform(0.0, 0.12) if pen.handwriting else rng.uniform(0.0, 0.04)
    for ch in text:
        s = size
        dy = angle = 0.0
        if pen.handwriting:
            s = max(6, round(size * rng.uniform(0.92, 1.06)))
            dy = size * rng.uniform(-0.05, 0.05)
            angle = rng.uniform(-4, 4)
        glyphs.append(Glyph(ch, s, x, dy, angle))
        x += ink.advance(pen.face, ch, s) + size * spacing
    width = x - size * spacing if glyphs else 0.0
    return glyphs, width


def fit_line(
    text: str, box_w: int, box_h: int, pen: Pen, rng: random.Random
) -> tuple[list[Glyph], float, int]:
    """A layout of ``text`` at 55-75% of the box height, shrunk until it fits the width."""
    size = max(8, round(box_h * rng.uniform(0.55, 0.75)))
    room = box_w * 0.96
    state = rng.getstate()
    glyphs, width = layout_line(text, size, pen, rng)
    while width > room and size > 8:
        size = max(8, int(size * room / width * 0.98))
        rng.setstate(state)
        glyphs, width = layout_line(text, size, pen, rng)
    return glyphs, width, size


def draw_text(
    page: Page,
    bbox: list[int],
    text: str,
    pen: Pen,
    rng: random.Random,
    *,
    multiline: bool = False,
    by_hand: Writer | None = None,
) -> None:
    x, y, w, h = bbox
    lines = wrap(text, w, h, pen) if multiline else [text]
    band = h / len(lines)
    mask = np.zeros((h, w), dtype=np.float32)
    reach = distort.Reach()
    if by_hand is not None:
        mask, reach = by_hand.canvas(bbox)
    for i, line in enumerate(lines):
        glyphs, width, size = fit_line(line, w, round(band), pen, rng)
        slack = max(0.0, w - width - 4)
        left = 2 + rng.uniform(0, min(slack, w * 0.15))
        mid = band * i + band / 2 + rng.uniform(-1, 1) * max(0.0, (band - size) / 5)
        if by_hand is not None:
            distort.write_line(
                mask,
                glyphs,
                face=pen.face,
                origin=(left, mid),
                size=size,
                zone=(reach.left, reach.top, w, h),
                hand=by_hand.hand,
                rng=by_hand.rng,
                may_touch=i == len(lines) - 1,
            )
            continue
        for g in glyphs:
            m, ax, ay = ink.glyph(pen.face, g.ch, g.size, g.angle)
            ink.paste_max(mask, m, round(left + g.dx) - ax, round(mid + g.dy) - ay)
    ink.blend_ink(page, mask, x - reach.left, y - reach.top, pen.color)


def wrap(text: str, w: int, h: int, pen: Pen) -> list[str]:
    """Split ``text`` into the fewest lines (up to 3) that fit at 65% of their band height."""
    lines = 3
    for n in (1, 2, 3):
        size = round(h / n * 0.65)
        per_line = int(w * 0.95 / max(1.0, ink.advance(pen.face, "漢", size)))
        if len(text) <= per_line * n:
            lines = n
            break
    step = max(1, math.ceil(len(text) / lines))
    if " " in text.strip():  # Latin words: break between words, never inside one
        return wrap_words(text.split(), step)
    if text.isascii():  # one Latin word: never broken
        return [text]
    return [text[i : i + step] for i in range(0, len(text), step)] or [text]


def wrap_words(words: list[str], step: int) -> list[str]:
    """Words gathered into lines of about ``step`` characters."""
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= step + step // 3:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def draw_boxed(
    page: Page,
    spec: FieldSpec,
    value: str,
    pen: Pen,
    rng: random.Random,
    *,
    by_hand: Writer | None = None,
) -> None:
    """One character per box, centred on its ink (with a hand's wobble when handwritten)."""
    base = rng.uniform(0.6, 0.8)
    for ch, (x, y, w, h) in zip(value, spec.boxes, strict=False):
        wobble = 0.08 if pen.handwriting else 0.0
        size = max(8, round(h * (base + rng.uniform(-wobble, wobble))))
        angle = rng.uniform(-5, 5) if pen.handwriting else 0.0
        m = ink.crop_to_ink(ink.glyph(pen.face, ch, size, angle)[0])
        cx = w / 2 + rng.uniform(-wobble, wobble) * w
        cy = h / 2 + rng.uniform(-wobble, wobble) * h
        if by_hand is not None:
            box = [x, y, w, h]
            with_boxes = Writer(by_hand.hand, by_hand.rng, [*by_hand.zones, *spec.boxes])
            canvas, r = with_boxes.canvas(box)
            distort.write_box(
                canvas,
                ch,
                m,
                size=size,
                line_size=round(h * base),
                weight_px=distort.pen_weight(by_hand.hand, round(h * base)),
                centre=(cx, cy),
                box=(r.left, r.top, w, h),
                hand=by_hand.hand,
                rng=by_hand.rng,
            )
            ink.blend_ink(page, canvas, x - r.left, y - r.top, pen.color)
            continue
        mask = np.zeros((h, w), dtype=np.float32)
        ink.paste_max(mask, m, round(cx - m.shape[1] / 2), round(cy - m.shape[0] / 2))
        ink.blend_ink(page, mask, x, y, pen.color)


# ---------------------------------------------------------------- ink-only fields


def draw_check(page: Page, spec: FieldSpec, pen: Pen, rng: random.Random) -> None:
    """Tick a check square: a ✓, a ×, a filled square or a faint ✓."""
    x, y, w, h = spec.bbox
    o = TICK_OVERSHOOT
    image, draw = ink.new_canvas(w + 2 * o, h + 2 * o)
    style = rng.choices(("tick", "cross", "fill", "faint"), weights=(6, 2, 1, 1))[0]
    side = min(w, h)
    if style == "cross":
        a = side * 0.1
        ink.stroke(draw, [(o + a, o + a), (o + w - a, o + h - a)], pen.width)
        ink.stroke(draw, [(o + w - a, o + a), (o + a, o + h - a)], pen.width)
    elif style == "fill":
        draw.rectangle((o + 2, o + 2, o + w - 3, o + h - 3), fill=235)
    else:
        size = side * rng.uniform(0.9, 1.35)
        points = ink.tick(o + (w - size) / 2, o + (h - size) / 2 - size * 0.1, size, rng)
        fill = 120 if style == "faint" else 255
        ink.stroke(draw, points, 2 if style == "faint" else pen.width, fill=fill)
    ink.blend_ink(page, ink.to_mask(image), x - o, y - o, pen.color)


def draw_choice(page: Page, spec: FieldSpec, value: str, pen: Pen, rng: random.Random) -> None:
    """Circle the chosen option (or, now and then, tick beside it)."""
    option = next((o for o in spec.options if o.value == value), None)
    if option is None:
        return
    fx, fy, fw, fh = spec.bbox
    ox, oy, ow, oh = option.bbox
    image, draw = ink.new_canvas(fw, fh)
    cx, cy = ox - fx + ow / 2, oy - fy + oh / 2
    if rng.random() < 0.85:
        rx = ow / 2 * rng.uniform(0.78, 0.95)
        ry = oh / 2 * rng.uniform(0.7, 0.88)
        ink.stroke(draw, ink.hand_loop(cx, cy, rx, ry, rng), pen.width)
    else:
        size = min(oh * 0.5, ow * 0.45)
        ink.stroke(draw, ink.tick(ox - fx + 2, cy - size / 2, size, rng), pen.width)
    ink.blend_ink(page, ink.to_mask(image), fx, fy, pen.color)


def draw_mark(page: Page, spec: FieldSpec, pen: Pen, rng: random.Random, *, surname: str) -> None:
    if is_seal(spec):
        draw_seal(page, spec.bbox, surname or "印", rng)
    else:
        draw_signature(page, spec.bbox, surname, pen, rng)


def is_seal(spec: FieldSpec) -> bool:
    return "seal" in spec.name or "印" in spec.label


def draw_seal(page: Page, bbox: list[int], surname: str, rng: random.Random) -> None:
    x, y, w, h = bbox
    d = round(min(w, h) * rng.uniform(0.62, 0.85))
    mask = ink.seal_mask(surname, d, FALLBACK, rng)
    mx = x + round(rng.uniform(0, w - d))
    my = y + round(rng.uniform(0, h - d))
    ink.blend_ink(page, mask, mx, my, ink.SEAL_RED)


def draw_signature(page: Page, bbox: list[int], name: str, pen: Pen, rng: random.Random) -> None:
    """A quick slanted signature of the surname, or a scribble if there is no name."""
    x, y, w, h = bbox
    mask = np.zeros((h, w), dtype=np.float32)
    if name:
        face = _signature_face(pen, rng)
        hand = Pen(face=face, color=pen.color, handwriting=True, width=pen.width)
        glyphs, width, _ = fit_line(name, int(w * 0.6), h, hand, rng)
        left = rng.uniform(4, max(5.0, w * 0.5 - width))
        for g in glyphs:
            m, ax, ay = ink.glyph(hand.face, g.ch, g.size, g.angle + 8)
            ink.paste_max(mask, m, round(left + g.dx) - ax, round(h / 2 + g.dy) - ay)
        mask = _slant(mask, rng.uniform(0.15, 0.3))
    if not name or rng.random() < 0.3:
        image, draw = ink.new_canvas(w, h)
        ink.stroke(draw, scribble(w, h, rng, start=0.6 if name else 0.05), max(2, pen.width - 1))
        np.maximum(mask, ink.to_mask(image), out=mask)
    ink.blend_ink(page, mask, x, y, pen.color)


def _signature_face(pen: Pen, rng: random.Random) -> Face:
    return pen.face if pen.handwriting else pick_face("handwriting", rng)


def _slant(mask: ink.Mask, shear: float) -> ink.Mask:
    h, w = mask.shape
    matrix = np.array([[1.0, -shear, shear * h / 2], [0.0, 1.0, 0.0]], dtype=np.float64)
    out = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=0.0)
    return np.asarray(out, dtype=np.float32)


def scribble(w: int, h: int, rng: random.Random, *, start: float) -> list[tuple[float, float]]:
    """A looping pen stroke across the zone from ``start`` (fraction of width) to the right."""
    points: list[tuple[float, float]] = []
    x = w * start
    end = w * rng.uniform(0.8, 0.96)
    t = 0.0
    amp = h * rng.uniform(0.15, 0.3)
    while x < end:
        points.append((x, h / 2 + amp * math.sin(t) + rng.uniform(-2, 2)))
        x += w * 0.012
        t += rng.uniform(0.5, 0.9)
    return points or [(x, h / 2), (x + 1, h / 2)]
