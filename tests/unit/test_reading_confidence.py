import pytest

from ocr_service.ocr.base import OcrResult
from ocr_service.reading.confidence import (
    DEFAULT_THRESHOLDS,
    combine,
    flag_reasons,
    ink_confidence,
    needs_second_reading,
    ocr_confidence,
    threshold_for,
)
from ocr_service.reading.reasons import Reason
from ocr_service.templates.model import FieldSpec, FieldType


def spec(**kw: object) -> FieldSpec:
    return FieldSpec(name="f", label="f", bbox=[0, 0, 10, 10], type="text", **kw)


def test_every_type_has_a_threshold() -> None:
    assert set(DEFAULT_THRESHOLDS) == set(FieldType)
    assert threshold_for(spec()) == DEFAULT_THRESHOLDS[FieldType.TEXT]
    assert threshold_for(spec(threshold=0.3)) == 0.3


def test_ocr_confidence_weighs_the_weakest_character() -> None:
    strong = OcrResult("abc", (0.99, 0.99, 0.99))
    one_weak = OcrResult("abc", (0.99, 0.99, 0.3))
    assert ocr_confidence(strong) > 0.98
    assert ocr_confidence(one_weak) < 0.7
    assert ocr_confidence(OcrResult("")) == 0.0


def test_second_reading_trigger() -> None:
    assert needs_second_reading(OcrResult("a", (0.5,)), valid=True)
    assert needs_second_reading(OcrResult("a", (0.99,)), valid=False)
    assert not needs_second_reading(OcrResult("a", (0.99,)), valid=True)


def test_combine() -> None:
    assert combine(0.8, valid=True) == pytest.approx(0.8)
    assert combine(0.8, valid=True, agreement=True) == pytest.approx(0.9)
    assert combine(0.95, valid=True, agreement=False) <= 0.4
    assert combine(0.95, valid=False) <= 0.5
    assert 0.0 <= combine(1.5, valid=True) <= 1.0


def test_ink_confidence_is_low_in_the_unsure_band() -> None:
    assert ink_confidence(0.0, 0.02, 0.05) == 1.0
    assert ink_confidence(0.2, 0.02, 0.05) == 1.0
    assert ink_confidence(0.035, 0.02, 0.05) < 0.1
    assert ink_confidence(0.02, 0.02, 0.05) == pytest.approx(0.5)


def test_flag_reasons() -> None:
    # an explicit field threshold, so the test does not depend on the calibrated defaults
    assert flag_reasons(spec(threshold=0.9), 0.95, [], empty=False) == []
    assert flag_reasons(spec(threshold=0.9), 0.5, [], empty=False) == [Reason.LOW_CONFIDENCE]
    assert flag_reasons(spec(required=True), 0.0, [], empty=True) == [Reason.REQUIRED_MISSING]
