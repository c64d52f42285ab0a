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

from ocr_service.reading.normalize import normalize_for
from ocr_service.synth.degrade import degrade
from ocr_service.synth.fonts import DISTORTED
from ocr_service.synth.locales import generate_local_values
from ocr_service.synth.render import pick_pen, render_with_pen
from ocr_service.synth.values import Value, generate_values
from ocr_service.templates.loader import LoadedTemplate
from ocr_service.templates.model import FieldType, Template

FONT_STYLES = ("print", "handwriting")
"""The styles ``mixed`` chooses from (kept to these two: the same seed gives the same page)."""
ALL_FONT_STYLES = (*FONT_STYLES, DISTORTED)
"""Every style :func:`generate` accepts besides ``mixed``."""


@dataclass
class Sample:
    image: NDArray[np.uint8]
    """The degraded scan, BGR."""
    truth: dict[str, Value]
    """Field name -> expected value in the reading contract's format."""
    template_id: str
    font_style: str
    """``print``, ``handwriting`` or ``handwriting-distorted``."""
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
    ``handwriting-distorted`` writes the same page as ``handwriting`` (values, faces,
    layout, degradation) with each character distorted as a hand would.
    """
    rng = random.Random(seed)
    style = rng.choice(FONT_STYLES) if font_style == "mixed" else font_style
    if style not in ALL_FONT_STYLES:
        raise ValueError(
            f"font style {font_style!r} is not one of {', '.join(ALL_FONT_STYLES)} or mixed"
        )
    written = values_for(loaded.template, rng)
    pen = pick_pen(style, rng)
    clean = render_with_pen(loaded, written, pen=pen, rng=rng)
    truth = canonical_truth(loaded.template, written)
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


def values_for(template: Template, rng: random.Random) -> dict[str, Value]:
    """The truth to write: in the template's own locale when its fields say what they
    hold (``content``, the forms we did not design), else the shipped forms' generator
    (its random stream unchanged)."""
    if any(spec.content is not None for spec in template.fields_on(1)):
        return generate_local_values(template, rng)
    return generate_values(template, rng)


def canonical_truth(template: Template, written: dict[str, Value]) -> dict[str, Value]:
    """The contract form of what was written: Japanese text loses the spaces between
    Japanese characters (山崎 幹 -> 山崎幹), as the reading layer's normalization defines."""
    out: dict[str, Value] = {}
    for name, value in written.items():
        spec = template.field(name)
        if isinstance(value, str) and spec.type is FieldType.TEXT:
            value = normalize_for(FieldType.TEXT, value)
        out[name] = value
    return out


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
