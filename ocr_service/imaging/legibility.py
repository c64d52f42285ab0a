"""Is a page that registered against no form too dark or too blurred to tell?

Asked only after registration has failed, so it never turns a page that could be read
into a refusal: it decides which refusal a clerk sees. A sharp, light page that matches no
form is another form (``template_mismatch``, ``no_template_matched``); a dark or blurred
one is :class:`~ocr_service.errors.UnreadablePage` ("rescan it"), not "0 of 0 feature
matches".

Measured on a quarter-size copy of the page:

* ``paper``: the 95th percentile of gray, the paper's brightness;
* ``sharpness``: the variance of the Laplacian after stretching the page's own contrast
  (1st to 95th percentile to 0-255), so a dark but sharp page is not called blurred.

Evidence (synthetic development pages from ``ocr_service.synth``, jp_tennyu, jp_kyufukin and
irs_w9, light and heavy degradation, seed 5): sharp pages measure 6,000-17,600; Gaussian blur
of sigma 4 gives 540-1,200 and sigma 6 130-370 (both still registered), sigma 8 43-135 and
sigma 12 9-37 (sigma 12 no longer registers). Darkening to 30 % (paper 76) still registered,
to 15 % (paper 38) did not. The thresholds sit between those: ``paper < 64`` is too dark,
``sharpness < 150`` too blurred.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from ocr_service.errors import PageError, UnreadablePage

MIN_PAPER = 64.0
"""Paper darker than this (95th percentile of gray) is too dark to read."""
MIN_SHARPNESS = 150.0
"""A contrast-stretched page whose Laplacian variance is below this is too blurred."""


@dataclass(frozen=True)
class Legibility:
    paper: float
    sharpness: float

    @property
    def too_dark(self) -> bool:
        return self.paper < MIN_PAPER

    @property
    def too_blurred(self) -> bool:
        return self.sharpness < MIN_SHARPNESS


def measure_legibility(gray: npt.NDArray[np.uint8]) -> Legibility:
    """The page's paper brightness and sharpness (see the module docstring)."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    values = np.asarray(small, np.float32)
    ink, paper = (float(v) for v in np.percentile(values, [1, 95]))
    stretched = np.clip((values - ink) / max(paper - ink, 1.0) * 255.0, 0, 255)
    sharpness = float(cv2.Laplacian(stretched, cv2.CV_32F).var())
    return Legibility(paper=paper, sharpness=sharpness)


def explain_refusal(gray: npt.NDArray[np.uint8], refusal: PageError) -> PageError:
    """``refusal`` (the page matched no form) as it should reach a person: an
    :class:`UnreadablePage` when the page is too dark or too blurred, else unchanged."""
    seen = measure_legibility(gray)
    if not (seen.too_dark or seen.too_blurred):
        return refusal
    why = "too dark" if seen.too_dark else "too blurred"
    return UnreadablePage(
        f"the page is {why} to be read (paper brightness {seen.paper:.0f}, sharpness "
        f"{seen.sharpness:.0f}); rescan it",
        dark=seen.too_dark,
        blurred=seen.too_blurred,
    )
