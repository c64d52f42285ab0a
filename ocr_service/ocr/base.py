"""The OCR seam: a small protocol every engine implements.

Engines receive a prepared crop (grayscale uint8, dark ink on white) and settings,
and return text plus one confidence in [0, 1] per character of ``text``. A blank
crop gives an empty reading with confidence 0, never an exception. A real engine
failure raises :class:`ocr_service.errors.OcrEngineError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt

GrayImage = npt.NDArray[np.uint8]


DARK_LEVEL = 128
"""A pixel darker than this counts as ink when deciding whether a crop is blank."""
MIN_DARK_PIXELS = 12
"""A prepared crop (scaled to the engine's line height) with fewer pixels darker than
DARK_LEVEL than this is blank: no engine is called for it. Not the zone's blankness
(``reading.prepare.MIN_ZONE_INK_PIXELS``, counted on the cleaned ink mask at page scale)."""
PSM_BLOCK = 6
"""Tesseract's page-segmentation mode for a block of lines (a multi-line field)."""


class ReadingKind(StrEnum):
    """What kind of reading a reader asks an engine for, by what the crop holds, not by
    model: an engine declares the kinds it reads (:attr:`OcrEngine.kinds`), and one
    asked for a kind it does not declare reads the crop as it can (see
    :func:`reads_lines`)."""

    GENERAL = "general"
    """Any crop: a word, a block of lines, a character in a box (Tesseract reads these)."""
    LINE = "line"
    """One line of print or handwriting (a text-line recognizer: PP-OCR)."""
    DIGIT = "digit"
    """One handwritten digit in a box (the CNN of :mod:`ocr_service.ocr.digits`)."""


@dataclass(frozen=True)
class OcrSettings:
    language: str = "jpn"
    """Tesseract language string: "jpn", "eng" or "jpn+eng"."""
    psm: int = 7
    """Page-segmentation mode: 7 one line, 6 a block, 8 one word, 10 one character."""
    whitelist: str | None = None
    kind: ReadingKind = ReadingKind.GENERAL
    """The kind of reading asked for (see :class:`ReadingKind`)."""
    letters: str = ""
    """Letters of the field's language that the line recognizer reads at full weight
    without a whitelist (the accented letters of a German, French, Spanish, Italian or
    Portuguese form: see :data:`ocr_service.templates.locales.ACCENTED_LETTERS`); other
    engines ignore it."""


NO_RUNNER_UP: tuple[str, float] = ("", 0.0)
"""No alternative to a character."""


@dataclass(frozen=True)
class OcrResult:
    text: str
    char_confidences: tuple[float, ...] = field(default=())
    """One confidence in [0, 1] per character of ``text`` (whitespace included)."""
    runners_up: tuple[tuple[str, float], ...] = field(default=())
    """Per character of ``text``, the engine's second most likely character there and its
    probability (``("", 0.0)`` where it has none, such as a space); empty when the
    engine gives no alternatives (Tesseract). The line recognizer fills it (see
    :func:`ocr_service.ocr.ppocr.runners_up`)."""

    @property
    def mean_confidence(self) -> float:
        if not self.char_confidences:
            return 0.0
        return float(sum(self.char_confidences) / len(self.char_confidences))

    @property
    def min_confidence(self) -> float:
        return min(self.char_confidences, default=0.0)

    def runner_up(self, index: int) -> tuple[str, float]:
        """The alternative to character ``index``, or ``("", 0.0)`` when there is none."""
        if 0 <= index < len(self.runners_up):
            return self.runners_up[index]
        return NO_RUNNER_UP


EMPTY = OcrResult(text="", char_confidences=())


class OcrEngine(Protocol):
    name: str
    kinds: frozenset[ReadingKind]
    """The kinds of reading this engine can give (:class:`ReadingKind`)."""

    def read(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        """Read one crop, as ``settings.kind`` asks."""
        ...


def is_blank(image: GrayImage) -> bool:
    """True when the crop holds (almost) no dark pixels."""
    return image.size == 0 or int(np.count_nonzero(image < DARK_LEVEL)) < MIN_DARK_PIXELS


def reads_lines(engine: OcrEngine) -> bool:
    """True when ``engine`` reads LINE crops with a line recognizer of its own, so a LINE
    reading and a GENERAL one are two independent opinions."""
    return ReadingKind.LINE in engine.kinds


def reads_digits(engine: OcrEngine) -> bool:
    """True when ``engine`` reads DIGIT crops with a digit recognizer of its own, a further
    independent opinion on a box of a digit row."""
    return ReadingKind.DIGIT in engine.kinds
