"""Whole synthetic samples: values, a filled page, a degraded scan and its truth."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr_service.synth.degrade import degrade
from ocr_service.synth.render import pick_pen, render_with_pen
from ocr_service.synth.values import Value, generate_values
from ocr_service.templates.loader import LoadedTemplate

FONT_STYLES = ("print", "handwriting")


@dataclass
class Sample:
    image: NDArray[np.uint8]
    """The degraded scan, BGR."""
    truth: dict[str, Value]
    """Field name -> expected value in the reading contract's format."""
    template_id: str
    font_style: str
    """``print`` or ``handwriting``."""
    font: str
    """The font family the fields were written in."""
    degradation: dict[str, float | str | bool]
    homography: NDArray[np.float64] | None
    """3x3 map from reference pixel coordinates to scan pixel coordinates."""

    def metadata(self) -> dict[str, Any]:
        return {
            "template_id": self.template_id,
            "font_style": self.font_style,
            "font": self.font,
            "degradation": self.degradation,
            "homography": None if self.homography is None else self.homography.tolist(),
            "truth": self.truth,
        }


def generate(
    loaded: LoadedTemplate,
    *,
    seed: int,
    font_style: str = "print",
    degrade_level: str = "mixed",
) -> Sample:
    """One filled, degraded page of ``loaded``; the same seed always gives the same sample.

    ``font_style`` may also be ``mixed``: print or handwriting, chosen by the seed.
    """
    rng = random.Random(seed)
    style = rng.choice(FONT_STYLES) if font_style == "mixed" else font_style
    if style not in FONT_STYLES:
        raise ValueError(f"font style {font_style!r} is not print, handwriting or mixed")
    truth = generate_values(loaded.template, rng)
    pen = pick_pen(style, rng)
    clean = render_with_pen(loaded, truth, pen=pen, rng=rng)
    scan, description, homography = degrade(clean, rng=rng, level=degrade_level)
    return Sample(
        image=scan,
        truth=truth,
        template_id=loaded.id,
        font_style=style,
        font=pen.face.family,
        degradation=description,
        homography=homography,
    )


def generate_set(
    loaded_templates: list[LoadedTemplate],
    *,
    n: int,
    seed: int,
    font_style: str,
    degrade_level: str,
) -> Iterator[Sample]:
    """``n`` samples cycling through the templates, each with its own seed drawn from ``seed``."""
    if not loaded_templates:
        return
    seeds = random.Random(seed)
    for i in range(n):
        loaded = loaded_templates[i % len(loaded_templates)]
        yield generate(
            loaded, seed=seeds.getrandbits(48), font_style=font_style, degrade_level=degrade_level
        )


def save_sample(sample: Sample, out_dir: Path, stem: str) -> tuple[Path, Path]:
    """Write ``stem.png`` (the scan) and ``stem.json`` (truth and metadata); return both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    image_path = out_dir / f"{stem}.png"
    json_path = out_dir / f"{stem}.json"
    if not cv2.imwrite(str(image_path), sample.image):
        raise OSError(f"could not write {image_path}")
    text = json.dumps(sample.metadata(), ensure_ascii=False, indent=2)
    json_path.write_text(text + "\n", encoding="utf-8")
    return image_path, json_path
