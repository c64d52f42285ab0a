"""Synthetic filled forms for tests and accuracy measurement.

``generate(loaded, seed=...)`` fills page 1 of a template with plausible values
(:mod:`values`), writes them in a print or handwriting font (:mod:`render`) and
makes the page look scanned or photographed (:mod:`degrade`). The result carries
the truth in the reading contract's format and the reference->scan homography.
"""

from ocr_service.reading.checks import mynumber_check_digit
from ocr_service.synth.degrade import LEVELS, DegradeOptions, degrade
from ocr_service.synth.render import render_filled
from ocr_service.synth.sample import Sample, generate, generate_set, save_sample
from ocr_service.synth.values import generate_values

__all__ = [
    "LEVELS",
    "DegradeOptions",
    "Sample",
    "degrade",
    "generate",
    "generate_set",
    "generate_values",
    "mynumber_check_digit",
    "render_filled",
    "save_sample",
]
