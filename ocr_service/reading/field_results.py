"""A field's :class:`~ocr_service.results.FieldResult` from what its readers decided: the
value, the raw text, the confidence and the flag reasons."""

from __future__ import annotations

from ocr_service.reading.confidence import BLANK_CONFIDENCE, clamp, flag_reasons
from ocr_service.reading.reasons import Reason
from ocr_service.results import FieldResult
from ocr_service.templates.model import FieldSpec


def blank_result(spec: FieldSpec) -> FieldResult:
    """A zone without ink: no value; flagged only when the field is required."""
    reasons = [Reason.REQUIRED_MISSING] if spec.required else []
    return build(spec, None, "", BLANK_CONFIDENCE, reasons, None)


def make_result(
    spec: FieldSpec,
    value: str | None,
    raw: str,
    confidence: float,
    reasons: list[Reason],
    suggestion: str | None,
) -> FieldResult:
    """A read zone (it had ink): ``low_confidence`` added when under the threshold."""
    reasons = [r for r in reasons if r is not Reason.REQUIRED_MISSING]
    reasons = flag_reasons(spec, confidence, reasons, empty=False)
    return build(spec, value, raw, confidence, reasons, suggestion)


def build(
    spec: FieldSpec,
    value: str | bool | None,
    raw: str,
    confidence: float,
    reasons: list[Reason],
    suggestion: str | None,
) -> FieldResult:
    return FieldResult(
        value=value,
        raw_text=raw,
        confidence=clamp(confidence),
        reasons=[str(r) for r in reasons],
        flagged=bool(reasons),
        page=spec.page,
        bbox=list(spec.bbox),
        suggestion=suggestion,
    )
