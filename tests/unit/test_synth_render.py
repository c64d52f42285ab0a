"""Rendering writes ink inside each field's zone and nowhere else."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from ocr_service.synth import generate_values, render_filled
from ocr_service.synth.render import TICK_OVERSHOOT, load_reference
from ocr_service.templates import FieldType, LoadedTemplate, load_template

TEMPLATES = Path(__file__).resolve().parents[2] / "templates_forms"
SLACK = TICK_OVERSHOOT + 2


def _ink(filled: np.ndarray, blank: np.ndarray) -> np.ndarray:
    diff = np.abs(filled.astype(np.int16) - blank.astype(np.int16)).max(axis=2)
    return np.asarray(diff > 40)


@pytest.mark.parametrize("template_id", ["jp_tennyu", "jp_kyufukin"])
@pytest.mark.parametrize("font_style", ["print", "handwriting"])
def test_ink_inside_zones_only(template_id: str, font_style: str) -> None:
    loaded: LoadedTemplate = load_template(TEMPLATES / template_id)
    blank = load_reference(loaded)
    for seed in range(3):
        rng = random.Random(seed)
        values = generate_values(loaded.template, rng)
        filled = render_filled(loaded, values, font_style=font_style, rng=rng)
        assert filled.shape == blank.shape and filled.dtype == np.uint8
        ink = _ink(filled, blank)
        outside = ink.copy()
        for spec in loaded.template.fields_on(1):
            x, y, w, h = spec.bbox
            value = values[spec.name]
            if value not in (None, False):
                assert ink[y : y + h, x : x + w].sum() > 20, f"{spec.name} has no ink"
            slack = SLACK if spec.type is FieldType.CHECKBOX else 0
            outside[max(0, y - slack) : y + h + slack, max(0, x - slack) : x + w + slack] = False
        assert outside.sum() == 0, f"{int(outside.sum())} ink pixels fall outside every zone"


def test_blank_values_leave_the_form_untouched() -> None:
    loaded = load_template(TEMPLATES / "jp_kyufukin")
    values = dict.fromkeys((f.name for f in loaded.template.fields), None)
    filled = render_filled(loaded, values, font_style="print", rng=random.Random(0))
    assert np.array_equal(filled, load_reference(loaded))


def test_boxed_digits_land_in_their_boxes() -> None:
    loaded = load_template(TEMPLATES / "jp_kyufukin")
    blank = load_reference(loaded)
    rng = random.Random(3)
    values = generate_values(loaded.template, rng)
    values["individual_number"] = "123456789018"
    filled = render_filled(loaded, values, font_style="handwriting", rng=rng)
    ink = _ink(filled, blank)
    for x, y, w, h in loaded.template.field("individual_number").boxes:
        assert ink[y : y + h, x : x + w].sum() > 10
