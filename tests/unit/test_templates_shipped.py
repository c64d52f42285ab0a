"""Every template shipped in ``templates_forms/`` loads with the strict loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_service.templates import FieldType, load_template
from ocr_service.templates.loader import TEMPLATE_FILE
from ocr_service.templates.model import FieldSpec

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates_forms"
SHIPPED = sorted(p.parent.name for p in TEMPLATES_DIR.glob(f"*/{TEMPLATE_FILE}"))


def test_templates_are_shipped() -> None:
    assert {"jp_tennyu", "jp_kyufukin"} <= set(SHIPPED)


@pytest.mark.parametrize("template_id", SHIPPED)
def test_template_loads_strictly(template_id: str) -> None:
    loaded = load_template(TEMPLATES_DIR / template_id)
    assert loaded.id == template_id
    assert loaded.template.fields


def _zone(spec: FieldSpec) -> tuple[int, int, int, int]:
    x, y, w, h = spec.bbox
    return x, y, x + w, y + h


@pytest.mark.parametrize("template_id", SHIPPED)
def test_field_zones_do_not_overlap(template_id: str) -> None:
    fields = load_template(TEMPLATES_DIR / template_id).template.fields
    for i, a in enumerate(fields):
        ax0, ay0, ax1, ay1 = _zone(a)
        for b in fields[i + 1 :]:
            bx0, by0, bx1, by1 = _zone(b)
            overlap = ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1
            assert not (overlap and a.page == b.page), f"{a.name} overlaps {b.name}"


@pytest.mark.parametrize("template_id", SHIPPED)
def test_digit_like_fields_read_in_english(template_id: str) -> None:
    english = {
        FieldType.DIGITS,
        FieldType.PHONE,
        FieldType.POSTAL_CODE,
        FieldType.EMAIL,
        FieldType.BOXED,
    }
    for spec in load_template(TEMPLATES_DIR / template_id).template.fields:
        if spec.type in english:
            assert spec.language.value == "eng", spec.name
