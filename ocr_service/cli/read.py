"""``ocr-service read FILE``: read every page of a file into documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ocr_service.config import get_settings
from ocr_service.errors import CorruptFile
from ocr_service.imaging.ingest import Limits, probe_file
from ocr_service.ocr.engines import DEFAULT_ENGINE, ENGINE_NAMES
from ocr_service.pipeline import Reader
from ocr_service.results import Document
from ocr_service.templates.loader import TemplateRegistry


def register(sub: Any) -> None:
    p = sub.add_parser("read", help="read every page of a scan file into documents")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--template", default=None, help="template id (default: classify each page)")
    p.add_argument("--json", action="store_true", help="print the JSON contract")
    p.add_argument("--debug-dir", type=Path, default=None, help="write each stage's image here")
    p.add_argument(
        "--engine",
        default=DEFAULT_ENGINE,
        choices=ENGINE_NAMES,
        help="hybrid: PP-OCR for text lines, Tesseract for boxes and blocks (default)",
    )
    p.add_argument("--templates-dir", type=Path, default=None)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_read)


def cmd_read(args: argparse.Namespace) -> int:
    """Read with the upload limits (``OCR_MAX_UPLOAD_BYTES``, ``OCR_MAX_PAGES``,
    ``OCR_MAX_PIXELS``): a file the service would refuse is refused here too."""
    limits = Limits.from_settings(get_settings())
    reader = Reader(
        registry=TemplateRegistry(args.templates_dir), engine_name=args.engine, limits=limits
    )
    if args.template:
        reader.registry.get(args.template)  # fail early on an unknown id
    documents: list[Document] = []
    for path in args.files:
        if not path.is_file():
            raise CorruptFile(f"{path}: no such file")
        pages = probe_file(path, limits).pages
        show = not args.no_progress and pages > 1 and sys.stderr.isatty()
        with tqdm(total=pages, desc=path.name, unit="page", disable=not show) as bar:

            def progress(done: int, total: int, bar: tqdm[Any] = bar) -> None:
                bar.update(done - bar.n)

            documents.extend(
                reader.read_file(
                    path, template_id=args.template, debug_dir=args.debug_dir, progress=progress
                )
            )
    if args.json:
        print(json.dumps([d.to_dict() for d in documents], ensure_ascii=False, indent=2))
    else:
        for n, doc in enumerate(documents, start=1):
            print_table(n, doc)
    return 0


def print_table(n: int, doc: Document) -> None:
    flagged = sum(f.flagged for f in doc.fields.values())
    pages = ", ".join(str(p.source_page) for p in doc.pages)
    print(
        f"document {n}: {doc.template_id} v{doc.template_version} (source page {pages}), "
        f"{flagged} of {len(doc.fields)} fields flagged"
    )
    width = max((len(name) for name in doc.fields), default=10)
    for name, f in doc.fields.items():
        mark = "!" if f.flagged else " "
        value = "" if f.value is None else str(f.value)
        reasons = f"  <- {', '.join(f.reasons)}" if f.reasons else ""
        print(f" {mark} {name:<{width}}  {f.confidence:4.2f}  {value}{reasons}")
    print()
