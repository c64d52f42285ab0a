"""The OCR engines' names, for command-line choices and settings.

It imports no engine, so a parser can offer ``--engine`` without loading Tesseract or
onnxruntime; :mod:`ocr_service.ocr.engines` builds the engine a name stands for.
"""

from __future__ import annotations

HYBRID = "hybrid"
#: The Tesseract-only engines (:data:`ocr_service.ocr.tesseract.ENGINES`).
TESSERACT_ENGINES = ("tesserocr", "pytesseract")
ENGINE_NAMES = (HYBRID, *TESSERACT_ENGINES)
DEFAULT_ENGINE = HYBRID
