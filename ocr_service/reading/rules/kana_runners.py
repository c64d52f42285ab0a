"""What the examples of the kana rules run through (imported by name from the table,
never by the reading modules; see :mod:`.runners`)."""

from __future__ import annotations

from ocr_service.ocr.base import NO_RUNNER_UP, OcrResult
from ocr_service.reading import rules
from ocr_service.reading.document import check_name_reading
from ocr_service.reading.kana import load_lexicon, near_confusion, unusual_reading
from ocr_service.reading.reasons import Reason
from ocr_service.reading.rules.kana import CONFUSABLE, UNUSUAL
from ocr_service.results import FieldResult


def confusable_last(text: str, runner_up: str) -> bool:
    """Whether the rule flags ``text`` read with its last character at 0.55 and
    ``runner_up`` at 0.43 beside it."""
    last = len(text) - 1
    confidences = tuple(0.55 if i == last else 0.99 for i in range(len(text)))
    runners = tuple((runner_up, 0.43) if i == last else NO_RUNNER_UP for i in range(len(text)))
    ocr = OcrResult(text, confidences, runners)
    return rules.check(CONFUSABLE, near_confusion(ocr, kana_field=True))


def field(value: str) -> FieldResult:
    return FieldResult(value=value, raw_text=value, confidence=0.99)


def cross_checked(name: str, reading: str) -> str:
    """``name_reading_mismatch`` when the check flags the reading, else ``""``."""
    result = field(reading)
    check_name_reading(field(name), result)
    return (
        str(Reason.NAME_READING_MISMATCH) if Reason.NAME_READING_MISMATCH in result.reasons else ""
    )


def unusual(reading: str) -> bool:
    return rules.check(UNUSUAL, unusual_reading(load_lexicon(), reading))


def spaced(name: str, reading: str) -> str:
    """The reading's value after the name check."""
    result = field(reading)
    check_name_reading(field(name), result)
    return str(result.value)
