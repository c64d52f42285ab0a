"""Writing that runs over a digit box's top or bottom border.

A box is read from its inside (:func:`~ocr_service.reading.boxes.box_zone`: the box less
10 % each side, on the page with the printed form dropped out). A digit written against
the border loses what lies over it: the dropout whitens the printed line with 2 px around
it, and the inset cuts what lies between the line and the inside. A 7 pushed up has its
bar above the line, and what is left is a 1 to the line recognizer and the digit CNN alike,
since both read the same crop (docs/bench/mnist_dev_misses.md: on real MNIST development
digits, 5 of 10 boxes both read wrong were 7 read as 1).

:func:`overflow_zone` looks further: the box's columns from :data:`REACH` of its height
above its top border to as far below its bottom one. The whitened band of a printed line
is bridged in each column where ink touches it from both sides (a stroke crossing the
line), and of what then lies outside the box only the ink connected to the box's own
writing is kept (a neighbouring field's writing is not). The result is a crop like the
box's, or None when nothing of the box's writing lies outside it.

Only the columns of the box are looked at: a digit running into its neighbour box over a
side border is not recovered.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from ocr_service.ocr.base import GrayImage
from ocr_service.reading.page import PageImages, crop, shrink
from ocr_service.reading.prepare import INK_DELTA, clean_ink

BoolImage = npt.NDArray[np.bool_]

REACH = 0.35
"""How far beyond the top and bottom border is looked, as a share of the box height
(a digit of a real hand pushed against its border overruns it by a few pixels; a third
of the box holds a 7's bar or a 2's foot with room)."""
MAX_BAND = 10
"""A whitened run taller than this (px) is not a ruled line's band: it is not bridged."""
MIN_OVERFLOW_PIXELS = 4
"""Fewer of the writing's pixels than this outside the inside crop: nothing ran over."""
BRIDGE_GRAY = 90
"""The grey given to the pixels bridged across a line's band (mid ink: the stroke was
there, its exact shade is not known)."""


def bridge(ink: BoolImage, band: BoolImage) -> BoolImage:
    """``ink`` with each column's runs of ``band`` (the whitened line) filled where ink
    touches the run from above and below (within one column either side)."""
    out = ink.copy()
    height, width = ink.shape
    for col in range(width):
        rows = np.flatnonzero(band[:, col])
        if not len(rows):
            continue
        breaks = np.flatnonzero(np.diff(rows) > 1)
        starts = np.concatenate(([rows[0]], rows[breaks + 1]))
        ends = np.concatenate((rows[breaks], [rows[-1]])) + 1
        near = slice(max(0, col - 1), min(width, col + 2))
        for start, end in zip(starts, ends, strict=True):
            if end - start > MAX_BAND:
                continue
            above = ink[max(0, start - 2) : start, near].any()
            below = ink[end : min(height, end + 2), near].any()
            if above and below:
                out[start:end, col] = True
    return out


def overflow_zone(
    page: PageImages, box: list[int], inset: float, delta: int = INK_DELTA
) -> GrayImage | None:
    """The box's writing with what of it runs over the top or bottom border (dark ink on
    white, like the box's own crop), or None when none of it lies outside the box's
    inside crop (``inset``: the share cut off each side of it)."""
    y, h = box[1], box[3]
    ix, iy, iw, ih = shrink(box, inset, minimum=2)
    reach = max(3, round(REACH * h))
    zone = [ix, y - reach, iw, h + 2 * reach]
    gray = crop(page.dropout, zone)
    band = crop(page.form_mask, zone)
    if gray.size == 0 or gray.shape != band.shape or y - reach < 0:
        return None
    ink = clean_ink(gray, delta, strokes=True)
    joined = bridge(ink, band)
    count, labels = cv2.connectedComponents(joined.astype(np.uint8), connectivity=8)
    top = iy - (y - reach)
    own = np.unique(labels[top : top + ih, :])
    own = own[own > 0]
    if count <= 1 or not len(own):
        return None
    writing = np.isin(labels, own)
    outside = writing.copy()
    outside[top : top + ih, :] = False
    if int(outside.sum()) < MIN_OVERFLOW_PIXELS:
        return None
    shade = np.where(joined & ~ink, np.uint8(BRIDGE_GRAY), gray)
    out = np.full_like(gray, 255)
    out[writing] = shade[writing]
    return out
