"""Every stage on scans generated from the shipped templates, one distortion at a time:
rotations of 90/180/270, skew ±15°, perspective, 150 and 300 dpi, noise and JPEG artefacts."""

from __future__ import annotations

import random
import zlib
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from ocr_service.imaging.ingest import load_page
from ocr_service.pipeline import Reader
from ocr_service.synth.render import render_filled
from ocr_service.synth.sample import canonical_truth
from ocr_service.synth.values import generate_values
from ocr_service.templates import TemplateRegistry

pytestmark = pytest.mark.integration


@cache
def reader() -> Reader:
    return Reader()


def distort(
    page: npt.NDArray[np.uint8],
    *,
    angle: float,
    scale: float,
    persp: float,
    noise: float,
    seed: int,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64]]:
    rng = np.random.default_rng(seed)
    h, w = page.shape[:2]
    m = np.vstack([cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale), [0, 0, 1]])
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = cv2.perspectiveTransform(src[None], m)[0]
    dst += rng.uniform(-persp, persp, dst.shape).astype(np.float32) * w * scale
    dst -= dst.min(0)
    dst += 25
    hom = cv2.getPerspectiveTransform(src, dst.astype(np.float32)).astype(np.float64)
    size = (int(dst[:, 0].max() + 25), int(dst[:, 1].max() + 25))
    scan = cv2.warpPerspective(page, hom, size, borderValue=(240, 240, 240))
    noisy = np.clip(scan.astype(np.float32) + rng.normal(0, noise, scan.shape), 0, 255)
    return noisy.astype(np.uint8), hom


CASES = {
    "rot90": {"angle": 90, "scale": 1.0, "persp": 0.0, "noise": 3},
    "rot180": {"angle": 180, "scale": 1.0, "persp": 0.0, "noise": 3},
    "rot270": {"angle": 270, "scale": 1.0, "persp": 0.0, "noise": 3},
    "skew+15": {"angle": 15, "scale": 1.0, "persp": 0.0, "noise": 3},
    "skew-15": {"angle": -15, "scale": 1.0, "persp": 0.0, "noise": 3},
    "perspective": {"angle": 3, "scale": 1.0, "persp": 0.035, "noise": 3},
    "150dpi": {"angle": 1, "scale": 0.75, "persp": 0.0, "noise": 3},
    "300dpi": {"angle": -1, "scale": 1.5, "persp": 0.0, "noise": 3},
    "noise+jpeg": {"angle": 2, "scale": 1.0, "persp": 0.0, "noise": 14},
}


@pytest.mark.parametrize("template_id", ["jp_tennyu", "jp_kyufukin"])
@pytest.mark.parametrize("case", list(CASES))
def test_every_stage_under_one_distortion(template_id: str, case: str, tmp_path: Path) -> None:
    loaded = TemplateRegistry().get(template_id)
    rng = random.Random(zlib.crc32(f"{template_id}/{case}".encode()))  # stable across runs
    written = generate_values(loaded.template, rng)
    clean = render_filled(loaded, written, font_style="print", rng=rng)
    scan, hom = distort(clean, **CASES[case], seed=len(case))
    path = tmp_path / "scan.jpg"
    quality = 45 if case == "noise+jpeg" else 92
    cv2.imwrite(str(path), scan, [cv2.IMWRITE_JPEG_QUALITY, quality])

    image = load_page(path, 0)  # ingest
    page = reader().read_image(image, template_id=None, debug_dir=tmp_path / "debug")

    assert page.template.id == template_id  # classified among all templates
    corners = np.array(
        [
            [[x + dx, y + dy]]
            for f in loaded.template.fields
            for (x, y, w, h) in [f.bbox]
            for dx in (0, w)
            for dy in (0, h)
        ],
        np.float64,
    )
    back = cv2.perspectiveTransform(
        cv2.perspectiveTransform(corners, hom), page.registration.homography
    )
    error = np.linalg.norm(back - corners, axis=2).ravel()
    assert float(np.percentile(error, 95)) < 1.5
    angle = CASES[case]["angle"]
    assert page.registration.rotation == (-round(angle / 90) * 90) % 360
    if not CASES[case]["persp"]:
        assert abs(page.registration.skew + (angle - round(angle / 90) * 90)) < 0.5

    # dropout: the printed borders of every zone are gone from the cleaned page
    dropout = cv2.imread(
        str(next((tmp_path / "debug").glob("*_dropout.png"))), cv2.IMREAD_GRAYSCALE
    )
    for f in loaded.template.fields:
        x, y, w, _ = f.bbox
        border = dropout[y - 4 : y - 1, x : x + w]
        assert float((border < 128).mean()) < 0.05, f.name

    truth = canonical_truth(loaded.template, written)
    right = sum(page.fields[n].value == v for n, v in truth.items())
    caught = sum(page.fields[n].value == v or page.fields[n].flagged for n, v in truth.items())
    assert right / len(truth) >= 0.8
    assert caught / len(truth) >= 0.95
