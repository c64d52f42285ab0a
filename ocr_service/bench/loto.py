"""Leave-one-template-out: how the review flags behave on a template that was not in the fit.

For each template T: fit the per-type thresholds (:func:`ocr_service.bench.calibrate.
fit_thresholds`, to the calibration margin of the targets) on the outcomes of every
*other* template, then score T's outcomes with them. Summed over the templates, this
is what a brand-new template, authored without a fit of its own, would get.

Scoring is by type threshold only: a template's own ``threshold:`` entries (the IRS
W-9 has them) are ignored - :func:`~ocr_service.bench.calibrate.flagged_at` recomputes
``low_confidence`` from the confidence and keeps every other reason - because a new
template has none. A type that no other template has (so no fitted threshold) gets
its current default and is listed in ``unseen_types``. Fields of a page that failed
are wrong and flagged whatever the threshold.

The target: wrong and not flagged at most :data:`LOTO_TARGET` of any template's fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ocr_service.bench.calibrate import (
    CALIBRATION_MARGIN,
    SILENT_TARGETS,
    fit_thresholds,
    flagged_at,
)
from ocr_service.bench.metrics import PIPELINE, FieldOutcome

LOTO_TARGET = 0.01
"""Wrong and not flagged, share of one template's fields, leave-one-template-out."""


@dataclass
class Tally:
    fields: int = 0
    flagged: int = 0
    silent: int = 0
    by_style: dict[str, list[int]] = field(default_factory=dict)
    """font style -> [fields, flagged, silent]"""

    def add(self, style: str, *, flagged: bool, silent: bool) -> None:
        self.fields += 1
        self.flagged += flagged
        self.silent += silent
        counts = self.by_style.setdefault(style, [0, 0, 0])
        counts[0] += 1
        counts[1] += flagged
        counts[2] += silent

    def merge(self, other: Tally) -> None:
        self.fields += other.fields
        self.flagged += other.flagged
        self.silent += other.silent
        for style, (n, f, s) in other.by_style.items():
            counts = self.by_style.setdefault(style, [0, 0, 0])
            counts[0] += n
            counts[1] += f
            counts[2] += s

    def to_dict(self) -> dict[str, Any]:
        return {
            "fields": self.fields,
            "flagged": self.flagged,
            "silent": self.silent,
            "flagged_share": self.flagged / self.fields if self.fields else None,
            "silent_share": self.silent / self.fields if self.fields else None,
            "meets_target": self.silent <= LOTO_TARGET * self.fields if self.fields else None,
            "by_font_style": {
                style: {"fields": n, "flagged_share": f / n, "silent_share": s / n}
                for style, (n, f, s) in sorted(self.by_style.items())
            },
        }


def flagged_with(o: FieldOutcome, thresholds: Mapping[str, float]) -> bool:
    """Whether ``o`` is flagged when its type's threshold is ``thresholds[type]``."""
    if o.page_error is not None:
        return True
    return flagged_at(o, thresholds.get(o.field_type, 0.0))


def score(outcomes: Sequence[FieldOutcome], thresholds: Mapping[str, float]) -> Tally:
    tally = Tally()
    for o in outcomes:
        flagged = flagged_with(o, thresholds)
        tally.add(o.font_style, flagged=flagged, silent=not o.correct and not flagged)
    return tally


def leave_one_template_out(
    outcomes: Sequence[FieldOutcome],
    *,
    defaults: Mapping[str, float],
    origins: Mapping[str, str] | None = None,
    margin: float = CALIBRATION_MARGIN,
) -> dict[str, Any]:
    """Per template and summed: flagged and silent shares at thresholds fitted without it.

    ``defaults`` are the thresholds in effect (for types no other template has);
    ``origins`` (template -> set) adds sums per set.
    """
    mine = [o for o in outcomes if o.system == PIPELINE]
    targets = {style: share * margin for style, share in SILENT_TARGETS.items()}
    sets = origins or {}
    templates = sorted({o.template for o in mine}, key=lambda t: (sets.get(t) != "ours", t))
    rows: dict[str, dict[str, Any]] = {}
    overall = Tally()
    by_set: dict[str, Tally] = {}
    for t in templates:
        held = [o for o in mine if o.template == t]
        fit = fit_thresholds([o for o in mine if o.template != t], targets=targets)
        fitted = {k: f.threshold for k, f in fit.thresholds.items()}
        types = sorted({o.field_type for o in held})
        unseen = [k for k in types if k not in fitted]
        thresholds = {k: fitted.get(k, defaults.get(k, 0.0)) for k in types}
        tally = score(held, thresholds)
        overall.merge(tally)
        set_name = sets.get(t)
        if set_name is not None:
            by_set.setdefault(set_name, Tally()).merge(tally)
        rows[t] = {
            "set": set_name,
            **tally.to_dict(),
            "thresholds": thresholds,
            "unseen_types": unseen,
            "fit_meets_targets": fit.meets_target,
        }
    return {
        "target": LOTO_TARGET,
        "fit_targets": targets,
        "templates": rows,
        "overall": overall.to_dict(),
        "by_set": {k: v.to_dict() for k, v in sorted(by_set.items())},
    }
