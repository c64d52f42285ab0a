"""Prepare a dropped-out field crop for Tesseract, and measure ink.

Steps (:func:`prepare_text`): find ink relative to the paper's background → drop
isolated specks → trim to the ink → scale so a text line is about
``TARGET_LINE_HEIGHT`` px (crops come from 200 dpi references; Tesseract likes
~300 dpi, x-height ~30 px) → pad with white. Two variants give two independent
readings: ``PRIMARY`` keeps the gray strokes (Tesseract binarizes itself),
``ALTERNATE`` is a hard binarization at another scale.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from ocr_service.ocr.base import GrayImage
from ocr_service.reading import rules

BoolImage = npt.NDArray[np.bool_]

PAPER_FLOOR = 200
"""The background is never taken darker than this (a filled zone has no paper to see)."""
INK_DELTA = 60
"""A pixel this much darker than the background is ink (text)."""
FAINT_INK_DELTA = 40
"""The same for marks (checkboxes, circles), where faint pencil must count."""
FAINT_TEXT_DELTA = 12
"""Below INK_DELTA but at least this much darker (after a light blur) is faint writing:
pencil, a dry pen. It is read, and flagged, never taken for an empty zone."""
MIN_SPECK_AREA = 4
"""Components smaller than this are noise wherever they are."""
ISOLATED_SPECK_AREA = 24
"""Components smaller than this are noise when no larger ink is within ``SPECK_REACH`` px."""
SPECK_REACH = 12
MIN_ZONE_INK_PIXELS = 20
"""A zone with fewer cleaned ink pixels (at page scale) than this is blank; the engines
keep their own floor for a prepared crop (``ocr.base.MIN_DARK_PIXELS``)."""
TARGET_LINE_HEIGHT = {"primary": 48, "alternate": 36}
SCALE_LIMITS = (0.5, 4.0)
PAD = 12


class Variant(Enum):
    PRIMARY = "primary"
    ALTERNATE = "alternate"


def background_level(gray: GrayImage) -> float:
    """The paper's gray level: a high percentile, never darker than ``PAPER_FLOOR``."""
    if gray.size == 0:
        return 255.0
    return max(float(np.percentile(gray, 95)), float(PAPER_FLOOR))


def ink_mask(gray: GrayImage, delta: int = INK_DELTA) -> BoolImage:
    """Pixels darker than the background by at least ``delta``."""
    result: BoolImage = gray < background_level(gray) - delta
    return result


STROKE_SHARE = 0.5
"""With ``strokes``, a small component at least this share of the text's height, and at
least twice as tall as wide, is a letter's stroke, not a speck."""
STROKE_EDGE = 3
"""...unless it lies this close to the zone's left or right edge (residue of a rule)."""


def remove_specks(mask: BoolImage, *, strokes: bool = False) -> BoolImage:
    """Drop tiny components, and small ones that stand alone (dust, scanner noise).

    ``strokes`` (text): a thin upright component as tall as half the text is kept. In a
    fixed-pitch face (IPA Mincho at 200 dpi) an ``l`` or the stem of an ``i`` is a 3 x 13
    px stroke of ~20 px standing a whole cell away from its neighbours; dropping it
    turned Williams into "Wi iams" and both readers agreed.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=8
    )
    areas = stats[:, cv2.CC_STAT_AREA]
    keep_big = np.zeros(count, dtype=bool)
    keep_big[1:] = areas[1:] >= ISOLATED_SPECK_AREA
    if strokes and keep_big.any() and rules.active("prepare.thin_strokes"):
        strokes_kept = stroke_like(np.asarray(stats, np.int32), keep_big, mask.shape[1])
        if (strokes_kept & ~keep_big).any():
            rules.fired("prepare.thin_strokes")
        keep_big |= strokes_kept
    small = np.zeros(count, dtype=bool)
    small[1:] = (areas[1:] >= MIN_SPECK_AREA) & ~keep_big[1:]
    if rules.active("prepare.isolated_specks"):
        near = within_reach(keep_big[labels], labels, small)
        if (small & ~near).any():
            rules.fired("prepare.isolated_specks")
        keep = keep_big | near
    else:
        keep = keep_big | small
    keep[0] = False
    if strokes and keep.any() and rules.active("prepare.accent_dots"):
        dots = accent_dots(np.asarray(stats, np.int32), keep)
        if (dots & ~keep).any():
            rules.fired("prepare.accent_dots")
            keep |= dots
    if strokes and rules.active("prepare.stray_dots"):
        undotted = without_stray_dots(np.asarray(stats, np.int32), labels, keep)
        if (undotted != keep).any():
            rules.fired("prepare.stray_dots")
        keep = undotted
    cleaned: BoolImage = keep[labels]
    return cleaned


ACCENT_MIN_AREA = 2
"""A component this small (and under MIN_SPECK_AREA) may be a diacritic's dot..."""
ACCENT_GAP_SHARE = 0.4
"""...when it sits over a letter: its bottom above the letter's top by at most this share
of the text's height, within the letter's width."""


def accent_dots(stats: npt.NDArray[np.int32], keep: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The components under MIN_SPECK_AREA that sit just over a kept letter: an umlaut's
    or a grave's dots in small print are 1-2 px each at the reference 200 dpi, and
    dropping them as specks read französisch as franzosisch at 1.00, unflagged (dev seed
    48, print, ``de_kindergeld`` pages 16 and 48, IPAGothic at 150-240 dpi)."""
    areas = stats[:, cv2.CC_STAT_AREA]
    tiny = np.flatnonzero((areas >= ACCENT_MIN_AREA) & (areas < MIN_SPECK_AREA) & ~keep)
    out = np.zeros(keep.shape[0], dtype=bool)
    letters = np.flatnonzero(keep)
    if not len(tiny) or not len(letters):
        return out
    left, top = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    right = left + stats[:, cv2.CC_STAT_WIDTH]
    bottom = top + stats[:, cv2.CC_STAT_HEIGHT]
    text_height = float(np.median(stats[letters, cv2.CC_STAT_HEIGHT]))
    gap = max(2.0, ACCENT_GAP_SHARE * text_height)
    for dot in tiny:
        over = (left[letters] < right[dot]) & (right[letters] > left[dot])
        below = (top[letters] >= bottom[dot]) & (top[letters] - bottom[dot] <= gap)
        out[dot] = bool((over & below).any())
    return out


DOT_SHARE = 0.6
"""A group of ink under this share of the text's height, both ways, is a dot..."""
DOT_REACH_SHARE = 1.0
"""...where a group is the components linked by gaps under this share of the text's
height: a group of dots far from the text is specks, whatever their size in pixels."""
SPECKLE_SHARE = 2.0
"""A group of dots alone, none of them letter-sized, is speckle up to this share of the
text's height across (a cluster of specks); a wider one is text (a word of small
letters beside a large seal)."""


def without_stray_dots(
    stats: npt.NDArray[np.int32], labels: npt.NDArray[Any], keep: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """``keep`` without the groups of ink that are dot-sized and stand apart.

    Speckle on a 150 dpi scan scaled to the reference leaves dots above the
    ISOLATED_SPECK_AREA; they made a line's crop four times as wide (林太一 read as 林太,
    Mariah Clark as "MariahClark."). The text's height is the median height of the
    components at least a quarter of the median area: specks below that do not set it,
    and neither does a seal's few large strokes. Components closer than that height form
    a group; a group smaller than :data:`DOT_SHARE` of it both ways is dropped, and so
    is a group of dots alone up to :data:`SPECKLE_SHARE` of it across. A period, an i's
    dot or a dakuten is grouped with its letters; a word is wide even when a seal beside
    it sets the height.
    """
    if not keep.any():
        return keep
    heights = stats[:, cv2.CC_STAT_HEIGHT]
    areas = stats[:, cv2.CC_STAT_AREA]
    large = keep & (areas >= 0.25 * float(np.median(areas[keep])))
    text_height = float(np.median(heights[large]))
    half = max(SPECK_REACH, round(DOT_REACH_SHARE * text_height)) // 2
    kept = keep[labels]
    grown = cv2.dilate(kept.astype(np.uint8), np.ones((2 * half + 1,) * 2, np.uint8))
    count, groups = cv2.connectedComponents(grown, connectivity=8)
    if count <= 2:
        return keep  # one group: nothing stands apart
    members = np.flatnonzero(keep)
    group_of = np.zeros(keep.shape[0], dtype=np.int64)
    group_of[labels[kept]] = groups[kept]
    left, top = stats[members, cv2.CC_STAT_LEFT], stats[members, cv2.CC_STAT_TOP]
    width = group_span(group_of[members], left, left + stats[members, cv2.CC_STAT_WIDTH], count)
    height = group_span(group_of[members], top, top + heights[members], count)
    extent = np.maximum(width, height)
    sizes = np.maximum(heights, stats[:, cv2.CC_STAT_WIDTH])
    has_letter = np.zeros(count, dtype=bool)
    has_letter[group_of[keep & (sizes >= DOT_SHARE * text_height)]] = True
    dot_group = (extent < DOT_SHARE * text_height) | (
        ~has_letter & (extent < SPECKLE_SHARE * text_height)
    )
    out: npt.NDArray[np.bool_] = keep & ~dot_group[group_of]
    return out


def group_span(
    group: npt.NDArray[np.int64],
    start: npt.NDArray[np.int32],
    end: npt.NDArray[np.int32],
    count: int,
) -> npt.NDArray[np.int64]:
    """Per group (of ``count``): from the least ``start`` to the greatest ``end`` of its
    members; 0 for a group without members."""
    first = np.full(count, np.iinfo(np.int64).max)
    last = np.zeros(count, dtype=np.int64)
    np.minimum.at(first, group, start)
    np.maximum.at(last, group, end)
    span: npt.NDArray[np.int64] = last - np.minimum(first, last)
    return span


def within_reach(
    anchor: BoolImage,
    labels: npt.NDArray[Any],
    candidate: npt.NDArray[np.bool_],
    reach: int = SPECK_REACH,
) -> npt.NDArray[np.bool_]:
    """Which ``candidate`` components (by label) lie within ``reach`` px of ``anchor``."""
    kernel = np.ones((2 * reach + 1,) * 2, np.uint8)
    reached = cv2.dilate(anchor.astype(np.uint8), kernel) > 0
    near = np.zeros(candidate.shape[0], dtype=bool)
    near[np.unique(labels[reached & candidate[labels]])] = True
    return near


def stroke_like(
    stats: npt.NDArray[np.int32], big: npt.NDArray[np.bool_], width: int
) -> npt.NDArray[np.bool_]:
    """Components (of ``stats``) that are upright strokes of the text (see remove_specks)."""
    heights = stats[:, cv2.CC_STAT_HEIGHT]
    widths = stats[:, cv2.CC_STAT_WIDTH]
    lefts = stats[:, cv2.CC_STAT_LEFT]
    text_height = float(np.median(heights[big]))
    out: npt.NDArray[np.bool_] = (
        (stats[:, cv2.CC_STAT_AREA] >= MIN_SPECK_AREA)
        & (heights >= STROKE_SHARE * text_height)
        & (heights >= 2 * widths)
        & (lefts >= STROKE_EDGE)
        & (lefts + widths <= width - STROKE_EDGE)
    )
    out[0] = False
    return out


def clean_ink(gray: GrayImage, delta: int = INK_DELTA, *, strokes: bool = False) -> BoolImage:
    """Ink without specks. ``strokes`` (text): thin strokes are kept (see remove_specks)
    and so are light punctuation marks beside the text (see with_light_marks)."""
    mask = remove_specks(ink_mask(gray, delta), strokes=strokes)
    if not strokes or not rules.active("prepare.light_marks"):
        return mask
    marked = with_light_marks(gray, mask, delta)
    if marked is not mask and np.count_nonzero(marked) > np.count_nonzero(mask):
        rules.fired("prepare.light_marks")
    return marked


LIGHT_MARK_SHARE = 0.6
"""A punctuation mark is ink at this share of the text's ink delta (see with_light_marks)."""
LIGHT_MARK_AREA = 48
"""...and a component of at most this many pixels (a period, comma, hyphen or i's dot)."""


def with_light_marks(gray: GrayImage, mask: BoolImage, delta: int) -> BoolImage:
    """``mask`` with the small marks beside its text that are lighter than the text.

    A period, an i's dot or a hyphen is 2-4 px thick at 200 dpi; blur or a 150 dpi scan
    spreads it, so at the text's ink delta it is a pixel or two (dropped as a speck) or
    nothing at all, and "Apt." was read "Apt", "82497-946" "82497 946". At a lower
    delta such a mark is a small component of its own within SPECK_REACH of the text.
    Only beside text: light marks never make a blank zone hold ink.
    """
    if not has_ink(mask):
        return mask
    light = ink_mask(gray, round(delta * LIGHT_MARK_SHARE))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        light.astype(np.uint8), connectivity=8
    )
    areas = stats[:, cv2.CC_STAT_AREA]
    touches_text = np.zeros(count, dtype=bool)
    touches_text[np.unique(labels[mask])] = True
    candidate = (areas >= MIN_SPECK_AREA) & (areas <= LIGHT_MARK_AREA) & ~touches_text
    candidate[0] = False
    touches_text[0] = False
    dots = np.zeros(count, dtype=bool)
    if rules.active("prepare.accent_dots"):
        dots = accent_dots(np.asarray(stats, np.int32), touches_text)
        dots[0] = False
        if dots.any():
            rules.fired("prepare.accent_dots")
    if not candidate.any() and not dots.any():
        return mask
    near = within_reach(mask, labels, candidate) | dots
    out: BoolImage = mask | near[labels]
    return out


def has_ink(mask: BoolImage) -> bool:
    return int(np.count_nonzero(mask)) >= MIN_ZONE_INK_PIXELS


def ink_bbox(mask: BoolImage) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` of the ink (exclusive ends), or None."""
    ys, xs = np.nonzero(mask)
    if ys.size == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def line_height(mask: BoolImage) -> float:
    """Median height of the horizontal ink bands (one per text line)."""
    rows = np.count_nonzero(mask, axis=1) > 0
    runs: list[int] = []
    length = 0
    for filled in rows:
        if filled:
            length += 1
        elif length:
            runs.append(length)
            length = 0
    if length:
        runs.append(length)
    tall = [r for r in runs if r >= 3] or runs or [1]
    return float(np.median(tall))


def has_faint_ink(gray: GrayImage) -> bool:
    """Writing too faint for INK_DELTA: light strokes that survive a blur and speck removal."""
    h, w = gray.shape[:2]
    m = max(2, min(h, w) // 10)  # stay clear of residue along the cell's dropped-out borders
    inner = gray[m : h - m, m : w - m]
    if inner.size == 0:
        return False
    smooth = np.asarray(cv2.GaussianBlur(inner, (3, 3), 0), dtype=np.uint8)
    return has_ink(clean_ink(smooth, FAINT_TEXT_DELTA))


def prepare_text(
    gray: GrayImage,
    variant: Variant = Variant.PRIMARY,
    target: int | None = None,
    delta: int = INK_DELTA,
) -> GrayImage | None:
    """The crop ready for OCR, or None when the zone holds no ink."""
    mask = clean_ink(gray, delta, strokes=True)
    if has_ink(mask):
        lighter = ink_delta_for(gray, mask, delta)
        if lighter < delta and rules.check("prepare.faint_contrast", True):
            mask = clean_ink(gray, lighter, strokes=True)
    box = ink_bbox(mask) if has_ink(mask) else None
    if box is None:
        return None
    x0, y0, x1, y1 = box
    mask = mask[y0:y1, x0:x1]
    if variant is Variant.PRIMARY:
        image = stretch_contrast(gray[y0:y1, x0:x1], mask)
    else:
        image = np.where(mask, 0, 255).astype(np.uint8)
    height = target or TARGET_LINE_HEIGHT[variant.value]
    image = rescale(image, height / line_height(mask))
    return pad(image)


INK_SHARE = 0.4
"""A pixel is ink when it is this share of the way from the paper to the text's darkest
ink (see ink_delta_for)..."""
MIN_TEXT_DELTA = 30
"""...but never closer to the paper than this (noise of a grey scan reaches ~25)."""
DARKEST_INK = 5
"""Percentile of the ink pixels taken for the text's darkest ink."""


def ink_delta_for(gray: GrayImage, mask: BoolImage, delta: int) -> int:
    """The ink delta for this zone's text: ``delta``, or less for faint writing.

    A fixed delta cuts the thin strokes of faint ink (a dry pen, a light scan: ink at
    grey 167-181 on white paper): T lost its bar and read as I, W fell apart, 8337 lost
    its 8. Relative to the text's own darkest ink, the strokes stay whole."""
    contrast = background_level(gray) - float(np.percentile(gray[mask], DARKEST_INK))
    return max(MIN_TEXT_DELTA, min(delta, round(INK_SHARE * contrast)))


def stretch_contrast(gray: GrayImage, mask: BoolImage) -> GrayImage:
    """Paper to white, the darkest ink to black; everything outside the cleaned ink white."""
    background = background_level(gray)
    darkest = float(gray[mask].min()) if mask.any() else 0.0
    span = max(background - darkest, 1.0)
    scaled = (gray.astype(np.float32) - darkest) * (255.0 / span)
    out: GrayImage = np.clip(scaled, 0, 255).astype(np.uint8)
    # keep a soft edge around strokes, drop everything far from kept ink
    near = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out[~near] = 255
    return out


def rescale(image: GrayImage, factor: float) -> GrayImage:
    low, high = SCALE_LIMITS
    factor = min(high, max(low, factor))
    if abs(factor - 1.0) < 0.05:
        return image
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    h, w = image.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return np.asarray(cv2.resize(image, size, interpolation=interpolation), dtype=np.uint8)


def pad(image: GrayImage, border: int = PAD) -> GrayImage:
    return np.pad(image, border, mode="constant", constant_values=255)
