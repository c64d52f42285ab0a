"""A faded page is not blank; a blank page is, even when noisy or grey."""

from __future__ import annotations

import numpy as np
import pytest

from ocr_service.errors import BlankPage
from ocr_service.pipeline import check_ink


def _page(ink: int, paper: int = 250, noise: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(0)
    page = np.full((2339, 1654), paper, np.float32)
    for y in range(200, 2200, 60):  # ruled lines and text-like strokes
        page[y : y + 3, 100:1550] = ink
    page += rng.normal(0, noise, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("ink", [0, 120, 160])
def test_faded_print_counts_as_ink(ink: int) -> None:
    check_ink(_page(ink))


@pytest.mark.parametrize(("paper", "noise"), [(255, 0.0), (200, 0.0), (245, 12.0)])
def test_blank_pages_are_refused(paper: int, noise: float) -> None:
    with pytest.raises(BlankPage):
        check_ink(
            np.clip(
                np.full((2339, 1654), paper, np.float32)
                + np.random.default_rng(1).normal(0, noise, (2339, 1654)),
                0,
                255,
            ).astype(np.uint8)
        )
