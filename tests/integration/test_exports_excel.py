"""Exports for Excel over HTTP after a real rq worker read the pages (issue 19, item 6):
the ``.xlsx`` keeps digit strings as text, the CSV takes ``headers=labels`` and
``dates=wareki``, times come in ``OCR_TIMEZONE`` (Asia/Tokyo here)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from ocr_service.config import Settings

pytestmark = pytest.mark.integration

VALUES = {
    "account_number": "0044404",
    "individual_number": "845123456785",  # 12 digits, a valid check digit
    "date_of_birth": "1989-01-07",
    "application_date": "2024-04-01",
    "name": "=1+1",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"timezone": "Asia/Tokyo"})


@dataclass
class ValuesReader:
    """The stand-in reader, with chosen values for some fields."""

    inner: Any
    values: dict[str, Any]

    def read_source_page(self, path: Path, index: int, *, template_id: str | None) -> Any:
        reading = self.inner.read_source_page(path, index, template_id=template_id)
        for name, value in self.values.items():
            reading.document.fields[name].value = value
        return reading


def read_two_sheets(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any, standin: Any
) -> dict[str, Any]:
    r = client.post(
        "/v1/uploads",
        headers={"X-API-Key": api_keys["clerk"]},
        files={"file": ("b.pdf", files.pdf([files.blank()] * 2), "application/pdf")},
        data={"template": "jp_kyufukin", "external_ref": "窓口-3"},
    )
    assert r.status_code == 202, r.text
    run_worker(reader=ValuesReader(standin(), VALUES))
    body: dict[str, Any] = r.json()
    return body


def test_xlsx_keeps_digit_strings_as_text(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any, standin: Any
) -> None:
    body = read_two_sheets(client, api_keys, files, run_worker, standin)
    r = client.get("/v1/exports/jp_kyufukin.xlsx", headers={"X-API-Key": api_keys["reader"]})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert r.headers["cache-control"] == "no-store"
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows())
    head = [c.value for c in rows[0]]
    assert head[:6] == ["document_id", "upload_id", "status", "updated_at", "sheet", "external_ref"]
    assert len(rows) == 3
    for row in rows[1:]:
        cells = dict(zip(head, row, strict=True))
        for name in ("account_number", "individual_number"):
            assert (cells[name].value, cells[name].data_type) == (VALUES[name], "s"), name
        assert len(cells["individual_number"].value) == 12
        assert cells["name"].value == "=1+1" and cells["name"].data_type == "s"
        assert cells["external_ref"].value == "窓口-3"
        assert cells["upload_id"].value == body["id"]
    assert sorted(row[4].value for row in rows[1:]) == [1, 2]
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()  # no formula at all
    # clerks may not export; an unknown template is a 404 in the error shape
    clerk = client.get("/v1/exports/jp_kyufukin.xlsx", headers={"X-API-Key": api_keys["clerk"]})
    assert clerk.status_code == 403
    missing = client.get("/v1/exports/nope.xlsx", headers={"X-API-Key": api_keys["reader"]})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "template_not_found")


def test_csv_with_labels_and_wareki_in_tokyo_time(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any, standin: Any
) -> None:
    read_two_sheets(client, api_keys, files, run_worker, standin)
    r = client.get(
        "/v1/exports/jp_kyufukin.csv",
        headers={"X-API-Key": api_keys["reader"]},
        params={"headers": "labels", "dates": "wareki"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    head, *rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert head[:6] == ["書類ID", "受付ID", "状態", "更新日時", "枚目", "参照番号"]
    assert {"氏名", "生年月日", "申請日", "口座番号", "個人番号"} <= set(head)
    assert len(rows) == 2
    for row in rows:
        cells = dict(zip(head, row, strict=True))
        assert (cells["生年月日"], cells["申請日"]) == ("昭和64年1月7日", "令和6年4月1日")
        assert cells["氏名"] == "'=1+1"  # formula-injection escaping kept
        assert cells["参照番号"] == "窓口-3"
        updated = datetime.fromisoformat(cells["更新日時"])
        assert updated.utcoffset() == timedelta(hours=9)
    assert sorted(row[4] for row in rows) == ["1", "2"]
    plain = client.get(
        "/v1/exports/jp_kyufukin.csv", headers={"X-API-Key": api_keys["reader"]}
    ).content.decode("utf-8-sig")
    assert "1989-01-07" in plain and "昭和" not in plain  # the defaults are unchanged
    bad = client.get(
        "/v1/exports/jp_kyufukin.csv",
        headers={"X-API-Key": api_keys["reader"]},
        params={"dates": "julian"},
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_value")
