"""One reading of a zone: what the engine read and what the field's type made of it. The
unit that arbitration (:mod:`ocr_service.reading.readers`) compares and settles."""

from __future__ import annotations

from dataclasses import dataclass

from ocr_service.ocr.base import GrayImage, OcrEngine, OcrResult, OcrSettings
from ocr_service.reading.validate import Checked, check_value
from ocr_service.templates.model import FieldSpec


@dataclass(frozen=True)
class Reading:
    ocr: OcrResult
    checked: Checked

    @classmethod
    def take(
        cls, spec: FieldSpec, engine: OcrEngine, image: GrayImage, settings: OcrSettings
    ) -> Reading:
        ocr = engine.read(image, settings)
        return cls(ocr, check_value(spec, ocr.text))

    @property
    def key(self) -> str:
        """What two readings must share to agree: the value, else the normalized text."""
        return self.checked.value if self.checked.value is not None else self.checked.text
