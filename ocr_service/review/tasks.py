"""Review tasks and their leases.

A task is a flagged, unresolved field of a document in ``needs_review``. Claiming leases
the next free task to one reviewer until ``lease_until``; an expired lease is free again.
The claim is a conditional ``UPDATE ... WHERE lease is free`` whose row count says who
won, so two reviewers never hold the same field, on SQLite and on PostgreSQL alike (on
PostgreSQL the candidate row is also picked with ``FOR UPDATE SKIP LOCKED``, so
concurrent claimers do not queue behind each other).

Tasks come oldest document first, in form order, and documents in which another reviewer
holds a lease come last, so two reviewers rarely work on the same document (when they do,
each field has its own version, so they do not get in each other's way).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Select,
    String,
    and_,
    exists,
    func,
    not_,
    or_,
    select,
    true,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session, aliased

from ocr_service.auth import Principal
from ocr_service.db.models import DocumentRow, DocumentStatus, FieldRow, utcnow
from ocr_service.errors import Conflict, InvalidValue, NotFound, TemplateNotFound
from ocr_service.reading.reasons import Reason
from ocr_service.review.texts import REOPENED, ReasonItem, reason_items
from ocr_service.templates.loader import TemplateRegistry
from ocr_service.templates.model import FieldSpec

log = logging.getLogger(__name__)

MAX_LIMIT = 500
CLAIM_ATTEMPTS = 8
"""Candidates tried before giving up when other reviewers keep winning the race."""

TaskSelect = Select[FieldRow, DocumentRow]


@dataclass(frozen=True)
class TaskRef:
    document_id: str
    field: str


@dataclass(frozen=True)
class Lease:
    holder: str
    until: datetime


@dataclass(frozen=True)
class OptionView:
    value: str
    label: str | None


@dataclass(frozen=True)
class Task:
    """One task as the API shows it (labels and types come from the template)."""

    document_id: str
    document_version: int
    field_version: int
    template: str | None
    field: str
    label: str
    type: str
    required: bool
    options: list[OptionView]
    reasons: list[ReasonItem]
    confidence: float
    value: Any
    raw_text: str
    suggestion: str | None
    page: int
    bbox: list[int]
    lease: Lease | None


@dataclass(frozen=True)
class Claim:
    task: Task
    remaining: int
    """Open tasks (this one included, and those other reviewers hold)."""


def spec_for(registry: TemplateRegistry, template_id: str | None, name: str) -> FieldSpec | None:
    """The field's spec in its template, or ``None`` if the template or field is gone."""
    if template_id is None:
        return None
    try:
        template = registry.get(template_id).template
    except TemplateNotFound:
        return None
    return next((f for f in template.fields if f.name == name), None)


def check_template(registry: TemplateRegistry, template: str | None) -> None:
    """A template filter must name a known template (a typo should not look like "done")."""
    if template is not None and template not in registry.ids():
        known = ", ".join(registry.ids()) or "none"
        raise TemplateNotFound(
            f"unknown template {template!r}; known templates: {known}", template=template
        )


def _lease_free(now: datetime) -> Any:
    return or_(FieldRow.lease_until.is_(None), FieldRow.lease_until < now)


def _open_tasks(template: str | None) -> TaskSelect:
    query = (
        select(FieldRow, DocumentRow)
        .join(DocumentRow, DocumentRow.id == FieldRow.document_id)
        .where(
            DocumentRow.status == DocumentStatus.NEEDS_REVIEW,
            FieldRow.flagged.is_(True),
            FieldRow.resolved.is_(False),
        )
    )
    return query.where(DocumentRow.template_id == template) if template else query


def _ordered(query: TaskSelect, key_id: str, now: datetime) -> TaskSelect:
    other = aliased(FieldRow)
    held_by_other = exists().where(
        other.document_id == FieldRow.document_id,
        other.lease_holder != key_id,
        other.lease_until >= now,
    )
    return query.order_by(held_by_other, DocumentRow.created_at, DocumentRow.id, FieldRow.position)


def _not_skipped(skip: Sequence[TaskRef]) -> Any:
    return and_(
        true(),
        *(
            not_(and_(FieldRow.document_id == s.document_id, FieldRow.name == s.field))
            for s in skip
        ),
    )


def to_task(registry: TemplateRegistry, field: FieldRow, document: DocumentRow) -> Task:
    spec = spec_for(registry, document.template_id, field.name)
    lease = (
        Lease(holder=field.lease_holder, until=field.lease_until)
        if field.lease_holder is not None and field.lease_until is not None
        else None
    )
    return Task(
        document_id=document.id,
        document_version=document.version,
        field_version=field.version,
        template=document.template_id,
        field=field.name,
        label=spec.label if spec else field.name,
        type=spec.type.value if spec else "text",
        required=spec.required if spec else False,
        options=[OptionView(o.value, o.label) for o in spec.options] if spec else [],
        reasons=reason_items([str(r) for r in field.reasons]),
        confidence=round(float(field.confidence), 4),
        value=field.value,
        raw_text=field.raw_text,
        suggestion=field.suggestion,
        page=field.page,
        bbox=[int(v) for v in field.bbox],
        lease=lease,
    )


def count_open(*, session: Session, template: str | None = None) -> int:
    query = _open_tasks(template).with_only_columns(func.count(FieldRow.id))
    return int(session.scalar(query) or 0)


def list_tasks(
    *,
    session: Session,
    registry: TemplateRegistry,
    template: str | None = None,
    reason: str | None = None,
    limit: int = 100,
) -> list[Task]:
    """Open tasks in claim order (leased ones included, with their lease)."""
    check_template(registry, template)
    query = _open_tasks(template)
    if reason is not None:
        codes = [r.value for r in Reason] + [REOPENED]
        if reason not in codes:
            known = ", ".join(codes)
            raise InvalidValue(
                f"理由コード {reason!r} はありません。使えるコード: {known}",
                message_en=f"unknown reason {reason!r}; known reasons: {known}",
            )
        # reasons is a JSON list; its text holds the quoted code on SQLite and PostgreSQL
        pattern = '%"' + reason.replace("_", "\\_") + '"%'
        query = query.where(sql_cast(FieldRow.reasons, String).like(pattern, escape="\\"))
    query = query.order_by(DocumentRow.created_at, DocumentRow.id, FieldRow.position)
    rows = session.execute(query.limit(max(1, min(limit, MAX_LIMIT))))
    return [to_task(registry, field, document) for field, document in rows]


def claim_next(
    *,
    session: Session,
    registry: TemplateRegistry,
    principal: Principal,
    lease: timedelta,
    template: str | None = None,
    skip: Sequence[TaskRef] = (),
) -> Claim | None:
    """Lease the next task to ``principal``; ``None`` when no task is free.

    A task the caller already holds comes back first (its lease renewed), so reloading
    the page does not strand it. Tasks in ``skip`` are passed over unless nothing else
    is free, in which case the skipped ones come round again.
    """
    check_template(registry, template)
    for exclude in (skip, ()) if skip else ((),):
        claimed = _claim(session, principal, lease, template, exclude)
        if claimed is not None:
            field, document = claimed
            task = to_task(registry, field, document)
            claim = Claim(task=task, remaining=count_open(session=session, template=template))
            session.commit()
            log.info(
                "review task claimed document=%s field=%s by=%s",
                document.id,
                field.name,
                principal.key_id,
            )
            return claim
    session.rollback()
    return None


def _claim(
    session: Session,
    principal: Principal,
    lease: timedelta,
    template: str | None,
    skip: Sequence[TaskRef],
) -> tuple[FieldRow, DocumentRow] | None:
    now = utcnow()
    base = _open_tasks(template).where(_not_skipped(skip))
    mine = base.where(FieldRow.lease_holder == principal.key_id, FieldRow.lease_until >= now)
    free = _ordered(base.where(_lease_free(now)), principal.key_id, now)
    free = free.with_for_update(skip_locked=True, of=FieldRow)
    tried: list[int] = []
    for query in [mine.order_by(FieldRow.lease_until.desc())] + [free] * CLAIM_ATTEMPTS:
        row = session.execute(query.where(FieldRow.id.not_in(tried)).limit(1)).first()
        if row is None:
            if query is free:
                return None
            continue
        field, document = row
        tried.append(field.id)
        won = session.execute(
            update(FieldRow)
            .where(
                FieldRow.id == field.id,
                FieldRow.resolved.is_(False),
                or_(_lease_free(now), FieldRow.lease_holder == principal.key_id),
            )
            .values(lease_holder=principal.key_id, lease_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], won).rowcount == 1:
            session.refresh(field)
            return field, document
    return None


def release_lease(*, session: Session, principal: Principal, document_id: str, field: str) -> None:
    """Give a task back to the pool (skip, sign out). Releasing a lease not held is a no-op;
    releasing another reviewer's live lease is a :class:`Conflict`."""
    row = session.scalar(
        select(FieldRow).where(FieldRow.document_id == document_id, FieldRow.name == field)
    )
    if row is None:
        raise NotFound(f"document {document_id!r} has no field {field!r}")
    now = utcnow()
    done = session.execute(
        update(FieldRow)
        .where(FieldRow.id == row.id, FieldRow.lease_holder == principal.key_id)
        .values(lease_holder=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    released = cast(CursorResult[Any], done).rowcount == 1
    session.commit()
    if released:
        log.info(
            "review lease released document=%s field=%s by=%s",
            document_id,
            field,
            principal.key_id,
        )
    elif row.lease_holder is not None and row.lease_until is not None and row.lease_until >= now:
        raise Conflict(
            f"field {field!r} is leased to another reviewer until {row.lease_until.isoformat()}",
            holder=row.lease_holder,
        )


def claim_field(
    *,
    session: Session,
    registry: TemplateRegistry,
    principal: Principal,
    lease: timedelta,
    document_id: str,
    field: str,
) -> Claim:
    """Lease one named task to ``principal`` (renewed if the caller holds it already).

    The field must be an open task (flagged, unresolved, its document in review); a live
    lease of another reviewer is a :class:`Conflict`.
    """
    now = utcnow()
    row = session.execute(
        _open_tasks(None).where(FieldRow.document_id == document_id, FieldRow.name == field)
    ).first()
    if row is None:
        session.rollback()
        raise NotFound(
            f"文書 {document_id!r} の項目 {field!r} は確認待ちの項目ではありません"
            "（確認済み、確認対象外、または文書が確認待ちでない）。",
            message_en=f"field {field!r} of document {document_id!r} is not an open review task",
        )
    task_field, document = row
    won = session.execute(
        update(FieldRow)
        .where(
            FieldRow.id == task_field.id,
            FieldRow.resolved.is_(False),
            or_(_lease_free(now), FieldRow.lease_holder == principal.key_id),
        )
        .values(lease_holder=principal.key_id, lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], won).rowcount != 1:
        session.rollback()
        raise Conflict(
            f"項目 {field!r} はほかのレビュアーが担当しています。次の項目へ進んでください。",
            message_en=f"field {field!r} is leased to another reviewer; claim another task",
        )
    session.refresh(task_field)
    task = to_task(registry, task_field, document)
    claim = Claim(task=task, remaining=count_open(session=session))
    session.commit()
    log.info(
        "review task claimed by name document=%s field=%s by=%s",
        document.id,
        field,
        principal.key_id,
    )
    return claim
