"""The real pipeline refuses a blank sheet, another form and a dark or blurred page with
three distinct, stable codes (synthetic pages from ``ocr_service.synth``)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from ocr_service.errors import PageError
from ocr_service.pipeline import Reader
from ocr_service.synth import generate
from ocr_service.templates.loader import TemplateRegistry

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
REGISTRY = TemplateRegistry(REPO / "templates_forms")


def form(template_id: str) -> npt.NDArray[np.uint8]:
    sample = generate(REGISTRY.get(template_id), seed=21, font_style="print", degrade_level="light")
    return np.asarray(sample.image, np.uint8)


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(registry=REGISTRY)


@pytest.mark.parametrize("template_id", ["jp_tennyu", None])
def test_blank_other_form_and_unreadable_pages_have_their_own_codes(
    reader: Reader, template_id: str | None
) -> None:
    tennyu, kyufukin = form("jp_tennyu"), form("jp_kyufukin")
    cases = {
        "blank_page": np.full_like(tennyu, 255),
        "unreadable_page": cv2.GaussianBlur(tennyu, (0, 0), 12),
        "unreadable_page ": (tennyu.astype(np.float32) * 0.15).astype(np.uint8),
    }
    if template_id is not None:  # classifying, the other form is simply read as itself
        cases["template_mismatch"] = kyufukin
    for expected, image in cases.items():
        with pytest.raises(PageError) as refused:
            reader.read_image(np.asarray(image, np.uint8), template_id=template_id)
        assert refused.value.code == expected.strip(), (expected, refused.value.message)
    assert reader.read_image(kyufukin, template_id=None).template.id == "jp_kyufukin"
