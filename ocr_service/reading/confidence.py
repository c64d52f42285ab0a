"""Field confidence in [0, 1] from the evidence, and the flagging rule.

Evidence and how it combines (:func:`combine`):

1. OCR: ``CHAR_WEIGHT_MIN * min + (1 - CHAR_WEIGHT_MIN) * mean`` of the per-character
   confidences - one bad character should hurt, not vanish in the mean.
2. A second reading (other preprocessing, psm 13 for lines) is taken when the first
   is doubtful (:func:`needs_second_reading`). If both agree on the value, half the
   remaining doubt goes: ``c + (1 - c) * AGREEMENT_GAIN``. If they disagree, the
   confidence is capped at ``DISAGREEMENT_CAP`` and ``readings_disagree`` is flagged.
3. Validation: a value that fails its rules is capped at ``INVALID_CAP``.

A field is flagged (:func:`flag_reasons`) when its confidence is under its threshold
(``FieldSpec.threshold`` or :data:`DEFAULT_THRESHOLDS`), when validation failed, or
when it is required and empty.

Calibration: every number here is a first guess to be fitted on generated data.
:data:`DEFAULT_THRESHOLDS` is the one table of per-type review thresholds; change it
(or the constants above it) and nothing else.
"""

from __future__ import annotations

from ocr_service.ocr.base import OcrResult
from ocr_service.reading.reasons import Reason
from ocr_service.templates.model import FieldSpec, FieldType

CHAR_WEIGHT_MIN = 0.5
SECOND_READING_BELOW = 0.90
"""Take a second reading when the lowest character confidence is under this."""
AGREEMENT_GAIN = 0.5
DISAGREEMENT_CAP = 0.4
INVALID_CAP = 0.5
BLANK_CONFIDENCE = 0.99
"""Confidence that a zone with no ink is empty (the ink test is reliable)."""

DEFAULT_THRESHOLDS: dict[FieldType, float] = {
    FieldType.TEXT: 0.98,
    FieldType.KANA: 0.00,
    FieldType.DIGITS: 0.00,
    FieldType.NUMBER: 0.98,
    FieldType.DATE: 0.90,
    FieldType.POSTAL_CODE: 0.00,
    FieldType.PHONE: 0.00,
    FieldType.EMAIL: 0.90,
    FieldType.BOXED: 0.00,
    FieldType.CHECKBOX: 0.00,
    FieldType.CHOICE: 0.00,
    FieldType.MARK: 0.00,
    FieldType.TIME: 0.90,  # no time field on any template yet: not fitted, the old number value
}
"""Per-type review threshold: a field under it is flagged ``low_confidence``.

Fitted for the default ``hybrid`` engine across all 11 templates (our 3 in
``templates_forms/``, the 8 forms we did not design in ``templates_realforms/``) on
development seeds only, so that a template with no fit of its own gets thresholds that
transfer: 5 runs of 44 pages (run seeds 201-205, level mixed, print and handwriting,
commit f9cb633, 4 800 fields), then ``ocr-service bench calibrate --from DIR`` over the
five; the runs' and the fit's commands, seeds and per-type figures are in
``docs/bench/calibration_dev_all_templates.json``. Every field of every template was
scored at its type threshold (a template's own ``threshold:`` entries ignored). The fit
keeps the fewest flags that hold wrong-and-unflagged fields within 75 % of the targets
(0.3 % of print, 1 % of handwritten fields), raising a threshold only while it flags at
most 20 fields per silent error caught (``bench.calibrate.MAX_FLAGS_PER_CATCH``). The
targets were not reachable so: on the fitted set 15.7 % flagged, silent 0.42 % print and
0.62 % handwriting (the rest are read at confidences no threshold can separate, e.g.
0.999). Leave-one-template-out on the same outcomes (each template at thresholds fitted
on the other ten): 0.71 % silent, 15.3 % flagged; es_modelo_030 1.11 %, fr_schengen_visa
2.71 %, pt_national_visa 1.11 % stay over 1 %. Compared with the previous table (fitted on
the Japanese forms alone, seed 99: text 0.84, number 0.90, e-mail 0.64, checkbox 0.57,
date 0.00), the same dev outcomes, the W-9 keeping its own entries: forms we did not
design 2.31 % -> 0.68 % silent, 13.4 % -> 17.9 % flagged; our forms 0.09 % -> 0.00 %
silent, 6.6 % -> 8.4 % flagged. 0.00 means the confidence alone is not worth a flag for
that type (validation still flags: dates, phones and postal codes are parsed and checked;
e-mail also when Tesseract disagrees, a line when its readings disagree). With a
Tesseract-only engine (``tesserocr``) text and kana need 0.99."""


def threshold_for(spec: FieldSpec) -> float:
    return spec.threshold if spec.threshold is not None else DEFAULT_THRESHOLDS[spec.type]


def ocr_confidence(result: OcrResult) -> float:
    """Blend of the lowest and the mean character confidence; 0 for no text."""
    if not result.char_confidences:
        return 0.0
    blended = CHAR_WEIGHT_MIN * result.min_confidence + (1 - CHAR_WEIGHT_MIN) * (
        result.mean_confidence
    )
    return clamp(blended)


def needs_second_reading(result: OcrResult, valid: bool) -> bool:
    """A doubtful first reading: a weak character, or a value that failed validation."""
    return result.min_confidence < SECOND_READING_BELOW or not valid


def combine(base: float, *, valid: bool, agreement: bool | None = None) -> float:
    """Field confidence from the OCR confidence, validation and (optional) agreement."""
    c = clamp(base)
    if agreement is True:
        c = c + (1.0 - c) * AGREEMENT_GAIN
    elif agreement is False:
        c = min(c, DISAGREEMENT_CAP)
    if not valid:
        c = min(c, INVALID_CAP)
    return clamp(c)


def ink_confidence(score: float, low: float, high: float) -> float:
    """Confidence of an ink decision from how far ``score`` lies outside [low, high].

    ``score`` is an ink measure (the fraction of the zone that is ink). At or below
    ``low`` means "no mark" (1.0 at zero ink, 0.5 at ``low``); at or above ``high``
    means "marked" (0.5 at ``high``, 1.0 from twice ``high``); in between the decision
    is unsure (0.5 at the edges down to 0 in the middle).
    """
    if score <= low:
        return clamp(1.0 - 0.5 * score / low) if low > 0 else 1.0
    if score >= high:
        return clamp(0.5 + 0.5 * (score - high) / high)
    middle = (low + high) / 2
    return clamp(abs(score - middle) / (high - low))


def flag_reasons(
    spec: FieldSpec, confidence: float, reasons: list[Reason], *, empty: bool
) -> list[Reason]:
    """The reasons a field is flagged: its own plus ``low_confidence`` under threshold."""
    out = list(reasons)
    if spec.required and empty and Reason.REQUIRED_MISSING not in out:
        out.append(Reason.REQUIRED_MISSING)
    if not empty and confidence < threshold_for(spec) and Reason.LOW_CONFIDENCE not in out:
        out.append(Reason.LOW_CONFIDENCE)
    return out


def clamp(value: float) -> float:
    return float(min(1.0, max(0.0, value)))
