"""Value types for any form, read with the real Tesseract and PP-OCR line recognizer:
amounts with grouping and currency, boxed letter codes, foreign dates, times, phones and
postcodes by country (issue 16, part 3). Zones are rendered with the generator's fonts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr_service.ocr.base import OcrEngine
from ocr_service.ocr.engines import create_engine
from ocr_service.reading.page import PageImages
from ocr_service.reading.readers import read_field
from ocr_service.results import FieldResult
from ocr_service.synth.fonts import face_by_family
from ocr_service.templates.model import FieldSpec, Template

pytestmark = pytest.mark.integration

PRINT = face_by_family("Noto Sans CJK JP")
HAND = face_by_family("Klee One")
ZONE = [0, 0, 700, 70]


@pytest.fixture(scope="module")
def hybrid() -> OcrEngine:
    return create_engine("hybrid")


@pytest.fixture(scope="module")
def tesseract() -> OcrEngine:
    return create_engine("tesserocr")


def page_of(image: Image.Image) -> PageImages:
    gray = np.array(image)
    return PageImages(registered=gray, dropout=gray, form_mask=np.zeros(gray.shape, bool))


def text_page(text: str, family: str) -> PageImages:
    image = Image.new("L", (ZONE[2], ZONE[3]), 248)
    ImageDraw.Draw(image).text((10, 12), text, font=face_by_family(family).font(34), fill=30)
    return page_of(image)


def field_of(locale: str | None, **kw: Any) -> FieldSpec:
    """A field as a template of ``locale`` gives it (its defaults filled in)."""
    page = {"page": 1, "image": "p.png", "dpi": 200, "width": 800, "height": 100}
    spec = {"name": "f", "label": "f", "bbox": ZONE, **kw}
    return Template(id="t", name="t", locale=locale, pages=[page], fields=[spec]).fields[0]


def read(engine: OcrEngine, text: str, family: str, locale: str | None, **kw: Any) -> FieldResult:
    return read_field(field_of(locale, **kw), text_page(text, family), engine)


LINES = [
    ("6.250,00 €", "de-DE", {"type": "number", "currency": "€"}, "6250"),
    ("$1,234.50", "en-US", {"type": "number", "currency": "$"}, "1234.5"),
    ("$6,250", "en-US", {"type": "number", "currency": "$", "decimals": 2}, "6250"),
    ("9,000", "en-US", {"type": "number", "decimals": 0}, "9000"),
    ("5. März 2024", "de-DE", {"type": "date"}, "2024-03-05"),
    ("27.04.2024", "de-DE", {"type": "date"}, "2024-04-27"),
    ("14 février 2024", "fr-FR", {"type": "date"}, "2024-02-14"),
    ("5 de marzo de 2024", "es-ES", {"type": "date"}, "2024-03-05"),
    ("March 5, 2024", "en-US", {"type": "date"}, "2024-03-05"),
    ("2:30 PM", "en-US", {"type": "time"}, "14:30"),
    ("14h30", "fr-FR", {"type": "time"}, "14:30"),
    ("午後2時30分", None, {"type": "time"}, "14:30"),
    ("020 7946 0018", "en-GB", {"type": "phone"}, "02079460018"),
    ("SW1A 1AA", "en-GB", {"type": "postal_code"}, "SW1A 1AA"),
]


@pytest.mark.parametrize("family", [PRINT.family, HAND.family])
@pytest.mark.parametrize(("text", "locale", "kw", "value"), LINES)
def test_lines_read_to_their_canonical_value(
    hybrid: OcrEngine, family: str, text: str, locale: str | None, kw: dict[str, Any], value: str
) -> None:
    result = read(hybrid, text, family, locale, **kw)
    assert result.value == value
    assert not result.flagged


@pytest.mark.parametrize(("text", "locale", "kw", "value"), LINES)
def test_lines_with_tesseract_alone(
    tesseract: OcrEngine, text: str, locale: str | None, kw: dict[str, Any], value: str
) -> None:
    assert read(tesseract, text, PRINT.family, locale, **kw).value == value


@pytest.mark.parametrize("family", [PRINT.family, HAND.family])
def test_amount_separators_in_doubt_are_flagged(hybrid: OcrEngine, family: str) -> None:
    # no locale, no decimal: 6,250 may be 6250 or 6.25
    undeclared = read(hybrid, "6,250", family, None, type="number")
    assert undeclared.flagged
    assert "ambiguous_separator" in undeclared.reasons
    # a point before three digits on a whole-amount form: a comma read as a point
    whole = read(hybrid, "9.000", family, "en-US", type="number", decimals=0)
    assert whole.value is None
    assert "invalid_format" in whole.reasons
    # $ declared, none read, and the amount starts with a 5: a printed $0 read 50?
    dollar = read(hybrid, "50", family, "en-US", type="number", currency="$")
    assert dollar.value == "50"
    assert "currency_lookalike" in dollar.reasons
    assert not read(hybrid, "$50", family, "en-US", type="number", currency="$").flagged


def boxed_page(chars: str, family: str, **kw: Any) -> tuple[FieldSpec, PageImages]:
    size, gap = 50, 6
    boxes = [[10 + i * (size + gap), 10, size, size] for i in range(len(chars))]
    image = Image.new("L", (ZONE[2], ZONE[3]), 248)
    draw = ImageDraw.Draw(image)
    font = face_by_family(family).font(36)
    for (x, y, _, _), ch in zip(boxes, chars, strict=True):
        if ch != " ":
            draw.text((x + 12, y + 2), ch, font=font, fill=30)
    spec = FieldSpec(name="n", label="n", bbox=ZONE, type="boxed", boxes=boxes, **kw)
    return spec, page_of(image)


BOXED = [
    ("TK4829173", "alnum"),
    ("AB1234567", "alnum"),
    ("XKQZ", "latin"),
    ("アイウエオ", "katakana"),
]


@pytest.mark.parametrize("family", [PRINT.family, HAND.family])
@pytest.mark.parametrize(("code", "charset"), BOXED)
def test_boxed_codes_of_a_charset(hybrid: OcrEngine, family: str, code: str, charset: str) -> None:
    spec, page = boxed_page(code, family, charset=charset)
    assert read_field(spec, page, hybrid).value == code


def test_boxed_passport_number_with_tesseract_alone(tesseract: OcrEngine) -> None:
    spec, page = boxed_page("TK4829173", PRINT.family, charset="alnum")
    assert read_field(spec, page, tesseract).value == "TK4829173"


def test_boxed_digits_stay_digits(hybrid: OcrEngine) -> None:
    spec, page = boxed_page("1234567890", HAND.family)
    assert read_field(spec, page, hybrid).value == "1234567890"
    # a letter in a row of digit boxes is not read as one
    spec, page = boxed_page("12A4", PRINT.family)
    assert read_field(spec, page, hybrid).value != "12A4"
