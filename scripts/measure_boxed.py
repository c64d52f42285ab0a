"""Boxed digit fields only, per field: exact %, wrong-and-not-flagged %, flagged %.

    nice -n 10 python scripts/measure_boxed.py --set mnist --pages 40 --seed 77
    nice -n 10 python scripts/measure_boxed.py --set generated --pages 40 --seed 555

``--set mnist`` pastes DEVELOPMENT MNIST digits into the boxes (ocr_service.bench.mnist);
``--set generated`` reads the generator's own handwriting pages. Development seeds only
(1..99999); the held-out MNIST half is the lead's to run, so this script cannot.
``--dump`` prints each wrong or flagged field (truth and reading: generated data only).
"""

from __future__ import annotations

import argparse
import os
import random
import sys

from ocr_service.bench.compare import pipeline_outcome
from ocr_service.bench.metrics import FieldOutcome, group_by, summarize
from ocr_service.bench.mnist import (
    digit_box_fields,
    mnist_outcomes,
    plan_pages,
    templates_with_digit_boxes,
)
from ocr_service.bench.seeds import DEV
from ocr_service.bench.templates import MultiRegistry, default_dirs
from ocr_service.pipeline import Reader
from ocr_service.synth import generate

DEV_SEEDS = range(1, 100_000)


def generated_outcomes(pages: int, seed: int, level: str, reader: Reader) -> list[FieldOutcome]:
    registry = reader.registry
    outcomes: list[FieldOutcome] = []
    for index, page_seed, loaded in plan_pages(templates_with_digit_boxes(registry), pages, seed):
        sample = generate(loaded, seed=page_seed, font_style="handwriting", degrade_level=level)
        fields = reader.read_image(sample.image, template_id=loaded.id).document.fields
        outcomes.extend(
            pipeline_outcome(
                s,
                sample.truth.get(s.name),
                fields[s.name],
                page=index,
                template=loaded.id,
                font_style="handwriting",
            )
            for s in digit_box_fields(loaded)
            if sample.truth.get(s.name)
        )
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("mnist", "generated"), default="mnist")
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument("--level", default="mixed")
    parser.add_argument("--dump", action="store_true")
    args = parser.parse_args()
    if args.seed not in DEV_SEEDS:
        parser.error("only development seeds (1..99999) are measured here")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    random.seed(args.seed)
    reader = Reader(registry=MultiRegistry(default_dirs()))  # ours and forms we did not design
    if args.set == "mnist":
        outcomes = mnist_outcomes(
            pages=args.pages, seed=args.seed, split=DEV, level=args.level, reader=reader
        )
    else:
        outcomes = generated_outcomes(args.pages, args.seed, args.level, reader)
    rows = {"all": summarize(outcomes), **group_by(outcomes, lambda o: o.field)}
    print(f"{'field':22} {'n':>4} {'exact':>7} {'silent':>7} {'flagged':>8}")
    for name, st in rows.items():
        print(
            f"{name:22} {st.fields:4d} {100 * (st.accuracy or 0):6.1f}% "
            f"{100 * (st.silent_share or 0):6.2f}% {100 * (st.flagged_share or 0):7.1f}%"
        )
    if args.dump:
        for o in outcomes:
            if o.flagged or not o.correct:
                mark = "SILENT" if o.silent else ("ok" if o.correct else "wrong")
                print(
                    o.page, o.field, o.expected, o.read, mark, ",".join(o.reasons), file=sys.stderr
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
