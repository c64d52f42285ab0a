"""Benchmark arithmetic: CER, silent errors, flag precision, reliability bins, buckets."""

from __future__ import annotations

import pytest

from ocr_service.bench.buckets import degradation_tags, noise_bucket, rotation_bucket, skew_bucket
from ocr_service.bench.metrics import (
    PIPELINE,
    FieldOutcome,
    cer,
    expected_calibration_error,
    group_by,
    percentile,
    reliability_bins,
    summarize,
)
from ocr_service.reading.vocabulary import edit_distance


def outcome(
    *,
    correct: bool,
    flagged: bool,
    confidence: float | None = 0.9,
    expected: str = "abcd",
    read: str = "abcd",
    field_type: str = "text",
    font_style: str = "print",
) -> FieldOutcome:
    edits = edit_distance(expected, read)
    return FieldOutcome(
        system=PIPELINE,
        page=0,
        template="t",
        field="f",
        field_type=field_type,
        font_style=font_style,
        expected=expected,
        read=read,
        correct=correct,
        flagged=flagged,
        confidence=confidence,
        edits=edits,
        truth_chars=len(expected),
    )


def test_cer_is_edits_over_truth_length() -> None:
    assert cer("abcd", "abXd") == pytest.approx(0.25)
    assert cer("", "xy") == 2.0  # a blank truth counts one character
    assert cer("ab", "ab") == 0.0


def test_summary_counts_silent_errors_and_flag_precision() -> None:
    outcomes = [
        outcome(correct=True, flagged=False),
        outcome(correct=True, flagged=True),  # a needless flag
        outcome(correct=False, flagged=True, read="abXd"),  # caught
        outcome(correct=False, flagged=False, read="ab"),  # silent
    ]
    s = summarize(outcomes)
    assert s.fields == 4
    assert s.accuracy == pytest.approx(0.5)
    assert s.flagged_share == pytest.approx(0.5)
    assert s.silent_share == pytest.approx(0.25)
    assert s.flag_precision == pytest.approx(0.5)
    assert s.cer == pytest.approx((0 + 0 + 1 + 2) / 16)


def test_summary_of_nothing_has_no_rates() -> None:
    s = summarize([])
    assert s.accuracy is None
    assert s.flag_precision is None
    assert s.cer is None


def test_flag_precision_is_none_without_flags() -> None:
    assert summarize([outcome(correct=False, flagged=False)]).flag_precision is None


def test_group_by_sorts_keys() -> None:
    groups = group_by(
        [outcome(correct=True, flagged=False, field_type="kana"),
         outcome(correct=False, flagged=False, field_type="date")],
        lambda o: o.field_type,
    )  # fmt: skip
    assert list(groups) == ["date", "kana"]
    assert groups["date"].accuracy == 0.0


def test_reliability_bins_put_one_in_the_last_bin() -> None:
    bins = reliability_bins([(0.05, False), (0.95, True), (1.0, True), (0.91, False)], n_bins=10)
    assert len(bins) == 10
    assert bins[0].count == 1
    assert bins[0].accuracy == 0.0
    assert bins[9].count == 3
    assert bins[9].accuracy == pytest.approx(2 / 3)
    assert bins[9].mean_confidence == pytest.approx((0.95 + 1.0 + 0.91) / 3)
    assert bins[5].count == 0
    assert bins[5].accuracy is None


def test_expected_calibration_error() -> None:
    perfect = reliability_bins([(1.0, True), (0.0, False)], n_bins=2)
    assert expected_calibration_error(perfect) == pytest.approx(0.0)
    overconfident = reliability_bins([(0.9, False), (0.9, False)], n_bins=10)
    assert expected_calibration_error(overconfident) == pytest.approx(0.9)
    assert expected_calibration_error(reliability_bins([])) is None


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([float(i) for i in range(101)], 95) == pytest.approx(95.0)


def test_buckets_and_tags() -> None:
    d = {"rotation": 270.0, "skew": -4.2, "noise": 7.5, "jpeg_quality": 45.0, "bilevel": False,
         "seal": True, "faint": 0.0, "perspective": 0.0, "dpi": 150.0, "blur": 0.0}  # fmt: skip
    assert rotation_bucket(d) == "270"
    assert skew_bucket(d) == "3-6°"
    assert noise_bucket(d) == "6-10"
    assert noise_bucket({"noise": 0.0}) == "none"
    assert degradation_tags(d) == ["rotated", "skew≥3°", "dpi<200", "noise≥4", "jpeg<60", "seal"]
    assert degradation_tags({}) == ["clean"]
