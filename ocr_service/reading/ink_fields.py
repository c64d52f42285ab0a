"""Checkboxes, marks and choices: ink decides (see :mod:`ocr_service.reading.marks`); a
tick too light to decide is flagged."""

from __future__ import annotations

from collections.abc import Callable

from ocr_service.ocr.base import OcrEngine
from ocr_service.reading import rules
from ocr_service.reading.confidence import threshold_for
from ocr_service.reading.faint import FAINT_CAP
from ocr_service.reading.field_results import build
from ocr_service.reading.marks import InkDecision, read_checkbox, read_choice, read_mark
from ocr_service.reading.page import PageImages, crop
from ocr_service.reading.prepare import has_faint_ink
from ocr_service.reading.reasons import Reason
from ocr_service.results import FieldResult
from ocr_service.templates.model import FieldSpec, FieldType


def read_ink(spec: FieldSpec, page: PageImages, engine: OcrEngine) -> FieldResult:
    """Checkbox and mark → bool; choice → the option value or None."""
    readers: dict[FieldType, Callable[[FieldSpec, PageImages], InkDecision]] = {
        FieldType.CHECKBOX: read_checkbox,
        FieldType.MARK: read_mark,
        FieldType.CHOICE: read_choice,
    }
    decision = readers[spec.type](spec, page)
    reasons = list(decision.reasons)
    unmarked = decision.value in (None, False) and not reasons
    if unmarked and faint_mark(spec, page):
        reasons.append(Reason.FAINT_INK)  # a pencil tick too light to decide: a person looks
        if rules.check("value.faint_tick", spec.type is FieldType.CHECKBOX):
            # light strokes inside a box are a tick made with a light pen; measured on 10
            # generated checkboxes flagged faint: all 10 were ticked
            decision = InkDecision(True, min(decision.confidence, FAINT_CAP), decision.reasons)
            unmarked = False
    if spec.required and unmarked:
        reasons.append(Reason.REQUIRED_MISSING)
    if decision.confidence < threshold_for(spec):
        reasons.append(Reason.LOW_CONFIDENCE)
    raw = "" if decision.value is None else str(decision.value)
    return build(spec, decision.value, raw, decision.confidence, reasons, None)


def faint_mark(spec: FieldSpec, page: PageImages) -> bool:
    """Light strokes in an unmarked box, option or signature zone (see has_faint_ink)."""
    zones = [o.bbox for o in spec.options] if spec.type is FieldType.CHOICE else [spec.bbox]
    return any(has_faint_ink(crop(page.dropout, zone)) for zone in zones)
