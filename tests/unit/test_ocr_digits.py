"""The digit CNN behind the OCR seam, loaded from its committed file (no network).

The digits read here are rendered with the generator's fonts and distorted (rotation,
shear, stroke width) with fixed seeds: never MNIST's held-out half."""

import math
import random

import cv2
import numpy as np
import pytest

from ocr_service.ocr.base import OcrSettings, ReadingKind
from ocr_service.ocr.digits import DIGIT_SIDE, MODEL_PATH, SIDE, DigitEngine, to_mnist
from ocr_service.ocr.engines import HybridEngine
from ocr_service.reading.prepare import Variant, prepare_text
from ocr_service.synth import ink
from ocr_service.synth.fonts import FACES

DIGIT = OcrSettings(language="eng", psm=10, whitelist="0123456789", kind=ReadingKind.DIGIT)
MAX_MODEL_BYTES = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def engine() -> DigitEngine:
    return DigitEngine()


def distorted_box(face: ink.Face, digit: int, rng: random.Random) -> np.ndarray:
    """``digit`` in ``face``, slanted, sheared and re-stroked, dark on a 60 x 60 box."""
    size = rng.randint(34, 46)
    mask = ink.crop_to_ink(ink.glyph(face, str(digit), size, rng.uniform(-8, 8))[0])
    shear = rng.uniform(-0.25, 0.25)
    h, w = mask.shape
    pad = 8
    mask = cv2.copyMakeBorder(mask, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0.0)
    matrix = np.array([[1.0, shear, -shear * (h + 2 * pad) / 2], [0.0, 1.0, 0.0]])
    mask = cv2.warpAffine(mask, matrix, (w + 2 * pad, h + 2 * pad))
    step = rng.choice((-1, 0, 1, 2))
    if step:
        kernel = np.ones((abs(step) + 1, abs(step) + 1), np.uint8)
        mask = (cv2.dilate if step > 0 else cv2.erode)(mask, kernel)
    mask = ink.crop_to_ink(np.asarray(mask, np.float32))
    box = np.full((60, 60), 245.0, np.float32)
    mh, mw = min(mask.shape[0], 56), min(mask.shape[1], 56)
    y, x = (60 - mh) // 2 + rng.randint(-2, 2), (60 - mw) // 2 + rng.randint(-2, 2)
    box[y : y + mh, x : x + mw] -= mask[:mh, :mw] * rng.uniform(150, 215)
    return np.clip(box, 0, 255).astype(np.uint8)


def test_the_committed_model_is_small_and_loads(engine: DigitEngine) -> None:
    assert MODEL_PATH.is_file()
    assert MODEL_PATH.stat().st_size < MAX_MODEL_BYTES
    inputs = engine.session().get_inputs()
    assert inputs[0].shape[1:] == [1, SIDE, SIDE]


def test_it_reads_distorted_font_digits(engine: DigitEngine) -> None:
    rng = random.Random(17)
    faces = [f for style in FACES.values() for f in style if f.path.is_file()]
    assert faces
    right = total = 0
    for face in faces:
        for digit in range(10):
            for _ in range(3):
                image = prepare_text(distorted_box(face, digit, rng), Variant.PRIMARY, target=48)
                total += 1
                if image is not None:  # an eroded hairline serif can fall apart: a miss
                    right += engine.read(image, DIGIT).text == str(digit)
    assert right / total >= 0.95, f"{right} of {total} read right"


def test_a_blank_box_is_the_empty_reading(engine: DigitEngine) -> None:
    reading = engine.read(np.full((60, 60), 255, np.uint8), DIGIT)
    assert reading.text == ""
    assert reading.char_confidences == ()


def test_the_whitelist_limits_the_digits(engine: DigitEngine) -> None:
    face = FACES["print"][0]
    image = prepare_text(distorted_box(face, 7, random.Random(3)), Variant.PRIMARY, target=48)
    assert image is not None
    assert engine.read(image, DIGIT).text == "7"
    only = engine.read(image, OcrSettings(whitelist="0123", kind=ReadingKind.DIGIT))
    assert only.text in "0123"
    assert 0.0 <= only.char_confidences[0] <= 1.0


def test_to_mnist_scales_the_longer_side_to_20_and_centres_the_mass() -> None:
    image = np.full((90, 40), 255, np.uint8)
    image[10:80, 15:25] = 0  # a tall bar
    digit = to_mnist(image)
    assert digit is not None
    assert digit.shape == (SIDE, SIDE)
    rows = np.nonzero(digit.max(axis=1) > 0.5)[0]
    assert rows.max() - rows.min() + 1 in (DIGIT_SIDE - 1, DIGIT_SIDE, DIGIT_SIDE + 1)
    ys, xs = np.mgrid[0:SIDE, 0:SIDE]
    total = float(digit.sum())
    assert math.isclose(float((digit * ys).sum()) / total, (SIDE - 1) / 2, abs_tol=0.6)
    assert math.isclose(float((digit * xs).sum()) / total, (SIDE - 1) / 2, abs_tol=0.6)
    assert to_mnist(np.full((30, 30), 255, np.uint8)) is None


def test_the_hybrid_engine_routes_digit_readings_to_the_cnn(engine: DigitEngine) -> None:
    class Fixed:
        name = "fixed"
        kinds = frozenset({ReadingKind.GENERAL})

        def read(self, image: np.ndarray, settings: OcrSettings) -> object:
            raise AssertionError("not this engine")

    hybrid = HybridEngine(boxes=Fixed(), lines=Fixed(), digits=engine)  # type: ignore[arg-type]
    face = FACES["print"][0]
    image = prepare_text(distorted_box(face, 4, random.Random(5)), Variant.PRIMARY, target=48)
    assert image is not None
    assert hybrid.read(image, DIGIT).text == "4"
