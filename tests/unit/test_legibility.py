"""A page that registered against no form: unreadable when dark or blurred, else another
form. Synthetic pages (``ocr_service.synth``), degraded here; no OCR engine."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from ocr_service.errors import NoTemplateMatched, TemplateMismatch, UnreadablePage
from ocr_service.imaging.legibility import explain_refusal, measure_legibility
from ocr_service.synth import generate
from ocr_service.templates.loader import TemplateRegistry

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def page() -> npt.NDArray[np.uint8]:
    loaded = TemplateRegistry(REPO / "templates_forms").get("jp_kyufukin")
    sample = generate(loaded, seed=7, font_style="print", degrade_level="light")
    return np.asarray(cv2.cvtColor(sample.image, cv2.COLOR_BGR2GRAY), np.uint8)


def darkened(gray: npt.NDArray[np.uint8], factor: float) -> npt.NDArray[np.uint8]:
    return (gray.astype(np.float32) * factor).astype(np.uint8)


def blurred(gray: npt.NDArray[np.uint8], sigma: float) -> npt.NDArray[np.uint8]:
    return np.asarray(cv2.GaussianBlur(gray, (0, 0), sigma), np.uint8)


def test_a_sharp_light_page_of_another_form_stays_another_form(
    page: npt.NDArray[np.uint8],
) -> None:
    refusal = TemplateMismatch("the page is not the form of template 'jp_tennyu'")
    assert explain_refusal(page, refusal) is refusal
    other = NoTemplateMatched("no known template matches the page")
    assert explain_refusal(page, other) is other
    # darker, but still read by registration (30 %): not called unreadable
    assert not measure_legibility(darkened(page, 0.3)).too_dark


@pytest.mark.parametrize(
    ("make", "dark", "blurry"),
    [
        (lambda g: darkened(g, 0.15), True, False),
        (lambda g: blurred(g, 12), False, True),
        (lambda g: darkened(blurred(g, 10), 0.35), False, True),
    ],
)
def test_a_dark_or_blurred_page_is_unreadable(
    page: npt.NDArray[np.uint8], make: object, dark: bool, blurry: bool
) -> None:
    gray = make(page)  # type: ignore[operator]
    refusal = explain_refusal(gray, NoTemplateMatched("0 of 0 feature matches"))
    assert isinstance(refusal, UnreadablePage)
    assert refusal.code == "unreadable_page"
    assert (refusal.details["dark"], refusal.details["blurred"]) == (dark, blurry)
