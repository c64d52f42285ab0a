"""Degradation is reproducible and its homography maps reference pixels onto the scan."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from ocr_service.synth import LEVELS, DegradeOptions, degrade

GEOMETRY_ONLY = DegradeOptions(
    p_coarse_rotation=1.0, skew_typical=6.0, skew_max=15.0, p_perspective=1.0, dpis=(150, 300)
)


def _page_with_dots(points: list[tuple[int, int]]) -> np.ndarray:
    page = np.full((2339, 1654, 3), 255, dtype=np.uint8)
    for x, y in points:
        cv2.circle(page, (x, y), 6, (0, 0, 0), -1)
    return page


def _centroid(scan: np.ndarray, near: tuple[float, float]) -> tuple[float, float]:
    grey = cv2.cvtColor(scan, cv2.COLOR_BGR2GRAY)
    x, y = int(near[0]), int(near[1])
    r = 30
    patch = grey[y - r : y + r, x - r : x + r].astype(np.float64)
    window = np.where(patch < 128, 255.0 - patch, 0.0)
    ys, xs = np.mgrid[y - r : y + r, x - r : x + r]
    total = window.sum()
    return float((xs * window).sum() / total), float((ys * window).sum() / total)


def _map(h: np.ndarray, x: float, y: float) -> tuple[float, float]:
    out = cv2.perspectiveTransform(np.array([[[x, y]]], dtype=np.float64), h)[0, 0]
    return float(out[0]), float(out[1])


def test_level_none_changes_nothing() -> None:
    page = _page_with_dots([(100, 100)])
    scan, desc, h = degrade(page, rng=random.Random(1), level="none")
    assert desc["rotation"] == 0.0 and desc["skew"] == 0.0 and desc["dpi"] == 200.0
    # Only a white scanner margin is added: the homography is a whole-pixel shift.
    assert np.allclose(h[:2, :2], np.eye(2)) and np.allclose(h[2], [0, 0, 1])
    dx, dy = round(h[0, 2]), round(h[1, 2])
    assert np.allclose(h[:2, 2], [dx, dy])
    assert np.array_equal(scan[dy : dy + page.shape[0], dx : dx + page.shape[1]], page)


@pytest.mark.parametrize("seed", range(8))
def test_homography_maps_reference_points_to_scan(seed: int) -> None:
    points = [(200, 250), (1450, 300), (300, 2100), (1400, 2000), (827, 1170)]
    page = _page_with_dots(points)
    scan, desc, h = degrade(page, rng=random.Random(seed), options=GEOMETRY_ONLY)
    assert h.shape == (3, 3) and h.dtype == np.float64
    for x, y in points:
        expected = _map(h, x, y)
        found = _centroid(scan, expected)
        error = np.hypot(found[0] - expected[0], found[1] - expected[1])
        assert error < 1.5, f"seed {seed} {desc}: ({x},{y}) off by {error:.2f}px"


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_whole_page_stays_on_canvas(level: str) -> None:
    page = _page_with_dots([])
    for seed in range(6):
        scan, _, h = degrade(page, rng=random.Random(seed), level=level)
        sh, sw = scan.shape[:2]
        for x, y in [(0, 0), (1653, 0), (1653, 2338), (0, 2338)]:
            mx, my = _map(h, x, y)
            assert 0 <= mx < sw and 0 <= my < sh
        assert scan.dtype == np.uint8 and scan.ndim == 3


def test_degrade_is_deterministic() -> None:
    page = _page_with_dots([(400, 400)])
    a = degrade(page, rng=random.Random(5), level="heavy")
    b = degrade(page, rng=random.Random(5), level="heavy")
    assert np.array_equal(a[0], b[0]) and a[1] == b[1] and np.array_equal(a[2], b[2])


def test_unknown_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="degrade level"):
        degrade(_page_with_dots([]), rng=random.Random(0), level="extreme")
