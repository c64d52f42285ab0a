"""Ink-decided fields: checkbox, choice and mark.

The measure is the fraction of the zone (after dropout, form pixels excluded) that
is ink: darker than the local paper by ``FAINT_INK_DELTA`` (so faint pencil counts),
with 1-px residue of the printed form opened away and specks dropped. It is robust to
ticks, crosses, filled squares and circles alike, and needs no Otsu threshold (which
invents ink in an empty box).

A checkbox is read in its interior (the bbox minus ``BOX_INSET`` each side) so the
printed border's residue does not count. A choice is the option zone with the most
ink; a circle drawn around the printed word lies in the option's zone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr_service.ocr.base import GrayImage
from ocr_service.reading.confidence import ink_confidence
from ocr_service.reading.page import BoolArray, PageImages, crop, shrink
from ocr_service.reading.prepare import FAINT_INK_DELTA, ink_mask, remove_specks
from ocr_service.reading.reasons import Reason
from ocr_service.templates.model import FieldSpec, FieldType


@dataclass(frozen=True)
class InkBand:
    """Below ``low`` the zone is unmarked, above ``high`` marked, between unsure."""

    low: float
    high: float


INK_BANDS: dict[FieldType, InkBand] = {
    FieldType.CHECKBOX: InkBand(0.02, 0.05),
    FieldType.CHOICE: InkBand(0.01, 0.03),
    FieldType.MARK: InkBand(0.005, 0.015),
}
"""Ink-fraction bands per type; calibrate together with the confidence thresholds."""
BOX_INSET = 0.12
DOMINANCE = 0.5
"""A choice is ambiguous when the runner-up has more than this share of the winner's ink."""


@dataclass(frozen=True)
class InkDecision:
    value: bool | str | None
    confidence: float
    reasons: tuple[Reason, ...] = ()


def ink_fraction(gray: GrayImage, form: BoolArray | None = None) -> float:
    """The share of the zone's non-form pixels that are ink."""
    if gray.size == 0:
        return 0.0
    mask = ink_mask(gray, FAINT_INK_DELTA)
    mask = remove_specks(open_thin_lines(mask))
    usable = np.ones(gray.shape, dtype=bool) if form is None else ~form
    total = int(np.count_nonzero(usable))
    if total == 0:
        return 0.0
    return float(np.count_nonzero(mask & usable)) / total


def open_thin_lines(mask: BoolArray) -> BoolArray:
    """Remove 1-px lines (form residue) and keep thicker strokes: a 2x2 opening.

    Erosion and dilation use opposite anchors so the even kernel does not shift the mask.
    """
    kernel = np.ones((2, 2), np.uint8)
    eroded = cv2.erode(mask.astype(np.uint8), kernel, anchor=(0, 0))
    opened: BoolArray = cv2.dilate(eroded, kernel, anchor=(1, 1)) > 0
    return opened


def zone_fraction(page: PageImages, bbox: list[int]) -> float:
    return ink_fraction(crop(page.dropout, bbox), crop(page.form_mask, bbox))


def decide_checkbox(fraction: float, band: InkBand) -> InkDecision:
    """Ticked or not, with confidence from the distance to the unsure band."""
    confidence = ink_confidence(fraction, band.low, band.high)
    if fraction <= band.low:
        return InkDecision(False, confidence)
    if fraction >= band.high:
        return InkDecision(True, confidence)
    middle = (band.low + band.high) / 2
    return InkDecision(fraction >= middle, confidence)


def decide_choice(fractions: dict[str, float], band: InkBand) -> InkDecision:
    """The option with the most ink; none → None; two marked → ambiguous (None)."""
    ranked = sorted(fractions.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), runner_up = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
    if top <= band.low:
        return InkDecision(None, ink_confidence(top, band.low, band.high))
    if runner_up > band.low and runner_up >= DOMINANCE * top:
        return InkDecision(None, 0.0, (Reason.AMBIGUOUS_CHOICE,))
    confidence = min(
        ink_confidence(top, band.low, band.high), ink_confidence(runner_up, band.low, band.high)
    )
    return InkDecision(best, confidence)


def read_checkbox(spec: FieldSpec, page: PageImages) -> InkDecision:
    fraction = zone_fraction(page, shrink(spec.bbox, BOX_INSET))
    return decide_checkbox(fraction, INK_BANDS[FieldType.CHECKBOX])


def read_mark(spec: FieldSpec, page: PageImages) -> InkDecision:
    fraction = zone_fraction(page, spec.bbox)
    return decide_checkbox(fraction, INK_BANDS[FieldType.MARK])


def read_choice(spec: FieldSpec, page: PageImages) -> InkDecision:
    fractions = {o.value: zone_fraction(page, o.bbox) for o in spec.options}
    return decide_choice(fractions, INK_BANDS[FieldType.CHOICE])
