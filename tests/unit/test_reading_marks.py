"""Checkbox, choice and mark decisions on synthetic dropped-out images."""

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from ocr_service.ocr.base import OcrResult, OcrSettings, ReadingKind
from ocr_service.reading.marks import ink_fraction
from ocr_service.reading.page import PageImages
from ocr_service.reading.readers import read_field
from ocr_service.results import FieldResult
from ocr_service.templates.model import FieldSpec

Canvas = np.ndarray
BOX = [20, 20, 40, 40]


class NoOcr:
    """Ink fields must never call the OCR engine."""

    name = "none"
    kinds = frozenset({ReadingKind.GENERAL})

    def read(self, image: np.ndarray, settings: OcrSettings) -> OcrResult:
        raise AssertionError("OCR called for an ink field")


def blank(width: int = 200, height: int = 80) -> Canvas:
    rng = np.random.default_rng(0)
    return np.clip(rng.normal(245, 4, (height, width)), 0, 255).astype(np.uint8)


def page(image: Canvas) -> PageImages:
    return PageImages(registered=image, dropout=image, form_mask=np.zeros(image.shape, bool))


def tick(img: Canvas) -> None:
    cv2.line(img, (28, 40), (36, 52), 20, 3)
    cv2.line(img, (36, 52), (54, 26), 20, 3)


def cross(img: Canvas) -> None:
    cv2.line(img, (26, 26), (54, 54), 30, 3)
    cv2.line(img, (54, 26), (26, 54), 30, 3)


def filled(img: Canvas) -> None:
    cv2.rectangle(img, (22, 22), (58, 58), 40, -1)


def faint(img: Canvas) -> None:
    cv2.line(img, (28, 40), (36, 52), 185, 3)
    cv2.line(img, (36, 52), (54, 26), 185, 3)


def specks(img: Canvas) -> None:
    for x, y in ((30, 30), (45, 50), (50, 28)):
        img[y, x] = 60


def border_residue(img: Canvas) -> None:
    cv2.rectangle(img, (20, 20), (59, 59), 120, 1)  # 1-px leftover of the printed box


def checkbox(required: bool = False) -> FieldSpec:
    return FieldSpec(name="agree", label="同意", bbox=BOX, type="checkbox", required=required)


def read(spec: FieldSpec, draw: Callable[[Canvas], None] | None) -> FieldResult:
    img = blank()
    if draw:
        draw(img)
    return read_field(spec, page(img), NoOcr())


@pytest.mark.parametrize("draw", [tick, cross, filled, faint])
def test_checkbox_marked(draw: Callable[[Canvas], None]) -> None:
    result = read(checkbox(), draw)
    assert result.value is True
    assert not result.flagged


@pytest.mark.parametrize("draw", [None, specks, border_residue])
def test_checkbox_empty(draw: Callable[[Canvas], None] | None) -> None:
    result = read(checkbox(), draw)
    assert result.value is False
    assert result.confidence > 0.9
    assert not result.flagged


def test_required_checkbox_left_empty() -> None:
    result = read(checkbox(required=True), None)
    assert result.value is False
    assert result.reasons == ["required_missing"]


def test_ink_fraction_ignores_form_pixels() -> None:
    img = blank(60, 60)
    img[10:20, :] = 0
    form = np.zeros(img.shape, bool)
    form[10:20, :] = True
    assert ink_fraction(img, form) == 0.0
    assert ink_fraction(img) > 0.1


def choice(required: bool = False) -> FieldSpec:
    return FieldSpec(
        name="gender",
        label="性別",
        bbox=[0, 0, 200, 80],
        type="choice",
        required=required,
        options=[
            {"value": "male", "bbox": [10, 10, 80, 60]},
            {"value": "female", "bbox": [110, 10, 80, 60]},
        ],
    )


def circle_at(cx: int) -> Callable[[Canvas], None]:
    def draw(img: Canvas) -> None:
        cv2.ellipse(img, (cx, 40), (32, 22), 0, 0, 360, 30, 3)

    return draw


def test_choice_circle_selects_option() -> None:
    assert read(choice(), circle_at(50)).value == "male"
    female = read(choice(), circle_at(150))
    assert female.value == "female"
    assert not female.flagged


def test_choice_none_marked() -> None:
    result = read(choice(), None)
    assert result.value is None
    assert not result.flagged
    assert read(choice(required=True), None).reasons == ["required_missing"]


def test_choice_two_marked_is_ambiguous() -> None:
    def both(img: Canvas) -> None:
        circle_at(50)(img)
        circle_at(150)(img)

    result = read(choice(), both)
    assert result.value is None
    assert "ambiguous_choice" in result.reasons
    assert result.flagged


def seal(img: Canvas) -> None:
    cv2.circle(img, (60, 40), 18, 40, 2)


def test_mark_present_or_absent() -> None:
    spec = FieldSpec(name="seal", label="印", bbox=[10, 10, 120, 60], type="mark")
    assert read(spec, None).value is False
    assert read(spec, seal).value is True


def very_faint(img: Canvas) -> None:
    """A tick with a light pen: under the marks' ink delta, over the faint-ink one."""
    cv2.line(img, (28, 40), (36, 52), 228, 3)
    cv2.line(img, (36, 52), (54, 26), 228, 3)


def test_a_very_faint_tick_is_ticked_and_flagged() -> None:
    result = read(checkbox(), very_faint)
    assert result.value is True
    assert "faint_ink" in result.reasons
    assert result.flagged
