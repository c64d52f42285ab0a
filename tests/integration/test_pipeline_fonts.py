"""End to end with the real Tesseract: filled scans of the shipped templates, every field type,
in print fonts and in handwriting-style fonts (Klee One, Seto, YOzFont).

The bars are deliberately below what the benchmark measures, so the test is stable, yet a
broken stage (registration, dropout, a reader, normalization) fails it at once.
"""

from __future__ import annotations

import random
from collections import defaultdict
from functools import cache

import pytest

from ocr_service.pipeline import Reader
from ocr_service.synth.degrade import degrade
from ocr_service.synth.render import pick_pen, render_with_pen
from ocr_service.synth.sample import canonical_truth
from ocr_service.synth.values import generate_values
from ocr_service.templates import FieldType, TemplateRegistry

pytestmark = pytest.mark.integration

FONTS = {
    "Noto Sans CJK JP": "print",
    "IPAMincho": "print",
    "Klee One": "handwriting",
    "SetoFont": "handwriting",
    "YOzFont N": "handwriting",
}
TEMPLATES = ("jp_tennyu", "jp_kyufukin")


@cache
def reader() -> Reader:
    return Reader()


def read_filled(template_id: str, font: str, seed: int) -> list[tuple[FieldType, bool, bool]]:
    """(type, correct, flagged) for every field of one generated, lightly degraded page."""
    loaded = TemplateRegistry().get(template_id)
    rng = random.Random(seed)
    written = generate_values(loaded.template, rng)
    pen = pick_pen(FONTS[font], rng, font=font)
    clean = render_with_pen(loaded, written, pen=pen, rng=rng)
    scan, _, _ = degrade(clean, rng=rng, level="light")
    truth = canonical_truth(loaded.template, written)
    page = reader().read_image(scan, template_id=None)
    assert page.template.id == template_id  # classified, not told
    out = []
    for spec in loaded.template.fields_on(1):
        got = page.fields[spec.name]
        out.append((spec.type, got.value == truth[spec.name], got.flagged))
    return out


@pytest.mark.parametrize("font", list(FONTS))
def test_every_type_reads_in_each_font(font: str) -> None:
    results: list[tuple[FieldType, bool, bool]] = []
    for n, template_id in enumerate(TEMPLATES):
        for k in range(2):
            results += read_filled(template_id, font, seed=1000 + 10 * n + k)
    by_type: dict[FieldType, list[bool]] = defaultdict(list)
    for ftype, correct, flagged in results:
        by_type[ftype].append(correct or flagged)  # a miss must at least be flagged
    assert set(by_type) == {
        FieldType.TEXT,
        FieldType.KANA,
        FieldType.DIGITS,
        FieldType.DATE,
        FieldType.POSTAL_CODE,
        FieldType.PHONE,
        FieldType.EMAIL,
        FieldType.CHECKBOX,
        FieldType.CHOICE,
        FieldType.BOXED,
        FieldType.MARK,
    }
    accuracy = sum(c for _, c, _ in results) / len(results)
    silent = sum((not c) and (not f) for _, c, f in results) / len(results)
    floor = 0.85 if FONTS[font] == "print" else 0.70
    assert accuracy >= floor, f"{font}: accuracy {accuracy:.1%} under {floor:.0%}"
    assert silent <= 0.05, f"{font}: {silent:.1%} of fields wrong and not flagged"
    for ftype in (FieldType.CHECKBOX, FieldType.CHOICE, FieldType.MARK, FieldType.POSTAL_CODE):
        hits = [c for t, c, _ in results if t is ftype]
        assert sum(hits) / len(hits) >= 0.75, f"{font}: {ftype.value} read right in {hits}"
