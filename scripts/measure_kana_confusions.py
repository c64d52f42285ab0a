"""Development measurement for ocr_service.reading.kana.NEAR_RATIO (development seeds only).

Reads generated 転入届 and 給付金申請書 pages with the pipeline (the confusion rule
switched off), keeps each Japanese name and kana field's line-recognizer reading, and
prints, for a range of ratios, how many fields a "near confusable runner-up" rule would
flag: right fields (new false flags) and wrong fields not flagged otherwise (silent
errors caught)::

    python scripts/measure_kana_confusions.py --pages 40 --seed 31337 --level heavy

Run on development seeds only (1..99999); never on the held-out seeds.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from ocr_service import pipeline
from ocr_service.bench.compare import pipeline_outcome
from ocr_service.ocr.base import GrayImage, OcrEngine, OcrResult, OcrSettings, ReadingKind
from ocr_service.ocr.engines import HybridEngine
from ocr_service.reading import kana
from ocr_service.reading.page import PageImages
from ocr_service.results import FieldResult
from ocr_service.synth import generate
from ocr_service.templates.loader import TemplateRegistry
from ocr_service.templates.model import FieldSpec, FieldType, Language

RATIOS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0)
TEMPLATES = ("jp_tennyu", "jp_kyufukin")
STYLES = ("print", "handwriting")


class Recording:
    """The hybrid engine, keeping the line recognizer's readings."""

    def __init__(self, inner: HybridEngine) -> None:
        self.inner = inner
        self.name = inner.name
        self.kinds = inner.kinds
        self.lines: list[OcrResult] = []

    def read(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        result = self.inner.read(image, settings)
        if settings.kind is ReadingKind.LINE:
            self.lines.append(result)
        return result


@dataclass
class Seen:
    field: str
    correct: bool
    flagged: bool
    ratio: float
    """The highest runner-up/character probability ratio of a confusable pair."""
    expected: str = ""
    read: str = ""


def best_ratio(ocr: OcrResult, *, kana_field: bool) -> float:
    best = 0.0
    for i, (char, p) in enumerate(zip(ocr.text, ocr.char_confidences, strict=False)):
        if not kana_field and not kana.is_kana(char):
            continue
        other, q = ocr.runner_up(i)
        if other and kana.confusable(char, other, kana_field=kana_field) and p > 0:
            best = max(best, q / p)
    return best


def names(spec: FieldSpec) -> bool:
    return spec.type in (FieldType.TEXT, FieldType.KANA) and spec.language is not Language.ENG


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=31337)
    parser.add_argument("--level", default="heavy")
    parser.add_argument("--show-wrong", action="store_true", help="list the wrong fields")
    args = parser.parse_args()
    if not 1 <= args.seed <= 99_999:
        raise SystemExit("development seeds only (1..99999)")
    kana.NEAR_RATIO = float("inf")  # the rule off: measure what it would do
    engine = Recording(HybridEngine())
    reader = pipeline.Reader(engine=engine)
    registry = TemplateRegistry()
    seen: list[Seen] = []
    original: Callable[[FieldSpec, PageImages, OcrEngine], FieldResult] = pipeline.read_field

    def recording_read_field(spec: FieldSpec, page: PageImages, eng: OcrEngine) -> FieldResult:
        engine.lines.clear()
        result = original(spec, page, eng)
        if names(spec) and engine.lines:
            ratio = best_ratio(engine.lines[0], kana_field=spec.type is FieldType.KANA)
            seen.append(Seen(spec.name, False, result.flagged, ratio))
        return result

    pipeline.read_field = recording_read_field  # type: ignore[assignment]
    for i in range(args.pages):
        loaded = registry.get(TEMPLATES[i % 2])
        style = STYLES[(i // 2) % 2]
        sample = generate(
            loaded, seed=args.seed * 1000 + i, font_style=style, degrade_level=args.level
        )
        start = len(seen)
        reading = reader.read_image(sample.image, template_id=loaded.id)
        for s in seen[start:]:
            spec = loaded.template.field(s.field)
            outcome = pipeline_outcome(
                spec,
                sample.truth.get(s.field),
                reading.document.fields[s.field],
                page=i,
                template=loaded.id,
                font_style=style,
            )
            s.correct = outcome.correct
            s.expected, s.read = outcome.expected, outcome.read
    right = [s for s in seen if s.correct]
    silent = [s for s in seen if not s.correct and not s.flagged]
    wrong = [s for s in seen if not s.correct]
    print(f"{len(seen)} fields: {len(wrong)} wrong, {len(silent)} of them not flagged")
    if args.show_wrong:  # generated values only: development data, no personal data
        for s in wrong:
            print(
                f"  {s.field}: {s.expected} read {s.read} flagged={s.flagged} ratio={s.ratio:.2f}"
            )
    for r in RATIOS:
        false_flags = sum(s.ratio >= r and not s.flagged for s in right)
        caught = sum(s.ratio >= r for s in silent)
        print(
            f"ratio {r:4.2f}: right fields newly flagged {false_flags}/{len(right)}, "
            f"silent errors caught {caught}/{len(silent)}, "
            f"wrong fields with it {sum(s.ratio >= r for s in wrong)}/{len(wrong)}"
        )


if __name__ == "__main__":
    main()
