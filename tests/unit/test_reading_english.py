"""English lines: lookalike digits in words, street suffixes, which reading to keep."""

from __future__ import annotations

import pytest

from ocr_service.ocr.base import OcrResult
from ocr_service.reading.english import (
    repair_lookalike_digits,
    repair_punctuation,
    tesseract_spelling_wins,
)
from ocr_service.reading.reasons import Reason
from ocr_service.reading.us_street import correct_street_line
from ocr_service.reading.validate import check_value
from ocr_service.templates.model import FieldSpec


def english(**extra: object) -> FieldSpec:
    base = {"name": "f", "label": "F", "page": 1, "bbox": [0, 0, 100, 20], "type": "text"}
    return FieldSpec.model_validate(base | {"language": "eng"} | extra)


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("Shaffer-0liver", "Shaffer-Oliver"),
        ("JOHN5ON LLC", "JOHNSON LLC"),
        ("Fi5her", "Fisher"),
        ("1st Street", "1st Street"),  # an ordinal
        ("3M Company", "3M Company"),  # too few letters
        ("Win10", "Win10"),  # two digits
        ("Area 51", "Area 51"),
        ("Kia7", "Kia7"),  # 7 has no lookalike letter
    ],
)
def test_a_lookalike_digit_in_a_word_is_its_letter(read: str, expected: str) -> None:
    assert repair_lookalike_digits(read) == expected


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("Shaffer-0liver", "Shaffer-Oliver"),
        ("Strong. Baker and Rivera", "Strong, Baker and Rivera"),
    ],
)
def test_a_repair_is_flagged(read: str, expected: str) -> None:
    checked = check_value(english(), read)
    assert checked.value == expected
    assert checked.reasons == [Reason.VOCABULARY_CORRECTED]


def test_a_field_with_a_pattern_is_not_repaired() -> None:
    coded = check_value(english(pattern="^[A-Z0-9]{6}$"), "ABC0EF")
    assert coded.value == "ABC0EF"


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("3733 Bailey Chiff", "3733 Bailey Cliff"),
        ("046 Compton Trai l", "046 Compton Trail"),
        ("520 Michael Traffioway", "520 Michael Trafficway"),
        ("39484 Jeffery Turnpike Sulte 112", "39484 Jeffery Turnpike Suite 112"),
        ("2394 Stuart Rapid Apt, 008", "2394 Stuart Rapid Apt. 008"),
        ("123 Main St", None),
        ("1600 Broadway", None),  # no suffix, near none
        ("96 Park Ave S", None),
        ("16086 Mitchell Parks Apt. 460", None),
        ("100 Highway 61 Suite 5", None),
        ("Bailey Chiff", None),  # no house number: not a street line
    ],
)
def test_street_suffix_and_unit_word(read: str, expected: str | None) -> None:
    assert correct_street_line(read) == expected


def test_a_corrected_street_line_is_flagged() -> None:
    checked = check_value(english(vocabulary="us_street_address"), "3733 Bailey Chiff")
    assert checked.value == "3733 Bailey Cliff"
    assert checked.suggestion == "3733 Bailey Cliff"
    assert Reason.VOCABULARY_CORRECTED in checked.reasons


def sure(text: str, confidence: float = 0.99) -> OcrResult:
    return OcrResult(text, tuple(confidence for _ in text))


@pytest.mark.parametrize(
    ("line", "tesseract", "confidence", "wins"),
    [
        ("Briann Fisher", "Brianna Fisher", 0.99, True),  # a letter dropped
        ("Kelley ad Chavez", "Kelley and Chavez", 0.99, True),
        ("Briannafurt", "Briannmafurt", 0.90, False),  # an unsure extra letter
        ("Miller and SonS", "Miller and Sons", 0.80, True),  # an odd capital
        ("Ronald McDonald", "Ronald Mcdonald", 0.99, False),  # a capital inside a name
        ("Gallegos-Edwards", "GalLlegos-Edwards", 0.99, False),  # extra capital
        ("3639 Stephanie Lake", "36349 Stephanie Lake", 0.99, False),  # a digit
    ],
)
def test_when_tesseract_spelling_wins(
    line: str, tesseract: str, confidence: float, wins: bool
) -> None:
    assert tesseract_spelling_wins(line, tesseract, sure(tesseract, confidence)) is wins


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("Strong. Baker and Rivera", "Strong, Baker and Rivera"),
        ("7114}-141", "71141-141"),
        ("Acme Inc. Holdings", "Acme Inc. Holdings"),  # an abbreviation
        ("St. Louis Bread", "St. Louis Bread"),
        ("John A. Smith", "John A. Smith"),  # an initial
        ("Walker PLC.", "Walker PLC."),  # last on the line
        ("(since 2024)", "(since 2024)"),  # a bracket after a number, not in one
        ("12.5 Main", "12.5 Main"),
    ],
)
def test_punctuation_read_for_its_lookalike(read: str, expected: str) -> None:
    assert repair_punctuation(read) == expected
