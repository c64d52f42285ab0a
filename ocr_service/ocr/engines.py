"""Build the OCR engine by name; the hybrid engine routes each reading to its model.

- ``hybrid`` (default): LINE readings (text lines, multi-line blocks cut into lines,
  rows of digit boxes) go to the PP-OCR line recognizer (:mod:`ocr_service.ocr.ppocr`);
  DIGIT readings (one handwritten digit in a box) to the digit CNN
  (:mod:`ocr_service.ocr.digits`); every other reading (single character boxes, the
  Tesseract second opinion) to tesserocr. The readers use them as independent opinions.
- ``tesserocr`` / ``pytesseract``: Tesseract only (the line readings are Tesseract's).
"""

from __future__ import annotations

from ocr_service.errors import InvalidValue
from ocr_service.ocr import tesseract
from ocr_service.ocr.base import GrayImage, OcrEngine, OcrResult, OcrSettings, ReadingKind
from ocr_service.ocr.digits import DigitEngine
from ocr_service.ocr.names import DEFAULT_ENGINE, ENGINE_NAMES, HYBRID
from ocr_service.ocr.ppocr import PpOcrLineEngine

__all__ = ["DEFAULT_ENGINE", "ENGINE_NAMES", "HybridEngine", "create_engine"]


class HybridEngine:
    """PP-OCR for LINE readings, the digit CNN for DIGIT readings, Tesseract for the rest."""

    name = HYBRID
    kinds = frozenset({ReadingKind.GENERAL, ReadingKind.LINE, ReadingKind.DIGIT})

    def __init__(
        self,
        boxes: OcrEngine | None = None,
        lines: OcrEngine | None = None,
        digits: OcrEngine | None = None,
    ) -> None:
        self.tesseract = boxes or tesseract.create_engine("tesserocr")
        self.lines = lines or PpOcrLineEngine()
        self.digits = digits or DigitEngine()

    def read(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        if settings.kind is ReadingKind.LINE:
            return self.lines.read(image, settings)
        if settings.kind is ReadingKind.DIGIT:
            return self.digits.read(image, settings)
        return self.tesseract.read(image, settings)


def create_engine(name: str = DEFAULT_ENGINE) -> OcrEngine:
    """``hybrid`` (default), ``tesserocr`` or ``pytesseract``."""
    if name == HybridEngine.name:
        return HybridEngine()
    if name in tesseract.ENGINES:
        return tesseract.create_engine(name)
    raise InvalidValue(f"unknown OCR engine {name!r}", known=list(ENGINE_NAMES))
