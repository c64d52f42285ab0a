"""Accented letters of a German (French, ...) form read by the real line recognizer.

The English prior down-weights accented letters to 0.05, which on a de-DE form turned
Müller into Muller and Lüneburg into Lneburg (development pages, seeds 555 and 808);
a field of such a locale keeps its language's letters (rule ocr.locale_letters).
"""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_service.ocr.ppocr import PpOcrLineEngine
from ocr_service.reading.profiles import line_settings
from ocr_service.templates.model import FieldSpec

pytestmark = pytest.mark.integration

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
KLEE = "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf"
"""A hand-alike face: at 24 px its ß was read B under the English prior (Straße as StraBe)."""


def render(text: str, size: int = 40, font: str = DEJAVU) -> np.ndarray:
    face = ImageFont.truetype(font, size)
    image = Image.new("L", (int(size * 0.8 * len(text)) + 40, size * 2), 255)
    ImageDraw.Draw(image).text((20, size // 3), text, font=face, fill=0)
    return np.array(image)


def field(locale: str | None) -> FieldSpec:
    data: dict[str, object] = {"name": "n", "label": "Name", "bbox": [0, 0, 10, 10]}
    data["type"] = "text"
    data["language"] = "eng"
    if locale:
        data["locale"] = locale
    return FieldSpec.model_validate(data)


@pytest.fixture(scope="module")
def engine() -> PpOcrLineEngine:
    return PpOcrLineEngine()


@pytest.mark.parametrize("word", ["Müller", "Straße", "Weiß", "Lüneburg", "männlich"])
def test_a_german_field_reads_its_accented_letters(engine: PpOcrLineEngine, word: str) -> None:
    result = engine.read(render(word, size=24, font=KLEE), line_settings(field("de-DE")))
    assert result.text == word


@pytest.mark.parametrize(("locale", "word"), [("es-ES", "López"), ("pt-PT", "Câmara")])
def test_other_latin_locales_read_theirs(engine: PpOcrLineEngine, locale: str, word: str) -> None:
    result = engine.read(render(word), line_settings(field(locale)))
    assert result.text == word


def test_an_english_field_keeps_the_english_prior(engine: PpOcrLineEngine) -> None:
    settings = line_settings(field("en-US"))
    assert settings.letters == ""
    assert "ocr.locale_letters" not in engine.prior(settings).rule_ids
