"""Accented letters the line recognizer nearly read (a German, French, Spanish, Italian
or Portuguese form).

Tesseract ``eng`` reads no accents, so on such a form it cannot check one: when the
line recognizer reads Mochlichen with ö as its runner-up at the o, both readers agree
on a value that may have lost its accent. Such a reading is flagged
(``unsure_accent``) rather than confirmed.
"""

from __future__ import annotations

import unicodedata

from ocr_service.ocr.base import OcrResult

UNSURE_ACCENT_FLOOR = 0.05
"""A runner-up that is the read letter with another accent (or none) at this
probability or more makes the accent unsure."""

_BARE = {"ß": "b"}
"""Letters with no decomposition and the bare letter the recognizer reads them as."""


def bare(char: str) -> str:
    """The letter without its accent, lower-case (ö -> o, É -> e, ß -> b)."""
    lowered = char.lower()
    if lowered in _BARE:
        return _BARE[lowered]
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def unsure_accent(ocr: OcrResult, letters: str, floor: float = UNSURE_ACCENT_FLOOR) -> bool:
    """Whether a character of the reading was nearly read as the same letter with an
    accent of ``letters`` or without one: runner-up ö (or o for ö) at ``floor`` or more."""
    if not letters or not ocr.runners_up:
        return False
    for char, (runner, probability) in zip(ocr.text, ocr.runners_up, strict=False):
        if probability < floor or not runner or runner == char:
            continue
        accented = runner in letters or char in letters
        if accented and bare(runner) == bare(char):
            return True
    return False


def without_accents(text: str) -> str:
    """``text`` with its letters' accents taken off, case kept (Jäckel -> Jackel,
    Édouard -> Edouard, Moçambique -> Mocambique): what Tesseract ``eng`` can read of it."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )
