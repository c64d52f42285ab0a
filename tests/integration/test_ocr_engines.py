"""Both Tesseract engines on rendered crops (real Tesseract)."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_service.errors import InvalidValue, MissingDependency
from ocr_service.ocr.base import EMPTY, OcrSettings
from ocr_service.ocr.tesseract import (
    PytesseractEngine,
    TesserocrEngine,
    available_languages,
    create_engine,
)

pytestmark = pytest.mark.integration

NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def render(text: str, size: int = 48) -> np.ndarray:
    font = ImageFont.truetype(NOTO, size)
    image = Image.new("L", (int(size * 1.1 * len(text)) + 40, size * 2), 255)
    ImageDraw.Draw(image).text((20, size // 3), text, font=font, fill=0)
    return np.array(image)


@pytest.fixture(scope="module", params=["tesserocr", "pytesseract"])
def engine(request: pytest.FixtureRequest) -> object:
    return create_engine(request.param)


def test_languages_installed() -> None:
    assert {"eng", "jpn"} <= set(available_languages())


@pytest.mark.parametrize(
    ("text", "settings"),
    [
        ("山田太郎", OcrSettings("jpn", 7)),
        ("東京都千代田区", OcrSettings("jpn", 7)),
        ("0123456789", OcrSettings("eng", 7, "0123456789")),
        ("090-1234-5678", OcrSettings("eng", 7, "0123456789-()")),
    ],
)
def test_reads_clear_print(engine: TesserocrEngine, text: str, settings: OcrSettings) -> None:
    result = engine.read(render(text), settings)
    assert result.text == text
    assert len(result.char_confidences) == len(result.text)
    assert all(0.0 <= c <= 1.0 for c in result.char_confidences)
    assert result.mean_confidence > 0.8


def test_blank_crop_is_empty(engine: TesserocrEngine) -> None:
    assert engine.read(np.full((60, 200), 255, np.uint8), OcrSettings()) == EMPTY


def test_whitelist_is_reset_between_reads() -> None:
    engine = TesserocrEngine()
    digits = engine.read(render("AB12"), OcrSettings("eng", 7, "0123456789"))
    assert not any(c.isalpha() for c in digits.text)
    letters = engine.read(render("AB12"), OcrSettings("eng", 7, None))
    assert letters.text == "AB12"


def test_tesserocr_api_is_reused() -> None:
    engine = TesserocrEngine()
    settings = OcrSettings("jpn", 7)
    engine.read(render("山田"), settings)
    api = engine.api("jpn", 7)
    engine.read(render("太郎"), settings)
    assert engine.api("jpn", 7) is api
    assert id(engine.api("jpn", 7)) == id(api)
    engine.close()


def test_a_language_without_its_data_is_a_missing_dependency_in_both_engines() -> None:
    for engine in (TesserocrEngine(), PytesseractEngine()):
        with pytest.raises(MissingDependency, match="xxx"):
            engine.read(render("abc"), OcrSettings("xxx", 7))


def test_unknown_engine_name() -> None:
    with pytest.raises(InvalidValue):
        create_engine("nope")
