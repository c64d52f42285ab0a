"""The images of one registered page that the readers work on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from ocr_service.ocr.base import GrayImage

ScalarT = TypeVar("ScalarT", bound=np.generic)
BoolArray = npt.NDArray[np.bool_]


@dataclass
class PageImages:
    registered: GrayImage
    """The scan warped into reference geometry (gray uint8, the reference's size)."""
    dropout: GrayImage
    """The same with the printed blank form removed (255 where the form has ink)."""
    form_mask: BoolArray
    """True where the printed blank form has ink (dilated a little)."""


def crop(image: npt.NDArray[ScalarT], bbox: list[int]) -> npt.NDArray[ScalarT]:
    """The ``[x, y, w, h]`` zone of an image, clipped to the image."""
    x, y, w, h = bbox
    height, width = image.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + w), min(height, y + h)
    return image[y0:y1, x0:x1]


def shrink(bbox: list[int], fraction: float, minimum: int = 1) -> list[int]:
    """The bbox with ``fraction`` of its size (at least ``minimum`` px) cut off each side."""
    x, y, w, h = bbox
    dx = max(minimum, round(w * fraction))
    dy = max(minimum, round(h * fraction))
    if w - 2 * dx < 1 or h - 2 * dy < 1:
        return list(bbox)
    return [x + dx, y + dy, w - 2 * dx, h - 2 * dy]
