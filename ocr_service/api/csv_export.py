"""CSV export: one row per document, UTF-8 with a BOM (so spreadsheet programs read the
Japanese correctly), cells that a spreadsheet would run as formulas defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from ocr_service.templates.model import Template

BOM = "\ufeff"
FIXED_COLUMNS = ["document_id", "upload_id", "status", "updated_at"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header(template: Template) -> list[str]:
    return FIXED_COLUMNS + [f.name for f in template.fields]


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def row(template: Template, document: dict[str, Any]) -> list[str]:
    data = document["data"]
    fixed = [
        document["id"],
        document["upload_id"],
        document["status"],
        document["updated_at"].isoformat(),
    ]
    return fixed + [cell(data.get(f.name)) for f in template.fields]


def render(template: Template, documents: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV text in chunks: BOM and header first, then about a hundred rows a chunk."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    buf.write(BOM)
    writer.writerow(header(template))
    for n, document in enumerate(documents, start=1):
        writer.writerow(row(template, document))
        if n % 100 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
