"""Machine-readable flag reasons and the outcome of parsing one value."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """Why a field was flagged. The values are the stable codes in ``FieldResult.reasons``."""

    LOW_CONFIDENCE = "low_confidence"
    PATTERN_MISMATCH = "pattern_mismatch"
    INVALID_DATE = "invalid_date"
    CHECK_DIGIT_MISMATCH = "check_digit_mismatch"
    POSTAL_ADDRESS_MISMATCH = "postal_address_mismatch"
    POSTAL_CODE_UNKNOWN = "postal_code_unknown"
    VOCABULARY_CORRECTED = "vocabulary_corrected"
    AMBIGUOUS_CHOICE = "ambiguous_choice"
    REQUIRED_MISSING = "required_missing"
    OUT_OF_RANGE = "out_of_range"
    INVALID_FORMAT = "invalid_format"
    READINGS_DISAGREE = "readings_disagree"
    FAINT_INK = "faint_ink"
    UNKNOWN_TOWN = "unknown_town"
    """The address's town (町域) is not one of its city's, but one edit from several."""
    AMBIGUOUS_SEPARATOR = "ambiguous_separator"
    """One ``,`` or ``.`` before exactly three digits, and the field does not say which
    is its decimal separator: 6,250 may be 6250 or 6.25."""
    AMBIGUOUS_CHARACTER = "ambiguous_character"
    """A row of boxes whose charset holds both 0 and O, read with one of them, and no
    ``pattern`` to say which a position holds: both recognizers read one for the other.
    Also a letter-and-digit code on a text line (a passport number) read with 0/O or 1/I
    where its pattern allows the other (see reading/plausible.py)."""
    IMPLAUSIBLE_DATE = "implausible_date"
    """A real date no form holds: a year before 1900 or over 20 years ahead, a date of
    birth or issue in the future (1486-10-02 for 1986-10-02)."""
    CURRENCY_LOOKALIKE = "currency_lookalike"
    """An amount read without its declared ``$`` starts with a digit that looks like it
    (a printed $0 read 50)."""
    CONFUSABLE_KANA = "confusable_kana"
    """A kana was nearly read as a hand-alike (か/が, シ/ツ): see reading/kana.py."""
    UNUSUAL_NAME_READING = "unusual_name_reading"
    """A name reading no name in the lexicon has, or a rare one beside a common one."""
    NAME_READING_MISMATCH = "name_reading_mismatch"
    UNSURE_ACCENT = "unsure_accent"
    """A letter of a German, French, Spanish, Italian or Portuguese form was nearly read
    with another accent or none (o/ö, e/é), which Tesseract eng cannot check."""
    """The furigana is not a known reading of the name it belongs to (both flagged)."""


@dataclass(frozen=True)
class Parsed:
    """A parser's answer: the canonical value, or why the text was rejected.

    A rejected value keeps ``value=None``; callers keep the text they parsed as the
    raw reading so a reviewer can still see it.
    """

    value: str | None
    reason: Reason | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


def accept(value: str) -> Parsed:
    return Parsed(value=value)


def reject(reason: Reason) -> Parsed:
    return Parsed(value=None, reason=reason)
