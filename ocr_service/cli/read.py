"""``ocr-service read FILE``: read every page of a file into documents.

:func:`cmd_read` imports the pipeline (OpenCV, the OCR engines) when it runs, so
``read --help`` starts without them (see :mod:`ocr_service.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ocr_service.cli import add_command
from ocr_service.config import get_settings
from ocr_service.errors import CorruptFile, InputError, PageError
from ocr_service.ocr.names import DEFAULT_ENGINE, ENGINE_NAMES

if TYPE_CHECKING:
    from ocr_service.results import Document

#: Exit code when some pages (or files) were read and others refused; each refusal is
#: in the output. When nothing at all could be read, the exit code is the first refusal's
#: (2 for a refused file or page, 4 for a blank page or another form; see ``errors.py``).
EXIT_SOME_REFUSED = 5

EPILOG = f"""\
--json prints JSON Lines, one object per document as soon as it is read (each shipped
form is one page, so one per page), and one per refused page or file:
  {{"file": "scan.pdf", "page": 1, "document": {{"template": ..., "pages": ..., "fields": ...}}}}
  {{"file": "scan.pdf", "page": 2, "error": {{"code": "blank_page", "message": "..."}}}}
  {{"file": "bad.pdf", "page": null, "error": {{"code": "corrupt_file", "message": "..."}}}}
"page" is the 1-based source page (the first of a multi-page document). Exit codes:
0 every page read; {EXIT_SOME_REFUSED} some pages or files refused, the others read;
2 (a refused file or page) or 4 (a blank page, another form) nothing read: the first
refusal's code; 3 unknown template; 78 a missing dependency (tessdata, model, poppler)."""


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "read",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--template", default=None, help="template id (default: classify each page)")
    p.add_argument("--json", action="store_true", help="print the JSON contract (JSON Lines)")
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


@dataclass
class Tally:
    """What a run printed: how many documents, and the refusals."""

    documents: int = 0
    refusals: list[InputError | PageError] = field(default_factory=list)

    def exit_code(self) -> int:
        if not self.refusals:
            return 0
        if self.documents:
            return EXIT_SOME_REFUSED
        return self.refusals[0].exit_code


def cmd_read(args: argparse.Namespace) -> int:
    """Read with the upload limits (``OCR_MAX_UPLOAD_BYTES``, ``OCR_MAX_PAGES``,
    ``OCR_MAX_PIXELS``): a file the service would refuse is refused here too. Each
    document and each refusal is printed as soon as it is known, so a refused page or
    file never costs the rest of the batch."""
    from tqdm import tqdm

    from ocr_service.imaging.ingest import Limits, probe_file
    from ocr_service.pipeline import PageRefusal, Reader, iter_documents
    from ocr_service.templates.loader import TemplateRegistry

    limits = Limits.from_settings(get_settings())
    reader = Reader(
        registry=TemplateRegistry(args.templates_dir), engine_name=args.engine, limits=limits
    )
    if args.template:
        reader.registry.get(args.template)  # fail early on an unknown id
    tally = Tally()
    for path in args.files:
        try:
            if not path.is_file():
                raise CorruptFile(f"{path}: no such file")
            pages = probe_file(path, limits).pages
        except InputError as exc:
            refuse(args, tally, path, None, exc)
            continue
        show = not args.no_progress and pages > 1 and sys.stderr.isatty()
        with tqdm(total=pages, desc=path.name, unit="page", disable=not show) as bar:

            def progress(done: int, total: int, bar: tqdm[Any] = bar) -> None:
                bar.update(done - bar.n)

            outcomes = reader.iter_file(
                path, template_id=args.template, debug_dir=args.debug_dir, progress=progress
            )
            for item in iter_documents(outcomes):
                if isinstance(item, PageRefusal):
                    refuse(args, tally, path, item.source_page + 1, item.error)
                    continue
                tally.documents += 1
                if args.json:
                    emit(
                        {
                            "file": str(path),
                            "page": item.pages[0].source_page,
                            "document": item.to_dict(),
                        }
                    )
                else:
                    print_table(tally.documents, item)
    return tally.exit_code()


def refuse(
    args: argparse.Namespace,
    tally: Tally,
    path: Path,
    page: int | None,
    exc: InputError | PageError,
) -> None:
    """Record and print one refused page (``page`` 1-based) or file (``page`` None)."""
    tally.refusals.append(exc)
    where = f"{path}" if page is None else f"{path} page {page}"
    print(f"error [{exc.code}]: {where}: {exc.message}", file=sys.stderr)
    if args.json:
        emit(
            {
                "file": str(path),
                "page": page,
                "error": {"code": exc.code, "message": exc.message},
            }
        )


def emit(entry: dict[str, Any]) -> None:
    print(json.dumps(entry, ensure_ascii=False), flush=True)


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
