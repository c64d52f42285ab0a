"""Export rows, 和暦 dates, CSV text and workbook cells (no database, no HTTP)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from ocr_service.api import csv_export, xlsx_export
from ocr_service.api.export_rows import DateStyle, ExportOptions, HeaderStyle, columns, wareki
from ocr_service.templates.loader import TemplateRegistry

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("iso", "expected"),
    [
        ("2024-04-01", "令和6年4月1日"),
        ("2019-05-01", "令和元年5月1日"),
        ("2019-04-30", "平成31年4月30日"),
        ("1989-01-08", "平成元年1月8日"),
        ("1989-01-07", "昭和64年1月7日"),
        ("1926-12-25", "昭和元年12月25日"),
        ("1926-12-24", "大正15年12月24日"),
        ("1912-07-30", "大正元年7月30日"),
        ("1912-07-29", "明治45年7月29日"),
        ("1873-01-01", "明治6年1月1日"),
        ("1872-12-31", None),  # the lunisolar calendar: no 和暦 day to name
    ],
)
def test_wareki_follows_the_era_boundaries(iso: str, expected: str | None) -> None:
    assert wareki(dt.date.fromisoformat(iso)) == expected


def kyufukin() -> Any:
    return TemplateRegistry(REPO / "templates_forms").get("jp_kyufukin").template


def document(**data: Any) -> dict[str, Any]:
    return {
        "id": "d1",
        "upload_id": "u1",
        "status": "verified",
        "updated_at": dt.datetime(2026, 3, 31, 15, 30, 5, 123456, tzinfo=dt.UTC),
        "page_index": 20,
        "external_ref": "窓口-3",
        "data": data,
    }


def test_csv_with_labels_wareki_and_a_zone() -> None:
    template = kyufukin()
    options = ExportOptions(
        headers=HeaderStyle.LABELS, dates=DateStyle.WAREKI, zone=ZoneInfo("Asia/Tokyo")
    )
    doc = document(date_of_birth="1989-01-07", application_date="1850-01-01", name="=cmd|x")
    text = "".join(csv_export.render(template, [doc], options))
    head, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert head[:6] == ["書類ID", "受付ID", "状態", "更新日時", "枚目", "参照番号"]
    assert head[6:] == [f.label for f in template.fields]
    cells = dict(zip(head, row, strict=True))
    assert cells["更新日時"] == "2026-04-01T00:30:05.123456+09:00"
    assert (cells["枚目"], cells["参照番号"]) == ("21", "窓口-3")
    assert cells["生年月日"] == "昭和64年1月7日"
    assert cells["申請日"] == "1850-01-01"  # before 1873: stays ISO
    assert cells["氏名"] == "'=cmd|x"  # still defused


def test_repeated_labels_name_their_field() -> None:
    template = kyufukin()
    first = template.fields[0]
    clash = template.fields[1].model_copy(update={"label": first.label})
    twice = template.model_copy(update={"fields": [first, clash]})
    headers = [c.header for c in columns(twice, ExportOptions(headers=HeaderStyle.LABELS))]
    assert headers[6:] == [first.label, f"{first.label} ({clash.name})"]


def test_workbook_keeps_digit_strings_as_text_and_writes_no_formula(tmp_path: Path) -> None:
    template = kyufukin()
    doc = document(
        account_number="0044404",
        individual_number="845123456785",
        branch_code="001",
        name='=HYPERLINK("http://x","y")',
        address="@SUM(A1)\x07",
        date_of_birth="1990-02-03",
        consent=True,
    )
    path = tmp_path / "out.xlsx"
    with path.open("wb") as fh:
        assert xlsx_export.write(template, [doc], ExportOptions(), fh) == 1
    sheet = load_workbook(path).active
    assert sheet is not None
    head = [c.value for c in sheet[1]]
    cells = dict(zip(head, sheet[2], strict=True))
    for name, value in (
        ("account_number", "0044404"),
        ("individual_number", "845123456785"),
        ("branch_code", "001"),
    ):
        assert (cells[name].value, cells[name].data_type) == (value, "s"), name
        assert cells[name].number_format == "@"
    assert cells["name"].value == '=HYPERLINK("http://x","y")'
    assert cells["name"].data_type == "s" and cells["name"].quotePrefix
    assert cells["address"].value == "@SUM(A1)"  # the control character is dropped
    assert cells["date_of_birth"].value == dt.datetime(1990, 2, 3)
    assert cells["consent"].value is True
    assert cells["sheet"].value == 21
    assert cells["updated_at"].value == dt.datetime(2026, 3, 31, 15, 30, 5)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6250", 6250), ("-1234.5", -1234.5), ("1234567890123456", None), ("x", None)],
)
def test_numbers_become_number_cells_only_when_exact(text: str, expected: Any) -> None:
    assert xlsx_export._number(text) == expected
