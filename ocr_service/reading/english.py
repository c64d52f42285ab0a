"""Spelling evidence for English lines: lookalike digits in words, punctuation read for
its lookalike, and which of two disagreeing readings to keep.

Both recognizers misread a letter as its lookalike digit now and then (``Shaffer-0liver``,
``Timothy V1llage``). A word of letters with one such digit in it is a word misread: the
digit becomes its letter, and the field is flagged ``vocabulary_corrected``.

When the line recognizer and Tesseract disagree on an English line, the line recognizer's
reading is kept unless the spelling shows it is the one that is wrong (see
:func:`tesseract_spelling_wins`); the field stays flagged ``readings_disagree`` either way.
"""

from __future__ import annotations

import re

from ocr_service.ocr.base import OcrResult

LETTER_FOR_DIGIT = {"0": "oO", "1": "lI", "5": "sS", "8": "bB"}
"""Digit → (its lower-case, its upper-case) lookalike letter."""
_WORD = re.compile(r"[A-Za-z0-9]+")
_ORDINAL = re.compile(r"[0-9]+(?:st|nd|rd|th)", re.IGNORECASE)
MIN_LETTERS = 3
"""A word needs this many letters besides the digit to count as a word (4B, A1 do not)."""
SURE_INSERTION = 0.95
"""Tesseract's least character confidence for its extra letter to be believed."""


def repair_lookalike_digits(text: str) -> str:
    """``text`` with each word of letters that holds exactly one lookalike digit
    (0, 1, 5, 8) spelt with the letter instead: upper case at the word's start or
    between capitals, else lower case. Ordinals (1st, 21st) and words with fewer
    than :data:`MIN_LETTERS` letters are left alone."""
    return _WORD.sub(lambda m: _repair_word(m.group()), text)


def _repair_word(word: str) -> str:
    digits = [i for i, c in enumerate(word) if c.isdigit()]
    letters = len(word) - len(digits)
    if len(digits) != 1 or letters < MIN_LETTERS or _ORDINAL.fullmatch(word):
        return word
    i = digits[0]
    lookalikes = LETTER_FOR_DIGIT.get(word[i])
    if lookalikes is None:
        return word
    after_capital = i > 0 and word[i - 1].isupper()
    upper = i == 0 or (after_capital and (i + 1 == len(word) or word[i + 1].isupper()))
    return word[:i] + lookalikes[1 if upper else 0] + word[i + 1 :]


ABBREVIATIONS = frozenset((
    "inc", "ltd", "co", "cos", "corp", "llc", "llp", "plc", "pc", "pllc", "bros", "assn",
    "assoc", "dept", "govt", "intl", "mfg", "mgmt", "svc", "svcs", "univ", "jr", "sr", "esq",
    "phd", "md", "mr", "mrs", "ms", "messrs", "dr", "prof", "rev", "hon", "capt", "gen",
    "col", "sgt", "lt", "apt", "ste", "bldg", "no", "st", "ave", "blvd", "rd", "ln", "ct",
    "cir", "pl", "plz", "pkwy", "hwy", "expy", "fwy", "sq", "ter", "trl", "mt", "ft", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "etc",
))  # fmt: skip
"""Words written with a period in names and addresses (lower case)."""
_PERIOD_AFTER_WORD = re.compile(r"\b([A-Za-z]{3,})\.(?= [A-Za-z])")
_ONE_IN_NUMBER = re.compile(r"(?<=[0-9])[}\])|!](?=-?[0-9])")
"""A bracket, bar or ! between two digits of a number (7114}-141): a 1."""


def repair_punctuation(text: str) -> str:
    """``text`` with a period after a word (three letters or more, no abbreviation) and
    before the next word read as the comma it is (``Strong. Baker and Rivera``: names are
    listed with commas), and a bracket or bar inside a number as a 1.

    Measured on the W-9 values of 300 generated pages (seed 555): 5 values changed, 3
    of them to the truth, none away from it (the other two were wrong in other ways)."""
    return bracket_as_one(period_as_comma(text))


def period_as_comma(text: str) -> str:
    """A period after a word (three letters or more, no abbreviation) before the next
    word is a comma (see :func:`repair_punctuation`)."""
    return _PERIOD_AFTER_WORD.sub(_comma_unless_abbreviation, text)


def bracket_as_one(text: str) -> str:
    """A bracket, bar or ! between two digits of a number is a 1 (7114}-141)."""
    return _ONE_IN_NUMBER.sub("1", text)


def _comma_unless_abbreviation(match: re.Match[str]) -> str:
    word = match.group(1)
    return match.group(0) if word.lower() in ABBREVIATIONS else word + ","


def tesseract_spelling_wins(line: str, tesseract: str, tesseract_ocr: OcrResult) -> bool:
    """Whether Tesseract's reading of an English line is to be kept over the line
    recognizer's ``line`` when the two disagree.

    Measured on the W-9 fields of 300 generated pages (seed 555) where the two readings
    disagreed: the line recognizer's wrong readings that Tesseract had right included a
    capital ending a word (``Miller and SonS``, ``Kramer InC``) and a lower-case letter
    dropped at full confidence (``Briann Fisher``, ``Debbie Hnry``; ``Kelley ad Chavez``
    in the seed-2024 benchmark run).
    Tesseract (its normalized reading ``tesseract``) wins when it lacks the odd capital,
    or when it is the line's reading with one lower-case letter more after a letter, read
    at :data:`SURE_INSERTION` or more.
    """
    if odd_capital(line) and not odd_capital(tesseract):
        return True
    sure = tesseract_ocr.min_confidence >= SURE_INSERTION
    return sure and one_letter_more(line, tesseract)


_ODD_CAPITAL = re.compile(r"[a-z][A-Z]\b")


def odd_capital(text: str) -> bool:
    """A word ending in a capital after a lower-case letter (``SonS``, ``InC``); a
    capital inside a name (``McDonald``) is not odd."""
    return _ODD_CAPITAL.search(text) is not None


def one_letter_more(short: str, long: str) -> bool:
    """``long`` is ``short`` with one lower-case letter inserted after a letter."""
    if len(long) != len(short) + 1:
        return False
    return any(
        long[i].islower() and long[i - 1].isalpha() and long[:i] + long[i + 1 :] == short
        for i in range(1, len(long))
    )
