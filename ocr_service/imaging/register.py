"""Register a scan to a template's reference: orientation, skew, perspective and scale.

Two passes, both robust:

1. **Coarse**: ORB features on a working-size copy of both images, ratio-tested
   matches and a MAGSAC homography. ORB is rotation invariant, so a page that is
   upside down, turned 90 degrees, skewed, photographed at an angle or scanned at
   another DPI is all one homography.
2. **Fine**: the scan is warped into reference geometry and a set of distinctive
   reference patches (line junctions, box corners, printed text) is located by
   normalized cross-correlation within a small window; a second robust fit on those
   correspondences gives sub-pixel accuracy and the reported reprojection error.

A page that is not the template's form is refused: too few inliers, an implausible
homography, or a low *structure score* (the share of the blank form's printed ink
that the warped scan actually has ink on).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from ocr_service.errors import TemplateMismatch

GrayImage = npt.NDArray[np.uint8]
Matrix = npt.NDArray[np.float64]

WORK_SIDE = 1200
"""Long side, in pixels, of the working copies used for feature matching."""
ORB_FEATURES = 5000
"""Features kept on a reference (computed once) and on each scan."""
RATIO = 0.8
MIN_INLIERS = 40
MIN_SCORE = 0.9
"""Share of the blank form's printed ink found on the warped page. Measured on 120 heavily
degraded generated pages: the right form scored >= 0.993, the other Japanese form <= 0.73."""
MIN_ANCHOR_SHARE = 0.5
"""Share of the reference's distinctive patches found where the fit puts them. Same pages:
the right form >= 0.74, the other form <= 0.20."""
PATCH_HALF = 20
SEARCH = 14
MAX_ANCHORS = 160
"""The strongest distinctive patches kept per reference (the fine pass locates each one
on every page). On 120 heavily degraded pages, 160 gave a zone-corner error of p50 0.024
and p95 0.079 px (max 0.66) against 0.022 and 0.069 px (max 0.78) with all of them
(205-248 on the Japanese forms, 400 on the W-9), and no failures either way."""


@dataclass(frozen=True)
class Reference:
    """Everything registration needs from one reference page, computed once."""

    key: str
    gray: GrayImage
    scale: float
    keypoints: npt.NDArray[np.float32]
    descriptors: npt.NDArray[np.uint8]
    ink: npt.NDArray[np.bool_]
    """Where the blank form has printed ink (not dilated)."""
    anchors: npt.NDArray[np.float32]
    """Distinctive points (full-resolution reference pixels) for the fine pass."""
    matcher: cv2.FlannBasedMatcher

    @property
    def size(self) -> tuple[int, int]:
        h, w = self.gray.shape[:2]
        return w, h


@dataclass
class Registration:
    homography: Matrix
    """Maps scan pixels to reference pixels."""
    inliers: int
    matches: int
    error_px: float
    score: float
    rotation: float
    skew: float
    anchors_used: int = 0
    warped: GrayImage | None = None
    """The scan warped into reference geometry (kept so the pipeline need not warp again)."""


def to_gray(image: npt.NDArray[np.uint8]) -> GrayImage:
    if image.ndim == 2:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


def _orb() -> cv2.ORB:
    return cv2.ORB.create(nfeatures=ORB_FEATURES, scaleFactor=1.2, nlevels=8, fastThreshold=12)


def _working_copy(gray: GrayImage) -> tuple[GrayImage, float]:
    scale = WORK_SIDE / max(gray.shape[:2])
    if scale >= 1.0:
        return gray, 1.0
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.asarray(small, dtype=np.uint8), scale


def detect(gray: GrayImage) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.uint8]]:
    """ORB keypoints (as an N x 2 array) and descriptors of an 8-bit image."""
    kps, desc = _orb().detectAndCompute(gray, None)
    if desc is None or not kps:
        return np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8)
    pts = np.array([k.pt for k in kps], dtype=np.float32)
    return pts, np.asarray(desc, dtype=np.uint8)


def build_reference(key: str, reference_bgr_or_gray: npt.NDArray[np.uint8]) -> Reference:
    gray = to_gray(reference_bgr_or_gray)
    small, scale = _working_copy(gray)
    pts, desc = detect(small)
    ink = gray < 160
    anchors = _pick_anchors(gray)
    return Reference(
        key=key,
        gray=gray,
        scale=scale,
        keypoints=pts,
        descriptors=desc,
        ink=ink,
        anchors=anchors,
        matcher=build_matcher(desc),
    )


def _pick_anchors(gray: GrayImage) -> npt.NDArray[np.float32]:
    """Well-spread corner points away from the border, each a distinctive patch."""
    h, w = gray.shape
    corners = cv2.goodFeaturesToTrack(
        gray, maxCorners=400, qualityLevel=0.02, minDistance=60, blockSize=7
    )
    if corners is None:
        return np.zeros((0, 2), np.float32)
    pts = corners.reshape(-1, 2)
    margin = PATCH_HALF + SEARCH + 2
    keep = (
        (pts[:, 0] > margin)
        & (pts[:, 0] < w - margin)
        & (pts[:, 1] > margin)
        & (pts[:, 1] < h - margin)
    )
    pts = pts[keep]
    # keep patches with enough texture in both directions (not a bare straight line)
    chosen: list[npt.NDArray[np.float32]] = []
    for x, y in pts:
        xi, yi = round(float(x)), round(float(y))
        patch = gray[yi - PATCH_HALF : yi + PATCH_HALF, xi - PATCH_HALF : xi + PATCH_HALF]
        gx = np.abs(np.diff(patch.astype(np.int16), axis=1)).sum()
        gy = np.abs(np.diff(patch.astype(np.int16), axis=0)).sum()
        if min(gx, gy) > 0.25 * max(gx, gy) and patch.std() > 25:
            chosen.append(np.array([x, y], np.float32))
    if not chosen:
        return np.zeros((0, 2), np.float32)
    return np.stack(chosen[:MAX_ANCHORS]).astype(np.float32)


MATCHER_SEED = 20240601
"""Seed of the LSH index's hash functions: any constant makes a reading repeatable."""


def build_matcher(descriptors: npt.NDArray[np.uint8]) -> cv2.FlannBasedMatcher:
    """An LSH index over a reference's descriptors, built once per reference.

    Brute-force Hamming matching of 5,000 x 5,000 descriptors took ~190 ms per page and
    candidate template; the LSH index answers the same ratio test in a fraction of it.
    Eight tables without multi-probing: on 30 heavily degraded pages of the three shipped
    forms, 22 ms a page against 118 ms for six tables with one probe level, and at least
    as many homography inliers (fewest 307 against 295, median 775 against 776).

    The index's hash functions are drawn from OpenCV's per-thread random generator, so
    it is seeded first: without that, a template's index (and so a page's reading)
    depended on whatever the thread had drawn before, e.g. which pages a worker read
    earlier.
    """
    index: dict[str, bool | int | float | str] = {
        "algorithm": 6,  # FLANN_INDEX_LSH
        "table_number": 8,
        "key_size": 12,
        "multi_probe_level": 0,
    }
    matcher = cv2.FlannBasedMatcher(index, {"checks": 64})
    if len(descriptors):
        matcher.add([descriptors])
        cv2.setRNGSeed(MATCHER_SEED)
        matcher.train()
    return matcher


def _match(
    ref: Reference,
    pts: npt.NDArray[np.float32],
    desc: npt.NDArray[np.uint8],
    exhaustive: bool = False,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    if len(desc) < 8 or len(ref.descriptors) < 8:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32)
    if exhaustive:  # exact (and deterministic) nearest neighbours; ~6x slower than LSH
        knn = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(desc, ref.descriptors, k=2)
    else:
        knn = ref.matcher.knnMatch(desc, k=2)
    src: list[int] = []
    dst: list[int] = []
    for pair in knn:
        if len(pair) == 2 and pair[0].distance < RATIO * pair[1].distance:
            src.append(pair[0].queryIdx)
            dst.append(pair[0].trainIdx)
    return pts[src], ref.keypoints[dst]


ROBUST_METHODS = (getattr(cv2, "USAC_MAGSAC", cv2.RANSAC), cv2.RANSAC)
"""Tried in order. MAGSAC is the more accurate, but on about one page in thirty of a hard
perspective case it returned a wild fit with hundreds of 'inliers'; RANSAC recovers it."""


def _ransac(
    src: npt.NDArray[np.float32],
    dst: npt.NDArray[np.float32],
    threshold: float,
    method: int = ROBUST_METHODS[0],
) -> tuple[Matrix | None, npt.NDArray[np.bool_]]:
    if len(src) < 8:
        return None, np.zeros(len(src), bool)
    h, mask = cv2.findHomography(src, dst, method, threshold, maxIters=5000, confidence=0.999)
    if h is None or mask is None:
        return None, np.zeros(len(src), bool)
    inliers = mask.ravel().astype(bool)
    if inliers.sum() >= 8:  # polish: least squares over every inlier
        polished, _ = cv2.findHomography(src[inliers], dst[inliers], 0)
        if polished is not None:
            h = polished
    return np.asarray(h, np.float64), inliers


def _scale_matrix(s: float) -> Matrix:
    return np.array([[s, 0, 0], [0, s, 0], [0, 0, 1]], np.float64)


@dataclass(frozen=True)
class ScanFeatures:
    """ORB features of a scan's working copy, computed once and matched to every candidate."""

    scale: float
    keypoints: npt.NDArray[np.float32]
    descriptors: npt.NDArray[np.uint8]
    shape: tuple[int, ...]
    """Shape of the full-resolution scan."""


def scan_features(scan_gray: GrayImage) -> ScanFeatures:
    small, scale = _working_copy(scan_gray)
    pts, desc = detect(small)
    return ScanFeatures(scale=scale, keypoints=pts, descriptors=desc, shape=scan_gray.shape)


def coarse_homography(
    features: ScanFeatures, ref: Reference, *, exhaustive: bool = False
) -> tuple[Matrix | None, int, int]:
    """Full-resolution scan->reference homography from ORB features, inliers, matches.

    The first robust method whose fit is plausible wins; else the first fit found.
    """
    src, dst = _match(ref, features.keypoints, features.descriptors, exhaustive)
    first: tuple[Matrix | None, int, int] = (None, 0, len(src))
    for method in ROBUST_METHODS:
        h_small, mask = _ransac(src, dst, threshold=4.0, method=method)
        if h_small is None:
            continue
        full = np.linalg.inv(_scale_matrix(ref.scale)) @ h_small @ _scale_matrix(features.scale)
        fit = (full / full[2, 2], int(mask.sum()), len(src))
        if plausible(fit[0], features.shape, ref):
            return fit
        if first[0] is None:
            first = fit
    return first


def warp(scan_gray: GrayImage, homography: Matrix, size: tuple[int, int]) -> GrayImage:
    out = cv2.warpPerspective(scan_gray, homography, size, flags=cv2.INTER_LINEAR, borderValue=255)
    return np.asarray(out, dtype=np.uint8)


def _locate(
    scan_gray: GrayImage, homography: Matrix, ref: Reference, x: float, y: float
) -> tuple[float, float] | None:
    """Where the reference patch around (x, y) lies in the scan warped by ``homography``
    (reference pixels), or None when it is not found.

    Only the search window is warped (~200 windows of 68 x 68 px cost less than warping
    the whole page)."""
    xi, yi = round(x), round(y)
    tpl = ref.gray[yi - PATCH_HALF : yi + PATCH_HALF, xi - PATCH_HALF : xi + PATCH_HALF]
    if tpl.shape != (2 * PATCH_HALF, 2 * PATCH_HALF):
        return None
    r = PATCH_HALF + SEARCH
    to_window = np.array([[1, 0, r - xi], [0, 1, r - yi], [0, 0, 1]], np.float64) @ homography
    win = warp(scan_gray, to_window, (2 * r, 2 * r))
    _, spread = cv2.meanStdDev(win)
    if float(spread[0, 0]) < 10:
        return None
    res = np.asarray(cv2.matchTemplate(win, tpl, cv2.TM_CCOEFF_NORMED), np.float32)
    _, peak, _, loc = cv2.minMaxLoc(res)
    if peak < 0.55:
        return None
    px, py = loc
    dx = _subpixel(res, px, py, axis=1)
    dy = _subpixel(res, px, py, axis=0)
    # where the patch centred on reference (xi, yi) lies in the warped scan
    return xi + px + dx - SEARCH, yi + py + dy - SEARCH


def _subpixel(res: npt.NDArray[np.float32], px: int, py: int, axis: int) -> float:
    if axis == 1:
        if px <= 0 or px >= res.shape[1] - 1:
            return 0.0
        a, b, c = res[py, px - 1], res[py, px], res[py, px + 1]
    else:
        if py <= 0 or py >= res.shape[0] - 1:
            return 0.0
        a, b, c = res[py - 1, px], res[py, px], res[py + 1, px]
    denom = float(a - 2 * b + c)
    if abs(denom) < 1e-9:
        return 0.0
    return float(np.clip(0.5 * (a - c) / denom, -0.5, 0.5))


def refine(scan_gray: GrayImage, homography: Matrix, ref: Reference) -> tuple[Matrix, float, int]:
    """Refine a coarse homography on reference anchors; return it, its error and anchors used."""
    ref_pts: list[tuple[float, float]] = []
    warped_pts: list[tuple[float, float]] = []
    for x, y in ref.anchors:
        found = _locate(scan_gray, homography, ref, float(x), float(y))
        if found is not None:
            ref_pts.append((float(round(x)), float(round(y))))
            warped_pts.append(found)
    if len(ref_pts) < 12:
        return homography, math.nan, len(ref_pts)
    wp = np.array(warped_pts, np.float32).reshape(-1, 1, 2)
    inv = np.linalg.inv(homography)
    scan_pts = cv2.perspectiveTransform(wp, inv).reshape(-1, 2)
    rp = np.array(ref_pts, np.float32)
    h_fine, mask = _ransac(scan_pts.astype(np.float32), rp, threshold=2.0)
    if h_fine is None or mask.sum() < 12:
        return homography, math.nan, len(ref_pts)
    h_fine = h_fine / h_fine[2, 2]
    proj = cv2.perspectiveTransform(scan_pts[mask].reshape(-1, 1, 2), h_fine).reshape(-1, 2)
    err = float(np.median(np.linalg.norm(proj - rp[mask], axis=1)))
    return h_fine, err, int(mask.sum())


def structure_score(warped: GrayImage, ref: Reference) -> float:
    """Share of the blank form's printed ink that has ink under it in the warped scan."""
    if not ref.ink.any():
        return 0.0
    local = cv2.adaptiveThreshold(
        warped, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 10
    )
    dark = cv2.dilate(local, np.ones((5, 5), np.uint8)) > 0
    dark |= warped < 140
    return float((dark & ref.ink).sum() / ref.ink.sum())


def rotation_and_skew(homography: Matrix, ref: Reference) -> tuple[float, float]:
    """Page orientation (0/90/180/270) and residual skew in degrees, as the scan was."""
    inv = np.linalg.inv(homography)
    w, h = ref.size
    pts = np.array([[[w / 2, h / 2]], [[w / 2 + 100, h / 2]]], np.float64)
    a, b = cv2.perspectiveTransform(pts, inv).reshape(-1, 2)
    angle = math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))
    rotation = (round(angle / 90.0) * 90) % 360
    skew = angle - round(angle / 90.0) * 90
    return float(rotation), float(skew)


def plausible(homography: Matrix, scan_shape: tuple[int, ...], ref: Reference) -> bool:
    """Reject degenerate fits: folded, wildly stretched or tiny quadrilaterals."""
    w, h = ref.size
    corners = np.array([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]], np.float64)
    try:
        quad = cv2.perspectiveTransform(corners, np.linalg.inv(homography)).reshape(-1, 2)
    except np.linalg.LinAlgError:
        return False
    if not cv2.isContourConvex(quad.astype(np.float32).reshape(-1, 1, 2)):
        return False
    area = abs(cv2.contourArea(quad.astype(np.float32)))
    scan_area = float(scan_shape[0] * scan_shape[1])
    sides = [float(np.linalg.norm(quad[i] - quad[(i + 1) % 4])) for i in range(4)]
    aspect_ref = w / h
    aspect_quad = (sides[0] + sides[2]) / max(sides[1] + sides[3], 1e-6)
    ratio = aspect_quad / aspect_ref
    return 0.08 * scan_area < area < 4.0 * scan_area and 0.6 < ratio < 1.6


Coarse = tuple[Matrix | None, int, int]


def register(
    scan_gray: GrayImage,
    ref: Reference,
    features: ScanFeatures | None = None,
    coarse_fit: Coarse | None = None,
) -> Registration:
    """Register a scan to one reference page, or raise :class:`TemplateMismatch`.

    ``coarse_fit`` is a :func:`coarse_homography` result already computed (when
    classifying among templates), so it is not computed twice.
    """
    features = features or scan_features(scan_gray)
    if coarse_fit is None:
        coarse_fit = coarse_homography(features, ref)
    try:
        return _register_from(scan_gray, ref, coarse_fit)
    except TemplateMismatch:
        # The LSH index is approximate and built at random: about one page in a few hundred
        # got a coarse fit too far off for the fine pass. Exact matching settles it.
        return _register_from(scan_gray, ref, coarse_homography(features, ref, exhaustive=True))


def _register_from(scan_gray: GrayImage, ref: Reference, coarse_fit: Coarse) -> Registration:
    coarse, inliers, matches = coarse_fit
    if coarse is None or inliers < MIN_INLIERS or not plausible(coarse, scan_gray.shape, ref):
        raise TemplateMismatch(
            f"the page does not match template page {ref.key} ({inliers} of {matches} "
            f"feature matches agree on a plausible fit; at least {MIN_INLIERS} needed)",
            inliers=inliers,
        )
    fine, error, used = refine(scan_gray, coarse, ref)
    if not plausible(fine, scan_gray.shape, ref):
        fine, error = coarse, math.nan
    elif used < MIN_ANCHOR_SHARE * len(ref.anchors) and used >= 12:
        # a coarse fit a little too far off: the landmarks found pull it closer; go again
        fine, error, used = refine(scan_gray, fine, ref)
    share = used / max(len(ref.anchors), 1)
    if len(ref.anchors) >= 24 and share < MIN_ANCHOR_SHARE:
        raise TemplateMismatch(
            f"the page does not match template page {ref.key}: only {share:.0%} of the "
            "form's landmarks are where they should be",
            anchors=round(share, 3),
        )
    warped = warp(scan_gray, fine, ref.size)
    score = structure_score(warped, ref)
    if score < MIN_SCORE:
        raise TemplateMismatch(
            f"the page does not match template page {ref.key}: only {score:.0%} of the "
            f"form's printed lines are found on it",
            score=round(score, 3),
        )
    rotation, skew = rotation_and_skew(fine, ref)
    return Registration(
        homography=fine,
        inliers=inliers,
        matches=matches,
        error_px=error,
        score=score,
        warped=warped,
        rotation=rotation,
        skew=skew,
        anchors_used=used,
    )
