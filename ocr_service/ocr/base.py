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
MIN_INK_PIXELS = 12
"""A crop with fewer dark pixels than this is blank: no engine is called for it."""
PSM_BLOCK = 6
"""Tesseract's page-segmentation mode for a block of lines (a multi-line field)."""


class Recognizer(StrEnum):
    """Which model a reading asks for. An engine without the asked-for model reads
    with the one it has (see :func:`reads_lines`)."""

    TESSERACT = "tesseract"
    LINE = "line"
    """A text-line recognizer (PP-OCR): one line of print or handwriting."""
    DIGIT = "digit"
    """A one-digit recognizer (the CNN of :mod:`ocr_service.ocr.digits`): one digit in a box."""


@dataclass(frozen=True)
class OcrSettings:
    language: str = "jpn"
    """Tesseract language string: "jpn", "eng" or "jpn+eng"."""
    psm: int = 7
    """Page-segmentation mode: 7 one line, 6 a block, 8 one word, 10 one character."""
    whitelist: str | None = None
    recognizer: Recognizer = Recognizer.TESSERACT


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

    def read(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        """Read one crop."""
        ...


def is_blank(image: GrayImage) -> bool:
    """True when the crop holds (almost) no dark pixels."""
    return image.size == 0 or int(np.count_nonzero(image < DARK_LEVEL)) < MIN_INK_PIXELS


def reads_lines(engine: OcrEngine) -> bool:
    """True when ``engine`` has a line recognizer of its own (``recognizers`` attribute),
    so a LINE reading and a TESSERACT reading are two independent opinions."""
    return Recognizer.LINE in recognizers_of(engine)


def reads_digits(engine: OcrEngine) -> bool:
    """True when ``engine`` has a digit recognizer of its own, a further independent
    opinion on a box of a digit row."""
    return Recognizer.DIGIT in recognizers_of(engine)


def recognizers_of(engine: OcrEngine) -> frozenset[Recognizer]:
    """The models an engine declares (``recognizers`` attribute; Tesseract alone when none)."""
    recognizers: frozenset[Recognizer] = getattr(engine, "recognizers", frozenset())
    return recognizers
