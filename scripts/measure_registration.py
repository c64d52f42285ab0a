"""Measure registration on generated pages: zone-corner reprojection error and time per stage.

    .venv/bin/python scripts/measure_registration.py --pages 120 --level heavy

For every generated page the true reference->scan homography is known, so each zone
corner of the template is sent to the scan with it and brought back with the estimated
scan->reference homography; the distance is the error in reference pixels.
"""

from __future__ import annotations

import argparse
import json
import time

import cv2
import numpy as np

from ocr_service.errors import PageError
from ocr_service.imaging.dropout import drop_out_form, flatten_background, form_mask
from ocr_service.imaging.register import build_reference, register, scan_features, to_gray, warp
from ocr_service.synth import generate
from ocr_service.templates import TemplateRegistry


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=120)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--level", default="heavy")
    ap.add_argument("--classify", action="store_true", help="also time classification")
    args = ap.parse_args()
    registry = TemplateRegistry()
    templates = [registry.get(i) for i in ("jp_tennyu", "jp_kyufukin")]
    refs = {}
    for t in templates:
        ref = build_reference(
            t.id, np.asarray(cv2.imread(str(t.reference_path(1)), cv2.IMREAD_GRAYSCALE), np.uint8)
        )
        refs[t.id] = (ref, form_mask(ref.ink))
    errors: list[float] = []
    per_page_p95: list[float] = []
    stages: dict[str, list[float]] = {"features": [], "register": [], "warp+dropout": []}
    failures = 0
    for i in range(args.pages):
        loaded = templates[i % len(templates)]
        sample = generate(
            loaded,
            seed=args.seed * 100_000 + i,
            font_style="print" if i % 2 else "handwriting",
            degrade_level=args.level,
        )
        ref, mask = refs[loaded.id]
        gray = to_gray(sample.image)
        t = time.perf_counter()
        feats = scan_features(gray)
        stages["features"].append(time.perf_counter() - t)
        t = time.perf_counter()
        try:
            reg = register(gray, ref, feats)
        except PageError as exc:
            failures += 1
            print("FAIL", i, sample.degradation, exc.message)
            continue
        stages["register"].append(time.perf_counter() - t)
        t = time.perf_counter()
        drop_out_form(flatten_background(warp(gray, reg.homography, ref.size)), mask)
        stages["warp+dropout"].append(time.perf_counter() - t)
        pts = np.array(
            [
                [[x + dx, y + dy]]
                for f in loaded.template.fields
                for (x, y, w, h) in [f.bbox]
                for dx in (0, w)
                for dy in (0, h)
            ],
            np.float64,
        )
        assert sample.homography is not None
        back = cv2.perspectiveTransform(
            cv2.perspectiveTransform(pts, sample.homography), reg.homography
        )
        e = np.linalg.norm(back - pts, axis=2).ravel()
        errors.extend(e.tolist())
        per_page_p95.append(float(np.percentile(e, 95)))
    arr = np.array(errors)
    out = {
        "pages": args.pages,
        "level": args.level,
        "failures": failures,
        "zone_corner_error_px": {
            "p50": round(float(np.percentile(arr, 50)), 3),
            "p95": round(float(np.percentile(arr, 95)), 3),
            "max": round(float(arr.max()), 3),
        },
        "worst_page_p95_px": round(max(per_page_p95), 3),
        "seconds_per_page": {
            k: {"p50": round(float(np.median(v)), 4), "p95": round(float(np.percentile(v, 95)), 4)}
            for k, v in stages.items()
            if v
        },
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
