"""Degradation buckets and tags of a generated page, from ``Sample.degradation``.

Buckets (one per page and axis) drive the robustness tables: accuracy against
rotation, skew and noise. Tags (several per page) name the degradations that were
applied, for the error analysis.
"""

from __future__ import annotations

from collections.abc import Mapping

Degradation = Mapping[str, float | str | bool]

SKEW_EDGES = (1.0, 3.0, 6.0)
"""|skew| bucket edges in degrees: <1, 1-3, 3-6, >=6."""
NOISE_EDGES = (0.001, 3.0, 6.0, 10.0)
"""Noise std bucket edges in grey levels: none, <3, 3-6, 6-10, >=10."""

ROTATION_ORDER = ("0", "90", "180", "270")
SKEW_ORDER = ("<1°", "1-3°", "3-6°", "≥6°")
NOISE_ORDER = ("none", "<3", "3-6", "6-10", "≥10")


def _number(d: Degradation, key: str) -> float:
    value = d.get(key, 0.0)
    return float(value) if isinstance(value, int | float) else 0.0


def _bucket(value: float, edges: tuple[float, ...], labels: tuple[str, ...]) -> str:
    for edge, label in zip(edges, labels, strict=False):
        if value < edge:
            return label
    return labels[-1]


def rotation_bucket(d: Degradation) -> str:
    return str(round(_number(d, "rotation")) % 360)


def skew_bucket(d: Degradation) -> str:
    return _bucket(abs(_number(d, "skew")), SKEW_EDGES, SKEW_ORDER)


def noise_bucket(d: Degradation) -> str:
    return _bucket(_number(d, "noise"), NOISE_EDGES, NOISE_ORDER)


def degradation_tags(d: Degradation) -> list[str]:
    """The notable degradations of one page, e.g. ``["rotated", "jpeg<60", "bilevel"]``."""
    tags: list[str] = []
    if rotation_bucket(d) != "0":
        tags.append("rotated")
    if abs(_number(d, "skew")) >= 3.0:
        tags.append("skew≥3°")
    if _number(d, "perspective") > 0:
        tags.append("perspective")
    if 0 < _number(d, "dpi") < 200:
        tags.append("dpi<200")
    if _number(d, "blur") >= 0.6:
        tags.append("blur≥0.6")
    if _number(d, "noise") >= 4.0:
        tags.append("noise≥4")
    if d.get("speckle") is True:
        tags.append("speckle")
    quality = _number(d, "jpeg_quality")
    if 0 < quality < 60:
        tags.append("jpeg<60")
    if d.get("bilevel") is True:
        tags.append("bilevel")
    if _number(d, "faint") > 0:
        tags.append("faint")
    if d.get("seal") is True:
        tags.append("seal")
    return tags or ["clean"]
