"""Everything a benchmark run measured, as one JSON-ready dict (``report.json``).

:func:`summarize_run` is the only place numbers are computed; the Markdown report
and the charts are drawn from its output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ocr_service.bench.buckets import (
    NOISE_ORDER,
    ROTATION_ORDER,
    SKEW_ORDER,
    degradation_tags,
    noise_bucket,
    rotation_bucket,
    skew_bucket,
)
from ocr_service.bench.loto import leave_one_template_out
from ocr_service.bench.metrics import (
    BASELINE,
    PIPELINE,
    FieldOutcome,
    Stats,
    expected_calibration_error,
    group_by,
    percentile,
    reliability_bins,
    summarize,
)
from ocr_service.bench.runner import BenchRun, PageRecord
from ocr_service.bench.sets import set_rows, template_rows
from ocr_service.reading.confidence import DEFAULT_THRESHOLDS

TOP_MISSES = 40


@dataclass(frozen=True)
class Target:
    metric: str
    font_style: str
    limit: float
    higher_is_better: bool

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= self.limit if self.higher_is_better else value <= self.limit


TARGETS = (
    Target("accuracy", "print", 0.995, True),
    Target("accuracy", "handwriting", 0.95, True),
    Target("silent_share", "print", 0.003, False),
    Target("silent_share", "handwriting", 0.01, False),
    Target("flagged_share", "print", 0.08, False),
    Target("flagged_share", "handwriting", 0.25, False),
    Target("pages_per_minute", "print", 60.0, True),
    Target("pages_per_minute", "handwriting", 60.0, True),
    # issue 17: synthetic distorted handwriting, all field types
    Target("accuracy", "handwriting-distorted", 0.93, True),
    Target("silent_share", "handwriting-distorted", 0.01, False),
    Target("flagged_share", "handwriting-distorted", 0.25, False),
)
SPEEDUP_TARGET = 5.0
"""Pipeline pages/min at least this many times the baseline's."""
SILENT_RATIO_TARGET = 0.1
"""Pipeline silent errors at most this share of the baseline's."""


def summarize_run(run: BenchRun) -> dict[str, Any]:
    pages = {p.index: p for p in run.pages}
    systems = {s: system_summary(run, s, pages) for s in run.systems}
    return {
        "config": {
            "pages": run.config.pages,
            "seed": run.config.seed,
            "split": run.config.split,
            "templates": list(run.config.templates),
            "font_styles": list(run.config.font_styles),
            "level": run.config.level,
            "baseline": run.config.baseline,
            "extra_sets": list(run.config.extra_sets),
        },
        "environment": run.environment,
        "page_counts": {
            "total": len(run.pages),
            "by_template": dict(Counter(p.template for p in run.pages)),
            "by_font_style": dict(Counter(p.font_style for p in run.pages)),
            "fonts": dict(Counter(p.font for p in run.pages)),
        },
        "systems": systems,
        "sets": set_rows(run.outcomes, run.origins, run.extra, run.extra_titles),
        "templates": template_rows(run.outcomes, run.origins),
        "loto": leave_one_template_out(
            run.outcomes,
            defaults={t.value: v for t, v in DEFAULT_THRESHOLDS.items()},
            origins=run.origins,
        ),
        "headline": headline(systems, run.config.font_styles),
        "errors": {s: error_analysis(run.outcomes_of(s), pages) for s in run.systems},
    }


def _stats_map(stats: dict[str, Stats]) -> dict[str, dict[str, Any]]:
    return {k: v.to_dict() for k, v in stats.items()}


def _ordered(stats: dict[str, Stats], order: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {k: stats[k].to_dict() for k in order if k in stats}


def by_page(
    outcomes: list[FieldOutcome], pages: dict[int, PageRecord], key: Callable[[PageRecord], str]
) -> dict[str, Stats]:
    return group_by(outcomes, lambda o: key(pages[o.page]))


def system_summary(run: BenchRun, system: str, pages: dict[int, PageRecord]) -> dict[str, Any]:
    outcomes = run.outcomes_of(system)
    read_ok = [o for o in outcomes if o.page_error is None]
    rotation = by_page(outcomes, pages, lambda p: rotation_bucket(p.degradation))
    skew = by_page(outcomes, pages, lambda p: skew_bucket(p.degradation))
    noise = by_page(outcomes, pages, lambda p: noise_bucket(p.degradation))
    pairs = [(o.confidence, o.correct) for o in read_ok if o.confidence is not None]
    bins = reliability_bins(pairs)
    return {
        "overall": summarize(outcomes).to_dict(),
        "read_pages_only": summarize(read_ok).to_dict(),
        "by_template": _stats_map(group_by(outcomes, lambda o: o.template)),
        "by_field_type": _stats_map(group_by(outcomes, lambda o: o.field_type)),
        "by_font_style": _stats_map(group_by(outcomes, lambda o: o.font_style)),
        "by_rotation": _ordered(rotation, ROTATION_ORDER),
        "by_skew": _ordered(skew, SKEW_ORDER),
        "by_noise": _ordered(noise, NOISE_ORDER),
        "page_errors": dict(
            Counter(
                p.timings[system].error
                for p in run.pages
                if system in p.timings and p.timings[system].error
            )
        ),
        "speed": speed(run.pages, system),
        "speed_by_font_style": {
            style: speed([p for p in run.pages if p.font_style == style], system)
            for style in run.config.font_styles
        },
        "reliability": {
            "fields": len(pairs),
            "ece": expected_calibration_error(bins),
            "bins": [b.to_dict() for b in bins],
        },
    }


def speed(pages: list[PageRecord], system: str) -> dict[str, Any]:
    """Seconds per page, pages per minute per core and mean seconds per stage.

    ``pages_per_minute`` is from CPU seconds (this process and the ``tesseract``
    processes it waits for), which is what one core spends whatever else the machine
    runs; ``pages_per_minute_wall`` is from wall time. Stage times are wall seconds.
    """
    timings = [p.timings[system] for p in pages if system in p.timings]
    if not timings:
        return {"pages": 0}
    wall = [t.seconds for t in timings]
    cpu = [t.cpu_seconds for t in timings]
    mean_wall, mean_cpu = sum(wall) / len(wall), sum(cpu) / len(cpu)
    stages: dict[str, float] = {}
    for t in timings:
        for stage, value in t.stages.items():
            stages[stage] = stages.get(stage, 0.0) + value
    return {
        "pages": len(timings),
        "pages_per_minute": 60.0 / mean_cpu if mean_cpu > 0 else None,
        "pages_per_minute_wall": 60.0 / mean_wall if mean_wall > 0 else None,
        "cpu_seconds_mean": mean_cpu,
        "cpu_seconds_p50": percentile(cpu, 50),
        "cpu_seconds_p95": percentile(cpu, 95),
        "seconds_mean": mean_wall,
        "seconds_p50": percentile(wall, 50),
        "seconds_p95": percentile(wall, 95),
        "stages_mean": {k: v / len(timings) for k, v in stages.items()},
    }


def _metric(systems: dict[str, Any], system: str, style: str, metric: str) -> float | None:
    data = systems.get(system)
    if data is None:
        return None
    if metric == "pages_per_minute":
        value = data["speed_by_font_style"].get(style, {}).get("pages_per_minute")
    else:
        value = data["by_font_style"].get(style, {}).get(metric)
    return None if value is None else float(value)


def headline(systems: dict[str, Any], styles: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per (font style, metric): pipeline, baseline, ratio, target, met."""
    rows: list[dict[str, Any]] = []
    for style in styles:
        for target in (t for t in TARGETS if t.font_style == style):
            p = _metric(systems, PIPELINE, style, target.metric)
            b = _metric(systems, BASELINE, style, target.metric)
            rows.append(
                {
                    "font_style": style,
                    "metric": target.metric,
                    "pipeline": p,
                    "baseline": b,
                    "ratio": p / b if p is not None and b else None,
                    "target": target.limit,
                    "higher_is_better": target.higher_is_better,
                    "met": target.met(p),
                }
            )
        p_speed = _metric(systems, PIPELINE, style, "pages_per_minute")
        b_speed = _metric(systems, BASELINE, style, "pages_per_minute")
        ratio = p_speed / b_speed if p_speed is not None and b_speed else None
        rows.append(
            {
                "font_style": style,
                "metric": "speedup_vs_baseline",
                "pipeline": ratio,
                "baseline": None,
                "ratio": ratio,
                "target": SPEEDUP_TARGET,
                "higher_is_better": True,
                "met": None if ratio is None else ratio >= SPEEDUP_TARGET,
            }
        )
        p_silent = _metric(systems, PIPELINE, style, "silent_share")
        b_silent = _metric(systems, BASELINE, style, "silent_share")
        share = p_silent / b_silent if p_silent is not None and b_silent else None
        rows.append(
            {
                "font_style": style,
                "metric": "silent_vs_baseline",
                "pipeline": share,
                "baseline": None,
                "ratio": share,
                "target": SILENT_RATIO_TARGET,
                "higher_is_better": False,
                "met": None if share is None else share <= SILENT_RATIO_TARGET,
            }
        )
    return rows


def miss_kind(o: FieldOutcome) -> str:
    if o.page_error:
        return f"page failed ({o.page_error})"
    if o.expected and not o.read:
        return "no value (blank or rejected)"
    if not o.expected and o.read:
        return "value on a blank field"
    return "wrong value"


def error_analysis(outcomes: list[FieldOutcome], pages: dict[int, PageRecord]) -> dict[str, Any]:
    """What is behind the misses: by field type, kind, reason and page degradation."""
    misses = [o for o in outcomes if not o.correct]
    by_type: dict[str, dict[str, Any]] = {}
    for field_type in sorted({o.field_type for o in outcomes}):
        mine = [o for o in misses if o.field_type == field_type]
        by_type[field_type] = {
            "fields": sum(o.field_type == field_type for o in outcomes),
            "misses": len(mine),
            "silent": sum(o.silent for o in mine),
            "kinds": dict(Counter(miss_kind(o) for o in mine).most_common()),
            "reasons": dict(Counter(r for o in mine for r in o.reasons).most_common()),
        }
    tags_of = {i: degradation_tags(p.degradation) for i, p in pages.items()}
    by_tag: dict[str, dict[str, Any]] = {}
    all_tags = sorted({t for tags in tags_of.values() for t in tags})
    for tag in all_tags:
        fields = [o for o in outcomes if tag in tags_of[o.page]]
        wrong = [o for o in fields if not o.correct]
        by_tag[tag] = {
            "pages": sum(tag in tags for tags in tags_of.values()),
            "fields": len(fields),
            "misses": len(wrong),
            "miss_rate": len(wrong) / len(fields) if fields else None,
            "silent": sum(o.silent for o in wrong),
            "page_failures": len({o.page for o in wrong if o.page_error}),
            "misses_by_type": dict(Counter(o.field_type for o in wrong).most_common()),
        }
    field_misses = [o for o in misses if o.page_error is None]
    field_misses.sort(key=lambda o: (o.flagged, -(o.confidence or 0.0)))
    return {
        "misses": len(misses),
        "page_failure_misses": len(misses) - len(field_misses),
        "by_field_type": by_type,
        "by_degradation": by_tag,
        "by_kind": dict(Counter(miss_kind(o) for o in misses).most_common()),
        "top_misses": [
            {
                "page": o.page,
                "template": o.template,
                "field": o.field,
                "type": o.field_type,
                "font_style": o.font_style,
                "font": pages[o.page].font,
                "truth": o.expected,
                "read": o.read,
                "confidence": o.confidence,
                "flagged": o.flagged,
                "reasons": list(o.reasons),
                "degradation": tags_of[o.page],
            }
            for o in field_misses[:TOP_MISSES]
        ],
    }
