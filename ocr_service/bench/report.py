"""Write a run's outputs: ``report.json`` (the summary), ``report.md`` and PNG charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ocr_service.bench import charts
from ocr_service.bench.markdown import num, pct, table
from ocr_service.bench.metrics import BASELINE, PIPELINE
from ocr_service.bench.rows import SPLIT_TITLES, run_label, set_sections

METRIC_LABELS = {
    "accuracy": "accuracy (exact match)",
    "silent_share": "wrong and not flagged",
    "flagged_share": "flagged for review",
    "pages_per_minute": "pages / min / core",
    "speedup_vs_baseline": "pages/min vs. baseline",
    "silent_vs_baseline": "silent errors vs. baseline",
}
SHARE_METRICS = {"accuracy", "silent_share", "flagged_share", "cer", "flag_precision"}


def fmt(metric: str, value: float | None) -> str:
    if metric in SHARE_METRICS:
        return pct(value)
    if metric in ("speedup_vs_baseline", "silent_vs_baseline"):
        return "—" if value is None else f"{value:.2f}×"
    return num(value, 1)


def write_report(summary: dict[str, Any], out: Path) -> list[Path]:
    """Write report.json, the charts and report.md into ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "report.json"
    json_path.write_text(
        json.dumps(summary, ensure_ascii=False, indent=1, default=float) + "\n", encoding="utf-8"
    )
    pngs = charts.draw_all(summary, out)
    md_path = out / "report.md"
    md_path.write_text(markdown(summary, [p.name for p in pngs]), encoding="utf-8")
    return [json_path, md_path, *pngs]


def markdown(summary: dict[str, Any], images: list[str]) -> str:
    lines: list[str] = ["# Benchmark report", ""]
    lines += setup_section(summary)
    lines += headline_section(summary)
    lines += set_sections([(run_label(summary), summary)])
    lines += stats_sections(summary)
    lines += speed_section(summary)
    lines += robustness_section(summary)
    lines += reliability_section(summary)
    lines += error_sections(summary)
    lines += ["## Charts", ""] + [f"![{name}]({name})" for name in images] + [""]
    return "\n".join(lines)


def setup_section(summary: dict[str, Any]) -> list[str]:
    c, env, pages = summary["config"], summary["environment"], summary["page_counts"]
    fonts = ", ".join(f"{k} ({v})" for k, v in pages["fonts"].items())
    return [
        "## Setup",
        "",
        f"- {pages['total']} generated pages (`ocr_service.synth`, degradation level "
        f"`{c['level']}`, run seed {c['seed']}, {SPLIT_TITLES.get(c.get('split', ''), '?')} "
        "split (`docs/bench/seeds.md`)); templates: "
        + ", ".join(f"`{k}` ({v})" for k, v in pages["by_template"].items())
        + "; font styles: "
        + ", ".join(f"{k} ({v})" for k, v in pages["by_font_style"].items())
        + f"; fonts: {fonts}.",
        f"- Pipeline: `Reader().read_image(..., template_id=...)` with the `{env['engine']}` "
        "engine. Baseline: `ocr_service/bench/baseline.py` (ORB + RANSAC homography, one "
        "`pytesseract.image_to_data` call per zone, ink share for marks, flag = word "
        "confidence < 60)." + ("" if c["baseline"] else " (baseline not run)"),
        f"- One core: OpenCV threads = {env['opencv_threads']}, `OMP_THREAD_LIMIT` at start = "
        f"{env['omp_thread_limit_at_start']!s}; {env['cpu_count']} CPUs, Python "
        f"{env['python']}. Only reading is timed (not generation); one untimed warm-up page "
        "per template first. The baseline's wall time includes its `tesseract` processes.",
        f"- Peak memory (max RSS of the whole bench process: generator, pipeline and baseline): "
        f"{env['peak_rss_mib']:.0f} MiB ({env['peak_rss_mib_after_warmup']:.0f} MiB after "
        "warm-up).",
        source_line(env),
        "- Comparison: pipeline value vs. truth in the contract's normalization, exact; "
        "baseline: NFKC, spaces removed, dates counted when the text parses to the same ISO "
        "date. A page that fails counts all its fields as wrong and flagged. CER is over "
        "text fields only (space-free NFKC).",
        "",
    ]


def source_line(env: dict[str, Any]) -> str:
    source = env.get("source") or {}
    dirty = source.get("uncommitted") or []
    note = f"; uncommitted changes in the checkout: {', '.join(dirty)}" if dirty else ""
    thresholds = env.get("thresholds") or {}
    listed = ", ".join(f"{k} {v:.2f}" for k, v in thresholds.items())
    shown = f" Review thresholds in effect (`DEFAULT_THRESHOLDS`): {listed}." if listed else ""
    return f"- Code: commit `{source.get('commit')}`{note}.{shown}"


def headline_section(summary: dict[str, Any]) -> list[str]:
    rows: list[list[str]] = []
    for r in summary["headline"]:
        sign = "≥" if r["higher_is_better"] else "≤"
        target = fmt(r["metric"], r["target"])
        met = {True: "yes", False: "**no**", None: "—"}[r["met"]]
        baseline = fmt(r["metric"], r["baseline"]) if r["baseline"] is not None else ""
        ratio = "" if r["baseline"] is None or r["ratio"] is None else f"{r['ratio']:.2f}"
        rows.append(
            [
                r["font_style"],
                METRIC_LABELS[r["metric"]],
                fmt(r["metric"], r["pipeline"]),
                baseline,
                ratio,
                f"{sign} {target}",
                met,
            ]
        )
    return [
        "## Headline",
        "",
        "Every template of the run together, against the service's original targets; our "
        "forms and forms we did not design, each against its own targets, are in the next "
        "section.",
        "",
        *table(["font", "metric", "pipeline", "baseline", "P/B", "target", "met"], rows),
    ]


def stats_rows(
    groups: dict[str, dict[str, Any]], other: dict[str, dict[str, Any]]
) -> list[list[str]]:
    rows: list[list[str]] = []
    for key, s in groups.items():
        b = other.get(key, {})
        ratio = s["accuracy"] / b["accuracy"] if b.get("accuracy") else None
        rows.append(
            [
                key,
                str(s["fields"]),
                pct(s["accuracy"]),
                pct(b.get("accuracy")),
                "—" if ratio is None else f"{ratio:.2f}",
                pct(s["cer"]),
                pct(b.get("cer")),
                pct(s["flagged_share"]),
                pct(b.get("flagged_share")),
                pct(s["silent_share"]),
                pct(b.get("silent_share")),
                pct(s["flag_precision"], 1),
                pct(b.get("flag_precision"), 1),
            ]
        )
    return rows


STATS_HEADER = [
    "group",
    "fields",
    "acc P",
    "acc B",
    "acc P/B",
    "CER P",
    "CER B",
    "flagged P",
    "flagged B",
    "silent P",
    "silent B",
    "flag prec. P",
    "flag prec. B",
]


def stats_sections(summary: dict[str, Any]) -> list[str]:
    systems = summary["systems"]
    p, b = systems.get(PIPELINE, {}), systems.get(BASELINE, {})
    lines = [
        "## Accuracy",
        "",
        "P = pipeline, B = baseline. silent = wrong and not flagged (share of all fields); "
        "flag prec. = share of flagged fields that were wrong.",
        "",
    ]
    overall = {"all fields": p["overall"], "fields of pages that read": p["read_pages_only"]}
    other = {
        "all fields": b.get("overall", {}),
        "fields of pages that read": b.get("read_pages_only", {}),
    }
    lines += ["### Overall", "", *table(STATS_HEADER, stats_rows(overall, other))]
    for key, title in (
        ("by_template", "By template"),
        ("by_field_type", "By field type"),
        ("by_font_style", "By font style"),
    ):
        lines += [f"### {title}", ""]
        lines += table(STATS_HEADER, stats_rows(p[key], b.get(key, {})))
    for name, data in systems.items():
        if data["page_errors"]:
            errors = ", ".join(f"`{k}` × {v}" for k, v in data["page_errors"].items())
            lines += [f"Pages the {name} could not read: {errors}.", ""]
    return lines


def speed_section(summary: dict[str, Any]) -> list[str]:
    rows: list[list[str]] = []
    stages: list[str] = []
    for name, data in summary["systems"].items():
        s = data["speed"]
        if not s.get("pages"):
            continue
        rows.append(
            [
                name,
                str(s["pages"]),
                num(s["pages_per_minute"], 1),
                num(s["cpu_seconds_p50"], 3),
                num(s["cpu_seconds_p95"], 3),
                num(s["pages_per_minute_wall"], 1),
                num(s["seconds_p50"], 3),
                num(s["seconds_p95"], 3),
            ]
        )
        parts = ", ".join(f"{k} {v:.3f}" for k, v in s["stages_mean"].items())
        stages.append(f"- {name}: {parts}")
    load = summary["environment"].get("load_average_1min", {})
    header = ["system", "pages", "pages/min (CPU)", "p50 CPU s", "p95 CPU s",
              "pages/min (wall)", "p50 wall s", "p95 wall s"]  # fmt: skip
    return [
        "## Speed (one core)",
        "",
        "pages/min per core = 60 / mean CPU seconds per page (the process plus the "
        "`tesseract` processes it starts). Wall time is shown too; this machine was shared "
        f"with other work (1-minute load average {num(load.get('start'), 1)} at the start, "
        f"{num(load.get('end'), 1)} at the end, on {summary['environment']['cpu_count']} "
        "CPUs), so wall time includes waiting for a CPU.",
        "",
        *table(header, rows),
        "Mean wall seconds per stage:",
        "",
        *stages,
        "",
    ]


def robustness_section(summary: dict[str, Any]) -> list[str]:
    lines = ["## Accuracy against degradation", ""]
    systems = summary["systems"]
    for key, title in (
        ("by_rotation", "Rotation (°)"),
        ("by_skew", "|Skew|"),
        ("by_noise", "Noise std (grey levels)"),
    ):
        p = systems[PIPELINE][key]
        b = systems.get(BASELINE, {}).get(key, {})
        rows = [
            [k, str(v["fields"]), pct(v["accuracy"]), pct(b.get(k, {}).get("accuracy")),
             pct(v["silent_share"]), pct(b.get(k, {}).get("silent_share"))]
            for k, v in p.items()
        ]  # fmt: skip
        lines += [f"### {title}", ""]
        lines += table(["bucket", "fields", "acc P", "acc B", "silent P", "silent B"], rows)
    return lines


def reliability_section(summary: dict[str, Any]) -> list[str]:
    lines = [
        "## Confidence calibration",
        "",
        "Fields of pages that read, binned by confidence (baseline: lowest word confidence / "
        "100, text fields only).",
        "",
    ]
    for name, data in summary["systems"].items():
        rel = data["reliability"]
        rows = [
            [f"{b['low']:.1f}-{b['high']:.1f}", str(b["count"]), num(b["mean_confidence"], 3),
             pct(b["accuracy"], 1)]
            for b in rel["bins"] if b["count"]
        ]  # fmt: skip
        lines += [f"### {name} (ECE {num(rel['ece'], 3)}, {rel['fields']} fields)", ""]
        lines += table(["confidence", "fields", "mean conf.", "accuracy"], rows)
    return lines


def error_sections(summary: dict[str, Any]) -> list[str]:
    lines = ["## What is behind the misses", ""]
    for name, analysis in summary["errors"].items():
        lines += [
            f"### {name}: {analysis['misses']} misses "
            f"({analysis['page_failure_misses']} from pages that failed)",
            "",
            "By kind: " + ", ".join(f"{k} × {v}" for k, v in analysis["by_kind"].items()) + ".",
            "",
        ]
        rows = [
            [t, str(v["fields"]), str(v["misses"]), str(v["silent"]),
             ", ".join(f"{k} {n}" for k, n in v["kinds"].items()),
             ", ".join(f"{k} {n}" for k, n in list(v["reasons"].items())[:4])]
            for t, v in analysis["by_field_type"].items() if v["misses"]
        ]  # fmt: skip
        lines += ["By field type:", ""]
        lines += table(["type", "fields", "misses", "silent", "kinds", "reasons"], rows)
        rows = [
            [t, str(v["pages"]), pct(v["miss_rate"]), str(v["silent"]), str(v["page_failures"]),
             ", ".join(f"{k} {n}" for k, n in list(v["misses_by_type"].items())[:5])]
            for t, v in sorted(analysis["by_degradation"].items(),
                               key=lambda kv: -(kv[1]["miss_rate"] or 0))
        ]  # fmt: skip
        lines += ["By page degradation (a page can have several):", ""]
        lines += table(
            ["degradation", "pages", "field miss rate", "silent", "failed pages", "misses by type"],
            rows,
        )
        if name == PIPELINE:
            lines += top_misses(analysis["top_misses"])
    return lines


def top_misses(misses: list[dict[str, Any]]) -> list[str]:
    rows = [
        [m["template"], m["field"], m["type"], m["font_style"], f"`{m['truth']}`", f"`{m['read']}`",
         num(m["confidence"], 2), "yes" if m["flagged"] else "**no**",
         ", ".join(m["reasons"]), ", ".join(m["degradation"])]
        for m in misses
    ]  # fmt: skip
    return [
        "Top field misses (silent first, then by confidence; synthetic values):",
        "",
        *table(
            ["template", "field", "type", "font", "truth", "read", "conf.", "flagged", "reasons",
             "degradation"],
            rows,
        ),
    ]  # fmt: skip
