"""What the examples of value, vocabulary and arbitration rules run through.

Each takes an example's strings and returns what the reading makes of them, so an
example exercises the rule at its real call site (``check_value`` for a field of the
rule's profile). Imported by name from the table (``Rule.example_runner``), never by
the reading modules.
"""

from __future__ import annotations

import numpy as np

from ocr_service.ocr.base import OcrResult
from ocr_service.reading import rules
from ocr_service.reading.boxes import BOX_INSET
from ocr_service.reading.digit_votes import settle
from ocr_service.reading.english import tesseract_spelling_wins
from ocr_service.reading.opinion import Reading
from ocr_service.reading.overflow import overflow_zone
from ocr_service.reading.page import PageImages
from ocr_service.reading.readers import blind_spot, majority_digit
from ocr_service.reading.spaces import respace
from ocr_service.reading.validate import Checked, check_value
from ocr_service.templates.model import FieldSpec


def example_spec(**kw: object) -> FieldSpec:
    base: dict[str, object] = {"name": "example", "label": "example", "bbox": [0, 0, 400, 40]}
    return FieldSpec.model_validate(base | kw)


def ja_text(text: str) -> Checked:
    return check_value(example_spec(type="text", language="jpn"), text)


def ja_address(text: str) -> Checked:
    return check_value(example_spec(type="text", language="jpn", vocabulary="municipality"), text)


def ja_prefecture(text: str) -> Checked:
    return check_value(example_spec(type="text", language="jpn", vocabulary="prefecture"), text)


def ja_era(text: str) -> Checked:
    return check_value(example_spec(type="text", language="jpn", vocabulary="era"), text)


def kana(text: str) -> Checked:
    return check_value(example_spec(type="kana"), text)


def date(text: str) -> Checked:
    return check_value(example_spec(type="date"), text)


def en_text(text: str) -> Checked:
    return check_value(example_spec(type="text", language="eng"), text)


def en_street(text: str) -> Checked:
    spec = example_spec(type="text", language="eng", vocabulary="us_street_address")
    return check_value(spec, text)


def en_city_line(text: str) -> Checked:
    spec = example_spec(type="text", language="eng", vocabulary="us_city_state_zip")
    return check_value(spec, text)


def email(text: str) -> Checked:
    return check_value(example_spec(type="email", vocabulary="email_domain"), text)


def sure(text: str) -> OcrResult:
    return OcrResult(text, tuple(0.99 for _ in text))


def respaced(line: str, tesseract: str) -> str:
    """The line recognizer's reading after the space rule (as read_line applies it)."""
    if not rules.active("arbitration.respace"):
        return line
    merged = respace(sure(line), sure(tesseract))
    return line if merged is None else merged.text


def kept_reading(line: str, tesseract: str) -> str:
    """Which of two disagreeing English readings read_line keeps (both valid)."""
    wins = tesseract_spelling_wins(line, tesseract, sure(tesseract))
    return tesseract if rules.check("arbitration.tesseract_spelling", wins) else line


def settled_digit(line: str, box: str, digit: str) -> str | None:
    """A box's digit from the line's, Tesseract's and the digit recognizer's readings (each
    at 0.99), as a row of digit boxes settles it; None: the readings disagree."""
    settled = majority_digit(line, 0.99, box, digit, 0.99)
    return settled if rules.check("arbitration.digit_majority", settled is not None) else None


def voted_digit(line: str, p_line: str, digit: str, p_digit: str) -> str:
    """A box's digit from the line recognizer's and the digit CNN's readings (each a
    digit at a probability, half the rest on a runner-up digit), as a row of digit
    boxes settles it; with the rule off the line's digit stands."""
    if not rules.active("arbitration.digit_votes"):
        return line
    runner = str((int(line) + 1) % 10)
    row = OcrResult(line, (float(p_line),), ((runner, (1.0 - float(p_line)) / 2),))
    cnn = OcrResult(digit, (float(p_digit),), ((line, (1.0 - float(p_digit)) / 2),))
    return settle(row, [cnn])[0].digit


def date_of_birth_reasons(text: str) -> list[str]:
    """The flags on a day-month-year date of birth (a flag-only rule's outcome)."""
    spec = example_spec(type="date", content="date_of_birth", date_order="dmy")
    return [str(r) for r in check_value(spec, text).reasons]


def passport_reasons(text: str) -> list[str]:
    """The flags on a passport number whose pattern allows letters and digits anywhere."""
    spec = example_spec(
        type="text", language="eng", content="passport_number", pattern="^[0-9A-Z]{6,12}$"
    )
    return [str(r) for r in check_value(spec, text).reasons]


def seven_over_border(bar: str) -> str:
    """A 7 in a ruled box, its bar drawn ``above`` the top border or ``inside`` the box:
    "overflow" when the box's writing is looked for beyond its border and found there
    (the bar), else "inside" (what the box's own crop shows)."""
    page, box = seven_in_box(bar_above=bar == "above")
    if not rules.active("arbitration.border_overflow"):
        return "inside"
    return "inside" if overflow_zone(page, box, BOX_INSET) is None else "overflow"


def seven_in_box(*, bar_above: bool) -> tuple[PageImages, list[int]]:
    """A 60 x 80 page with one 20 x 30 box (its border printed and dropped out) holding
    a 7: a stem, and a bar above the top border or just under it."""
    box = [20, 25, 20, 30]
    mask = np.zeros((80, 60), dtype=np.bool_)
    mask[23:28, 18:42] = mask[53:58, 18:42] = True  # top and bottom border, dilated
    mask[23:58, 18:23] = mask[23:58, 37:42] = True  # sides
    page = np.full((80, 60), 255, dtype=np.uint8)
    bar = slice(18, 22) if bar_above else slice(29, 32)
    page[bar, 24:35] = 30
    page[bar.start : 50, 31:34] = 30  # the stem, from the bar down
    dropout = page.copy()
    dropout[mask] = 255
    return PageImages(registered=page, dropout=dropout, form_mask=mask), box


def tesseract_blind_spot(line: str, tesseract: str) -> str:
    """A sure line reading and Tesseract's reading of it: "confirmed" when the line
    reading stands unflagged, "disagree" when it is flagged as contradicted."""
    spec = example_spec(type="text", language="eng")
    first = Reading(OcrResult(line, tuple(0.99 for _ in line)), check_value(spec, line))
    check = Reading(
        OcrResult(tesseract, tuple(0.9 for _ in tesseract)), check_value(spec, tesseract)
    )
    spotted = rules.check("arbitration.tesseract_blind_spots", blind_spot(first, check))
    return "confirmed" if spotted else "disagree"
