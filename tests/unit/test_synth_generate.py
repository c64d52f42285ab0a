"""Whole samples: reproducible by seed, saved with their truth and homography."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from ocr_service.synth import Sample, generate, generate_set, save_sample
from ocr_service.templates import LoadedTemplate, load_template

TEMPLATES = Path(__file__).resolve().parents[2] / "templates_forms"


def _loaded(template_id: str) -> LoadedTemplate:
    return load_template(TEMPLATES / template_id)


def test_same_seed_same_sample() -> None:
    loaded = _loaded("jp_tennyu")
    a = generate(loaded, seed=42, font_style="handwriting", degrade_level="mixed")
    b = generate(loaded, seed=42, font_style="handwriting", degrade_level="mixed")
    assert np.array_equal(a.image, b.image)
    assert a.truth == b.truth and a.degradation == b.degradation and a.font == b.font
    c = generate(loaded, seed=43, font_style="handwriting", degrade_level="mixed")
    assert c.truth != a.truth


def test_sample_metadata() -> None:
    sample = generate(_loaded("jp_kyufukin"), seed=7, font_style="print", degrade_level="light")
    assert sample.template_id == "jp_kyufukin"
    assert sample.font_style == "print"
    assert sample.font
    assert sample.homography is not None and sample.homography.shape == (3, 3)
    assert sample.image.dtype == np.uint8 and sample.image.shape[2] == 3
    assert {"rotation", "skew", "dpi", "blur", "noise", "jpeg_quality", "bilevel"} <= set(
        sample.degradation
    )


def test_zone_corners_map_into_the_scan() -> None:
    loaded = _loaded("jp_tennyu")
    for seed in range(4):
        sample = generate(loaded, seed=seed, font_style="print", degrade_level="heavy")
        assert sample.homography is not None
        h, w = sample.image.shape[:2]
        for spec in loaded.template.fields:
            x, y, bw, bh = spec.bbox
            corners = np.array([[[x, y], [x + bw, y], [x + bw, y + bh], [x, y + bh]]], float)
            mapped = cv2.perspectiveTransform(corners, sample.homography)[0]
            assert (mapped >= 0).all() and (mapped[:, 0] < w).all() and (mapped[:, 1] < h).all()


def test_generate_set_cycles_templates() -> None:
    loaded = [_loaded("jp_tennyu"), _loaded("jp_kyufukin")]
    ids = [
        s.template_id
        for s in generate_set(loaded, n=4, seed=1, font_style="mixed", degrade_level="none")
    ]
    assert ids == ["jp_tennyu", "jp_kyufukin", "jp_tennyu", "jp_kyufukin"]


def test_save_sample_writes_png_and_json(tmp_path: Path) -> None:
    sample: Sample = generate(_loaded("jp_kyufukin"), seed=3, degrade_level="none")
    png, meta = save_sample(sample, tmp_path, "s0")
    assert png.name == "s0.png" and meta.name == "s0.json"
    image = cv2.imread(str(png))
    assert image is not None and image.shape == sample.image.shape
    data = json.loads(meta.read_text(encoding="utf-8"))
    assert data["truth"] == sample.truth
    assert sample.homography is not None
    assert np.allclose(np.array(data["homography"]), sample.homography)
