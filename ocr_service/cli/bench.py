"""``ocr-service bench``: accuracy and speed on generated forms, threshold calibration, reports.

    ocr-service bench --split dev --pages 40 --no-baseline --out /tmp/bench-dev
    ocr-service bench --split heldout --pages 420 --out /tmp/bench-heldout   (the lead only)
    ocr-service bench report --run /tmp/bench-dev --run /tmp/bench-heldout --out /tmp/cmp
    ocr-service bench calibrate --pages 60 --seed 99 --out /tmp/calib
    ocr-service bench calibrate --from /tmp/run1 --from /tmp/run2 --out /tmp/calib
    ocr-service bench calibrate --template irs_w9 --pages 20 --seed 5 --out /tmp/w9

Actions (:data:`ACTIONS`): ``run`` (default) benchmarks and writes report.md/json and
charts; ``calibrate`` fits the per-type default thresholds across all templates, or,
with one ``--template``, refits that template's own ``threshold:`` entries from a few
filled samples; ``report`` puts several runs side by side. Seeds: ``--split dev|heldout``
picks the split's documented seed, ``--seed`` any seed; the report records the split the
seed belongs to (``docs/bench/seeds.md``). Template folders: ``--templates-dir``,
repeatable (default: ``templates_forms/`` and ``templates_realforms/`` when it exists).

To extend: add arguments in :func:`register` and an entry in :data:`ACTIONS`, or loop
over :func:`run_and_report` (one benchmark run from a config, written to a folder).

Tesseract reads ``OMP_THREAD_LIMIT`` when it is loaded, which the CLI does before any
command runs; so when the variable is not ``1`` the command runs itself again in a
fresh process with it set (as ``serve`` does for uvicorn).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ocr_service.bench.ablate import cmd_ablate
from ocr_service.bench.calibrate import (
    CALIBRATION_MARGIN,
    SILENT_TARGETS,
    calibration_report,
    fit_thresholds,
    format_table,
    threshold_snippet,
)
from ocr_service.bench.combine import write_comparison
from ocr_service.bench.loto import leave_one_template_out
from ocr_service.bench.metrics import FieldOutcome
from ocr_service.bench.report import write_report
from ocr_service.bench.runner import (
    FONT_STYLES,
    BenchConfig,
    read_outcomes,
    read_run_config,
    run_bench,
    write_raw,
)
from ocr_service.bench.seeds import DEFAULT_SEEDS, DEV, HELDOUT, Split, split_of
from ocr_service.bench.sets import EXTRA_SETS, extra_set
from ocr_service.bench.summary import summarize_run
from ocr_service.bench.templates import MultiRegistry, default_dirs
from ocr_service.cli import add_command
from ocr_service.errors import InvalidValue
from ocr_service.reading.confidence import DEFAULT_THRESHOLDS
from ocr_service.synth import LEVELS
from ocr_service.synth.fonts import DISTORTED

log = logging.getLogger(__name__)

THREAD_ENV = "OMP_THREAD_LIMIT"
NO_EXTRA_SETS = "none"


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "bench",
        description="Read generated pages with the pipeline and a naive baseline and write "
        "report.md, report.json and charts; with 'calibrate', fit the review thresholds; "
        "with 'report', put several runs (development, held-out) side by side.",
    )
    p.add_argument("action", nargs="?", choices=tuple(ACTIONS), default="run")
    p.add_argument(
        "--pages", type=int, default=20, help="total pages (split over templates and styles)"
    )
    p.add_argument(
        "--split",
        choices=(DEV, HELDOUT),
        default=None,
        help=f"seed split: dev (seed {DEFAULT_SEEDS[DEV]}) or heldout (seed "
        f"{DEFAULT_SEEDS[HELDOUT]}, for the reported headline only); see docs/bench/seeds.md",
    )
    p.add_argument("--seed", type=int, default=None, help="run seed (overrides --split's)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--template",
        action="append",
        default=None,
        metavar="ID",
        help="template id, repeatable (default: every template of the template folders)",
    )
    p.add_argument(
        "--font-style",
        choices=(*FONT_STYLES, DISTORTED, "both", "all"),
        default="both",
        help=f"both: {' and '.join(FONT_STYLES)}; {DISTORTED}: the handwriting faces with "
        "each character distorted as a hand would; all: the three",
    )
    p.add_argument("--level", choices=tuple(LEVELS), default="mixed", help="degradation level")
    p.add_argument("--no-baseline", action="store_true", help="read with the pipeline only")
    p.add_argument(
        "--templates-dir",
        type=Path,
        action="append",
        default=None,
        metavar="DIR",
        help="template folder, repeatable (default: templates_forms/ and templates_realforms/ "
        "when it exists; a folder named templates_realforms holds forms we did not design)",
    )
    p.add_argument(
        "--extra-set",
        action="append",
        default=None,
        metavar="NAME",
        help="extra set of outcomes to run, repeatable, or 'none' (default: all: "
        + (", ".join(s.name for s in EXTRA_SETS) or "none registered")
        + ")",
    )
    p.add_argument("--no-progress", action="store_true")
    p.add_argument(
        "--by-field",
        action="store_true",
        help="calibrate: fit one threshold per template field (for a template's own "
        "'threshold:' entries) instead of one per field type",
    )
    p.add_argument(
        "--from",
        dest="from_runs",
        type=Path,
        action="append",
        default=None,
        metavar="DIR",
        help="calibrate: fit on the outcomes earlier runs wrote to DIR, repeatable",
    )
    p.add_argument(
        "--run",
        dest="runs",
        type=Path,
        action="append",
        default=None,
        metavar="DIR",
        help="report: the --out folder of a bench run, repeatable",
    )
    p.add_argument(
        "--ablate",
        action="append",
        default=None,
        metavar="RULE_ID",
        help="run: measure a reading rule by switching it off, repeatable, or 'all' (one "
        "run per rule); writes ablation.md/json (see ocr_service/bench/ablate.py)",
    )
    p.set_defaults(func=cmd_bench)  # fmt: skip


def resolve_seed(seed: int | None, split: Split | None) -> int:
    """``--seed`` if given (a mismatch with ``--split`` is logged, not refused), else the
    split's documented seed; development when neither is given."""
    if seed is None:
        return DEFAULT_SEEDS[split or DEV]
    if split is not None and split_of(seed) != split:
        log.warning("seed %d is in the %s split, not %s (docs/bench/seeds.md)",
                    seed, split_of(seed), split)  # fmt: skip
    return seed


def extra_sets_from(names: list[str] | None) -> tuple[str, ...]:
    if names is None:
        return tuple(s.name for s in EXTRA_SETS)
    if names == [NO_EXTRA_SETS]:
        return ()
    for name in names:
        extra_set(name)  # fail early on an unknown name
    return tuple(names)


def config_from(args: argparse.Namespace, registry: MultiRegistry) -> BenchConfig:
    if args.pages < 1:
        raise InvalidValue("--pages must be at least 1")
    styles = {"both": FONT_STYLES, "all": (*FONT_STYLES, DISTORTED)}.get(
        args.font_style, (args.font_style,)
    )
    templates = tuple(args.template or registry.ids())
    for tid in templates:
        registry.get(tid)  # fail early on an unknown id
    return BenchConfig(
        pages=args.pages,
        seed=resolve_seed(args.seed, args.split),
        templates=templates,
        font_styles=styles,
        level=args.level,
        baseline=not args.no_baseline and args.action == "run",
        progress=not args.no_progress,
        extra_sets=extra_sets_from(args.extra_set) if args.action == "run" else (),
    )


def cmd_bench(args: argparse.Namespace) -> int:
    if os.environ.get(THREAD_ENV) != "1" and started_from_command_line():
        log.info("restarting with %s=1 so Tesseract runs on one core", THREAD_ENV)
        env = {**os.environ, THREAD_ENV: "1"}
        os.execve(sys.executable, [sys.executable, "-m", "ocr_service.cli", *sys.argv[1:]], env)
    return ACTIONS[args.action](args)


def registry_from(args: argparse.Namespace) -> MultiRegistry:
    return MultiRegistry(args.templates_dir or default_dirs())


def cmd_run(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    if args.ablate:
        config = replace(config_from(args, registry), baseline=False, extra_sets=())
        return cmd_ablate(config, registry, args.ablate, args.out)
    summary = run_and_report(config_from(args, registry), registry, args.out)
    print_headline(summary)
    return 0


def run_and_report(config: BenchConfig, registry: MultiRegistry, out: Path) -> dict[str, Any]:
    """One benchmark run: read the pages, write raw outcomes, report.json/md and charts."""
    run = run_bench(config, registry)
    write_raw(run, out, command_line())
    summary = summarize_run(run)
    summary["environment"]["source"] = source_state()
    summary["environment"]["thresholds"] = {t.value: v for t, v in DEFAULT_THRESHOLDS.items()}
    for path in write_report(summary, out):
        print(path)
    return summary


def cmd_report(args: argparse.Namespace) -> int:
    for path in write_comparison(args.runs or [], args.out):
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
            ["git", "status", "--porcelain", "--", "ocr_service", "templates_forms",
             "templates_realforms"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "uncommitted": []}
    return {"commit": commit, "uncommitted": [line[3:] for line in status.splitlines()]}


def command_line() -> str:
    """The ``ocr-service ...`` command this process runs, for the record."""
    return shlex.join(["ocr-service", *sys.argv[1:]])


def started_from_command_line() -> bool:
    """``ocr-service bench ...`` or ``python -m ocr_service.cli bench ...`` (not a test calling
    :func:`ocr_service.cli.main`), so running ``sys.argv`` again is the same command."""
    program = Path(sys.argv[0]).name
    return program in ("ocr-service", "__main__.py") and "bench" in sys.argv[1:]


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit review thresholds on generated pages (or on earlier runs' outcomes, ``--from``).

    Per type (default): the defaults for any template, fitted on every field of every
    template, each scored at its type threshold (a template's own ``threshold:``
    entries are ignored: a new template has none). With one ``--template`` (or
    ``--by-field``): one threshold per ``template.field``, starting from the type
    defaults and only raising them; for one template a YAML snippet of its
    ``threshold:`` entries is written too."""
    registry = registry_from(args)
    outcomes, runs = calibration_outcomes(args, registry)
    for r in runs:
        if r["split"] != DEV:
            log.warning("calibrating on seed %d of the %s split: fit on development seeds only "
                        "(docs/bench/seeds.md)", r["seed"], r["split"])  # fmt: skip
    one_template = args.template is not None and len(args.template) == 1
    defaults = {t.value: v for t, v in DEFAULT_THRESHOLDS.items()}
    if one_template or args.by_field:
        type_of = {(o.template, o.field): o.field_type for o in outcomes}
        floor = {f"{t}.{f}": defaults.get(k, 0.0) for (t, f), k in type_of.items()}
        outcomes = [replace(o, field_type=f"{o.template}.{o.field}") for o in outcomes]
        current = {
            f"{tid}.{spec.name}": spec.threshold
            for tid in {o.template for o in outcomes}
            for spec in registry.get(tid).template.fields
            if spec.threshold is not None
        }
    else:
        floor, current = {}, defaults
    targets = {style: share * CALIBRATION_MARGIN for style, share in SILENT_TARGETS.items()}
    result = fit_thresholds(outcomes, targets=targets, current=current, floor=floor)
    seed = runs[0]["seed"] if len(runs) == 1 else 0
    pages = sum(int(r["used"]) for r in runs)
    report = calibration_report(result, seed=seed, pages=pages, level=runs[0]["level"])
    report["runs"] = runs
    report["command"] = command_line()
    report["fields_left_out"] = sum(o.page_error is not None for o in outcomes)
    if not (one_template or args.by_field):
        known = set(registry.ids())
        templates = sorted({o.template for o in outcomes} & known)
        report["loto"] = leave_one_template_out(
            outcomes, defaults=defaults, origins=registry.origins(templates)
        )
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    path = out / "thresholds.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(format_table(result))
    print(f"{report['fields_left_out']} fields of pages that failed were left out")
    if "loto" in report:
        print(format_loto(report["loto"]))
    print(path)
    if one_template:
        tid = args.template[0]
        mine = replace(
            result,
            thresholds={k.split(".", 1)[1]: v for k, v in result.thresholds.items()},
        )
        field_defaults = {k.split(".", 1)[1]: v for k, v in floor.items()}
        snippet = out / f"{tid}_thresholds.yaml"
        snippet.write_text(
            threshold_snippet(tid, mine, field_defaults, seed=seed, pages=pages),
            encoding="utf-8",
        )
        print(snippet.read_text(encoding="utf-8"), end="")
        print(snippet)
    return 0


def format_loto(loto: dict[str, Any]) -> str:
    """Leave-one-template-out per template and overall, one line each."""
    lines = ["leave-one-template-out (each template at thresholds fitted on the others):"]
    rows = {**loto["templates"], "all templates": loto["overall"]}
    for name, r in rows.items():
        met = "ok" if r["meets_target"] else "OVER 1 %"
        silent, flagged = 100 * r["silent_share"], 100 * r["flagged_share"]
        lines.append(f"  {name:<18} {r['fields']:>5} fields  silent {silent:5.2f} %  "
                     f"flagged {flagged:6.2f} %  {met}")  # fmt: skip
    return "\n".join(lines)


def calibration_outcomes(
    args: argparse.Namespace, registry: MultiRegistry
) -> tuple[list[FieldOutcome], list[dict[str, Any]]]:
    """The outcomes to fit on, and (seed, split, pages, level, templates, pages used) of
    each run."""
    if args.from_runs:
        outcomes: list[FieldOutcome] = []
        runs: list[dict[str, Any]] = []
        wanted = set(args.template or [])
        for folder in args.from_runs:
            described = read_run_config(folder)
            mine = read_outcomes(folder)
            outcomes += [o for o in mine if not wanted or o.template in wanted]
            keys = ("seed", "split", "pages", "level", "templates", "command")
            used = len({o.page for o in mine if not wanted or o.template in wanted})
            runs.append({k: described.get(k) for k in keys} | {"from": str(folder), "used": used})
        return outcomes, runs
    config = config_from(args, registry)
    run = run_bench(config, registry)
    write_raw(run, args.out, command_line())
    described = {"seed": config.seed, "split": config.split, "pages": config.pages,
                 "level": config.level, "templates": list(config.templates),
                 "command": command_line(), "used": config.pages}  # fmt: skip
    return run.outcomes, [described]


def print_headline(summary: dict[str, Any]) -> None:
    for row in summary["headline"]:
        value = row["pipeline"]
        shown = "-" if value is None else f"{value:.4g}"
        met = {True: "ok", False: "MISSED", None: "-"}[row["met"]]
        style, metric, target = row["font_style"], row["metric"], row["target"]
        print(f"{style:<12} {metric:<22} {shown:>10}  target {target:<6} {met}")
    for name, row in summary["sets"].items():
        for style, s in row["by_font_style"].items():
            print(f"{name:<12} {style:<12} accuracy {100 * (s['accuracy'] or 0):6.2f} %  "
                  f"silent {100 * (s['silent_share'] or 0):5.2f} %  "
                  f"flagged {100 * (s['flagged_share'] or 0):5.2f} %")  # fmt: skip
    loto = summary["loto"]["overall"]
    if loto.get("fields"):
        print(
            f"leave-one-template-out: silent {100 * loto['silent_share']:.2f} %, "
            f"flagged {100 * loto['flagged_share']:.2f} % (target silent <= 1 % per template)"
        )


ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": cmd_run,
    "calibrate": cmd_calibrate,
    "report": cmd_report,
}
"""Action name -> handler; ``register`` offers exactly these."""
