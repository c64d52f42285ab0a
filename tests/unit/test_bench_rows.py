"""Report rows: sets (ours / not designed / extra), templates, and runs side by side."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ocr_service.bench.combine import ordered_runs
from ocr_service.bench.loto import leave_one_template_out
from ocr_service.bench.metrics import BASELINE, PIPELINE, FieldOutcome
from ocr_service.bench.rows import loto_stats, set_sections, set_stats, template_stats
from ocr_service.bench.sets import set_rows, template_rows
from ocr_service.bench.templates import MultiRegistry
from ocr_service.errors import InvalidValue, TemplateNotFound

FORMS = Path(__file__).resolve().parents[2] / "templates_forms"


def o(template: str, correct: bool, *, style: str = "print", flagged: bool = False,
      system: str = PIPELINE) -> FieldOutcome:  # fmt: skip
    return FieldOutcome(
        system=system,
        page=0,
        template=template,
        field="f",
        field_type="text",
        font_style=style,
        expected="a",
        read="a" if correct else "b",
        correct=correct,
        flagged=flagged,
        confidence=0.9,
        edits=0 if correct else 1,
        truth_chars=1,
    )


ORIGINS = {"w9": "ours", "de_kindergeld": "not_designed", "uk_n285": "not_designed"}


def outcomes() -> list[FieldOutcome]:
    return [
        o("w9", True),
        o("w9", False, style="handwriting"),
        o("de_kindergeld", False, flagged=True),
        o("de_kindergeld", True, style="handwriting"),
        o("uk_n285", False),
        o("uk_n285", False, system=BASELINE),
    ]


def test_sets_split_by_origin_and_font_style() -> None:
    rows = set_rows(outcomes(), ORIGINS)
    assert list(rows) == ["ours", "not_designed"]
    nd = rows["not_designed"]
    assert nd["title"] == "forms we did not design"
    assert nd["templates"] == ["de_kindergeld", "uk_n285"]
    assert nd["overall"]["fields"] == 3  # the baseline's outcome is not counted
    assert nd["overall"]["silent"] == 1
    assert nd["by_font_style"]["print"]["flagged"] == 1
    assert nd["by_font_style"]["handwriting"]["accuracy"] == 1.0
    assert rows["ours"]["by_font_style"]["handwriting"]["silent_share"] == 1.0


def test_extra_sets_are_rows_of_their_own() -> None:
    style = "real_handwriting"
    digits = [o("mnist", True, style=style), o("mnist", False, style=style)]
    rows = set_rows(outcomes(), ORIGINS, {"mnist_digits": digits}, {"mnist_digits": "MNIST"})
    assert list(rows) == ["ours", "not_designed", "mnist_digits"]
    assert rows["mnist_digits"]["title"] == "MNIST"
    assert rows["mnist_digits"]["by_font_style"]["real_handwriting"]["accuracy"] == 0.5


def test_an_empty_set_has_no_row() -> None:
    rows = set_rows([o("w9", True)], {"w9": "ours"})
    assert list(rows) == ["ours"]


def test_template_rows_put_ours_first() -> None:
    rows = template_rows(outcomes(), ORIGINS)
    assert list(rows) == ["w9", "de_kindergeld", "uk_n285"]
    assert rows["uk_n285"]["set"] == "not_designed"
    assert rows["uk_n285"]["overall"]["fields"] == 1


def summary(seed: int, split: str) -> dict[str, Any]:
    outs = outcomes()
    return {
        "config": {"seed": seed, "split": split, "templates": sorted(ORIGINS)},
        "sets": set_rows(outs, ORIGINS),
        "templates": template_rows(outs, ORIGINS),
        "loto": leave_one_template_out(outs, defaults={}, origins=ORIGINS),
    }


def test_rows_of_a_summary_carry_their_set_for_the_targets() -> None:
    s = summary(5, "dev")
    stats = set_stats(s)
    assert stats[("forms we did not design", "print")]["set"] == "not_designed"
    assert ("our forms", "all") in stats
    assert template_stats(s)[("w9", "handwriting")]["silent"] == 1
    loto = loto_stats(s)
    assert loto[("all templates", "all")]["fields"] == 5
    assert loto[("all of forms we did not design", "print")]["fields"] == 2
    assert list(s["loto"]["templates"]) == ["w9", "de_kindergeld", "uk_n285"]


def test_side_by_side_has_one_column_per_run_and_marks_misses() -> None:
    runs = ordered_runs([summary(7_000_001, "heldout"), summary(5, "dev")])
    assert [label for label, _ in runs] == ["development, seed 5", "held-out, seed 7000001"]
    text = "\n".join(set_sections(runs))
    header = next(line for line in text.splitlines() if line.startswith("| set |"))
    assert "accuracy (development, seed 5)" in header
    assert "accuracy (held-out, seed 7000001)" in header
    start = "| forms we did not design | print |"
    row = next(line for line in text.splitlines() if line.startswith(start))
    # 2 print fields, both wrong, one flagged: every figure outside its target, both columns
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2:] == ["2 / 2", "**0.00 %**", "**0.00 %**", "**50.00 %**", "**50.00 %**",
                         "**50.00 %**", "**50.00 %**", "≥ 97 % / ≤ 0.5 % / ≤ 10 %"]  # fmt: skip
    ours = next(line for line in text.splitlines() if line.startswith("| our forms | print |"))
    assert "**" not in ours


def test_same_labels_are_told_apart() -> None:
    runs = ordered_runs([summary(5, "dev"), summary(5, "dev")])
    assert [label for label, _ in runs] == ["development, seed 5", "development, seed 5 #2"]


def copy_template(src: str, dest: Path) -> None:
    shutil.copytree(FORMS / src, dest / src)


def test_multi_registry_tags_templates_by_folder(tmp_path: Path) -> None:
    ours, real = tmp_path / "templates_forms", tmp_path / "templates_realforms"
    copy_template("jp_tennyu", ours)
    copy_template("irs_w9", real)
    registry = MultiRegistry([ours, real])
    assert registry.ids() == ["irs_w9", "jp_tennyu"]
    assert registry.get("irs_w9").folder == real / "irs_w9"
    assert registry.origins(["irs_w9", "jp_tennyu"]) == {
        "irs_w9": "not_designed",
        "jp_tennyu": "ours",
    }
    with pytest.raises(TemplateNotFound):
        registry.get("jp_kyufukin")


def test_multi_registry_refuses_an_id_in_two_folders(tmp_path: Path) -> None:
    copy_template("jp_tennyu", tmp_path / "a")
    copy_template("jp_tennyu", tmp_path / "b")
    with pytest.raises(InvalidValue, match="jp_tennyu"):
        MultiRegistry([tmp_path / "a", tmp_path / "b"])
