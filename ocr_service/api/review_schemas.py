"""Request and response models of the review API (``XPublic`` for what the API returns)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ocr_service.api.schemas import EXAMPLE_DOCUMENT_ID, EXAMPLE_TIME

EXAMPLE_TASK: dict[str, Any] = {
    "document_id": EXAMPLE_DOCUMENT_ID,
    "document_version": 2,
    "field_version": 1,
    "template": "jp_tennyu",
    "field": "birth_date",
    "label": "生年月日",
    "type": "date",
    "required": True,
    "options": [],
    "reasons": [{"code": "invalid_date", "text": "存在しない日付"}],
    "confidence": 0.41,
    "value": None,
    "raw_text": "昭和62年2月30日",
    "suggestion": None,
    "page": 1,
    "bbox": [348, 640, 720, 84],
    "lease": {"holder": "3f9a1c0b2d4e", "until": EXAMPLE_TIME},
    "image_url": f"/v1/documents/{EXAMPLE_DOCUMENT_ID}/fields/birth_date/image",
    "page_image_url": f"/v1/documents/{EXAMPLE_DOCUMENT_ID}/pages/1/image?field=birth_date",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TaskRefIn(Strict):
    document_id: str = Field(max_length=36)
    field: str = Field(max_length=100)


class ClaimRequest(Strict):
    template: str | None = Field(default=None, description="claim only this template's tasks")
    skip: list[TaskRefIn] = Field(
        default_factory=list,
        max_length=200,
        description="tasks to pass over (skipped by the reviewer); they come round again "
        "when nothing else is left",
    )


MAX_VALUE_CHARS = 2000
"""Longest value a reviewer may enter (the longest field of a paper form is a few
hundred characters; a 200 KB value was stored and exported)."""


class Seen(Strict):
    """Which version the change is based on: the field's (``field_version``, so changes to
    other fields of the document never conflict), the document's (``version``, the old
    whole-document lock), or both. At least one."""

    field_version: int | None = Field(
        default=None, ge=1, description="the field version the reviewer saw (task.field_version)"
    )
    version: int | None = Field(
        default=None,
        ge=1,
        description="the document version the reviewer saw; optional with field_version "
        "(then any change to the document since is a 409)",
    )

    @model_validator(mode="after")
    def _one_version(self) -> Seen:
        if self.field_version is None and self.version is None:
            raise ValueError("field_version（項目の版: task.field_version）を指定してください")
        return self


class FieldCorrection(Seen):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"value": "1987-02-28", "field_version": 1}]},
    )
    value: Annotated[str, Field(max_length=MAX_VALUE_CHARS)] | bool | None = Field(
        description="the right value; text is normalized for the field's type "
        "(令和6年4月1日 → 2024-04-01); a checkbox takes true/false, a choice one option; "
        f"at most {MAX_VALUE_CHARS} characters"
    )


class FieldAcceptance(Seen):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"field_version": 1}]}
    )


MAX_REASON_CHARS = 500


class IncompleteRequest(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"version": 3, "reason": "同意欄にチェックがない"}]},
    )
    version: int = Field(ge=1, description="the document version the reviewer saw")
    reason: str = Field(
        min_length=1, max_length=MAX_REASON_CHARS, description="why it is incomplete (不備)"
    )


class ReopenRequest(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"version": 5, "fields": ["phone"], "reason": "電話番号の誤り"}]
        },
    )
    version: int = Field(ge=1, description="the document version the senior saw")
    fields: list[Annotated[str, Field(max_length=100)]] = Field(
        min_length=1, max_length=200, description="the fields to correct (flagged again)"
    )
    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS)


class DocumentChangePublic(BaseModel):
    document_id: str
    status: str = Field(description="incomplete after 不備, needs_review after a reopen")
    version: int = Field(description="the document's new version")
    fields: list[str] = Field(description="the fields a reopen sent back to review")


class ReturnedPublic(BaseModel):
    document_id: str
    upload_id: str
    sheet: int
    external_ref: str | None
    template: str | None
    reason: str
    version: int
    returned_at: datetime


class ReturnedList(BaseModel):
    items: list[ReturnedPublic]


class ReasonPublic(BaseModel):
    code: str = Field(examples=["invalid_date"])
    text: str = Field(examples=["存在しない日付"])


class OptionPublic(BaseModel):
    value: str
    label: str | None


class LeasePublic(BaseModel):
    holder: str = Field(description="the key id of the reviewer holding the task")
    until: datetime


class TaskPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_TASK]})
    document_id: str
    document_version: int = Field(description="the document's version (for 不備 and reopen)")
    field_version: int = Field(description="send as field_version when resolving the field")
    template: str | None
    field: str
    label: str
    type: str
    required: bool
    options: list[OptionPublic]
    reasons: list[ReasonPublic]
    confidence: float
    value: str | bool | None = Field(description="the OCR value")
    raw_text: str
    suggestion: str | None = Field(description="a vocabulary near match, if any")
    page: int
    bbox: list[int]
    lease: LeasePublic | None
    image_url: str
    page_image_url: str


class TaskList(BaseModel):
    items: list[TaskPublic]
    remaining: int = Field(description="open tasks in all (leased ones included)")


class ClaimPublic(BaseModel):
    task: TaskPublic
    lease_until: datetime
    remaining: int = Field(description="open tasks, this one included")


class ResolutionPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "document_id": EXAMPLE_DOCUMENT_ID,
                    "field": "birth_date",
                    "value": "1987-02-28",
                    "field_version": 2,
                    "version": 3,
                    "status": "verified",
                    "remaining_in_document": 0,
                }
            ]
        }
    )
    document_id: str
    field: str
    value: str | bool | None
    field_version: int = Field(description="the field's new version")
    version: int = Field(description="the document's new version")
    status: str = Field(description="needs_review, or verified when this was the last task")
    remaining_in_document: int


class ActorPublic(BaseModel):
    key_id: str
    name: str | None


class HistoryEntryPublic(BaseModel):
    id: int
    at: datetime
    action: str = Field(
        description="read, fail, correct, accept, verify, incomplete (不備) or reopen"
    )
    field: str | None
    actor: ActorPublic | None = Field(description="null for the system (the worker)")
    old: Any
    new: Any
    reasons: list[str] | None = Field(description="why the field was flagged at the time")


class HistoryPublic(BaseModel):
    document_id: str
    entries: list[HistoryEntryPublic]
