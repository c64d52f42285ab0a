"""Request and response models of API v1 (``XPublic`` for what the API returns)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

EXAMPLE_UPLOAD_ID = "6f1c2e0a-8a43-4a51-9d1b-3f1f0c6a9b10"
EXAMPLE_DOCUMENT_ID = "0b7e6d9c-2f0e-4b61-8f5e-5d8a3c1e7a42"
EXAMPLE_TIME = "2026-01-15T09:30:12.345678Z"


class ErrorPublic(BaseModel):
    code: str = Field(examples=["unsupported_file_type"])
    message: str = Field(examples=["the bytes are not a PDF, TIFF, PNG or JPEG"])
    details: dict[str, Any] | None = None


class ErrorBody(BaseModel):
    """Every error answer has this shape."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"error": {"code": "template_not_found", "message": "unknown template 'x'"}}
            ]
        }
    )
    error: ErrorPublic


class PagePublic(BaseModel):
    index: int = Field(description="0-based page index in the uploaded file")
    sheet: int = Field(description="1-based sheet number (index + 1), the one people see")
    status: str = Field(
        examples=["done"],
        description="queued, processing, done, failed (refused: see error) or not_a_form "
        "(refused, then marked by a clerk as not a form)",
    )
    document_id: str | None
    attempts: int
    template: str | None = Field(
        default=None,
        description='the template a clerk chose to read this sheet again with ("*": '
        "classify); null if never read again",
    )
    error: ErrorPublic | None = Field(
        default=None,
        description="why the sheet was refused: a stable code (blank_page, template_mismatch, "
        "no_template_matched, unreadable_page, ...), a message a clerk can act on in the "
        "request's language (Accept-Language; Japanese by default), and details.detail, the "
        "technical reason",
    )


class PageCountsPublic(BaseModel):
    total: int
    done: int = Field(description="pages read (their documents need review or are verified)")
    failed: int = Field(description="pages that could not be read (see each page's error)")
    not_a_form: int = Field(default=0, description="refused pages a clerk marked as not a form")
    pending: int = Field(description="pages still queued or being read")


UPLOAD_STATUS = (
    "queued, processing, done (every page read), done_with_failures (every page finished, "
    "some failed) or failed (every page failed)"
)


class UploadSummary(BaseModel):
    """An upload without its pages (the items of ``GET /v1/uploads``)."""

    id: str
    status: str = Field(description=UPLOAD_STATUS)
    sha256: str
    template: str | None
    external_ref: str | None
    filename: str
    size: int
    mime: str
    pages_total: int
    pages_done: int = Field(description="pages finished, read or failed")
    page_counts: PageCountsPublic
    error: ErrorPublic | None = None
    created_at: datetime
    updated_at: datetime


class UploadList(BaseModel):
    items: list[UploadSummary] = Field(description="newest first")
    next_cursor: str | None = Field(description="pass as ?cursor= for the next (older) page")
    has_more: bool


class UploadPublic(UploadSummary):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": EXAMPLE_UPLOAD_ID,
                    "status": "processing",
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "template": "jp_tennyu",
                    "external_ref": "window-3/2026-01-15/0042",
                    "filename": "scan-0042.pdf",
                    "size": 482133,
                    "mime": "application/pdf",
                    "pages_total": 2,
                    "pages_done": 1,
                    "page_counts": {"total": 2, "done": 1, "failed": 0, "pending": 1},
                    "document_ids": [EXAMPLE_DOCUMENT_ID, "5c0f3c1e-1d0b-4d8e-9f84-2a9c8c1f0e11"],
                    "pages": [
                        {
                            "index": 0,
                            "sheet": 1,
                            "status": "done",
                            "document_id": EXAMPLE_DOCUMENT_ID,
                            "attempts": 1,
                            "error": None,
                        },
                        {
                            "index": 1,
                            "sheet": 2,
                            "status": "queued",
                            "document_id": "5c0f3c1e-1d0b-4d8e-9f84-2a9c8c1f0e11",
                            "attempts": 0,
                            "error": None,
                        },
                    ],
                    "error": None,
                    "created_at": EXAMPLE_TIME,
                    "updated_at": EXAMPLE_TIME,
                }
            ]
        },
    )
    document_ids: list[str]
    pages: list[PagePublic]


class SheetReread(BaseModel):
    """Read a refused sheet again."""

    model_config = ConfigDict(extra="forbid")
    template: str | None = Field(
        default=None, description="template id to read the sheet with; omit to classify"
    )


class TemplateRef(BaseModel):
    id: str
    version: str | int


class FieldPublic(BaseModel):
    value: str | bool | None
    raw_text: str
    confidence: float
    flagged: bool
    reasons: list[str]
    page: int
    bbox: list[int]
    resolved: bool = False
    suggestion: str | None = None
    rules: list[str] = Field(
        default_factory=list,
        description="ids of the reading rules that changed something on the way to this "
        "value (see the rule table in docs/bench/ablation.md)",
    )


class DocumentPublic(BaseModel):
    """The ``read --json`` document (``template``, ``pages``, ``fields``) plus service keys."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": EXAMPLE_DOCUMENT_ID,
                    "upload_id": EXAMPLE_UPLOAD_ID,
                    "page_index": 0,
                    "sheet": 1,
                    "external_ref": "window-3/2026-01-15/0042",
                    "status": "needs_review",
                    "version": 2,
                    "template": {"id": "jp_tennyu", "version": 1},
                    "pages": [
                        {
                            "page": 1,
                            "source_page": 1,
                            "rotation": 0.0,
                            "skew": 0.4,
                            "registration": {"inliers": 412, "error_px": 1.2, "score": 0.93},
                        }
                    ],
                    "fields": {
                        "name_kana": {
                            "value": "ヤマダ タロウ",
                            "raw_text": "ヤマダ タロウ",
                            "confidence": 0.91,
                            "flagged": False,
                            "reasons": [],
                            "page": 1,
                            "bbox": [120, 340, 900, 80],
                            "resolved": False,
                        }
                    },
                    "data": {"name_kana": "ヤマダ タロウ"},
                    "error": None,
                    "created_at": EXAMPLE_TIME,
                    "updated_at": EXAMPLE_TIME,
                }
            ]
        }
    )
    id: str
    upload_id: str
    page_index: int = Field(description="0-based page index in the uploaded file")
    sheet: int = Field(description="1-based sheet number in the uploaded file (page_index + 1)")
    external_ref: str | None = Field(description="the upload's external_ref, as sent")
    status: str = Field(description="queued, processing, needs_review, verified or failed")
    version: int = Field(description="bumped on every change (optimistic locking)")
    template: TemplateRef | None
    pages: list[dict[str, Any]]
    fields: dict[str, FieldPublic]
    data: dict[str, str | bool | None]
    error: ErrorPublic | None = None
    created_at: datetime
    updated_at: datetime


class DocumentFeed(BaseModel):
    items: list[DocumentPublic]
    next_cursor: str | None = Field(
        description="pass as ?cursor= to continue; keep polling with it to get later changes"
    )
    has_more: bool = Field(description="more documents are waiting right now")


class TemplateSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "jp_tennyu", "name": "転入届", "version": 1, "pages": 1, "fields": 18}
            ]
        }
    )
    id: str
    name: str
    version: str | int
    description: str = ""
    pages: int
    fields: int


class HealthPublic(BaseModel):
    status: str = Field(examples=["ok"])
    checks: dict[str, str] = Field(default_factory=dict, examples=[{"database": "ok"}])
