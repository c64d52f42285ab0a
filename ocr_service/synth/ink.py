"""Ink on paper: masks of strokes, glyphs and seals, blended into BGR pages.

A *mask* is a float32 array in [0, 1] (1 = full ink). :func:`blend_ink` lays a
mask onto a page multiplicatively, as ink over a printed line darkens it instead
of replacing it. Colours are BGR tuples, like the pages.
"""

from __future__ import annotations

import math
import random

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from ocr_service.synth.fonts import Face, face_for

Mask = NDArray[np.float32]
BGR = tuple[int, int, int]
Point = tuple[float, float]

INKS: dict[str, BGR] = {
    "black": (28, 24, 22),
    "blue": (120, 40, 28),
    "grey": (75, 72, 70),
}
SEAL_RED: BGR = (48, 38, 205)


def blend_ink(page: NDArray[np.uint8], mask: Mask, x: int, y: int, color: BGR) -> None:
    """Multiply ``mask`` in ``color`` onto ``page`` with its top-left at ``(x, y)`` (clipped)."""
    h, w = mask.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, page.shape[1]), min(y + h, page.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    m = mask[y0 - y : y1 - y, x0 - x : x1 - x, None]
    tint = np.asarray(color, dtype=np.float32) / 255.0
    region = page[y0:y1, x0:x1].astype(np.float32)
    region *= 1.0 - m * (1.0 - tint)
    page[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)


def to_mask(image: Image.Image) -> Mask:
    return np.asarray(image, dtype=np.float32) / 255.0


def new_canvas(w: int, h: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (max(1, w), max(1, h)), 0)
    return image, ImageDraw.Draw(image)


def paste_max(dst: Mask, src: Mask, x: int, y: int) -> None:
    """Combine ``src`` into ``dst`` at ``(x, y)`` keeping the darker ink (clipped)."""
    h, w = src.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, dst.shape[1]), min(y + h, dst.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    window = dst[y0:y1, x0:x1]
    np.maximum(window, src[y0 - y : y1 - y, x0 - x : x1 - x], out=window)


def glyph(face: Face, ch: str, size: int, angle: float) -> tuple[Mask, int, int]:
    """One character's mask and the offset of its left-middle anchor inside the mask."""
    font = face_for(face, ch).font(size)
    pad = size // 2 + 2
    width = math.ceil(font.getlength(ch)) + 2 * pad
    height = 2 * size + 2 * pad
    image, draw = new_canvas(width, height)
    draw.text((pad, height // 2), ch, font=font, fill=255, anchor="lm")
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, center=(pad, height // 2))
    return to_mask(image), pad, height // 2


def crop_to_ink(mask: Mask) -> Mask:
    """``mask`` cut down to the rectangle that holds its ink (unchanged if it has none)."""
    ys, xs = np.nonzero(mask > 0.05)
    if not len(xs):
        return mask
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def advance(face: Face, ch: str, size: int) -> float:
    return float(face_for(face, ch).font(size).getlength(ch))


def stroke(draw: ImageDraw.ImageDraw, points: list[Point], width: int, fill: int = 255) -> None:
    draw.line(points, fill=fill, width=width, joint="curve")
    r = width / 2
    for px, py in (points[0], points[-1]):
        draw.ellipse((px - r, py - r, px + r, py + r), fill=fill)


def hand_loop(cx: float, cy: float, rx: float, ry: float, rng: random.Random) -> list[Point]:
    """A hand-drawn 〇: a wobbly ellipse that overshoots where it closes."""
    start = rng.uniform(0, 2 * math.pi)
    sweep = 2 * math.pi + rng.uniform(0.15, 0.6)
    phase_a, phase_b = rng.uniform(0, 6.3), rng.uniform(0, 6.3)
    wobble = rng.uniform(0.02, 0.07)
    points: list[Point] = []
    steps = 72
    for i in range(steps + 1):
        t = start + sweep * i / steps
        k = 1 + wobble * math.sin(2 * t + phase_a) + 0.5 * wobble * math.sin(3 * t + phase_b)
        k *= 1 + 0.06 * i / steps  # the pen drifts outwards as it closes
        points.append((cx + rx * k * math.cos(t), cy + ry * k * math.sin(t)))
    return points


def tick(x: float, y: float, size: float, rng: random.Random) -> list[Point]:
    """A ✓ whose bounding square has top-left ``(x, y)`` and side ``size``."""
    j = size * 0.08
    return [
        (x + size * 0.05 + rng.uniform(-j, j), y + size * 0.55 + rng.uniform(-j, j)),
        (x + size * 0.38 + rng.uniform(-j, j), y + size * 0.92 + rng.uniform(-j, j)),
        (x + size * 0.98 + rng.uniform(-j, j), y + size * 0.02 + rng.uniform(-j, j)),
    ]


def seal_mask(chars: str, diameter: int, face: Face, rng: random.Random) -> Mask:
    """A round seal (印鑑, 受付印): a ring with ``chars`` stacked inside, unevenly inked."""
    d = max(24, diameter)
    image, draw = new_canvas(d, d)
    ring = max(2, d // 28)
    draw.ellipse((ring, ring, d - ring - 1, d - ring - 1), outline=255, width=ring)
    text = chars[:3] or "印"
    inner = d - 4 * ring
    size = max(8, min(int(inner * 0.78), int(inner * 0.9 / len(text))))
    top = d / 2 - size * len(text) / 2 + size / 2
    for i, ch in enumerate(text):
        font = face_for(face, ch).font(size)
        draw.text((d / 2, top + i * size), ch, font=font, fill=255, anchor="mm")
    mask = to_mask(image)
    seed = rng.getrandbits(32)
    texture = np.random.default_rng(seed).uniform(0.55, 1.0, size=mask.shape).astype(np.float32)
    return mask * texture
