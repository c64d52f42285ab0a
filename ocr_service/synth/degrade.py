"""Make a clean filled page look scanned, faxed or photographed.

:func:`degrade` applies, in order: a red reception stamp (rarely), faint ink,
the geometry (scale to the scan dpi, phone-photo perspective, rotation by a
multiple of 90° plus a skew angle), photo lighting, blur, noise, speckle, and
either JPEG compression or a bilevel threshold. It returns the scan, a
description of what it did, and the 3x3 homography mapping reference pixel
coordinates to scan pixel coordinates.

Angles are in degrees, counter-clockwise as seen on screen (OpenCV's
``getRotationMatrix2D`` convention). ``rotation`` is the coarse orientation
(0, 90, 180, 270); ``skew`` is the small extra angle.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr_service.synth import ink
from ocr_service.synth.fonts import FALLBACK

Image = NDArray[np.uint8]
Matrix = NDArray[np.float64]
Description = dict[str, float | str | bool]

REFERENCE_DPI = 200


@dataclass(frozen=True)
class DegradeOptions:
    """Probabilities and ranges for each degradation; the defaults change nothing."""

    p_coarse_rotation: float = 0.0
    """Chance of turning the page by 90, 180 or 270 degrees."""
    skew_typical: float = 0.0
    """Most skews are uniform in ±skew_typical degrees..."""
    skew_max: float = 0.0
    """...and one in ten is uniform in ±skew_max."""
    p_perspective: float = 0.0
    perspective_max: float = 0.04
    """Largest corner displacement, as a fraction of the page size."""
    dpis: tuple[int, ...] = (REFERENCE_DPI,)
    p_blur: float = 0.0
    blur_max: float = 0.0
    """Largest gaussian sigma, in scan pixels."""
    p_noise: float = 0.0
    noise_max: float = 0.0
    """Largest gaussian noise standard deviation, in grey levels."""
    p_speckle: float = 0.0
    p_jpeg: float = 0.0
    jpeg_quality: tuple[int, int] = (40, 90)
    p_bilevel: float = 0.0
    p_faint: float = 0.0
    p_seal: float = 0.0


LEVELS: dict[str, DegradeOptions] = {
    "none": DegradeOptions(),
    "light": DegradeOptions(
        skew_typical=1.5,
        skew_max=2.0,
        dpis=(200, 300),
        p_blur=0.3,
        blur_max=0.6,
        p_noise=0.4,
        noise_max=3.0,
        p_jpeg=0.2,
        jpeg_quality=(75, 95),
        p_faint=0.05,
    ),
    "mixed": DegradeOptions(
        p_coarse_rotation=0.15,
        skew_typical=3.0,
        skew_max=8.0,
        p_perspective=0.2,
        dpis=(150, 200, 240, 300),
        p_blur=0.4,
        blur_max=1.0,
        p_noise=0.5,
        noise_max=8.0,
        p_speckle=0.2,
        p_jpeg=0.35,
        jpeg_quality=(40, 90),
        p_bilevel=0.1,
        p_faint=0.1,
        p_seal=0.05,
    ),
    "heavy": DegradeOptions(
        p_coarse_rotation=0.3,
        skew_typical=6.0,
        skew_max=15.0,
        p_perspective=0.5,
        dpis=(150, 200, 240, 300),
        p_blur=0.7,
        blur_max=1.6,
        p_noise=0.8,
        noise_max=15.0,
        p_speckle=0.4,
        p_jpeg=0.5,
        jpeg_quality=(25, 70),
        p_bilevel=0.2,
        p_faint=0.25,
        p_seal=0.15,
    ),
}


def options_for(level: str) -> DegradeOptions:
    if level not in LEVELS:
        raise ValueError(f"degrade level {level!r} is not one of {', '.join(LEVELS)}")
    return LEVELS[level]


def degrade(
    image: Image,
    *,
    rng: random.Random,
    level: str = "mixed",
    options: DegradeOptions | None = None,
) -> tuple[Image, Description, Matrix]:
    """A degraded copy of BGR ``image``, what was done, and the ref->scan homography."""
    opts = options or options_for(level)
    nprng = np.random.default_rng(rng.getrandbits(64))
    desc: Description = {"level": level if options is None else "custom"}
    page = image.copy()
    desc["seal"] = rng.random() < opts.p_seal
    if desc["seal"]:
        stamp_reception_seal(page, rng, nprng)
    faint = rng.uniform(0.35, 0.6) if rng.random() < opts.p_faint else 0.0
    desc["faint"] = round(faint, 3)
    if faint:
        page = fade(page, faint)
    scan, homography, geometry = warp(page, opts, rng)
    desc.update(geometry)
    scan = photometric(scan, opts, rng, nprng, desc, photo=bool(geometry["perspective"]))
    return scan, desc, homography


# ---------------------------------------------------------------- before geometry


def stamp_reception_seal(page: Image, rng: random.Random, nprng: np.random.Generator) -> None:
    """A red 受付 stamp centred on some ink of the page, so it overlaps writing."""
    dark = np.argwhere(page.min(axis=2) < 128)
    h, w = page.shape[:2]
    if len(dark):
        cy, cx = dark[int(nprng.integers(len(dark)))]
    else:
        cy, cx = h // 2, w // 2
    d = rng.randint(150, 230)
    mask = ink.seal_mask(rng.choice(("受付", "〇〇市", "検印")), d, FALLBACK, rng)
    ink.blend_ink(page, mask * 0.85, int(cx) - d // 2, int(cy) - d // 2, ink.SEAL_RED)


def to_uint8(values: NDArray[np.floating[Any]]) -> Image:
    return np.asarray(np.clip(values, 0, 255), dtype=np.uint8)


def fade(page: Image, strength: float) -> Image:
    """Lighter ink: every pixel moves ``strength`` of the way towards white."""
    faded = 255.0 - (255.0 - page.astype(np.float32)) * (1.0 - strength)
    return to_uint8(faded)


# ---------------------------------------------------------------- geometry


def warp(
    page: Image, opts: DegradeOptions, rng: random.Random
) -> tuple[Image, Matrix, Description]:
    """Scale, perspective and rotate ``page`` onto a canvas that holds all of it."""
    dpi = rng.choice(opts.dpis)
    scaled, to_scaled = rescale(page, dpi / REFERENCE_DPI)
    h, w = scaled.shape[:2]
    coarse = rng.choice((90, 180, 270)) if rng.random() < opts.p_coarse_rotation else 0
    limit = opts.skew_max if rng.random() < 0.1 else opts.skew_typical
    skew = rng.uniform(-limit, limit)
    amount = 0.0
    if rng.random() < opts.p_perspective:
        amount = rng.uniform(0.3, 1.0) * opts.perspective_max
    geo = rotation_matrix(w, h, coarse + skew) @ perspective_matrix(w, h, amount, rng)
    margin = rng.randint(8, 30) if not amount else round(max(w, h) * rng.uniform(0.03, 0.08))
    geo, size = fit_canvas(geo, w, h, margin)
    background = (255, 255, 255) if not amount else tuple([rng.randint(185, 215)] * 3)
    scan = cv2.warpPerspective(
        scaled,
        geo,
        size,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=background,
    )
    desc: Description = {
        "rotation": float(coarse),
        "skew": round(skew, 3),
        "perspective": round(amount, 4),
        "dpi": float(dpi),
        "background": "photo" if amount else "scanner",
    }
    return np.asarray(scan, dtype=np.uint8), geo @ to_scaled, desc


def rescale(page: Image, factor: float) -> tuple[Image, Matrix]:
    """``page`` resized by ``factor`` and the exact matrix of that resize (pixel centres)."""
    h, w = page.shape[:2]
    nw, nh = max(1, round(w * factor)), max(1, round(h * factor))
    if (nw, nh) == (w, h):
        return page, np.eye(3, dtype=np.float64)
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    out = np.asarray(cv2.resize(page, (nw, nh), interpolation=interp), dtype=np.uint8)
    sx, sy = nw / w, nh / h
    matrix = np.array(
        [[sx, 0.0, 0.5 * sx - 0.5], [0.0, sy, 0.5 * sy - 0.5], [0.0, 0.0, 1.0]], dtype=np.float64
    )
    return out, matrix


def rotation_matrix(w: int, h: int, angle: float) -> Matrix:
    affine = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
    return np.vstack([affine, [0.0, 0.0, 1.0]]).astype(np.float64)


def perspective_matrix(w: int, h: int, amount: float, rng: random.Random) -> Matrix:
    """Move each page corner by up to ``amount`` of the page size, as a hand-held photo does."""
    if not amount:
        return np.eye(3, dtype=np.float64)
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    jitter = [
        (rng.uniform(-amount, amount) * w, rng.uniform(-amount, amount) * h) for _ in range(4)
    ]
    dst = src + np.array(jitter, dtype=np.float32)
    return np.asarray(cv2.getPerspectiveTransform(src, dst), dtype=np.float64)


def fit_canvas(geo: Matrix, w: int, h: int, margin: int) -> tuple[Matrix, tuple[int, int]]:
    """Shift ``geo`` so the whole warped page lands ``margin`` px inside a new canvas."""
    corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float64)
    warped = cv2.perspectiveTransform(corners[None], geo)[0]
    x0, y0 = warped.min(axis=0)
    x1, y1 = warped.max(axis=0)
    shift = np.array([[1, 0, margin - x0], [0, 1, margin - y0], [0, 0, 1]], dtype=np.float64)
    size = (math.ceil(x1 - x0) + 2 * margin + 1, math.ceil(y1 - y0) + 2 * margin + 1)
    return shift @ geo, size


# ---------------------------------------------------------------- photometric


def photometric(
    scan: Image,
    opts: DegradeOptions,
    rng: random.Random,
    nprng: np.random.Generator,
    desc: Description,
    *,
    photo: bool,
) -> Image:
    if photo:
        scan = uneven_light(scan, rng)
    sigma = _maybe(rng, opts.p_blur, 0.3, opts.blur_max)
    desc["blur"] = round(sigma, 3)
    if sigma:
        scan = np.asarray(cv2.GaussianBlur(scan, (0, 0), sigma), dtype=np.uint8)
    std = _maybe(rng, opts.p_noise, 1.0, opts.noise_max)
    desc["noise"] = round(std, 3)
    if std:
        scan = add_noise(scan, std, nprng)
    desc["speckle"] = rng.random() < opts.p_speckle
    if desc["speckle"]:
        scan = add_speckle(scan, nprng)
    bilevel = rng.random() < opts.p_bilevel
    desc["bilevel"] = bilevel
    quality = rng.randint(*opts.jpeg_quality) if rng.random() < opts.p_jpeg and not bilevel else 0
    desc["jpeg_quality"] = float(quality)
    if bilevel:
        scan = threshold(scan)
    elif quality:
        scan = jpeg(scan, quality)
    return scan


def _maybe(rng: random.Random, p: float, low: float, high: float) -> float:
    """With probability ``p`` a value uniform in [low, high], else 0."""
    if rng.random() < p and high > 0:
        return rng.uniform(low, max(low, high))
    return 0.0


def uneven_light(scan: Image, rng: random.Random) -> Image:
    """A phone photo's light: brighter on one side, a little darker on the other."""
    h, w = scan.shape[:2]
    angle = rng.uniform(0, 2 * math.pi)
    xs = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :]
    ys = np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None]
    gradient = 1.0 - rng.uniform(0.05, 0.18) * (0.5 + math.cos(angle) * xs + math.sin(angle) * ys)
    lit = scan.astype(np.float32) * gradient[:, :, None]
    return to_uint8(lit)


def add_noise(scan: Image, std: float, nprng: np.random.Generator) -> Image:
    noise = nprng.normal(0.0, std, size=scan.shape[:2]).astype(np.float32)[:, :, None]
    return to_uint8(scan.astype(np.float32) + noise)


def add_speckle(scan: Image, nprng: np.random.Generator) -> Image:
    """Dust and toner specks: small dark dots scattered over the page."""
    out = scan.copy()
    h, w = out.shape[:2]
    count = int(nprng.integers(40, 400))
    ys = nprng.integers(0, h, count)
    xs = nprng.integers(0, w, count)
    radii = nprng.integers(1, 3, count)
    for y, x, r in zip(ys, xs, radii, strict=True):
        cv2.circle(out, (int(x), int(y)), int(r), (40, 40, 40), -1)
    return out


def threshold(scan: Image) -> Image:
    """A bilevel (fax-like) scan: Otsu threshold on grey."""
    grey = cv2.cvtColor(scan, cv2.COLOR_BGR2GRAY)
    _, bw = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return np.asarray(cv2.cvtColor(bw, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def jpeg(scan: Image, quality: int) -> Image:
    ok, buf = cv2.imencode(".jpg", scan, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        return scan.copy()
    return np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR), dtype=np.uint8)


def with_overrides(level: str, **changes: object) -> DegradeOptions:
    """The options of ``level`` with some fields changed (for tests and experiments)."""
    return replace(options_for(level), **changes)  # type: ignore[arg-type]
