"""Compare a reading with the truth, for the pipeline and for the baseline.

Both sides become strings (``""`` for blank, ``true``/``false`` for ink booleans):

* pipeline: exact match of its output value with the truth put through the
  contract's own normalization (:func:`ocr_service.reading.normalize.normalize_field`),
  so a formatting convention of the generator (``山下 涼平`` with a space) is not
  counted as a reading error when the contract writes ``山下涼平``;
* baseline: its raw Tesseract text and the truth both NFKC-normalized with every
  space removed; for date fields the raw text also counts when it parses to the same
  ISO date (:func:`ocr_service.reading.dates.parse_date`) - a fair comparison that
  does not give the baseline the pipeline's validators.

The character error rate is measured on space-free NFKC strings on both sides, and
only for fields read from text (ink fields have no characters).
"""

from __future__ import annotations

from ocr_service.bench.metrics import BASELINE, PIPELINE, FieldOutcome
from ocr_service.reading.dates import parse_date
from ocr_service.reading.normalize import nfkc, normalize_field, remove_spaces
from ocr_service.reading.vocabulary import edit_distance
from ocr_service.results import FieldResult, FieldValue
from ocr_service.templates.model import INK_TYPES, FieldSpec, FieldType


def as_text(value: FieldValue) -> str:
    """A value as a comparison string: ``""`` for None, ``true``/``false`` for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def expected_form(spec: FieldSpec, truth: FieldValue) -> str:
    """The truth in the pipeline's output format."""
    if not isinstance(truth, str) or spec.type in INK_TYPES:
        return as_text(truth)
    return normalize_field(spec, truth)


def compact(text: str) -> str:
    """NFKC with every space removed: the baseline's (and the CER's) comparison form."""
    return remove_spaces(nfkc(text))


def baseline_form(spec: FieldSpec, raw: FieldValue) -> str:
    """The baseline's reading in comparison form (dates: ISO when the text parses)."""
    if not isinstance(raw, str) or spec.type in INK_TYPES:
        return as_text(raw)
    text = compact(raw)
    if spec.type is FieldType.DATE and text:
        parsed = parse_date(text)
        if parsed.ok and parsed.value is not None:
            return parsed.value
    return text


def char_errors(spec: FieldSpec, expected: str, read: str) -> tuple[int, int]:
    """(edits, truth characters) on space-free strings; (0, 0) for ink fields."""
    if spec.type in INK_TYPES:
        return 0, 0
    a, b = compact(expected), compact(read)
    return edit_distance(a, b), len(a)


def pipeline_outcome(
    spec: FieldSpec,
    truth: FieldValue,
    result: FieldResult,
    *,
    page: int,
    template: str,
    font_style: str,
) -> FieldOutcome:
    expected = expected_form(spec, truth)
    read = as_text(result.value)
    edits, chars = char_errors(spec, expected, read)
    blank_zone = spec.type not in INK_TYPES and not result.raw_text
    return FieldOutcome(
        system=PIPELINE,
        page=page,
        template=template,
        field=spec.name,
        field_type=spec.type.value,
        font_style=font_style,
        expected=expected,
        read=read,
        correct=read == expected,
        flagged=result.flagged,
        confidence=float(result.confidence),
        edits=edits,
        truth_chars=chars,
        reasons=tuple(str(r) for r in result.reasons),
        blank_zone=blank_zone,
    )


def baseline_outcome(
    spec: FieldSpec,
    truth: FieldValue,
    raw: FieldValue,
    *,
    flagged: bool,
    confidence: float | None,
    page: int,
    template: str,
    font_style: str,
) -> FieldOutcome:
    expected = compact(truth) if isinstance(truth, str) and spec.type not in INK_TYPES else None
    expected_text = expected if expected is not None else as_text(truth)
    read = baseline_form(spec, raw)
    edits, chars = char_errors(spec, expected_text, read)
    return FieldOutcome(
        system=BASELINE,
        page=page,
        template=template,
        field=spec.name,
        field_type=spec.type.value,
        font_style=font_style,
        expected=expected_text,
        read=read,
        correct=read == expected_text,
        flagged=flagged,
        confidence=confidence,
        edits=edits,
        truth_chars=chars,
    )


def failed_page_outcome(
    system: str,
    spec: FieldSpec,
    truth: FieldValue,
    code: str,
    *,
    page: int,
    template: str,
    font_style: str,
) -> FieldOutcome:
    """A field of a page the system could not read: wrong, and flagged (the page is)."""
    expected = expected_form(spec, truth) if system == PIPELINE else as_text(truth)
    if system == BASELINE and isinstance(truth, str) and spec.type not in INK_TYPES:
        expected = compact(truth)
    edits, chars = char_errors(spec, expected, "")
    return FieldOutcome(
        system=system,
        page=page,
        template=template,
        field=spec.name,
        field_type=spec.type.value,
        font_style=font_style,
        expected=expected,
        read="",
        correct=False,
        flagged=True,
        confidence=None,
        edits=edits,
        truth_chars=chars,
        page_error=code,
    )
