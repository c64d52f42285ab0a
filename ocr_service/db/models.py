"""Tables, as typed SQLAlchemy 2 models. Plain data: no behaviour beyond column defaults.

Timestamps are timezone-aware UTC everywhere (also on SQLite, through :class:`UtcDateTime`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; gives back aware UTC datetimes on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class UploadStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    """Every page finished and every page was read."""
    DONE_WITH_FAILURES = "done_with_failures"
    """Every page finished; some were read, some failed (see the page errors)."""
    FAILED = "failed"
    """Every page finished and none could be read."""


FINISHED_UPLOAD = (UploadStatus.DONE, UploadStatus.DONE_WITH_FAILURES, UploadStatus.FAILED)


class PageStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"
    NOT_A_FORM = "not_a_form"
    """Refused, then marked by a clerk as not a form (a cover sheet, a separator): finished,
    and not counted as a failure of its upload."""


FINISHED_PAGE = (PageStatus.DONE, PageStatus.FAILED, PageStatus.NOT_A_FORM)
CLASSIFY = "*"
"""``pages.template`` when a clerk asked to read the page again with no template: classify
it among all templates, whatever the upload's template."""


class DocumentStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    NEEDS_REVIEW = "needs_review"
    VERIFIED = "verified"
    INCOMPLETE = "incomplete"
    """Returned by a reviewer as 不備 (``incomplete_reason`` says why): out of the review
    queue and out of the verified feed until a senior reopens it."""
    FAILED = "failed"
    PURGED = "purged"
    """Past retention: image and values deleted (``ocr-service purge``); ids and audit kept."""


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """The public prefix id that starts the key (``ocr_<id>_<secret>``)."""
    key_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class Upload(Base):
    __tablename__ = "uploads"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_uploads_dedupe_key"),
        Index("ix_uploads_created", "created_at", "id"),  # GET /v1/uploads, newest first
        Index("ix_uploads_external_ref", "external_ref"),  # migration 0004
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    template: Mapped[str | None] = mapped_column(String(100))
    dedupe_key: Mapped[str] = mapped_column(String(300))
    """``sha256:template:submitter``: the same file sent again gives the same upload."""
    external_ref: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(32), default=UploadStatus.QUEUED)
    """An :class:`UploadStatus` (32 characters since migration 0004: ``done_with_failures``)."""
    pages_total: Mapped[int] = mapped_column(Integer)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("upload_id", "index", name="uq_pages_upload_index"),
        Index("ix_pages_status_updated", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    upload_id: Mapped[str] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    """0-based page index in the source file."""
    status: Mapped[str] = mapped_column(String(16), default=PageStatus.QUEUED)
    document_id: Mapped[str | None] = mapped_column(String(36))
    template: Mapped[str | None] = mapped_column(String(100))
    """The template a clerk chose to read this page again with (migration 0006):
    :data:`CLASSIFY` to classify it; ``None`` (never re-read): the upload's template."""
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("upload_id", "page_index", name="uq_documents_upload_page"),
        Index("ix_documents_feed", "updated_at", "id"),
        Index("ix_documents_template_feed", "template_id", "updated_at", "id"),
        Index("ix_documents_status_feed", "status", "updated_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    upload_id: Mapped[str] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"))
    page_index: Mapped[int] = mapped_column(Integer)
    template_id: Mapped[str | None] = mapped_column(String(100))
    template_version: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.QUEUED)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[list[Any]] = mapped_column(default=list)
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    """The straightened page PNG in storage (for review crops)."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    """Optimistic lock for whole-document actions (不備, reopen): every change bumps it."""
    incomplete_reason: Mapped[str | None] = mapped_column(Text)
    """Why a reviewer returned the document as 不備 (migration 0005)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FieldRow(Base):
    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("document_id", "name", name="uq_fields_document_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    raw_text: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    suggestion: Mapped[str | None] = mapped_column(Text)
    page: Mapped[int] = mapped_column(Integer, default=1)
    bbox: Mapped[list[Any]] = mapped_column(default=list)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    """Ids of the reading rules that fired on the field (migration 0003)."""
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """Optimistic lock of one field (migration 0005): every resolution of it bumps it."""
    lease_holder: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(default=None)


class AuditEntry(Base):
    """Append-only: the service only inserts; PostgreSQL rejects UPDATE/DELETE by trigger."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str | None] = mapped_column(String(36), index=True)
    field: Mapped[str | None] = mapped_column(String(100))
    actor: Mapped[str | None] = mapped_column(String(32))
    """API key id, or ``None`` for the system (worker, reconcile)."""
    action: Mapped[str] = mapped_column(String(32))
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    new: Mapped[Any] = mapped_column(JSON, nullable=True)
    reasons: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


# -- webhooks (migration 0002) ---------------------------------------------------------
class WebhookEvent(StrEnum):
    DOCUMENT_VERIFIED = "document.verified"
    DOCUMENT_FAILED = "document.failed"
    DOCUMENT_REOPENED = "document.reopened"
    UPLOAD_DONE = "upload.done"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[Any]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(String(200), default="")
    secret_salt: Mapped[str] = mapped_column(String(64))
    """The signing secret is derived from this and ``OCR_SECRET_KEY``; it is never stored."""
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    """Removed webhooks stop receiving events; their delivery log stays."""


class WebhookDelivery(Base):
    """One event for one webhook; delivered at most once per ``(webhook_id, event_id)``."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
        Index("ix_webhook_deliveries_webhook_created", "webhook_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class WebhookAttempt(Base):
    """One HTTP attempt of a delivery: when, how long, what the receiver answered."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
