"""``ocr-service bench report``: several runs' reports side by side (development / held-out).

Reads the ``report.json`` of each run folder and writes ``comparison.md`` and
``comparison.json``: the set, template and leave-one-template-out tables
(:mod:`ocr_service.bench.rows`) with one column per run, development runs first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ocr_service.bench.markdown import table
from ocr_service.bench.rows import SPLIT_TITLES, Run, run_label, set_sections
from ocr_service.errors import InvalidValue

SPLIT_ORDER = {"dev": 0, "heldout": 1, "other": 2}


def load_summary(folder: Path) -> dict[str, Any]:
    path = folder / "report.json"
    if not path.is_file():
        raise InvalidValue(
            f"{path} is missing: give the --out folder of an 'ocr-service bench' run"
        )
    summary: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return summary


def ordered_runs(summaries: Sequence[dict[str, Any]]) -> list[Run]:
    """(label, summary), development runs first, then held-out, then others (stable)."""
    ranked = sorted(summaries, key=lambda s: SPLIT_ORDER.get(s["config"].get("split", "other"), 2))
    runs: list[Run] = []
    for s in ranked:
        label = run_label(s)
        taken = {lab for lab, _ in runs}
        n = 2
        while label in taken:
            label, n = f"{run_label(s)} #{n}", n + 1
        runs.append((label, s))
    return runs


def runs_section(runs: Sequence[Run]) -> list[str]:
    rows = [
        [label, SPLIT_TITLES.get(s["config"].get("split", ""), "?"), str(s["config"]["seed"]),
         str(s["page_counts"]["total"]), ", ".join(s["config"]["templates"]),
         str((s["environment"].get("source") or {}).get("commit"))]
        for label, s in runs
    ]  # fmt: skip
    return [
        "## Runs",
        "",
        *table(["column", "split", "run seed", "pages", "templates", "commit"], rows),
    ]


def comparison_markdown(runs: Sequence[Run]) -> str:
    lines = [
        "# Benchmark: development and held-out side by side",
        "",
        "Development seeds are tuned on; held-out seeds are not (`docs/bench/seeds.md`). "
        "A gap between the columns is overfitting to the development pages.",
        "",
        *runs_section(runs),
        *set_sections(runs),
    ]
    return "\n".join(lines)


def write_comparison(folders: Sequence[Path], out: Path) -> list[Path]:
    if not folders:
        raise InvalidValue("give at least one run folder with --run DIR")
    runs = ordered_runs([load_summary(f) for f in folders])
    out.mkdir(parents=True, exist_ok=True)
    md = out / "comparison.md"
    md.write_text(comparison_markdown(runs), encoding="utf-8")
    data = {
        label: {k: s.get(k) for k in ("config", "sets", "templates", "loto")} for label, s in runs
    }
    js = out / "comparison.json"
    js.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [md, js]
