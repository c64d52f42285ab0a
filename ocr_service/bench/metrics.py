"""Benchmark arithmetic: pure functions over field outcomes, no I/O and no OCR.

One :class:`FieldOutcome` is one field of one page read by one system (the pipeline
or the baseline). Aggregates (:class:`Stats`) give:

* accuracy - share of fields whose value equals the truth exactly;
* CER - character error rate, total edit distance over total truth characters;
* flagged share - share of fields sent to review;
* silent errors - share of fields that are wrong *and not flagged*;
* flag precision - share of flagged fields that were actually wrong.

:func:`reliability_bins` turns (confidence, correct) pairs into a calibration curve.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ocr_service.reading.vocabulary import edit_distance

PIPELINE = "pipeline"
BASELINE = "baseline"


@dataclass(frozen=True)
class FieldOutcome:
    """One field of one page as read by one system, compared with the truth."""

    system: str
    page: int
    template: str
    field: str
    field_type: str
    font_style: str
    expected: str
    """The truth in comparison form; ``""`` for a blank field."""
    read: str
    """The reading in comparison form; ``""`` for no value."""
    correct: bool
    flagged: bool
    confidence: float | None
    """The system's confidence in [0, 1]; ``None`` when it gives none."""
    edits: int
    """Edit distance between the space-free ``expected`` and ``read`` (0 for ink fields)."""
    truth_chars: int
    """Characters of the space-free truth (0 for ink fields): the CER denominator."""
    reasons: tuple[str, ...] = ()
    blank_zone: bool = False
    """The zone had no ink, so no ``low_confidence`` flag can apply (calibration)."""
    page_error: str | None = None
    """Error code when the whole page failed (every field then counts as wrong and flagged)."""

    @property
    def silent(self) -> bool:
        return not self.correct and not self.flagged


@dataclass(frozen=True)
class Stats:
    fields: int = 0
    correct: int = 0
    flagged: int = 0
    silent: int = 0
    wrong_flagged: int = 0
    edits: int = 0
    truth_chars: int = 0

    @property
    def accuracy(self) -> float | None:
        return _share(self.correct, self.fields)

    @property
    def cer(self) -> float | None:
        if self.truth_chars == 0:
            return None if self.edits == 0 else 1.0
        return self.edits / self.truth_chars

    @property
    def flagged_share(self) -> float | None:
        return _share(self.flagged, self.fields)

    @property
    def silent_share(self) -> float | None:
        return _share(self.silent, self.fields)

    @property
    def flag_precision(self) -> float | None:
        """Share of flagged fields that were wrong; ``None`` when nothing was flagged."""
        return _share(self.wrong_flagged, self.flagged)

    def to_dict(self) -> dict[str, float | int | None]:
        return {
            "fields": self.fields,
            "accuracy": self.accuracy,
            "cer": self.cer,
            "flagged_share": self.flagged_share,
            "silent_share": self.silent_share,
            "flag_precision": self.flag_precision,
            "correct": self.correct,
            "flagged": self.flagged,
            "silent": self.silent,
        }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def cer(expected: str, read: str) -> float:
    """Character error rate of one reading: edits over truth length (at least 1)."""
    return edit_distance(expected, read) / max(len(expected), 1)


def summarize(outcomes: Iterable[FieldOutcome]) -> Stats:
    fields = correct = flagged = silent = wrong_flagged = edits = chars = 0
    for o in outcomes:
        fields += 1
        correct += o.correct
        flagged += o.flagged
        silent += o.silent
        wrong_flagged += o.flagged and not o.correct
        edits += o.edits
        chars += o.truth_chars
    return Stats(fields, correct, flagged, silent, wrong_flagged, edits, chars)


def group_by(
    outcomes: Iterable[FieldOutcome], key: Callable[[FieldOutcome], str]
) -> dict[str, Stats]:
    """Stats per key value, keys sorted."""
    groups: dict[str, list[FieldOutcome]] = {}
    for o in outcomes:
        groups.setdefault(key(o), []).append(o)
    return {k: summarize(groups[k]) for k in sorted(groups)}


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None

    def to_dict(self) -> dict[str, float | int | None]:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "mean_confidence": self.mean_confidence,
            "accuracy": self.accuracy,
        }


def reliability_bins(pairs: Iterable[tuple[float, bool]], n_bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width confidence bins over [0, 1] with the observed accuracy in each.

    A confidence of exactly 1.0 falls in the last bin.
    """
    counts = [0] * n_bins
    conf_sums = [0.0] * n_bins
    hits = [0] * n_bins
    for confidence, correct in pairs:
        c = min(1.0, max(0.0, confidence))
        i = min(n_bins - 1, math.floor(c * n_bins))
        counts[i] += 1
        conf_sums[i] += c
        hits[i] += correct
    return [
        ReliabilityBin(
            low=i / n_bins,
            high=(i + 1) / n_bins,
            count=counts[i],
            mean_confidence=conf_sums[i] / counts[i] if counts[i] else None,
            accuracy=hits[i] / counts[i] if counts[i] else None,
        )
        for i in range(n_bins)
    ]


def expected_calibration_error(bins: list[ReliabilityBin]) -> float | None:
    """Count-weighted mean gap between confidence and accuracy over the bins."""
    total = sum(b.count for b in bins)
    if not total:
        return None
    gap = 0.0
    for b in bins:
        if b.count and b.mean_confidence is not None and b.accuracy is not None:
            gap += b.count * abs(b.mean_confidence - b.accuracy)
    return gap / total


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation; ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
