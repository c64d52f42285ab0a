"""What an export row holds, shared by the CSV and the ``.xlsx`` export.

A row is one document: six fixed columns (document and upload id, status, the time of its
last change, its 1-based sheet number in the uploaded file and the upload's
``external_ref``), then one column per template field, in template order. Each value comes
out typed (text, a date, a boolean, a whole number, a time), so the CSV writes text and
the workbook writes cells of the right type; neither guesses a type from the text.

Options (:class:`ExportOptions`): headers as field names (for programs) or as the
template's labels (for people: 氏名, 生年月日, ...), dates as ISO ``2024-04-01`` or as
和暦 ``令和6年4月1日``, and times in a configured zone (``OCR_TIMEZONE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ocr_service.reading.dates import ERAS
from ocr_service.templates.model import FieldType, Template

#: Japan counted days by the lunisolar calendar until 明治5年12月2日; the next day was
#: 1873-01-01 (明治6年1月1日). A Western date before it has no 和暦 month and day.
GREGORIAN_SINCE = dt.date(1873, 1, 1)


def wareki(date: dt.date) -> str | None:
    """``2024-04-01`` → ``令和6年4月1日``; the first year of an era is 元年
    (``2019-05-01`` → ``令和元年5月1日``). ``None`` before 1873-01-01 (see above)."""
    if date < GREGORIAN_SINCE:
        return None
    for era in ERAS:
        if date >= era.start and (era.end is None or date <= era.end):
            year = date.year - era.start.year + 1
            return f"{era.name}{'元' if year == 1 else year}年{date.month}月{date.day}日"
    return None  # unreachable: 明治 began before GREGORIAN_SINCE


class HeaderStyle(StrEnum):
    NAMES = "names"
    """Field names (``surname``): stable keys for programs."""
    LABELS = "labels"
    """The template's labels (``氏名``), for people."""


class DateStyle(StrEnum):
    ISO = "iso"
    """``2024-04-01``"""
    WAREKI = "wareki"
    """``令和6年4月1日`` (和暦); a date before 1873 stays ISO."""


class Kind(StrEnum):
    """How a column's values are typed (the workbook writes a cell of this type)."""

    TEXT = "text"
    NUMBER = "number"
    """A ``number`` field: canonical decimal text; a workbook cell holds it as a number
    when that loses nothing."""
    DATE = "date"
    BOOL = "bool"
    INTEGER = "integer"
    TIMESTAMP = "timestamp"


@dataclass(frozen=True)
class ExportOptions:
    headers: HeaderStyle = HeaderStyle.NAMES
    dates: DateStyle = DateStyle.ISO
    zone: dt.tzinfo = field(default=dt.UTC)
    """Times (``updated_at``) are written in this zone."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    fixed: bool = False
    """One of the columns before the fields (a field may be named ``status`` too)."""


#: ``(key, Japanese label, kind)`` of the columns before the template's fields.
FIXED = (
    ("document_id", "書類ID", Kind.TEXT),
    ("upload_id", "受付ID", Kind.TEXT),
    ("status", "状態", Kind.TEXT),
    ("updated_at", "更新日時", Kind.TIMESTAMP),
    ("sheet", "枚目", Kind.INTEGER),
    ("external_ref", "参照番号", Kind.TEXT),
)
FIXED_KEYS = tuple(key for key, _, _ in FIXED)

_FIELD_KINDS = {
    FieldType.DATE: Kind.DATE,
    FieldType.CHECKBOX: Kind.BOOL,
    FieldType.MARK: Kind.BOOL,
    FieldType.NUMBER: Kind.NUMBER,
}


def columns(template: Template, options: ExportOptions) -> list[Column]:
    """The export's columns. Labels that repeat (or repeat a fixed column's) get the
    field name added, ``氏名 (name_2)``, so every header names one column."""
    labels = options.headers is HeaderStyle.LABELS
    out = [Column(key, label if labels else key, kind, True) for key, label, kind in FIXED]
    seen = {c.header for c in out}
    for f in template.fields:
        header = f.label if labels else f.name
        if header in seen:
            header = f"{f.label} ({f.name})"
        seen.add(header)
        out.append(Column(f.name, header, _FIELD_KINDS.get(f.type, Kind.TEXT)))
    return out


def _date_value(value: Any, options: ExportOptions) -> dt.date | str | None:
    if value is None or value == "":
        return None
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)  # not a canonical date (kept as it was stored)
    if options.dates is DateStyle.WAREKI:
        return wareki(date) or date.isoformat()
    return date


def values(
    columns: Iterable[Column], document: dict[str, Any], options: ExportOptions
) -> list[Any]:
    """One document's row: ``str``, ``bool``, ``int``, ``date``, aware ``datetime`` (in
    ``options.zone``) or ``None`` (an empty cell), column by column."""
    data = document["data"]
    fixed: dict[str, Any] = {
        "document_id": document["id"],
        "upload_id": document["upload_id"],
        "status": document["status"],
        "updated_at": document["updated_at"].astimezone(options.zone),
        "sheet": document["page_index"] + 1,
        "external_ref": document.get("external_ref"),
    }
    row: list[Any] = []
    for column in columns:
        value = fixed[column.key] if column.fixed else data.get(column.key)
        if column.kind is Kind.DATE:
            value = _date_value(value, options)
        elif column.kind is Kind.BOOL and not isinstance(value, bool | None):
            value = str(value)
        elif column.kind in (Kind.TEXT, Kind.NUMBER) and value is not None:
            value = value if isinstance(value, str) else str(value)
        row.append(value)
    return row
