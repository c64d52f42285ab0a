"""The benchmark end to end on two generated pages: outputs exist and numbers are sane."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocr_service.cli import main


@pytest.mark.integration
def test_bench_on_two_pages_writes_a_report(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    code = main(["bench", "--pages", "2", "--seed", "5", "--template", "jp_tennyu",
                 "--out", str(out), "--no-progress"])  # fmt: skip
    assert code == 0
    for name in ("report.md", "report.json", "accuracy_by_type.png", "robustness.png",
                 "reliability.png", "speed.png", "fields.jsonl"):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["page_counts"]["total"] == 2
    assert report["page_counts"]["by_font_style"] == {"print": 1, "handwriting": 1}
    for system in ("pipeline", "baseline"):
        overall = report["systems"][system]["overall"]
        assert overall["fields"] == 2 * 24
        assert 0.0 <= overall["accuracy"] <= 1.0
        assert overall["silent"] <= overall["fields"] - overall["correct"]
        assert report["systems"][system]["speed"]["pages_per_minute"] > 0
    assert report["systems"]["pipeline"]["overall"]["accuracy"] > 0.5
    assert len(report["headline"]) == 2 * 6
    assert report["config"]["split"] == "dev"
    assert report["sets"]["ours"]["overall"]["fields"] == 24 * 2
    assert list(report["templates"]) == ["jp_tennyu"]
    assert report["loto"]["overall"]["fields"] == 24 * 2
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "## Headline" in text
    assert "## What is behind the misses" in text
    assert "## Our forms and forms we did not design" in text
