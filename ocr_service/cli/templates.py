"""``ocr-service templates ...``: list, check, show, preview and author templates.

``preview`` and ``new`` import OpenCV when they run, so ``list``, ``check`` and ``show``
start without it (see :mod:`ocr_service.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ocr_service.cli import add_command
from ocr_service.errors import OcrServiceError, TemplateInvalid
from ocr_service.templates.loader import TemplateRegistry, load_template


def register(sub: Any) -> None:
    p = add_command(sub, "templates")
    p.add_argument(
        "--dir", type=Path, default=None, help="templates folder (default: templates_forms)"
    )
    tsub = p.add_subparsers(dest="templates_command", metavar="ACTION", required=True)

    ls = tsub.add_parser("list", help="list templates")
    ls.set_defaults(func=cmd_list)

    check = tsub.add_parser("check", help="validate one template, or all of them")
    check.add_argument("id", nargs="?")
    check.set_defaults(func=cmd_check)

    show = tsub.add_parser("show", help="show one template")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="print the JSON contract")
    show.set_defaults(func=cmd_show)

    preview = tsub.add_parser("preview", help="draw every zone on the reference image")
    preview.add_argument("id")
    preview.add_argument("-o", "--output", type=Path, required=True, help="output PNG")
    preview.add_argument("--page", type=int, default=1)
    preview.set_defaults(func=cmd_preview)

    new = tsub.add_parser(
        "new", help="create a template from a blank form, proposing zones from its ruled lines"
    )
    new.add_argument("id")
    new.add_argument("--reference", type=Path, required=True, help="blank form: PDF or PNG")
    new.add_argument("--dpi", type=int, default=200)
    new.add_argument("--pages", type=str, default=None, help="pages to use, e.g. 1 or 1,2")
    new.add_argument("--name", type=str, default=None)
    new.add_argument("--force", action="store_true", help="overwrite an existing template")
    new.set_defaults(func=cmd_new)


def _registry(args: argparse.Namespace) -> TemplateRegistry:
    return TemplateRegistry(args.dir)


def cmd_list(args: argparse.Namespace) -> int:
    reg = _registry(args)
    for tid in reg.ids():
        try:
            t = reg.get(tid).template
            print(f"{tid}\tv{t.version}\t{len(t.pages)} page(s)\t{len(t.fields)} fields\t{t.name}")
        except OcrServiceError as exc:
            print(f"{tid}\tINVALID\t{exc.message}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    reg = _registry(args)
    ids = [args.id] if args.id else reg.ids()
    if not ids:
        print(f"no templates found in {reg.root}", file=sys.stderr)
        return 1
    bad = 0
    for tid in ids:
        folder = reg.root / tid
        try:
            loaded = load_template(folder)
        except TemplateInvalid as exc:
            bad += 1
            print(f"FAIL {tid}: {exc.message}")
            continue
        t = loaded.template
        print(f"ok   {tid}: {len(t.fields)} fields on {len(t.pages)} page(s)")
    return 1 if bad else 0


def cmd_show(args: argparse.Namespace) -> int:
    loaded = _registry(args).get(args.id)
    contract = loaded.template.contract(loaded.folder)
    if args.json:
        print(json.dumps(contract, ensure_ascii=False, indent=2))
        return 0
    t = loaded.template
    print(f"{t.id} (v{t.version}): {t.name}")
    if t.source:
        print(f"source: {t.source}")
    for f in t.fields:
        req = "required" if f.required else "optional"
        print(
            f"  p{f.page} {f.name:<28} {f.type.value:<12} {f.language.value:<8} {req:<9} {f.label}"
        )
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    import cv2
    import numpy as np

    from ocr_service.imaging.debug import draw_zones

    loaded = _registry(args).get(args.id)
    t = loaded.template
    if not 1 <= args.page <= len(t.pages):
        raise TemplateInvalid(f"template {t.id} has no page {args.page}")
    gray = cv2.imread(str(loaded.reference_path(args.page)), cv2.IMREAD_GRAYSCALE)
    canvas = draw_zones(np.asarray(gray, np.uint8), t.fields_on(args.page))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.output), canvas)
    print(f"wrote {args.output} ({len(t.fields_on(args.page))} zones on page {args.page})")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from ocr_service.templates.author import new_template

    reg = _registry(args)
    pages = [int(p) for p in args.pages.split(",")] if args.pages else None
    folder, count = new_template(
        args.id,
        args.reference,
        reg.root,
        dpi=args.dpi,
        pages=pages,
        name=args.name,
        force=args.force,
    )
    print(f"created {folder} with {count} proposed zones")
    print("next: name and type each field in template.yaml, then run")
    print(f"  ocr-service templates preview {args.id} -o {args.id}.png")
    print(f"  ocr-service templates check {args.id}")
    return 0
