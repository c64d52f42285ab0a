"""The handwritten-digit recognizer: a small CNN for one digit in one box.

The model (``ocr_service/models/digits.onnx``, see the README there) was trained in this
repository by ``scripts/train_digits.py`` on the development half of the MNIST digits
and on distorted digits of the generator's fonts. It ships in the package and runs with
onnxruntime; nothing is downloaded.

A crop (grayscale, dark ink on white, as the readers prepare a box) is mapped to an
MNIST-like 28 x 28 image by :func:`to_mnist`: cropped to its ink, scaled so its longer
side is 20 pixels (aspect kept), and placed so its centre of mass is the image's
centre, as MNIST's digits were. The reading is the most likely digit the whitelist
allows, with its probability renormalized over the allowed digits, and the runner-up
digit with its probability (``OcrResult.runners_up``); a crop without ink gives the
empty reading.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from ocr_service.errors import MissingDependency
from ocr_service.ocr.base import EMPTY, GrayImage, OcrResult, OcrSettings, ReadingKind, is_blank

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "digits.onnx"
SIDE = 28
"""MNIST's image side..."""
DIGIT_SIDE = 20
"""...and the side of the square its digits were scaled into."""
INK_LEVEL = 0.1
"""Darkness (0 paper, 1 the crop's darkest ink) from which a pixel counts as ink."""
DIGITS = "0123456789"

FloatArray = npt.NDArray[np.float32]


def to_mnist(image: GrayImage) -> FloatArray | None:
    """``image`` (dark ink on white) as a 28 x 28 MNIST-like array (ink 1, paper 0), or
    None when it holds no ink."""
    ink = (255.0 - image.astype(np.float32)) / 255.0
    peak = float(ink.max()) if ink.size else 0.0
    if peak <= 0:
        return None
    ink = ink / peak
    ink[ink < INK_LEVEL] = 0.0
    ys, xs = np.nonzero(ink)
    if not len(xs):
        return None
    cut = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    h, w = cut.shape
    scale = DIGIT_SIDE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = np.clip(cv2.resize(cut, size, interpolation=interpolation), 0.0, 1.0).astype(np.float32)
    return centre_of_mass(small)


def centre_of_mass(digit: FloatArray) -> FloatArray:
    """``digit`` placed on a 28 x 28 canvas with its centre of mass at the centre."""
    h, w = digit.shape
    total = float(digit.sum())
    if total <= 0:
        cy, cx = (h - 1) / 2, (w - 1) / 2
    else:
        cy = float((digit.sum(axis=1) * np.arange(h)).sum() / total)
        cx = float((digit.sum(axis=0) * np.arange(w)).sum() / total)
    shift = np.array([[1, 0, (SIDE - 1) / 2 - cx], [0, 1, (SIDE - 1) / 2 - cy]], np.float64)
    canvas = cv2.warpAffine(digit, shift, (SIDE, SIDE), flags=cv2.INTER_LINEAR, borderValue=0.0)
    return np.asarray(canvas, dtype=np.float32)


def allowed_digits(settings: OcrSettings) -> list[int]:
    """The digits the whitelist allows (all ten when it names none)."""
    allowed = [int(c) for c in DIGITS if settings.whitelist is None or c in settings.whitelist]
    return allowed or list(range(10))


class DigitEngine:
    """One handwritten digit per crop (``ReadingKind.DIGIT``), by the committed CNN."""

    name = "digits"
    kinds = frozenset({ReadingKind.DIGIT})

    def __init__(self, model_path: Path = MODEL_PATH) -> None:
        self.model_path = model_path
        self._session: Any = None
        self._lock = threading.Lock()

    def session(self) -> Any:
        """The onnxruntime session, loaded on first use (never at import time)."""
        with self._lock:
            if self._session is None:
                self._session = load_session(self.model_path)
            return self._session

    def probabilities(self, image: GrayImage) -> FloatArray | None:
        """The model's ten digit probabilities for ``image``; None when it has no ink."""
        digit = to_mnist(image)
        if digit is None:
            return None
        session = self.session()
        name = session.get_inputs()[0].name
        logits = session.run(None, {name: digit[None, None, :, :]})[0][0]
        return softmax(np.asarray(logits, dtype=np.float32))

    def read(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        if is_blank(image):
            return EMPTY
        probs = self.probabilities(image)
        if probs is None:
            return EMPTY
        allowed = allowed_digits(settings)
        kept = probs[allowed]
        kept = kept / max(float(kept.sum()), 1e-9)
        order = np.argsort(-kept)
        best = int(order[0])
        runner = ("", 0.0)
        if len(order) > 1:
            runner = (str(allowed[int(order[1])]), float(kept[order[1]]))
        return OcrResult(str(allowed[best]), (float(kept[best]),), (runner,))


def softmax(logits: FloatArray) -> FloatArray:
    shifted = np.exp(logits - logits.max())
    return np.asarray(shifted / shifted.sum(), dtype=np.float32)


def load_session(path: Path) -> Any:
    """An onnxruntime session of the digit model (one thread: the service reads pages in
    parallel processes, not threads)."""
    import onnxruntime as ort  # heavy; workers only (as in ppocr)

    if not path.is_file():
        raise MissingDependency(
            f"the digit model {path.name} is missing from {path.parent}; reinstall the "
            "package (pip install -e .) or retrain it with scripts/train_digits.py",
            path=str(path),
        )
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
