"""Where the line recognizer's reading gets its spaces: the model (Latin) or the gaps
(Japanese)."""

from __future__ import annotations

from ocr_service.ocr.ppocr import Decoded, with_spaces


def decoded(text: str) -> Decoded:
    return [(c, 0.99, 2 * i, 2 * i + 1) for i, c in enumerate(text)]


def test_latin_spaces_come_from_the_model_not_from_wide_gaps() -> None:
    # IPA Gothic at 150 dpi: the gaps around i, f and l are as wide as a word space
    chars = decoded("Griffin-Wolf")
    gaps = [0.31, 1.03, 0.54, 0.51, 0.62, 0.41, 0.8, 0.7, 0.62, 0.85, 0.54]
    assert with_spaces(chars, gaps, latin=True).text == "Griffin-Wolf"
    spaced = decoded("Wolf and")
    assert with_spaces(spaced, [0.3, 0.2, 0.2, 0.5, 0.5, 0.2, 0.2], latin=True).text == "Wolf and"


def test_latin_model_space_without_a_gap_is_dropped() -> None:
    chars = decoded("Wi lliams")
    gaps = [0.1, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1]
    assert with_spaces(chars, gaps, latin=True).text == "Williams"


def test_japanese_spaces_come_from_wide_gaps_and_lone_dashes() -> None:
    chars = decoded("ヤマダタロウ")
    assert with_spaces(chars, [0.2, 0.2, 1.2, 0.2, 0.2]).text == "ヤマダ タロウ"
    dash = decoded("ヤマダ-タロウ")
    assert with_spaces(dash, [0.2, 0.2, 0.7, 0.7, 0.2, 0.2]).text == "ヤマダ タロウ"


def test_a_dash_between_digits_in_japanese_stays_a_hyphen() -> None:
    chars = decoded("津木5-19")
    assert with_spaces(chars, [0.2, 0.2, 0.7, 0.7, 0.2]).text == "津木5-19"
