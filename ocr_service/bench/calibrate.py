"""Fit the per-type review thresholds on a generated set (use another seed than the evaluation).

A field is flagged ``low_confidence`` when its confidence is under its type's threshold
(:data:`ocr_service.reading.confidence.DEFAULT_THRESHOLDS`). Raising a threshold flags
more fields and lets fewer wrong ones through. For every field type,
:func:`fit_thresholds` takes the *lowest* threshold on a 0.01 grid at which the silent
error rate (wrong and not flagged, as a share of that type's fields) is within target
for every font style - the fewest flags that still meet the targets. Where no
threshold meets them, it takes the one with the fewest silent errors (then 1.0).

Flags for other reasons (validation, required and empty) do not depend on the
threshold and are kept; blank zones never get ``low_confidence``. Fields of pages the
pipeline could not read are left out: they are flagged whatever the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ocr_service.bench.metrics import PIPELINE, FieldOutcome

LOW_CONFIDENCE = "low_confidence"
GRID = tuple(round(i / 100, 2) for i in range(101))
SILENT_TARGETS: dict[str, float] = {"print": 0.003, "handwriting": 0.01}


@dataclass(frozen=True)
class Fitted:
    field_type: str
    threshold: float
    fields: int
    flagged_share: float
    silent_share: dict[str, float]
    """Silent error share per font style at this threshold."""
    meets_target: bool
    current_threshold: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "field_type": self.field_type,
            "threshold": self.threshold,
            "fields": self.fields,
            "flagged_share": self.flagged_share,
            "silent_share": self.silent_share,
            "meets_target": self.meets_target,
            "current_threshold": self.current_threshold,
        }


def flagged_at(o: FieldOutcome, threshold: float) -> bool:
    """Whether ``o`` would be flagged with ``threshold`` as its type's review threshold."""
    other = any(r != LOW_CONFIDENCE for r in o.reasons)
    low = not o.blank_zone and o.confidence is not None and o.confidence < threshold
    return other or low


def rates(outcomes: list[FieldOutcome], threshold: float) -> tuple[float, dict[str, float]]:
    """(flagged share, silent share per font style) of ``outcomes`` at ``threshold``."""
    flagged = sum(flagged_at(o, threshold) for o in outcomes)
    silent: dict[str, float] = {}
    for style in sorted({o.font_style for o in outcomes}):
        mine = [o for o in outcomes if o.font_style == style]
        wrong = sum(not o.correct and not flagged_at(o, threshold) for o in mine)
        silent[style] = wrong / len(mine)
    return flagged / len(outcomes), silent


def within(silent: Mapping[str, float], targets: Mapping[str, float]) -> bool:
    return all(share <= targets.get(style, 0.0) for style, share in silent.items())


def fit_one(field_type: str, outcomes: list[FieldOutcome], targets: Mapping[str, float]) -> Fitted:
    best: tuple[float, float, dict[str, float]] | None = None
    for t in GRID:
        flagged, silent = rates(outcomes, t)
        if within(silent, targets):
            return Fitted(field_type, t, len(outcomes), flagged, silent, True)
        total = sum(silent.values())
        if best is None or total < sum(best[2].values()):
            best = (t, flagged, silent)
    assert best is not None
    t, flagged, silent = best
    return Fitted(field_type, t, len(outcomes), flagged, silent, False)


def fit_thresholds(
    outcomes: list[FieldOutcome],
    targets: Mapping[str, float] = SILENT_TARGETS,
    current: Mapping[str, float] | None = None,
) -> dict[str, Fitted]:
    """The fitted threshold per field type, from the pipeline's outcomes on read pages."""
    usable = [o for o in outcomes if o.system == PIPELINE and o.page_error is None]
    fitted: dict[str, Fitted] = {}
    for field_type in sorted({o.field_type for o in usable}):
        mine = [o for o in usable if o.field_type == field_type]
        f = fit_one(field_type, mine, targets)
        fitted[field_type] = Fitted(
            f.field_type,
            f.threshold,
            f.fields,
            f.flagged_share,
            f.silent_share,
            f.meets_target,
            None if current is None else current.get(field_type),
        )
    return fitted


def calibration_report(
    fitted: Mapping[str, Fitted], *, seed: int, pages: int, level: str
) -> dict[str, Any]:
    return {
        "seed": seed,
        "pages": pages,
        "level": level,
        "silent_targets": SILENT_TARGETS,
        "thresholds": {k: v.threshold for k, v in fitted.items()},
        "fits": {k: v.to_dict() for k, v in fitted.items()},
    }


def format_table(fitted: Mapping[str, Fitted]) -> str:
    lines = [
        f"{'type':<12} {'now':>5} {'fitted':>6} {'fields':>6} {'flagged':>8}  silent by style",
    ]
    for f in fitted.values():
        now = "-" if f.current_threshold is None else f"{f.current_threshold:.2f}"
        silent = ", ".join(f"{k} {100 * v:.2f}%" for k, v in f.silent_share.items())
        mark = "" if f.meets_target else "  (target not reachable)"
        lines.append(
            f"{f.field_type:<12} {now:>5} {f.threshold:>6.2f} {f.fields:>6} "
            f"{100 * f.flagged_share:>7.2f}%  {silent}{mark}"
        )
    return "\n".join(lines)
