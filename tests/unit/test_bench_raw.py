"""A run's raw outcomes round-trip through its folder; the comparison is written from folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocr_service.bench.combine import write_comparison
from ocr_service.bench.metrics import PIPELINE, FieldOutcome
from ocr_service.bench.runner import (
    BenchConfig,
    BenchRun,
    read_outcomes,
    read_run_config,
    write_raw,
)
from ocr_service.bench.sets import set_rows, template_rows
from ocr_service.errors import InvalidValue


def outcome(template: str, correct: bool, reasons: tuple[str, ...] = ()) -> FieldOutcome:
    return FieldOutcome(
        system=PIPELINE,
        page=3,
        template=template,
        field="name",
        field_type="text",
        font_style="print",
        expected="山田",
        read="山田" if correct else "山由",
        correct=correct,
        flagged=bool(reasons),
        confidence=0.93,
        edits=0 if correct else 1,
        truth_chars=2,
        reasons=reasons,
    )


def run(seed: int) -> BenchRun:
    config = BenchConfig(pages=2, seed=seed, templates=("a", "b"))
    outs = [outcome("a", True), outcome("b", False, ("low_confidence", "invalid_format"))]
    return BenchRun(config, [], outs, {}, origins={"a": "ours", "b": "not_designed"})


def test_outcomes_and_config_round_trip(tmp_path: Path) -> None:
    original = run(7_000_003)
    write_raw(original, tmp_path, "ocr-service bench --seed 7000003")
    assert read_outcomes(tmp_path) == original.outcomes
    described = read_run_config(tmp_path)
    assert described["split"] == "heldout"
    assert described["origins"] == {"a": "ours", "b": "not_designed"}
    assert described["command"] == "ocr-service bench --seed 7000003"


def test_a_folder_without_a_run_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="--out folder"):
        read_outcomes(tmp_path)
    with pytest.raises(InvalidValue, match="--out folder"):
        write_comparison([tmp_path], tmp_path / "cmp")


def test_comparison_is_written_from_run_folders(tmp_path: Path) -> None:
    for name, seed in (("held", 7_000_001), ("dev", 12)):
        r = run(seed)
        summary = {
            "config": {"seed": seed, "split": r.config.split, "templates": ["a", "b"]},
            "page_counts": {"total": 2},
            "environment": {"source": {"commit": "abc1234"}},
            "sets": set_rows(r.outcomes, r.origins),
            "templates": template_rows(r.outcomes, r.origins),
            "loto": None,
        }
        (tmp_path / name).mkdir()
        (tmp_path / name / "report.json").write_text(json.dumps(summary), encoding="utf-8")
    md, js = write_comparison([tmp_path / "held", tmp_path / "dev"], tmp_path / "cmp")
    text = md.read_text(encoding="utf-8")
    assert "| development, seed 12 | development | 12 | 2 | a, b | abc1234 |" in text
    assert list(json.loads(js.read_text(encoding="utf-8"))) == [
        "development, seed 12",
        "held-out, seed 7000001",
    ]
