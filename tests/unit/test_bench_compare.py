"""Comparing readings with the truth: the contract's normalization, the baseline's fairness."""

from __future__ import annotations

from ocr_service.bench.compare import (
    baseline_form,
    baseline_outcome,
    expected_form,
    failed_page_outcome,
    pipeline_outcome,
)
from ocr_service.bench.metrics import BASELINE
from ocr_service.results import FieldResult
from ocr_service.templates.model import FieldSpec, FieldType, Option


def spec(field_type: FieldType, **extra: object) -> FieldSpec:
    return FieldSpec.model_validate(
        {"name": "f", "label": "F", "bbox": [0, 0, 100, 40], "type": field_type, **extra}
    )


CHOICE = spec(
    FieldType.CHOICE,
    options=[
        Option(value="male", bbox=[0, 0, 40, 40]),
        Option(value="female", bbox=[50, 0, 40, 40]),
    ],
)


def test_truth_takes_the_contract_format() -> None:
    assert expected_form(spec(FieldType.TEXT), "山下 涼平") == "山下涼平"
    assert expected_form(spec(FieldType.KANA), "ヤマシタ リョウヘイ") == "ヤマシタ リョウヘイ"
    assert expected_form(spec(FieldType.DATE), "2023-05-07") == "2023-05-07"
    assert expected_form(spec(FieldType.CHECKBOX), True) == "true"
    assert expected_form(spec(FieldType.TEXT), None) == ""


def test_pipeline_outcome_exact_match() -> None:
    result = FieldResult(value="山下涼平", raw_text="山下 涼平", confidence=0.97)
    o = pipeline_outcome(spec(FieldType.TEXT), "山下 涼平", result, page=1, template="t",
                         font_style="print")  # fmt: skip
    assert o.correct
    assert not o.silent
    assert o.edits == 0
    assert o.truth_chars == 4


def test_pipeline_wrong_unflagged_is_silent() -> None:
    result = FieldResult(value="山下握", raw_text="山下握", confidence=0.95)
    o = pipeline_outcome(spec(FieldType.TEXT), "山下 舞", result, page=1, template="t",
                         font_style="print")  # fmt: skip
    assert not o.correct
    assert o.silent
    assert o.edits == 1


def test_blank_zone_is_marked_for_calibration() -> None:
    result = FieldResult(value=None, raw_text="", confidence=0.99)
    o = pipeline_outcome(spec(FieldType.TEXT), None, result, page=1, template="t",
                         font_style="print")  # fmt: skip
    assert o.correct
    assert o.blank_zone


def test_baseline_text_is_compared_without_spaces_after_nfkc() -> None:
    o = baseline_outcome(spec(FieldType.PHONE), "090-1234-5678", "０９０-1234 -5678",
                         flagged=False, confidence=0.9, page=1, template="t",
                         font_style="print")  # fmt: skip
    assert o.system == BASELINE
    assert o.correct


def test_baseline_dates_count_when_they_parse_to_the_same_day() -> None:
    date = spec(FieldType.DATE)
    assert baseline_form(date, "令和5年8月24日") == "2023-08-24"
    assert baseline_form(date, "2023/08/24") == "2023-08-24"
    assert baseline_form(date, "今和5年8月24日") == "今和5年8月24日"  # not a date: no repair


def test_baseline_ink_fields() -> None:
    o = baseline_outcome(CHOICE, "female", "male", flagged=False, confidence=None, page=1,
                         template="t", font_style="print")  # fmt: skip
    assert not o.correct
    assert o.silent
    assert o.truth_chars == 0  # no characters: not in the CER


def test_failed_page_fields_are_wrong_and_flagged() -> None:
    o = failed_page_outcome("pipeline", spec(FieldType.TEXT), "東京", "blank_page", page=2,
                            template="t", font_style="handwriting")  # fmt: skip
    assert not o.correct
    assert o.flagged
    assert o.page_error == "blank_page"
    assert o.edits == 2
