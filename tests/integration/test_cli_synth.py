"""``ocr-service synth`` writes scans a newcomer can upload, and ``read`` reads them back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocr_service.cli import main

pytestmark = pytest.mark.integration


def test_synth_then_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "jp_kyufukin", "-o", str(tmp_path), "-n", "2", "--pdf"]) == 0
    truth = [json.loads((tmp_path / f"jp_kyufukin_00{i}.json").read_text()) for i in (1, 2)]
    capsys.readouterr()
    assert main(["read", str(tmp_path / "jp_kyufukin.pdf"), "--json", "--no-progress"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    assert [(line["page"], "error" in line) for line in lines] == [(1, False), (2, False)]
    docs = [line["document"] for line in lines]
    for doc, t in zip(docs, truth, strict=True):
        right = sum(doc["fields"][k]["value"] == v for k, v in t["truth"].items())
        assert right / len(t["truth"]) >= 0.8
