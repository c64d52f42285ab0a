"""Debug images: each stage's output in a folder, so a person can see where a page went wrong."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from ocr_service.templates.model import FieldSpec, FieldType

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]

FLAG_COLOUR = (0, 0, 255)
OK_COLOUR = (0, 160, 0)
ZONE_COLOUR = (255, 120, 0)


class DebugSink:
    """Writes stage images as ``p<source page>_<n>_<stage>.png``; a no-op when disabled."""

    def __init__(self, folder: Path | None, source_page: int) -> None:
        self.folder = folder
        self.source_page = source_page
        self._n = 0
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def write(self, stage: str, image: Image) -> None:
        if self.folder is None:
            return
        self._n += 1
        path = self.folder / f"p{self.source_page + 1:03d}_{self._n}_{stage}.png"
        cv2.imwrite(str(path), image)
        log.debug("debug image written: %s", path)


def rotate_quarter(image: Image, rotation: float) -> Image:
    """Undo a clockwise page rotation of 0/90/180/270 degrees."""
    turns = round(rotation / 90.0) % 4
    return np.ascontiguousarray(np.rot90(image, k=turns))


def deskew(image: Image, skew: float) -> Image:
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    return np.asarray(cv2.warpAffine(image, m, (w, h), borderValue=255), dtype=np.uint8)


def draw_zones(
    gray: Image,
    fields: list[FieldSpec],
    flagged: set[str] | None = None,
    *,
    label: bool = True,
) -> Image:
    """The page with every zone drawn and labelled (red when flagged)."""
    canvas = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR) if gray.ndim == 2 else gray.copy()
    flagged = flagged or set()
    for f in fields:
        colour = FLAG_COLOUR if f.name in flagged else (OK_COLOUR if flagged else ZONE_COLOUR)
        x, y, w, h = f.bbox
        cv2.rectangle(canvas, (x, y), (x + w, y + h), colour, 2)
        subzones: list[list[int]] = []
        if f.type is FieldType.CHOICE:
            subzones = [o.bbox for o in f.options]
        elif f.type is FieldType.BOXED:
            subzones = list(f.boxes)
        for sx, sy, sw, sh in subzones:
            cv2.rectangle(canvas, (sx, sy), (sx + sw, sy + sh), colour, 1)
        if label:
            text = f"{f.name} [{f.type.value}]"
            (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1)
            ty = max(y - 4, th + 2)
            cv2.rectangle(canvas, (x, ty - th - 3), (x + tw + 4, ty + 2), (255, 255, 255), -1)
            cv2.putText(
                canvas, text, (x + 2, ty), cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, 1, cv2.LINE_AA
            )
    return np.asarray(canvas, dtype=np.uint8)
