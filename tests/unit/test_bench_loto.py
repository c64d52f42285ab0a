"""Leave-one-template-out: each template scored at thresholds fitted on the others."""

from __future__ import annotations

import pytest

from ocr_service.bench.loto import flagged_with, leave_one_template_out, score
from ocr_service.bench.metrics import BASELINE, PIPELINE, FieldOutcome


def o(
    template: str,
    confidence: float,
    correct: bool,
    *,
    style: str = "print",
    field_type: str = "text",
    reasons: tuple[str, ...] = (),
    page_error: str | None = None,
    system: str = PIPELINE,
) -> FieldOutcome:
    return FieldOutcome(
        system=system,
        page=0,
        template=template,
        field="f",
        field_type=field_type,
        font_style=style,
        expected="a",
        read="a" if correct else "b",
        correct=correct,
        flagged=bool(reasons) or page_error is not None,
        confidence=None if page_error else confidence,
        edits=0 if correct else 1,
        truth_chars=1,
        reasons=reasons,
        page_error=page_error,
    )


def many(template: str, n: int, confidence: float, correct: bool) -> list[FieldOutcome]:
    return [o(template, confidence, correct) for _ in range(n)]


def test_a_template_is_scored_at_the_thresholds_of_the_others() -> None:
    # a and b: errors at 0.60 (fit raises text to 0.61); c: errors at 0.80, which the
    # others' fit does not catch, so c is silent where a fit on all would have caught it
    outcomes = many("a", 200, 0.95, True) + many("a", 2, 0.60, False)
    outcomes += many("b", 200, 0.95, True) + many("b", 2, 0.60, False)
    outcomes += many("c", 200, 0.95, True) + many("c", 2, 0.80, False)
    result = leave_one_template_out(outcomes, defaults={"text": 0.5})
    rows = result["templates"]
    assert rows["a"]["thresholds"]["text"] == pytest.approx(0.81)  # b and c in its fit
    assert rows["a"]["silent"] == 0
    assert rows["c"]["thresholds"]["text"] == pytest.approx(0.61)
    assert rows["c"]["silent"] == 2
    assert rows["c"]["meets_target"] is True  # 2 of 202 is under 1 %
    assert result["overall"]["fields"] == 606
    assert result["overall"]["silent"] == 2
    assert result["overall"]["silent_share"] == pytest.approx(2 / 606)


def test_a_template_over_one_percent_misses_the_target() -> None:
    outcomes = many("a", 100, 0.95, True) + many("b", 100, 0.95, True)
    outcomes += many("c", 50, 0.95, True) + many("c", 2, 0.80, False)
    rows = leave_one_template_out(outcomes, defaults={})["templates"]
    assert rows["c"]["silent"] == 2
    assert rows["c"]["meets_target"] is False


def test_a_type_no_other_template_has_gets_the_current_default() -> None:
    outcomes = many("a", 100, 0.95, True)
    outcomes += [o("b", 0.7, False, field_type="time")] + [
        o("b", 0.95, True, field_type="time") for _ in range(99)
    ]
    row = leave_one_template_out(outcomes, defaults={"time": 0.75})["templates"]["b"]
    assert row["unseen_types"] == ["time"]
    assert row["thresholds"]["time"] == 0.75
    assert row["silent"] == 0


def test_own_low_confidence_flags_are_recomputed_and_other_reasons_kept() -> None:
    # the recorded low_confidence came from a template's own threshold: LOTO ignores it
    own = o("w9", 0.9, False, reasons=("low_confidence",))
    assert not flagged_with(own, {"text": 0.5})
    assert flagged_with(own, {"text": 0.95})
    assert flagged_with(o("w9", 0.99, False, reasons=("invalid_date",)), {"text": 0.0})
    assert flagged_with(o("w9", 0.0, False, page_error="blank_page"), {})


def test_score_counts_per_font_style_and_leaves_the_baseline_out() -> None:
    tally = score(
        [o("a", 0.9, False, style="print"), o("a", 0.9, True, style="handwriting")],
        {"text": 0.0},
    )
    assert tally.by_style == {"print": [1, 0, 1], "handwriting": [1, 0, 0]}
    outcomes = [*many("a", 10, 0.95, True), o("a", 0.1, False, system=BASELINE)]
    result = leave_one_template_out(outcomes, defaults={})
    assert result["overall"]["fields"] == 10


def test_sums_per_set() -> None:
    outcomes = many("a", 10, 0.95, True) + many("b", 10, 0.95, True)
    outcomes += [o("b", 0.99, False)]
    result = leave_one_template_out(
        outcomes, defaults={}, origins={"a": "ours", "b": "not_designed"}
    )
    assert result["by_set"]["ours"]["silent"] == 0
    assert result["by_set"]["not_designed"]["silent"] == 1
    assert result["templates"]["b"]["set"] == "not_designed"
