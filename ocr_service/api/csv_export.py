"""CSV export: one row per document, UTF-8 with a BOM (so spreadsheet programs read the
Japanese correctly), cells that a spreadsheet would run as formulas defused.

The columns and their typed values come from :mod:`ocr_service.api.export_rows`; here
they become text: dates ISO (or 和暦 with ``dates=wareki``), times ISO 8601 with their
offset in the export's zone, booleans ``true``/``false``, nothing as an empty cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from ocr_service.api.export_rows import ExportOptions, columns, values
from ocr_service.templates.model import Template

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header(template: Template, options: ExportOptions | None = None) -> list[str]:
    return [c.header for c in columns(template, options or ExportOptions())]


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (a number such as ``-12``
    is just a number)."""
    return text.startswith(FORMULA_START) and not _is_number(text)


def defused(text: str) -> str:
    """``text``, with a leading ``'`` if a spreadsheet would run it as a formula."""
    return "'" + text if runs_as_formula(text) else text


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):  # dates and aware datetimes
        return value.isoformat()
    return defused(str(value))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def render(
    template: Template,
    documents: Iterable[dict[str, Any]],
    options: ExportOptions | None = None,
) -> Iterator[str]:
    """The CSV text in chunks: BOM and header first, then about a hundred rows a chunk."""
    options = options or ExportOptions()
    cols = columns(template, options)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    buf.write(BOM)
    writer.writerow([defused(c.header) for c in cols])
    for n, document in enumerate(documents, start=1):
        writer.writerow([cell(v) for v in values(cols, document, options)])
        if n % 100 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
