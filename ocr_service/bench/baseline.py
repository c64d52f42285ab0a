"""The naive baseline: how a tutorial reads a form, kept apart from the pipeline.

1. Align: ORB key points (full resolution) on the scan and on the blank reference,
   brute-force Hamming matching with cross-check, the best 20 % of matches,
   ``findHomography`` with RANSAC, ``warpPerspective`` onto the reference (the
   PyImageSearch "align_images" recipe; 5000 features instead of its 500 so a
   200-dpi A4 page has enough to match).
2. Read: ONE ``pytesseract.image_to_data`` call per field zone on the aligned grey
   page - no form drop-out, no preprocessing, no validation, no second reading. Page
   segmentation mode 7 (one line), or 6 for multi-line zones; the template's language.
3. Ink fields: the share of dark pixels (grey < 128) in the zone minus the same share in
   the blank reference. Checkbox and mark: marked above a threshold. Choice: the
   option zone with the most added ink.
4. Flag: the lowest word confidence of the zone under 60 - the only flag. Ink fields
   and blank zones are never flagged.

Nothing here imports the pipeline's imaging or reading code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt
import pytesseract

from ocr_service.errors import TemplateMismatch
from ocr_service.results import FieldValue
from ocr_service.templates.loader import LoadedTemplate
from ocr_service.templates.model import FieldSpec, FieldType

GrayImage = npt.NDArray[np.uint8]

ORB_FEATURES = 5000
KEEP_PERCENT = 0.2
MIN_MATCHES = 10
FLAG_BELOW = 60.0
"""Tesseract word confidence (0-100) under which a field is flagged."""
DARK = 128
INK_MARGIN = {FieldType.CHECKBOX: 0.06, FieldType.MARK: 0.01}
"""Added dark-pixel share above which a checkbox or mark counts as marked: chosen by
looking at the values on 16 generated pages (0.117+ ticked vs. <=0.032 blank boxes;
0.002-0.064 for a seal or signature in its large zone), as a tutorial's author would."""


@dataclass
class BaselineField:
    value: FieldValue
    """Raw Tesseract text (``None`` when it found none), a bool, or a choice value."""
    confidence: float | None
    """Lowest word confidence / 100; ``None`` for ink fields and blank zones."""
    flagged: bool


@dataclass
class BaselineReading:
    fields: dict[str, BaselineField]
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class _Reference:
    gray: GrayImage
    keypoints: tuple[cv2.KeyPoint, ...]
    descriptors: npt.NDArray[np.uint8]


class NaiveBaseline:
    """One per process; caches each reference's ORB features."""

    def __init__(self) -> None:
        self._orb = cv2.ORB.create(nfeatures=ORB_FEATURES)
        self._matcher = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)
        self._refs: dict[str, _Reference] = {}

    def reference(self, loaded: LoadedTemplate) -> _Reference:
        ref = self._refs.get(loaded.id)
        if ref is None:
            gray = np.asarray(cv2.imread(str(loaded.reference_path(1)), cv2.IMREAD_GRAYSCALE))
            keypoints, descriptors = self._orb.detectAndCompute(gray, None)
            ref = _Reference(
                gray.astype(np.uint8), tuple(keypoints), np.asarray(descriptors, np.uint8)
            )
            self._refs[loaded.id] = ref
        return ref

    def read(self, image: npt.NDArray[np.uint8], loaded: LoadedTemplate) -> BaselineReading:
        """Align ``image`` (BGR) to page 1 of ``loaded`` and read every field of that page."""
        timings: dict[str, float] = {}
        ref = self.reference(loaded)
        t = time.perf_counter()
        gray = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)
        homography = self.align(gray, ref)
        timings["register"] = time.perf_counter() - t
        t = time.perf_counter()
        h, w = ref.gray.shape[:2]
        aligned = np.asarray(
            cv2.warpPerspective(gray, homography, (w, h), borderValue=255), np.uint8
        )
        timings["warp"] = time.perf_counter() - t
        t = time.perf_counter()
        fields = {
            spec.name: read_zone(spec, aligned, ref.gray) for spec in loaded.template.fields_on(1)
        }
        timings["read"] = time.perf_counter() - t
        return BaselineReading(fields=fields, timings=timings)

    def align(self, gray: GrayImage, ref: _Reference) -> npt.NDArray[np.float64]:
        """The scan -> reference homography, or :class:`TemplateMismatch`."""
        keypoints, descriptors = self._orb.detectAndCompute(gray, None)
        if descriptors is None or ref.descriptors is None:
            raise TemplateMismatch("baseline: no ORB features on the page")
        matches = sorted(
            self._matcher.match(descriptors, ref.descriptors), key=lambda m: m.distance
        )
        matches = matches[: int(len(matches) * KEEP_PERCENT)]
        if len(matches) < MIN_MATCHES:
            raise TemplateMismatch(f"baseline: only {len(matches)} ORB matches")
        src = np.array([keypoints[m.queryIdx].pt for m in matches], np.float32).reshape(-1, 1, 2)
        dst = np.array([ref.keypoints[m.trainIdx].pt for m in matches], np.float32)
        dst = dst.reshape(-1, 1, 2)
        homography, _ = cv2.findHomography(src, dst, cv2.RANSAC)
        if homography is None:
            raise TemplateMismatch("baseline: findHomography found no homography")
        return np.asarray(homography, np.float64)


def zone(gray: GrayImage, bbox: list[int]) -> GrayImage:
    x, y, w, h = bbox
    return gray[max(0, y) : y + h, max(0, x) : x + w]


def added_ink(aligned: GrayImage, reference: GrayImage, bbox: list[int]) -> float:
    """Dark-pixel share of the zone on the scan minus that on the blank reference."""
    scan, blank = zone(aligned, bbox), zone(reference, bbox)
    if scan.size == 0:
        return 0.0
    return float((scan < DARK).mean()) - float((blank < DARK).mean())


def read_zone(spec: FieldSpec, aligned: GrayImage, reference: GrayImage) -> BaselineField:
    if spec.type in (FieldType.CHECKBOX, FieldType.MARK):
        marked = added_ink(aligned, reference, spec.bbox) > INK_MARGIN[spec.type]
        return BaselineField(marked, None, False)
    if spec.type is FieldType.CHOICE:
        ink = {o.value: added_ink(aligned, reference, o.bbox) for o in spec.options}
        return BaselineField(max(ink, key=lambda v: ink[v]), None, False)
    return read_text(spec, zone(aligned, spec.bbox))


def read_text(spec: FieldSpec, crop: GrayImage) -> BaselineField:
    """One ``image_to_data`` call; words joined by line; the lowest word confidence."""
    psm = 6 if spec.multiline else 7
    data = pytesseract.image_to_data(
        crop,
        lang=spec.language.value,
        config=f"--psm {psm}",
        output_type=pytesseract.Output.DICT,
    )
    words: list[str] = []
    confidences: list[float] = []
    for text, conf in zip(data["text"], data["conf"], strict=True):
        word = str(text).strip()
        if word and float(conf) >= 0:
            words.append(word)
            confidences.append(float(conf))
    if not words:
        return BaselineField(None, None, False)
    lowest = min(confidences)
    return BaselineField(" ".join(words), lowest / 100.0, lowest < FLAG_BELOW)
