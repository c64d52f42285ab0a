"""Which Tesseract settings read which field type (language, PSM, whitelist).

PSM: 7 one line, 6 a block (multi-line), 10 one character (boxes), 13 raw line
(the second opinion for single lines). ``FieldSpec.psm`` and ``FieldSpec.whitelist``
override the defaults. ASCII-only types are read with ``eng`` whatever the
template's language: the whitelist constrains the characters, and the ``eng``
model is the better digit and Latin reader.
"""

from __future__ import annotations

import string
from dataclasses import replace

from ocr_service.ocr.base import PSM_BLOCK, OcrSettings, ReadingKind
from ocr_service.reading.numbers import currency_family
from ocr_service.templates.locales import accented_letters
from ocr_service.templates.model import CHARSETS, FieldSpec, FieldType

PSM_LINE = 7
PSM_WORD = 8
PSM_CHAR = 10
PSM_RAW_LINE = 13

DIGITS = "0123456789"
WHITELISTS: dict[FieldType, str] = {
    FieldType.DIGITS: DIGITS,
    FieldType.NUMBER: DIGITS + ".,-",
    FieldType.POSTAL_CODE: DIGITS + "-〒",
    FieldType.PHONE: DIGITS + "-()",
    FieldType.EMAIL: string.ascii_letters + DIGITS + "@._-+",
    FieldType.BOXED: DIGITS,
}
DATE_WHITELIST = DIGITS + "年月日元令和平成昭和大正明治./-RHSTMrhstm"
WESTERN_DATE_WHITELIST = DIGITS + "./-年月日"
LATIN_LETTERS = string.ascii_letters + "äöüßéèêëàâçíìóòúùñãõôûº"
MONTH_NAME_DATE_WHITELIST = DIGITS + "./-, " + LATIN_LETTERS
"""Dates of a form outside Japan: day, month name or number, year."""
TIME_WHITELIST = DIGITS + ":.hAMPamp Uhr"
JAPANESE_TIME_WHITELIST = TIME_WHITELIST + "午前後時分半"
SPACED_POSTCODE_WHITELIST = CHARSETS["alnum"] + " "
FOREIGN_PHONE_WHITELIST = DIGITS + "-()+./ "
ASCII_TYPES = frozenset(WHITELISTS) - {FieldType.BOXED}


def language_for(spec: FieldSpec) -> str:
    if spec.type in ASCII_TYPES:
        return "eng"
    if spec.type is FieldType.DATE and (spec.date_style == "western" or foreign_dates(spec)):
        return "eng"
    if spec.type is FieldType.BOXED and (spec.whitelist or spec.box_chars).isascii():
        return "eng"
    return spec.language.value


def foreign_dates(spec: FieldSpec) -> bool:
    """A date field of a declared locale outside Japan: month names may be written (a
    form without a locale, such as the W-9 with its ``date_order: mdy``, keeps the
    western whitelist of digits and separators)."""
    return spec.locale not in (None, "ja-JP")


def whitelist_for(spec: FieldSpec) -> str | None:
    if spec.whitelist is not None:
        return spec.whitelist or None
    if spec.type is FieldType.DATE and foreign_dates(spec):
        return MONTH_NAME_DATE_WHITELIST
    if spec.type is FieldType.DATE:
        return WESTERN_DATE_WHITELIST if spec.date_style == "western" else DATE_WHITELIST
    if spec.type is FieldType.TIME:
        japanese = "jpn" in spec.language.value
        return JAPANESE_TIME_WHITELIST if japanese else TIME_WHITELIST
    if spec.type is FieldType.BOXED:
        return spec.box_chars
    if spec.type is FieldType.NUMBER and spec.currency:
        symbols = "".join(sorted({c for t in currency_family(spec.currency) for c in t}))
        return WHITELISTS[FieldType.NUMBER] + "+" + symbols
    if spec.type in (FieldType.POSTAL_CODE, FieldType.PHONE) and spec.country_code != "JP":
        return country_whitelist(spec)
    return WHITELISTS.get(spec.type)


def country_whitelist(spec: FieldSpec) -> str:
    """Phone and postal code outside Japan (CA and GB postal codes hold letters)."""
    if spec.type is FieldType.PHONE:
        return FOREIGN_PHONE_WHITELIST
    return SPACED_POSTCODE_WHITELIST if spec.country_code in ("CA", "GB") else DIGITS + "-"


def psm_for(spec: FieldSpec) -> int:
    if spec.psm is not None:
        return spec.psm
    if spec.type is FieldType.BOXED:
        return PSM_CHAR
    return PSM_BLOCK if spec.multiline else PSM_LINE


def ocr_settings(spec: FieldSpec) -> OcrSettings:
    """The settings of a field's first reading."""
    return OcrSettings(
        language=language_for(spec), psm=psm_for(spec), whitelist=whitelist_for(spec)
    )


def second_settings(first: OcrSettings) -> OcrSettings:
    """The second opinion: raw-line mode for a single line, the same mode otherwise."""
    # raw-line mode is a useful second opinion for Latin text, but for jpn it garbles
    # glyphs (子 -> チ) often enough to flag correct readings: keep the line mode there
    japanese = "jpn" in first.language
    psm = PSM_RAW_LINE if first.psm == PSM_LINE and not japanese else first.psm
    return OcrSettings(language=first.language, psm=psm, whitelist=first.whitelist)


LINE_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.KANA,
        FieldType.DIGITS,
        FieldType.NUMBER,
        FieldType.DATE,
        FieldType.POSTAL_CODE,
        FieldType.PHONE,
        FieldType.EMAIL,
        FieldType.TIME,
    }
)


def reads_as_line(spec: FieldSpec) -> bool:
    """Text-like fields go to the line recognizer first (when the engine has one); it
    cuts a multi-line block into lines. A one-word ``psm`` is how Tesseract checks the
    line reading (a one-letter code); a character or raw ``psm`` stays with Tesseract."""
    return spec.type in LINE_TYPES and spec.psm in (None, PSM_LINE, PSM_BLOCK, PSM_WORD)


def line_settings(spec: FieldSpec) -> OcrSettings:
    """The line recognizer's reading: the same whitelist, a LINE reading; a field of a
    German, French, Spanish, Italian or Portuguese locale keeps its language's accented
    letters (see :func:`~ocr_service.templates.locales.accented_letters`)."""
    settings = replace(ocr_settings(spec), kind=ReadingKind.LINE)
    if settings.whitelist or "jpn" in settings.language:
        return settings
    return replace(settings, letters=accented_letters(spec.locale))
