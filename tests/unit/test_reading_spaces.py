"""Settling the spaces of two English readings that agree on every character."""

import pytest

from ocr_service.ocr.base import OcrResult
from ocr_service.reading.spaces import respace


def reading(text: str, confidence: float = 0.9) -> OcrResult:
    return OcrResult(text, tuple(confidence for _ in text))


@pytest.mark.parametrize(
    ("line", "tesseract", "settled"),
    [
        ("37143KatieViaduct", "37143 Katie Viaduct", "37143 Katie Viaduct"),
        (
            "Vaughan, Parker andSullivan",
            "Vaughan, Parker and Sullivan",
            "Vaughan, Parker and Sullivan",
        ),
        ("Sanchez,Thomas and Miller", "Sanchez, Thomas and Miller", "Sanchez, Thomas and Miller"),
        ("81 308 Campos Harbor", "81308 Campos Harbor", "81308 Campos Harbor"),
        ("78414-620", "7841 4-620", "78414-620"),
        ("AdrianaJohnson", "Adriana Johnson          +", "Adriana Johnson"),
    ],
)
def test_spelling_settles_the_space(line: str, tesseract: str, settled: str) -> None:
    result = respace(reading(line), reading(tesseract))
    assert result is not None
    assert result.text == settled
    assert len(result.char_confidences) == len(result.text)


@pytest.mark.parametrize(
    ("line", "tesseract"),
    [
        ("Hall-Green", "Hal l-Green"),  # between two lowercase letters: either may be wrong
        ("Jeffreybury", "Jeffrey bury"),
        ("45481 Long Trac k", "45481 Long Track"),
        ("Johnson,\nWilliamsonand", "Johnson,\nWilliamson and"),
        ("Lewis LLC", "Lewis LLC"),  # no difference: nothing to settle
        ("Lewis LLC", "Lewis LLG"),  # a character differs: not a question of spaces
        ("Apt 4B", "Apt 4 B"),  # an uppercase letter alone is no capitalized word
    ],
)
def test_what_spelling_cannot_tell_is_left_unsettled(line: str, tesseract: str) -> None:
    assert respace(reading(line), reading(tesseract)) is None


def test_a_settled_space_takes_the_lower_neighbouring_confidence() -> None:
    line = OcrResult("xaBc", (0.99, 0.98, 0.7, 0.95))
    result = respace(line, reading("xa Bc"))
    assert result is not None
    assert result.text == "xa Bc"
    assert result.char_confidences == (0.99, 0.98, 0.7, 0.7, 0.95)
