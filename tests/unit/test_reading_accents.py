"""The unsure-accent check of a German, French, ... line reading (no OCR: readings given)."""

from ocr_service.ocr.base import NO_RUNNER_UP, OcrResult
from ocr_service.reading.accents import bare, unsure_accent, without_accents
from ocr_service.templates.locales import accented_letters

GERMAN = accented_letters("de-DE")


def reading(text: str, runners: dict[int, tuple[str, float]]) -> OcrResult:
    alternatives = tuple(runners.get(n, NO_RUNNER_UP) for n in range(len(text)))
    return OcrResult(text, tuple(0.99 for _ in text), alternatives)


def test_bare_letters() -> None:
    assert [bare(c) for c in "öÉßa"] == ["o", "e", "b", "a"]


def test_a_bare_letter_nearly_accented_is_unsure() -> None:
    assert unsure_accent(reading("Mochlichen", {1: ("ö", 0.2)}), GERMAN)


def test_an_accented_letter_nearly_bare_is_unsure() -> None:
    assert unsure_accent(reading("Möller", {1: ("o", 0.1)}), GERMAN)


def test_a_far_runner_up_or_another_letter_is_not() -> None:
    assert not unsure_accent(reading("Mochlichen", {1: ("ö", 0.01)}), GERMAN)
    assert not unsure_accent(reading("Mochlichen", {1: ("a", 0.4)}), GERMAN)


def test_no_letters_no_check() -> None:
    assert not unsure_accent(reading("Mochlichen", {1: ("ö", 0.4)}), accented_letters("en-US"))
    assert accented_letters("ja-JP") == ""


def test_without_accents_keeps_case_and_bare_letters() -> None:
    assert (
        without_accents("Jäckel Édouard Moçambique Portimão")
        == "Jackel Edouard Mocambique Portimao"
    )
    assert without_accents("Willis ß") == "Willis ß"  # no decomposition: left as it is
