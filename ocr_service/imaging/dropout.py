"""Drop out the printed blank form so only what was written remains.

After registration the scan lies in reference geometry. Two steps:

* ``flatten_background`` divides by a smooth estimate of the paper, so grey
  photos, shadows and faint scans become ink on white;
* ``drop_out_form`` whitens every pixel where the blank reference has printed ink,
  dilated by a couple of pixels to absorb residual registration error and the
  thickening that blur and JPEG give printed lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

GrayImage = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]

DROPOUT_DILATE_PX = 2


@dataclass(frozen=True)
class FormMask:
    ink: Mask
    """The blank form's printed ink."""
    dilated: Mask
    """The same, grown by DROPOUT_DILATE_PX: the pixels dropout whitens."""


def form_mask(reference_ink: Mask, dilate_px: int = DROPOUT_DILATE_PX) -> FormMask:
    k = 2 * dilate_px + 1
    grown = cv2.dilate(reference_ink.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    return FormMask(ink=reference_ink, dilated=grown)


def flatten_background(gray: GrayImage) -> GrayImage:
    """Normalize uneven paper brightness to white, keeping ink contrast."""
    h, w = gray.shape
    small = cv2.resize(gray, (max(w // 8, 1), max(h // 8, 1)), interpolation=cv2.INTER_AREA)
    # paper is the bright majority: a closing (max filter) removes ink, a blur smooths
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), 3)
    paper = np.asarray(cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR), np.uint8)
    np.maximum(paper, 1, out=paper)
    # gray / paper * 255, saturated, in one pass (half the time of float arithmetic;
    # the same to within one grey level)
    flat = cv2.divide(gray, paper, scale=255.0)
    return np.asarray(flat, dtype=np.uint8)


def drop_out_form(gray: GrayImage, mask: FormMask) -> GrayImage:
    out = gray.copy()
    out[mask.dilated] = 255
    return out
