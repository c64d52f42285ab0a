"""The distorted handwriting style: reproducible, inside its zones, really distorted, and
leaving every other style's pixels exactly as they were."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ocr_service.bench.runner import FONT_STYLES
from ocr_service.bench.templates import MultiRegistry
from ocr_service.cli import build_parser, main
from ocr_service.cli.bench import config_from
from ocr_service.synth import distort as d
from ocr_service.synth import generate, generate_values, render_filled
from ocr_service.synth.fonts import DISTORTED, FACES, available
from ocr_service.synth.ink import glyph
from ocr_service.synth.render import load_reference, pick_pen, render_with_pen
from ocr_service.templates import LoadedTemplate, load_template

TEMPLATES = Path(__file__).resolve().parents[2] / "templates_forms"

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
UNDISTORTED_PAGES = json.loads((RESOURCES / "undistorted_pages.json").read_text(encoding="utf-8"))
"""Pages drawn before the distorted style existed (see tests/resources/README.md)."""


def _loaded(template_id: str) -> LoadedTemplate:
    return load_template(TEMPLATES / template_id)


def _render(template_id: str, style: str, seed: int) -> tuple[np.ndarray, random.Random]:
    loaded = _loaded(template_id)
    rng = random.Random(seed)
    values = generate_values(loaded.template, rng)
    return render_filled(loaded, values, font_style=style, rng=rng), rng


def _ink(filled: np.ndarray, blank: np.ndarray) -> np.ndarray:
    diff = np.abs(filled.astype(np.int16) - blank.astype(np.int16)).max(axis=2)
    return np.asarray(diff > 40)


@pytest.mark.parametrize("case", UNDISTORTED_PAGES, ids=lambda c: c["template"])
def test_other_styles_render_exactly_as_before(case: dict[str, Any]) -> None:
    """The committed benchmark history was measured on these pixels."""
    loaded = _loaded(case["template"])
    rng = random.Random(case["render_seed"])
    page = render_filled(loaded, case["values"], font_style=case["font_style"], rng=rng)
    assert hashlib.sha256(page.tobytes()).hexdigest() == case["sha256"]


def test_distortion_is_deterministic_for_a_seed() -> None:
    a, _ = _render("jp_kyufukin", DISTORTED, 77)
    b, _ = _render("jp_kyufukin", DISTORTED, 77)
    assert np.array_equal(a, b)
    c, _ = _render("jp_kyufukin", DISTORTED, 78)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("template_id", ["jp_kyufukin", "irs_w9"])
def test_distorted_page_is_the_handwriting_page_distorted(template_id: str) -> None:
    """Same values, face, layout draws and degradation as ``handwriting``; other pixels."""
    plain, plain_rng = _render(template_id, "handwriting", 555)
    bent, bent_rng = _render(template_id, DISTORTED, 555)
    assert plain_rng.getstate() == bent_rng.getstate()  # the page's draws are untouched
    changed = _ink(bent, plain)
    assert changed.sum() > 2000, "distortion left the handwriting as the font drew it"
    a = generate(_loaded(template_id), seed=99, font_style="handwriting", degrade_level="mixed")
    b = generate(_loaded(template_id), seed=99, font_style=DISTORTED, degrade_level="mixed")
    assert (a.truth, a.font, a.degradation) == (b.truth, b.font, b.degradation)
    assert b.font_style == DISTORTED and not np.array_equal(a.image, b.image)


@pytest.mark.parametrize("template_id", ["jp_tennyu", "jp_kyufukin", "irs_w9"])
def test_each_field_stays_within_its_reach_and_out_of_other_zones(template_id: str) -> None:
    loaded = _loaded(template_id)
    blank = load_reference(loaded)
    specs = loaded.template.fields_on(1)
    for seed in (1, 2):
        rng = random.Random(seed)
        values = generate_values(loaded.template, rng)
        pen = pick_pen(DISTORTED, rng)
        for spec in specs:
            if values.get(spec.name) in (None, False) or spec.type.value in ("mark", "checkbox"):
                continue
            alone = {s.name: (values[s.name] if s is spec else None) for s in specs}
            ink = _ink(render_with_pen(loaded, alone, pen=pen, rng=random.Random(seed)), blank)
            x, y, w, h = spec.bbox
            r = d.REACH_MAX
            assert ink[y : y + h, x : x + w].sum() > 10, f"{spec.name} has no ink"
            outside = ink.copy()
            outside[max(0, y - r) : y + h + r, max(0, x - r) : x + w + r] = False
            assert outside.sum() == 0, f"{spec.name}: {int(outside.sum())} px beyond its reach"
            for other in specs:
                if not _overlap(other.bbox, spec.bbox):
                    spilled = int(
                        ink[
                            other.bbox[1] : other.bbox[1] + other.bbox[3],
                            other.bbox[0] : other.bbox[0] + other.bbox[2],
                        ].sum()
                    )
                    assert spilled == 0, f"{spec.name} spills {spilled} px into {other.name}"


def _overlap(a: list[int], b: list[int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_boxed_characters_stay_in_their_box_or_its_reach() -> None:
    loaded = _loaded("irs_w9")
    spec = loaded.template.field("ssn")
    blank = load_reference(loaded)
    boxes = spec.boxes
    allowed = np.zeros(blank.shape[:2], dtype=bool)
    for i, (x, y, w, h) in enumerate(boxes):
        r = d.reach([x, y, w, h], [b for j, b in enumerate(boxes) if j != i])
        allowed[y - r.top : y + h + r.bottom, x - r.left : x + w + r.right] = True
        for j, (ox, _, _, _) in enumerate(boxes):  # no reach enters the next box
            assert j == i or not (x - r.left < ox + w and ox < x + w + r.right)
    touched = 0
    for seed in range(8):
        rng = random.Random(seed)
        values = dict.fromkeys((f.name for f in loaded.template.fields), None)
        values["ssn"] = "123456789"
        pen = pick_pen(DISTORTED, rng)
        ink = _ink(render_with_pen(loaded, values, pen=pen, rng=rng), blank)
        assert not (ink & ~allowed).any()
        for x, y, w, h in boxes:
            assert ink[y : y + h, x : x + w].sum() > 10
            touched += bool(
                ink[y - 4 : y + h + 4, x - 4 : x + w + 4].sum() > ink[y : y + h, x : x + w].sum()
            )
    assert touched > 0, "no character ever reached its box's rule"


@pytest.mark.parametrize("ch", ["1", "7", "あ", "漢", "g"])
def test_distort_glyph_changes_pixels_and_cuts_no_stroke(ch: str) -> None:
    face = available("handwriting")[0]
    for seed in range(8):
        hand = d.writer(seed)
        size = 40
        mask, _, _ = glyph(face, ch, size, 0.0)
        out, pad = d.distort_glyph(mask, size, hand, random.Random(seed), weight_px=1)
        again, _ = d.distort_glyph(mask, size, hand, random.Random(seed), weight_px=1)
        assert np.array_equal(out, again)
        assert out.shape == (mask.shape[0] + 2 * pad, mask.shape[1] + 2 * pad)
        border = np.concatenate([out[0], out[-1], out[:, 0], out[:, -1]])
        assert border.max() < 0.05, "the warp pushed ink off the glyph's canvas"
        assert np.abs(out - np.pad(mask, pad)).max() > 0.5
        assert out.sum() > 0.3 * mask.sum()  # the stroke is still there


def test_reach_stops_short_of_neighbouring_zones() -> None:
    zone = [100, 100, 200, 40]
    r = d.reach(zone, [[100, 156, 200, 40], [320, 100, 50, 40], [100, 0, 200, 98]])
    assert r.bottom == 9 and r.right == 10 and r.top == 1 and r.left == d.REACH_MAX
    assert d.reach(zone, []) == d.Reach(*(4 * [d.REACH_MAX]))


def test_the_style_writes_with_every_handwriting_face() -> None:
    assert available(DISTORTED) == available("handwriting")
    assert {f.family for f in available(DISTORTED)} <= {f.family for f in FACES["handwriting"]}


def test_synth_cli_accepts_the_distorted_style(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["synth", "jp_kyufukin", "-o", str(tmp_path), "--seed", "77", "--level", "none"]
    assert main([*args, "--font-style", DISTORTED]) == 0
    meta = json.loads((tmp_path / "jp_kyufukin_001.json").read_text(encoding="utf-8"))
    assert meta["font_style"] == DISTORTED
    assert (tmp_path / "jp_kyufukin_001.png").stat().st_size > 0
    assert DISTORTED in capsys.readouterr().out


def test_bench_cli_accepts_the_distorted_style() -> None:
    registry = MultiRegistry([TEMPLATES])
    for style, expected in ((DISTORTED, (DISTORTED,)), ("all", (*FONT_STYLES, DISTORTED))):
        argv = ["bench", "--pages", "3", "--out", "/tmp/x", "--font-style", style]
        args = build_parser().parse_args(argv)
        assert config_from(args, registry).font_styles == expected


@pytest.mark.parametrize("drawn", [0.92, 1.0, 1.06])
def test_size_that_tells_characters_apart_is_kept(drawn: float) -> None:
    """A large ウ or a capital C is never written small enough to pass for ゥ or c."""
    for large in ("ウ", "つ", "C", "O"):
        lo, hi = d.scale_range(large, drawn)
        assert lo * drawn >= d.SIZE_TOLERANCE[0] and hi * drawn <= d.SIZE_TOLERANCE[1]
    for small in ("ゥ", "っ", "c", "o"):
        assert d.scale_range(small, drawn)[1] * drawn <= 1.0
    assert d.scale_range("漢", drawn) == d.SCALE_RANGE
