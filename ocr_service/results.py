"""What a reading produces: fields, pages and documents (the ``read --json`` contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FieldValue = str | bool | None


@dataclass
class FieldResult:
    value: FieldValue
    raw_text: str
    confidence: float
    reasons: list[str] = field(default_factory=list)
    flagged: bool = False
    page: int = 1
    bbox: list[int] = field(default_factory=list)
    suggestion: str | None = None
    """A nearest-match vocabulary suggestion, recorded, never silently trusted."""
    rules: list[str] = field(default_factory=list)
    """The ids of the reading rules that changed something on the way to this result
    (see :mod:`ocr_service.reading.rules`), in the order they fired."""

    def flag(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        self.flagged = True

    def touched_by(self, rule_id: str) -> None:
        """Record a rule that changed this result after it was read (a document check)."""
        if rule_id not in self.rules:
            self.rules.append(rule_id)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "raw_text": self.raw_text,
            "confidence": round(float(self.confidence), 4),
            "flagged": self.flagged,
            "reasons": list(self.reasons),
            "page": self.page,
            "bbox": list(self.bbox),
            "rules": list(self.rules),
        }
        if self.suggestion is not None:
            out["suggestion"] = self.suggestion
        return out


@dataclass
class PageInfo:
    page: int
    source_page: int
    rotation: float
    skew: float
    inliers: int
    error_px: float
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "source_page": self.source_page,
            "rotation": round(self.rotation, 2),
            "skew": round(self.skew, 2),
            "registration": {
                "inliers": self.inliers,
                "error_px": round(self.error_px, 3),
                "score": round(self.score, 3),
            },
        }


@dataclass
class Document:
    template_id: str
    template_version: str | int
    pages: list[PageInfo]
    fields: dict[str, FieldResult]

    @property
    def flagged(self) -> bool:
        return any(f.flagged for f in self.fields.values())

    def data(self) -> dict[str, FieldValue]:
        return {name: f.value for name, f in self.fields.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "template": {"id": self.template_id, "version": self.template_version},
            "pages": [p.to_dict() for p in self.pages],
            "fields": {name: f.to_dict() for name, f in self.fields.items()},
        }
