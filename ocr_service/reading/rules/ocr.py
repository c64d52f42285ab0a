"""ocr-stage rules."""

from __future__ import annotations

from ocr_service.reading.rules.registry import Rule

RULES: tuple[Rule, ...] = ()
