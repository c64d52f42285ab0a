"""Writing too faint to trust (pencil): read with a lower ink threshold, and flagged."""

from __future__ import annotations

from ocr_service.ocr.base import GrayImage, OcrEngine, OcrSettings, reads_lines
from ocr_service.reading import rules
from ocr_service.reading.confidence import ocr_confidence
from ocr_service.reading.field_results import blank_result, make_result
from ocr_service.reading.opinion import Reading
from ocr_service.reading.prepare import FAINT_TEXT_DELTA, Variant, prepare_text
from ocr_service.reading.profiles import line_settings, ocr_settings, reads_as_line
from ocr_service.reading.reasons import Reason
from ocr_service.results import FieldResult
from ocr_service.templates.model import FieldSpec

FAINT_CAP = 0.5
"""Confidence ceiling of a reading taken from faint writing: always under review."""


FAINT_JUNK_BELOW = 0.6
"""A faint reading with a mean character confidence under this, or with no letter or
digit at all (★), is taken for noise on a speckled blank zone: no value, still
flagged faint_ink."""


def read_faint(
    spec: FieldSpec, zone: GrayImage, engine: OcrEngine, settings: OcrSettings | None = None
) -> FieldResult:
    """Writing too faint to trust (pencil): read it with a lower ink threshold, and flag it.
    ``settings``: how to read it, when not as the field's first reading (a row of boxes)."""
    image = prepare_text(zone, Variant.PRIMARY, delta=FAINT_TEXT_DELTA)
    if image is None:
        return blank_result(spec)
    if settings is None:
        line = reads_lines(engine) and reads_as_line(spec)
        settings = line_settings(spec) if line else ocr_settings(spec)
    reading = Reading.take(spec, engine, image, settings)
    raw_text = reading.ocr.text
    confidence = min(ocr_confidence(reading.ocr), FAINT_CAP)
    reasons = [*reading.checked.reasons, Reason.FAINT_INK]
    checked = reading.checked
    value = checked.value
    junk = reading.ocr.mean_confidence < FAINT_JUNK_BELOW or not any(c.isalnum() for c in raw_text)
    if rules.check("value.faint_junk", junk and value is not None):
        value = None  # speckle read as a kana or two is no value; the flag stays
    return make_result(spec, value, raw_text, confidence, reasons, checked.suggestion)
