"""``.xlsx`` export: the CSV's columns as a workbook Excel opens without changing a value.

Every text value is a text cell (format ``@``), so ``0044404`` keeps its zeros and a
12-digit 個人番号 does not become ``8.45E+11``. A value is never a formula: openpyxl would
take a string starting with ``=`` for one, so each text cell is forced to type string,
and one a spreadsheet would run (``=``, ``+``, ``-``, ``@``) also gets Excel's quote prefix,
which keeps it text when someone edits the cell. Dates (ISO style) and times are date
cells, check boxes booleans, ``number`` fields numbers when that loses nothing (at most 15
significant digits, Excel's precision), otherwise text. Characters that XML cannot carry
(control characters) are dropped.

The workbook is built in a temporary file (openpyxl's write-only mode keeps memory flat),
which is removed once the answer has been sent.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ocr_service.api.csv_export import runs_as_formula
from ocr_service.api.export_rows import Column, ExportOptions, Kind, columns, values
from ocr_service.errors import InvalidValue
from ocr_service.templates.model import Template

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_576  # Excel's limit, the header row included
EXCEL_DIGITS = 15
CHUNK = 64 * 1024
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    cell.number_format = "@"
    if runs_as_formula(text):
        cell.quotePrefix = True
    return cell


def _number(text: str) -> int | float | None:
    """The number ``text`` holds, if Excel can hold it exactly."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or len(number.as_tuple().digits) > EXCEL_DIGITS:
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def cell(sheet: WriteOnlyWorksheet, column: Column, value: Any) -> Cell:
    """One typed cell of ``column`` (see the module docstring)."""
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, bool) or (column.kind is Kind.INTEGER and isinstance(value, int)):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.datetime):  # aware, in the export's zone; Excel has no zones
        out = WriteOnlyCell(sheet, value=value.replace(tzinfo=None, microsecond=0))
        out.number_format = TIME_FORMAT
        return out
    if isinstance(value, dt.date):  # a date cell: midnight, shown as a date
        out = WriteOnlyCell(sheet, value=dt.datetime.combine(value, dt.time()))
        out.number_format = DATE_FORMAT
        return out
    text = str(value)
    if column.kind is Kind.NUMBER and (number := _number(text)) is not None:
        return WriteOnlyCell(sheet, value=number)
    return _text_cell(sheet, text)


def _width(header: str) -> float:
    wide = sum(2 if ord(c) > 0x2E7F else 1 for c in header)  # CJK takes two columns
    return float(min(max(wide + 2, 12), 60))


def write(
    template: Template,
    documents: Iterable[dict[str, Any]],
    options: ExportOptions,
    out: IO[bytes],
) -> int:
    """Write the workbook to ``out``; return the number of documents written."""
    cols = columns(template, options)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=template.id[:31])
    sheet.freeze_panes = "A2"
    for n, column in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = _width(column.header)
    sheet.append([_text_cell(sheet, c.header) for c in cols])
    count = 0
    for document in documents:
        count += 1
        if count >= MAX_ROWS:
            raise InvalidValue(
                f"more than {MAX_ROWS - 1} documents, Excel's limit for one sheet; "
                "export fewer with status= or updated_after="
            )
        row = values(cols, document, options)
        sheet.append([cell(sheet, c, v) for c, v in zip(cols, row, strict=True)])
    book.save(out)
    return count


def build(
    template: Template, documents: Iterable[dict[str, Any]], options: ExportOptions
) -> IO[bytes]:
    """The workbook in a temporary file (rewound); the caller closes it."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stream() once it is sent)
    try:
        write(template, documents, options, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def stream(fh: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes in chunks; closes (and so removes) it at the end."""
    try:
        while chunk := fh.read(CHUNK):
            yield chunk
    finally:
        fh.close()
