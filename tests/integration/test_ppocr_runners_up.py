"""The line recognizer's per-character runner-ups on rendered kana lines (the real model)."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_service.ocr.base import OcrSettings, ReadingKind
from ocr_service.ocr.ppocr import PpOcrLineEngine
from ocr_service.reading.kana import CONFUSIONS

pytestmark = pytest.mark.integration

KLEE = "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf"
"""A handwriting-style font (shipped by Debian's fonts-klee)."""
LINE = OcrSettings("jpn", 7, kind=ReadingKind.LINE)


def render(text: str, size: int = 40) -> np.ndarray:
    face = ImageFont.truetype(KLEE, size)
    image = Image.new("L", (int(size * 1.3 * len(text)) + 40, size * 2), 255)
    draw = ImageDraw.Draw(image)
    x = 20.0
    for ch in text:
        if ch == " ":
            x += size * 1.4
            continue
        draw.text((x, size // 3), ch, font=face, fill=0)
        x += draw.textlength(ch, font=face) + 2
    return np.array(image)


@pytest.fixture(scope="module")
def engine() -> PpOcrLineEngine:
    return PpOcrLineEngine()


def test_every_character_of_a_kana_line_has_its_runner_up(engine: PpOcrLineEngine) -> None:
    result = engine.read(render("ヤマダ タロウ"), LINE)
    assert result.text
    assert len(result.runners_up) == len(result.text) == len(result.char_confidences)
    for char, confidence, (other, probability) in zip(
        result.text, result.char_confidences, result.runners_up, strict=True
    ):
        if char == " ":
            assert (other, probability) == ("", 0.0)
            continue
        assert other
        assert other != char
        assert 0.0 <= probability <= confidence


def test_dakuten_lines_have_hand_alike_runner_ups(engine: PpOcrLineEngine) -> None:
    """The runner-up of a voiced or half-voiced kana is mostly its other form: the
    alternatives are where the model's doubt really lies, not noise."""
    result = engine.read(render("ぱぴぷがざだ"), LINE)
    alike = [
        other in CONFUSIONS.get(char, frozenset())
        for char, (other, _) in zip(result.text, result.runners_up, strict=True)
    ]
    assert sum(alike) >= len(alike) // 2


def test_a_block_carries_runner_ups_line_by_line(engine: PpOcrLineEngine) -> None:
    top, bottom = render("サトウ"), render("ハナコ")
    block = np.vstack([top, np.full((30, top.shape[1]), 255, np.uint8), bottom])
    result = engine.read(block, OcrSettings("jpn", 6, kind=ReadingKind.LINE))
    assert "\n" in result.text
    assert len(result.runners_up) == len(result.text)
    assert result.runners_up[result.text.index("\n")] == ("", 0.0)
