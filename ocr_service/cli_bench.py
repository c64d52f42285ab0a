"""``ocr-service bench``: accuracy and speed on generated forms, and threshold calibration.

    ocr-service bench --pages 20 --seed 1 --out /tmp/bench
    ocr-service bench calibrate --pages 200 --seed 99 --out /tmp/calib

Tesseract reads ``OMP_THREAD_LIMIT`` when it is loaded, which the CLI does before any
command runs; so when the variable is not ``1`` the command runs itself again in a
fresh process with it set (as ``serve`` does for uvicorn).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from ocr_service.bench.calibrate import (
    CALIBRATION_MARGIN,
    SILENT_TARGETS,
    calibration_report,
    fit_thresholds,
    format_table,
)
from ocr_service.bench.report import write_report
from ocr_service.bench.runner import (
    DEFAULT_TEMPLATES,
    FONT_STYLES,
    BenchConfig,
    run_bench,
    write_raw,
)
from ocr_service.bench.summary import summarize_run
from ocr_service.errors import InvalidValue
from ocr_service.reading.confidence import DEFAULT_THRESHOLDS
from ocr_service.synth import LEVELS
from ocr_service.synth.fonts import DISTORTED
from ocr_service.templates.loader import TemplateRegistry

log = logging.getLogger(__name__)

THREAD_ENV = "OMP_THREAD_LIMIT"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bench",
        help="benchmark the pipeline (and a naive baseline) on generated pages",
        description="Read generated pages with the pipeline and a naive baseline and write "
        "report.md, report.json and charts; or, with 'calibrate', fit the per-type review "
        "thresholds on a generated set.",
    )
    p.add_argument("action", nargs="?", choices=("run", "calibrate"), default="run")
    p.add_argument(
        "--pages", type=int, default=20, help="total pages (split over templates and styles)"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--template",
        action="append",
        default=None,
        metavar="ID",
        help=f"template id, repeatable (default: {', '.join(DEFAULT_TEMPLATES)})",
    )
    p.add_argument(
        "--font-style",
        choices=(*FONT_STYLES, DISTORTED, "both"),
        default="both",
        help=f"both: {' and '.join(FONT_STYLES)}; {DISTORTED}: the handwriting faces with "
        "each character distorted as a hand would",
    )
    p.add_argument("--level", choices=tuple(LEVELS), default="mixed", help="degradation level")
    p.add_argument("--no-baseline", action="store_true", help="read with the pipeline only")
    p.add_argument("--templates-dir", type=Path, default=None)
    p.add_argument("--no-progress", action="store_true")
    p.add_argument(
        "--by-field",
        action="store_true",
        help="calibrate: fit one threshold per template field (for a template's own "
        "'threshold:' entries) instead of one per field type",
    )
    p.set_defaults(func=cmd_bench)  # fmt: skip


def config_from(args: argparse.Namespace) -> BenchConfig:
    if args.pages < 1:
        raise InvalidValue("--pages must be at least 1")
    styles = FONT_STYLES if args.font_style == "both" else (args.font_style,)
    return BenchConfig(
        pages=args.pages,
        seed=args.seed,
        templates=tuple(args.template or DEFAULT_TEMPLATES),
        font_styles=styles,
        level=args.level,
        baseline=not args.no_baseline and args.action == "run",
        progress=not args.no_progress,
    )


def cmd_bench(args: argparse.Namespace) -> int:
    if os.environ.get(THREAD_ENV) != "1" and started_from_command_line():
        log.info("restarting with %s=1 so Tesseract runs on one core", THREAD_ENV)
        env = {**os.environ, THREAD_ENV: "1"}
        os.execve(sys.executable, [sys.executable, "-m", "ocr_service.cli", *sys.argv[1:]], env)
    config = config_from(args)
    registry = TemplateRegistry(args.templates_dir)
    for tid in config.templates:
        registry.get(tid)  # fail early on an unknown id
    if args.action == "calibrate":
        return calibrate(config, registry, args.out, by_field=args.by_field)
    run = run_bench(config, registry)
    write_raw(run, args.out)
    summary = summarize_run(run)
    summary["environment"]["source"] = source_state()
    summary["environment"]["thresholds"] = {t.value: v for t, v in DEFAULT_THRESHOLDS.items()}
    paths = write_report(summary, args.out)
    print_headline(summary)
    for path in paths:
        print(path)
    return 0


def source_state() -> dict[str, Any]:
    """The commit measured and any uncommitted changes to the package (shared checkout)."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", "ocr_service", "templates_forms"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "uncommitted": []}
    return {"commit": commit, "uncommitted": [line[3:] for line in status.splitlines()]}


def started_from_command_line() -> bool:
    """``ocr-service bench ...`` or ``python -m ocr_service.cli bench ...`` (not a test calling
    :func:`ocr_service.cli.main`), so running ``sys.argv`` again is the same command."""
    program = Path(sys.argv[0]).name
    return program in ("ocr-service", "cli.py") and "bench" in sys.argv[1:]


def calibrate(
    config: BenchConfig, registry: TemplateRegistry, out: Path, *, by_field: bool = False
) -> int:
    """Fit review thresholds on a generated set.

    By type (default): the per-type defaults; fields whose template sets its own
    ``threshold`` are left out, since the defaults do not apply to them. ``by_field``:
    one threshold per ``template.field``, for the templates' own entries."""
    run = run_bench(config, registry)
    write_raw(run, out)
    own: dict[tuple[str, str], float] = {
        (tid, spec.name): spec.threshold
        for tid in config.templates
        for spec in registry.get(tid).template.fields
        if spec.threshold is not None
    }
    if by_field:
        outcomes = [replace(o, field_type=f"{o.template}.{o.field}") for o in run.outcomes]
        current = {f"{tid}.{name}": v for (tid, name), v in own.items()}
    else:
        outcomes = [o for o in run.outcomes if (o.template, o.field) not in own]
        current = {t.value: v for t, v in DEFAULT_THRESHOLDS.items()}
    targets = {style: share * CALIBRATION_MARGIN for style, share in SILENT_TARGETS.items()}
    result = fit_thresholds(outcomes, targets=targets, current=current)
    report = calibration_report(result, seed=config.seed, pages=config.pages, level=config.level)
    failed = sum(1 for p in run.pages if any(t.error for t in p.timings.values()))
    report["pages_failed"] = failed
    out.mkdir(parents=True, exist_ok=True)
    path = out / "thresholds.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(format_table(result))
    print(f"{failed} of {len(run.pages)} pages failed and were left out")
    print(path)
    return 0


def print_headline(summary: dict[str, Any]) -> None:
    for row in summary["headline"]:
        value = row["pipeline"]
        shown = "-" if value is None else f"{value:.4g}"
        met = {True: "ok", False: "MISSED", None: "-"}[row["met"]]
        style, metric, target = row["font_style"], row["metric"], row["target"]
        print(f"{style:<12} {metric:<22} {shown:>10}  target {target:<6} {met}")
