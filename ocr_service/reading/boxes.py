"""A row of character boxes: each box's crop, the row's ink contrast, and one reading of
a box or of the whole row. How the readings of a row are weighed against each other is
arbitration (:mod:`ocr_service.reading.readers`)."""

from __future__ import annotations

from dataclasses import replace

from ocr_service.ocr.base import (
    GrayImage,
    OcrEngine,
    OcrResult,
    OcrSettings,
    ReadingKind,
    reads_digits,
    reads_lines,
)
from ocr_service.reading import rules
from ocr_service.reading.confidence import SECOND_READING_BELOW, clamp
from ocr_service.reading.page import PageImages, crop, shrink
from ocr_service.reading.prepare import (
    INK_DELTA,
    Variant,
    clean_ink,
    has_faint_ink,
    has_ink,
    ink_delta_for,
    prepare_text,
)
from ocr_service.reading.profiles import PSM_LINE, PSM_RAW_LINE, ocr_settings
from ocr_service.reading.validate import is_digit_boxes
from ocr_service.templates.model import FieldSpec

BOX_INSET = 0.10
"""Share of a character box cut off each side, so its printed border's residue is left out."""


CHAR_TARGET_HEIGHT = 48


UNREAD = "?"
"""Stands for a box with ink that no reading could turn into a character."""


def box_zone(page: PageImages, box: list[int]) -> GrayImage:
    """One character box without its border's residue."""
    return crop(page.dropout, shrink(box, BOX_INSET, minimum=2))


FAINT_ROW_SHARE = 0.5
"""A row of boxes with faint ink in at least this share of its boxes is faint writing."""


def faint_row(spec: FieldSpec, page: PageImages) -> bool:
    """Faint writing in a row of boxes, judged box by box (the borders' residue is not
    writing) in at least FAINT_ROW_SHARE of them: on 160 heavily degraded pages, noise
    made 1 box of 7 or 9 of a blank row look faintly written, 3 times."""
    faint = sum(has_faint_ink(box_zone(page, box)) for box in spec.boxes)
    return faint >= FAINT_ROW_SHARE * len(spec.boxes)


def row_ink_delta(row: GrayImage) -> int | None:
    """The ink delta for a row of boxes, taken on the whole row: INK_DELTA, or less when
    the writing is faint (see :func:`~ocr_service.reading.prepare.ink_delta_for`); None
    when the row has no ink at INK_DELTA.

    Judged box by box at the fixed delta, faint writing lost whole digits: a handwritten
    407 at 150 dpi with faint ink (grey 171-182 on 250) read 4 at 0.996, unflagged, as
    the 0 and the 7 fell just short of it."""
    mask = clean_ink(row, INK_DELTA, strokes=True)
    if not has_ink(mask):
        return None
    delta = (
        ink_delta_for(row, mask, INK_DELTA) if rules.active("prepare.row_contrast") else INK_DELTA
    )
    if delta != INK_DELTA:
        rules.fired("prepare.row_contrast")
    return delta


def read_box_row(
    spec: FieldSpec,
    page: PageImages,
    engine: OcrEngine,
    kind: ReadingKind = ReadingKind.GENERAL,
    variant: Variant = Variant.PRIMARY,
) -> OcrResult | None:
    """The whole row of boxes (their borders dropped out) read as one line of its
    charset's characters (digits, by default), each with its runner-up when the engine
    gives one."""
    image = prepare_text(crop(page.dropout, spec.bbox), variant, target=CHAR_TARGET_HEIGHT)
    if image is None:
        return None
    result = engine.read(image, row_settings(spec, kind))
    allowed = set(spec.whitelist or spec.box_chars)
    digits = is_digit_boxes(spec)
    kept = [
        (c, p, result.runner_up(i))
        for i, (c, p) in enumerate(zip(result.text, result.char_confidences, strict=False))
        if (c.isdigit() if digits else c in allowed)
    ]
    runners = tuple(r for _, _, r in kept) if result.runners_up else ()
    return OcrResult("".join(c for c, _, _ in kept), tuple(p for _, p, _ in kept), runners)


def row_settings(spec: FieldSpec, kind: ReadingKind) -> OcrSettings:
    """A row of boxes read as one line."""
    return replace(ocr_settings(spec), psm=PSM_LINE, kind=kind)


def row_kind(engine: OcrEngine) -> ReadingKind:
    return ReadingKind.LINE if reads_lines(engine) else ReadingKind.GENERAL


def read_box(
    zone: GrayImage, settings: OcrSettings, engine: OcrEngine, delta: int
) -> tuple[str, float, bool | None] | None:
    """(character, confidence, second reading agreed) for one box at the row's ink
    ``delta`` (see :func:`row_ink_delta`), or None when empty."""
    image = prepare_text(zone, Variant.PRIMARY, target=CHAR_TARGET_HEIGHT, delta=delta)
    if image is None:
        return None
    char, confidence = best_char(engine.read(image, settings))
    if confidence >= SECOND_READING_BELOW:
        return char, confidence, None
    alternate = prepare_text(zone, Variant.ALTERNATE, target=CHAR_TARGET_HEIGHT, delta=delta)
    if alternate is None:
        return char, confidence, None
    raw_line = replace(settings, psm=PSM_RAW_LINE)  # psm 10 sometimes returns nothing
    char2, confidence2 = best_char(engine.read(alternate, raw_line))
    if char == UNREAD or char2 == UNREAD:
        return (char2, confidence2, None) if char == UNREAD else (char, confidence, None)
    if char2 == char:
        return char, clamp(confidence + (1 - confidence) * 0.5), True
    if confidence2 > confidence:
        return char2, min(confidence2, 0.4), False
    return char, min(confidence, 0.4), False


def best_char(result: OcrResult) -> tuple[str, float]:
    """The most confident non-space character; ``?`` at 0 when ink gave no text."""
    zipped = zip(result.text, result.char_confidences, strict=False)
    pairs = [(c, p) for c, p in zipped if not c.isspace()]
    if not pairs:
        return UNREAD, 0.0
    return max(pairs, key=lambda cp: cp[1])


def digit_opinions(
    page: PageImages, spec: FieldSpec, engine: OcrEngine, delta: int, settings: OcrSettings
) -> list[tuple[str, float]]:
    """The digit recognizer's (character, confidence) for each inked box, in order; none
    when the engine has no digit recognizer."""
    if not reads_digits(engine):
        return []
    digit = replace(settings, kind=ReadingKind.DIGIT)
    opinions: list[tuple[str, float]] = []
    for box in spec.boxes:
        zone = box_zone(page, box)
        image = prepare_text(zone, Variant.PRIMARY, target=CHAR_TARGET_HEIGHT, delta=delta)
        if image is not None:
            opinions.append(best_char(engine.read(image, digit)))
    return opinions
