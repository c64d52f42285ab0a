"""A hand's irregularities, applied to each character a handwriting-style font draws.

A font draws every 3 alike; a person does not. With a pen's ``hand`` set (the
``handwriting-distorted`` font style), :mod:`render` writes each character through
:func:`distort_glyph` (its own affine shear, rotation and scale, an elastic warp, the
pen's stroke width and uneven pressure along the strokes), each line through
:func:`write_line` (uneven baseline, size and spacing) and each box through
:func:`write_box`, and now and then lets strokes cross the printed border or underline
just outside the zone (:func:`reach` says how far they may go without entering another
field's zone).

Each :class:`Hand` has its own traits (slant, pen weight, pressure, how much it varies)
drawn from its seed, and every draw made while writing comes from a per-field generator
(:func:`field_rng`), never from the page's: a page in the distorted style has the same
values, faces, layout and degradation as the same seed in ``handwriting``, so the two
sets differ in the distortion alone.

The limits below were chosen by eye on rendered pages (dev seeds) so that a person still
reads the written value: a 1 stays a 1, a 7 a 7.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from ocr_service.synth import ink
from ocr_service.synth.fonts import Face

REACH_MAX = 10
"""Furthest (px at reference dpi, ~1.3 mm) a stroke may go outside its zone: the printed
border or underline sits 3-10 px outside the zones of the shipped forms."""
P_TOUCH_LINE = 0.25
"""Chance that a field's (last) line sits low enough to cross the rule under the zone."""
P_TOUCH_BOX = 0.25
"""Chance that a boxed character touches or crosses one side of its box."""
NARROW = 0.35
"""A boxed character narrower than this share of its box touches only the top or bottom."""
SLANT_MAX = 0.18
"""A writer's own slant (shear of x per unit of y), common to all their characters."""
SHEAR_JITTER = 0.14
ROTATION_MAX = 4.0
"""Degrees, each character on its own (on top of the layout's own tilt)."""
SCALE_RANGE = (0.86, 1.1)
ASPECT_JITTER = 0.06
ELASTIC_ALPHA = 0.06
"""Largest elastic displacement, as a share of the font size."""
ELASTIC_SIGMA = 0.2
"""Smoothness of the elastic field (gaussian sigma, share of the font size)."""
PRESSURE_MAX = 0.4
"""Most ink a light stretch of stroke loses (share of full ink)."""
WEIGHT_RANGE = (-0.8, 1.0)
"""A writer's pen weight: pixels of dilation (+) or erosion (-) per 40 px of font size."""
SPACING_RANGE = (-0.03, 0.10)
"""Extra gap after each character, as a share of the font size."""
BASELINE_WANDER = 0.05
"""Amplitude of the baseline's slow wave, share of the font size."""
BASELINE_JITTER = 0.03
BASELINE_DRIFT = 0.12
"""Most the baseline climbs or falls across a whole line, share of the font size."""


SMALL_FORMS = "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
LARGE_FORMS = "あいうえおつやゆよわかけアイウエオツヤユヨワカケ"
"""Kana whose small form differs from them in size alone (ウ/ゥ, ツ/ッ, ...)."""
LOWER_LIKE_UPPER = "cosuvwxzkp"
"""Latin letters whose lower case is their capital made smaller (c/C, o/O, ...)."""
SIZE_TOLERANCE = (0.97, 1.1)
"""Scale kept for a character whose size tells it from another (a large ウ or a C): a
hand may write it a little larger, never small enough to pass for ゥ or c."""


def scale_range(ch: str, drawn: float) -> tuple[float, float]:
    """The affine scale range for ``ch``, drawn by the layout at ``drawn`` times the line's
    size: a character told from another by its size alone (ウ/ゥ, C/c) keeps its side of
    the line, so the truth stays what a person would read."""
    lo, hi = SCALE_RANGE
    if ch in LARGE_FORMS or (ch.isupper() and ch.lower() in LOWER_LIKE_UPPER):
        lo, hi = SIZE_TOLERANCE[0] / drawn, SIZE_TOLERANCE[1] / drawn
    elif ch in SMALL_FORMS or ch in LOWER_LIKE_UPPER:
        lo, hi = lo, min(hi, 1.0 / drawn)
    return lo, max(lo, hi)


class Placed(Protocol):
    """One character of a laid-out line (``render.Glyph``)."""

    @property
    def ch(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def dx(self) -> float: ...
    @property
    def dy(self) -> float: ...
    @property
    def angle(self) -> float: ...


@dataclass(frozen=True)
class Hand:
    """One writer's habits."""

    seed: int
    slant: float
    weight: float
    pressure: float
    """How uneven the ink is along strokes, 0 (even) to PRESSURE_MAX."""
    wobble: float
    """How much each character strays from the writer's habits (0.6 steady .. 1.2 loose)."""


@dataclass(frozen=True)
class Reach:
    """How far (px) strokes may stray past each side of a zone."""

    top: int = 0
    bottom: int = 0
    left: int = 0
    right: int = 0


Rect = tuple[int, int, int, int]
"""x, y, w, h."""


# ---------------------------------------------------------------- writers


def writer_seed(rng: random.Random) -> int:
    """A seed for a writer, read from ``rng``'s state without advancing it (so the page's
    draws stay those of the undistorted style)."""
    probe = random.Random()
    probe.setstate(rng.getstate())
    return probe.getrandbits(64)


def writer(seed: int) -> Hand:
    """The habits of the writer ``seed`` (a string seed is hashed, so nearby seeds differ)."""
    rng = random.Random(f"hand:{seed}")
    return Hand(
        seed=seed,
        slant=rng.uniform(-SLANT_MAX, SLANT_MAX),
        weight=rng.uniform(*WEIGHT_RANGE),
        pressure=rng.uniform(0.1, PRESSURE_MAX),
        wobble=rng.uniform(0.6, 1.2),
    )


def field_rng(hand: Hand, field: str) -> random.Random:
    """The generator for everything ``hand`` does in one field."""
    return random.Random(f"hand:{hand.seed}:{field}")


def reach(zone: Sequence[int], others: Sequence[Sequence[int]], limit: int = REACH_MAX) -> Reach:
    """How far past each side of ``zone`` strokes may go: up to ``limit``, and never more
    than just past half the gap to another zone beside it (where a shared rule runs)."""
    x, y, w, h = zone
    room = {"top": limit, "bottom": limit, "left": limit, "right": limit}
    for ox, oy, ow, oh in others:
        across = ox < x + w + limit and ox + ow > x - limit
        along = oy < y + h + limit and oy + oh > y - limit
        if across and oy + oh <= y:
            room["top"] = min(room["top"], _share(y - (oy + oh)))
        if across and oy >= y + h:
            room["bottom"] = min(room["bottom"], _share(oy - (y + h)))
        if along and ox + ow <= x:
            room["left"] = min(room["left"], _share(x - (ox + ow)))
        if along and ox >= x + w:
            room["right"] = min(room["right"], _share(ox - (x + w)))
    return Reach(**room)


def _share(gap: int) -> int:
    return max(0, min(gap - 1, gap // 2 + 1))


# ---------------------------------------------------------------- one character


def distort_glyph(
    mask: ink.Mask,
    size: int,
    hand: Hand,
    rng: random.Random,
    *,
    weight_px: int,
    scale: tuple[float, float] = SCALE_RANGE,
) -> tuple[ink.Mask, int]:
    """``mask`` written by ``hand``: padded by the returned margin on every side (so the
    warp never cuts a stroke), then sheared, turned, scaled (within ``scale``, see
    :func:`scale_range`), bent, thickened or thinned by ``weight_px`` (:func:`pen_weight`)
    and unevenly inked."""
    pad = math.ceil(0.35 * size * max(1.0, scale[1])) + 2 + abs(weight_px)
    padded = np.pad(mask, pad).astype(np.float32)
    out = affine(padded, hand, rng, scale)
    out = elastic(out, size, hand, rng)
    out = keep_peak(out, padded)
    out = stroke_width(out, weight_px)
    out = pressure(out, size, hand, rng)
    return out, pad


def keep_peak(warped: ink.Mask, before: ink.Mask) -> ink.Mask:
    """``warped`` with its darkest ink as dark as ``before``'s: two resamplings soften a
    1-2 px stroke to half its ink, which a bilevel scan then drops (a grey-ink W-9 line on
    dev seed 555 page 20 vanished whole). Lightness is :func:`pressure`'s job alone."""
    want = float(np.percentile(before[before > 0.05], 99)) if (before > 0.05).any() else 0.0
    have = float(np.percentile(warped[warped > 0.05], 99)) if (warped > 0.05).any() else 0.0
    if have <= 0.0 or want <= have:
        return warped
    return np.asarray(np.clip(warped * (want / have), 0.0, 1.0), dtype=np.float32)


def pen_weight(hand: Hand, size: int) -> int:
    """Pixels the writer's pen adds to (or takes from) each side of a stroke, for writing at
    ``size``: one figure per line or field, so rounding never makes one character bold and
    its neighbour thin."""
    return round(hand.weight * size / 40)


def affine(
    mask: ink.Mask, hand: Hand, rng: random.Random, scale_range: tuple[float, float] = SCALE_RANGE
) -> ink.Mask:
    """Shear (the writer's slant plus a little), rotation and scale about the ink's centre."""
    box = ink_box(mask)
    if box is None:
        return mask
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    shear = hand.slant + rng.uniform(-SHEAR_JITTER, SHEAR_JITTER) * hand.wobble
    turn = math.radians(rng.uniform(-ROTATION_MAX, ROTATION_MAX) * hand.wobble)
    scale = rng.uniform(*scale_range)
    aspect = 1 + rng.uniform(-ASPECT_JITTER, ASPECT_JITTER) * hand.wobble
    sx, sy = scale * aspect, scale / aspect
    c, s = math.cos(turn), math.sin(turn)
    # rotate . shear . scale, mapping the ink's centre onto itself
    a = np.array([[c, -s], [s, c]]) @ np.array([[1.0, -shear], [0.0, 1.0]]) @ np.diag([sx, sy])
    offset = np.array([cx, cy]) - a @ np.array([cx, cy])
    matrix = np.hstack([a, offset[:, None]])
    h, w = mask.shape
    out = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=0.0)
    return np.asarray(out, dtype=np.float32)


def elastic(mask: ink.Mask, size: int, hand: Hand, rng: random.Random) -> ink.Mask:
    """Bend the strokes by a smooth random displacement field (at most ELASTIC_ALPHA of
    the size), as a hand's strokes curve where a font's run straight."""
    h, w = mask.shape
    noise = np.random.default_rng(rng.getrandbits(32))
    sigma = max(1.0, ELASTIC_SIGMA * size)
    alpha = ELASTIC_ALPHA * size * hand.wobble
    fields = []
    for _ in range(2):
        field = cv2.GaussianBlur(noise.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), sigma)
        fields.append(field * (alpha / max(float(np.abs(field).max()), 1e-6)))
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    out = cv2.remap(
        mask, xs + fields[0], ys + fields[1], interpolation=cv2.INTER_LINEAR, borderValue=0.0
    )
    return np.asarray(out, dtype=np.float32)


def stroke_width(mask: ink.Mask, px: int) -> ink.Mask:
    """The pen's width: dilate by ``px`` for a heavy pen, erode for a fine one (only strokes
    thick enough to survive it, so no stroke breaks). One pen keeps one width: no draw per
    character (a bold 3 beside a thin 1 looks like two pens)."""
    if px == 0:
        return mask
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(px) + 1, 2 * abs(px) + 1))
    if px > 0:
        return np.asarray(cv2.dilate(mask, kernel), dtype=np.float32)
    if stroke_thickness(mask) < 2 * abs(px) + 3:
        return mask
    return np.asarray(cv2.erode(mask, kernel), dtype=np.float32)


def stroke_thickness(mask: ink.Mask) -> float:
    """Typical stroke width (px): twice the 90th percentile of the distance from ink to paper."""
    solid = (mask > 0.5).astype(np.uint8)
    if not solid.any():
        return 0.0
    dist = cv2.distanceTransform(solid, cv2.DIST_L2, 3)
    return 2.0 * float(np.percentile(dist[solid > 0], 90))


def pressure(mask: ink.Mask, size: int, hand: Hand, rng: random.Random) -> ink.Mask:
    """Uneven ink along the strokes: a slow random field takes up to ``hand.pressure``
    of the ink away where the pen pressed lightly."""
    h, w = mask.shape
    noise = np.random.default_rng(rng.getrandbits(32))
    field = cv2.GaussianBlur(
        noise.uniform(0, 1, (h, w)).astype(np.float32), (0, 0), max(1.0, 0.3 * size)
    )
    lo, hi = float(field.min()), float(field.max())
    light = (field - lo) / (hi - lo) if hi > lo else np.zeros_like(field)
    return np.asarray(mask * (1.0 - hand.pressure * light), dtype=np.float32)


def ink_box(mask: ink.Mask) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of the ink in ``mask`` (exclusive ends), or None if it has none."""
    ys, xs = np.nonzero(mask > 0.05)
    if not len(xs):
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


# ---------------------------------------------------------------- lines and boxes


@dataclass
class Piece:
    """A distorted character's ink and where its top-left goes on the canvas."""

    ink: ink.Mask
    x: float
    y: float

    @property
    def right(self) -> float:
        return self.x + int(self.ink.shape[1])

    @property
    def bottom(self) -> float:
        return self.y + int(self.ink.shape[0])


def wander(
    xs: Sequence[float], size: int, hand: Hand, rng: random.Random
) -> list[tuple[float, float]]:
    """(extra x, extra y) for characters at ``xs``: gaps that vary, a baseline that drifts,
    waves and jitters."""
    span = max(1.0, max(xs, default=0.0))
    drift = rng.uniform(-BASELINE_DRIFT, BASELINE_DRIFT) * size / span
    period = rng.uniform(4.0, 9.0) * size
    phase = rng.uniform(0, 2 * math.pi)
    shifts: list[tuple[float, float]] = []
    extra = 0.0
    for x in xs:
        wave = BASELINE_WANDER * size * math.sin(2 * math.pi * x / period + phase)
        dy = drift * x + wave + rng.uniform(-1, 1) * BASELINE_JITTER * size * hand.wobble
        shifts.append((extra, dy))
        extra += rng.uniform(*SPACING_RANGE) * size * hand.wobble
    return shifts


def write_line(
    canvas: ink.Mask,
    glyphs: Sequence[Placed],
    *,
    face: Face,
    origin: tuple[float, float],
    size: int,
    zone: Rect,
    hand: Hand,
    rng: random.Random,
    may_touch: bool,
) -> None:
    """Write one laid-out line onto ``canvas`` (the zone grown by its reach; ``zone`` is
    the zone's rectangle on it). ``origin`` is the line's left-middle anchor in the zone,
    ``size`` its font size; with ``may_touch`` the line may sit low enough to cross the
    rule below."""
    shifts = wander([g.dx for g in glyphs], size, hand, rng)
    weight = pen_weight(hand, size)
    pieces: list[Piece] = []
    for g, (sx, sy) in zip(glyphs, shifts, strict=True):
        mask, ax, ay = ink.glyph(face, g.ch, g.size, g.angle)
        scale = scale_range(g.ch, g.size / size)
        mask, pad = distort_glyph(mask, g.size, hand, rng, weight_px=weight, scale=scale)
        box = ink_box(mask)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        x = zone[0] + origin[0] + g.dx + sx - (ax + pad) + x0
        y = zone[1] + origin[1] + g.dy + sy - (ay + pad) + y0
        pieces.append(Piece(mask[y0:y1, x0:x1], x, y))
    if not pieces:
        return
    fit_width(pieces, zone)
    bottom = zone[1] + zone[3]
    low = canvas.shape[0]  # the canvas ends where the reach below ends
    if may_touch and low > bottom and rng.random() < P_TOUCH_LINE:
        target = bottom + rng.uniform(0.4, 1.0) * (low - bottom)
        lowest = max(p.bottom for p in pieces)
        for p in pieces:
            p.y += target - lowest
        keep_inside(pieces, (0, 0, canvas.shape[1], canvas.shape[0]))
    else:
        keep_inside(pieces, zone)
    for p in pieces:
        ink.paste_max(canvas, p.ink, round(p.x), round(p.y))


def fit_width(pieces: list[Piece], zone: Rect) -> None:
    """Squeeze the line towards its first character if its wider gaps ran it off the zone."""
    start = pieces[0].x
    end = max(p.right for p in pieces)
    room = zone[0] + zone[2] - 1 - start
    if end - start > room > 0:
        k = room / (end - start)
        for p in pieces:
            p.x = start + (p.x - start) * k


def keep_inside(pieces: list[Piece], area: Rect) -> None:
    """Move each piece the least needed to lie inside ``area`` (as far as it fits)."""
    x, y, w, h = area
    for p in pieces:
        p.x = max(float(x), min(p.x, x + w - p.ink.shape[1]))
        p.y = max(float(y), min(p.y, y + h - p.ink.shape[0]))


def write_box(
    canvas: ink.Mask,
    ch: str,
    mask: ink.Mask,
    *,
    size: int,
    line_size: int,
    weight_px: int,
    centre: tuple[float, float],
    box: Rect,
    hand: Hand,
    rng: random.Random,
) -> None:
    """Write one character ``ch`` (its ``mask`` drawn at ``size``; the field's size is
    ``line_size``) centred at ``centre`` (box coordinates) in ``box`` (its rectangle on
    ``canvas``, the box grown by its reach), with the field's pen weight; now and then it
    touches or crosses one of the box's sides."""
    scale = scale_range(ch, size / line_size)
    out, _ = distort_glyph(mask, size, hand, rng, weight_px=weight_px, scale=scale)
    found = ink_box(out)
    if found is None:
        return
    x0, y0, x1, y1 = found
    piece = Piece(out[y0:y1, x0:x1], 0.0, 0.0)
    pw, ph = x1 - x0, y1 - y0
    piece.x = box[0] + centre[0] - pw / 2
    piece.y = box[1] + centre[1] - ph / 2
    keep_inside([piece], box)
    sides = {
        "left": box[0],
        "top": box[1],
        "right": canvas.shape[1] - (box[0] + box[2]),
        "bottom": canvas.shape[0] - (box[1] + box[3]),
    }
    open_sides = [s for s, room in sides.items() if room > 0]
    if pw < NARROW * box[2]:  # a 1 pressed against a side would merge with the box's rule
        open_sides = [s for s in open_sides if s in ("top", "bottom")]
    if open_sides and rng.random() < P_TOUCH_BOX:
        side = rng.choice(open_sides)
        past = rng.uniform(0.3, 1.0) * sides[side]
        if side == "left":
            piece.x = box[0] - past
        elif side == "right":
            piece.x = box[0] + box[2] + past - pw
        elif side == "top":
            piece.y = box[1] - past
        else:
            piece.y = box[1] + box[3] + past - ph
        keep_inside([piece], (0, 0, canvas.shape[1], canvas.shape[0]))
    ink.paste_max(canvas, piece.ink, round(piece.x), round(piece.y))
