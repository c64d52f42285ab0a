"""``ocr-service synth``: write filled, scanned-looking forms and their truth, to try things out."""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

from PIL import Image

from ocr_service.cli import add_command
from ocr_service.errors import InputError
from ocr_service.templates.loader import TemplateRegistry


def register(sub: Any) -> None:
    p = add_command(sub, "synth")
    p.add_argument("template", help="template id, e.g. jp_tennyu")
    p.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    p.add_argument("-n", "--count", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--font-style",
        choices=["print", "handwriting", "handwriting-distorted", "mixed"],
        default="print",
        help="handwriting-distorted: the handwriting faces, each character distorted as a "
        "hand would (mixed: print or handwriting)",
    )
    p.add_argument("--level", choices=["none", "light", "mixed", "heavy"], default="light")
    p.add_argument("--pdf", action="store_true", help="also write all pages as one PDF")
    p.set_defaults(func=cmd_synth)


def cmd_synth(args: argparse.Namespace) -> int:
    try:
        from ocr_service.synth import generate, save_sample  # needs the dev extra (Faker)
    except ModuleNotFoundError as exc:
        raise InputError(
            f"the generator needs {exc.name!r}: install the dev extra "
            "(pip install 'ocr-service[dev]')"
        ) from exc
    loaded = TemplateRegistry().get(args.template)
    seeds = random.Random(args.seed)
    pages: list[Image.Image] = []
    for i in range(args.count):
        sample = generate(
            loaded, seed=seeds.getrandbits(32), font_style=args.font_style, degrade_level=args.level
        )
        image_path, truth_path = save_sample(sample, args.out, f"{args.template}_{i + 1:03d}")
        print(f"wrote {image_path} and {truth_path} ({sample.font_style}: {sample.font})")
        if args.pdf:
            pages.append(Image.fromarray(sample.image[:, :, ::-1]))
    if pages:
        pdf = args.out / f"{args.template}.pdf"
        pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=200)
        print(f"wrote {pdf} ({len(pages)} pages)")
    return 0
