"""End to end with the real pipeline: synthetic filled forms in a multi-page PDF go up over
HTTP, a real rq worker reads them with Tesseract, results come back via feed and CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """OCR is slow: the end-to-end run uses SQLite only (PostgreSQL is covered elsewhere)."""
    from ocr_service.db.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'ocr.db'}"
    upgrade(url)
    return url


def test_a_pdf_of_forms_becomes_one_document_per_page(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any
) -> None:
    forms = [files.form("jp_tennyu", seed=s) for s in (1, 2)] + [files.form("jp_kyufukin", 3)]
    r = client.post(
        "/v1/uploads",
        headers={"X-API-Key": api_keys["clerk"]},
        files={"file": ("batch.pdf", files.pdf(forms), "application/pdf")},
    )
    assert r.status_code == 202, r.text
    upload = r.json()
    assert upload["pages_total"] == 3
    run_worker()
    reader = {"X-API-Key": api_keys["reader"]}
    state = client.get(f"/v1/uploads/{upload['id']}", headers=reader).json()
    assert (state["status"], state["pages_done"]) == ("done", 3), state
    feed = client.get("/v1/documents", headers=reader, params={"limit": 10}).json()
    docs = {d["id"]: d for d in feed["items"]}
    assert set(docs) == set(upload["document_ids"])
    templates = [docs[d]["template"]["id"] for d in upload["document_ids"]]
    assert templates == ["jp_tennyu", "jp_tennyu", "jp_kyufukin"]
    for d in docs.values():
        assert d["status"] in ("verified", "needs_review")
        assert set(d["data"]) == set(d["fields"])
    export = client.get("/v1/exports/jp_tennyu.csv", headers=reader)
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 3
