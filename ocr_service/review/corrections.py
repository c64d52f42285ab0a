"""Resolve a field: correct it with a reviewer's value, or accept the OCR value.

Who may change what (issue 20, item 6):

* a **reviewer** changes only a flagged field it holds: the field must be claimed by the
  reviewer (``POST /v1/review/claim`` or ``POST .../fields/{name}/lease``) and its lease
  still live. A lease is what divides the work, so two reviewers never type into the same
  field; an unflagged field is refused with :class:`Forbidden`;
* a **senior** or an **admin** changes any field of a document in review, flagged or not,
  claimed or not, except one another reviewer holds a live lease on.

Each resolution, in one transaction:

1. refuses the change if the caller may not make it (above);
2. checks the value against the field's type (:class:`InvalidValue`, before anything
   is written);
3. bumps the document's ``version`` (``WHERE status = needs_review``, and ``AND version =
   :seen`` only when the caller named a document version). The row lock this takes on
   PostgreSQL orders concurrent resolutions of one document, so the last one sees every
   other and verifies it;
4. stores the value with ``UPDATE fields ... WHERE version = :field_version``: a stale
   field version means someone changed *this field* since the caller read it
   (:class:`Conflict`); changes to other fields of the document never conflict;
5. marks the field resolved, bumps its version, clears its lease and appends an audit
   entry (who, when, old and new value, the reasons the field was flagged for);
6. when no flagged field is left unresolved, makes the document ``verified``, which puts
   it in the downstream feed.

Values are never logged: only document ids, field names and key ids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session

from ocr_service.auth import Principal
from ocr_service.db.documents import get_document_row
from ocr_service.db.models import AuditEntry, DocumentRow, DocumentStatus, FieldRow, utcnow
from ocr_service.errors import Conflict, Forbidden, NotFound, TemplateNotFound
from ocr_service.results import FieldValue
from ocr_service.review.tasks import spec_for
from ocr_service.review.texts import status_text
from ocr_service.review.values import check_correction
from ocr_service.templates.loader import TemplateRegistry
from ocr_service.templates.model import FieldSpec

log = logging.getLogger(__name__)


class Action(StrEnum):
    CORRECT = "correct"
    ACCEPT = "accept"
    VERIFY = "verify"


@dataclass(frozen=True)
class Resolution:
    document_id: str
    field: str
    value: FieldValue
    field_version: int
    """The field's version after the change (send it with the next change of the field)."""
    version: int
    """The document's version after the change (for whole-document actions)."""
    status: str
    remaining_in_document: int


@dataclass(frozen=True)
class Seen:
    """What the caller saw: the field's version, the document's, or both."""

    field_version: int | None = None
    version: int | None = None


def correct_field(
    *,
    session: Session,
    registry: TemplateRegistry,
    principal: Principal,
    document_id: str,
    field: str,
    value: FieldValue,
    seen: Seen,
) -> Resolution:
    """Replace a field's value with the reviewer's (checked and normalized) value."""
    return _resolve(session, registry, principal, document_id, field, seen, Action.CORRECT, value)


def accept_field(
    *,
    session: Session,
    registry: TemplateRegistry,
    principal: Principal,
    document_id: str,
    field: str,
    seen: Seen,
) -> Resolution:
    """Confirm the OCR value as it stands (it must still satisfy the field's type)."""
    return _resolve(session, registry, principal, document_id, field, seen, Action.ACCEPT, None)


def not_in_review(document: DocumentRow) -> Conflict:
    """The 409 for a change to a document that is not waiting for review."""
    status = document.status
    if status == DocumentStatus.VERIFIED:
        ja = (
            "この文書は確定済みのため変更できません。"
            "訂正が必要なら、上級レビュアー（senior）に再オープンを依頼してください。"
        )
    elif status == DocumentStatus.INCOMPLETE:
        ja = (
            "この文書は不備として返却済みのため変更できません。"
            "再確認が必要なら、上級レビュアー（senior）に再オープンを依頼してください。"
        )
    else:
        ja = (
            f"この文書は「{status_text(status)}」のため変更できません。"
            "確認待ちの文書だけを変更できます。"
        )
    return Conflict(
        ja,
        message_en=f"document {document.id!r} is {status}, not needs_review; "
        "only documents waiting for review can be changed",
        status=status,
        current_version=document.version,
    )


def _resolve(
    session: Session,
    registry: TemplateRegistry,
    principal: Principal,
    document_id: str,
    name: str,
    seen: Seen,
    action: Action,
    value: FieldValue,
) -> Resolution:
    document = get_document_row(session=session, principal=principal, document_id=document_id)
    row = session.scalar(
        select(FieldRow).where(FieldRow.document_id == document.id, FieldRow.name == name)
    )
    if row is None:
        raise NotFound(f"document {document_id!r} has no field {name!r}")
    if document.status != DocumentStatus.NEEDS_REVIEW:
        raise not_in_review(document)
    spec = spec_for(registry, document.template_id, name)
    if spec is None:
        raise TemplateNotFound(
            f"template {document.template_id!r} no longer has field {name!r}; "
            "the value cannot be checked",
            template=document.template_id,
        )
    now = utcnow()
    check_may_change(row, spec, principal, now)
    if seen.field_version is not None and seen.field_version != row.version:
        raise _stale_field(spec, row, seen.field_version, document.version)
    new_value = check_correction(spec, row.value if action is Action.ACCEPT else value)

    bump = (
        update(DocumentRow)
        .where(DocumentRow.id == document.id, DocumentRow.status == DocumentStatus.NEEDS_REVIEW)
        .values(version=DocumentRow.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if seen.version is not None:
        bump = bump.where(DocumentRow.version == seen.version)
    if cast(CursorResult[Any], session.execute(bump)).rowcount != 1:
        session.rollback()
        current = session.get(DocumentRow, document.id)
        if current is not None and current.status != DocumentStatus.NEEDS_REVIEW:
            raise not_in_review(current)
        current_version = current.version if current else None
        raise Conflict(
            f"この文書は版 {seen.version} の後に更新されました（現在の版 {current_version}）。"
            "文書を読み込み直してから、もう一度操作してください。",
            message_en=f"document {document_id!r} changed since version {seen.version} "
            f"(now version {current_version}); reload it and apply the change again",
            current_version=current_version,
        )
    store = (
        update(FieldRow)
        .where(
            FieldRow.id == row.id,
            or_(
                FieldRow.lease_holder.is_(None),
                FieldRow.lease_holder == principal.key_id,
                FieldRow.lease_until < now,
            ),
        )
        .values(
            value=new_value,
            resolved=True,
            version=FieldRow.version + 1,
            lease_holder=None,
            lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    if seen.field_version is not None:
        store = store.where(FieldRow.version == seen.field_version)
    if cast(CursorResult[Any], session.execute(store)).rowcount != 1:
        session.rollback()
        current_field = session.get(FieldRow, row.id)
        if current_field is not None and current_field.version != row.version:
            raise _stale_field(spec, current_field, row.version, None)
        raise Conflict(
            f"{spec.label}（{name}）は、たった今ほかのレビュアーが担当しました。"
            "次の項目へ進んでください（Esc）。",
            message_en=f"field {name!r} was just leased to another reviewer; claim another task",
        )
    session.add(
        AuditEntry(
            document_id=document.id,
            field=name,
            actor=principal.key_id,
            action=action.value,
            old=row.value,
            new=new_value,
            reasons=list(row.reasons),
            at=now,
        )
    )
    session.flush()
    remaining = unresolved(session, document.id)
    status = DocumentStatus.NEEDS_REVIEW
    if remaining == 0:
        status = DocumentStatus.VERIFIED
        session.execute(
            update(DocumentRow)
            .where(DocumentRow.id == document.id)
            .values(status=status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        session.add(
            AuditEntry(
                document_id=document.id,
                actor=principal.key_id,
                action=Action.VERIFY.value,
                new={"status": status.value},
                at=now,
            )
        )
    session.commit()
    versions = session.execute(
        select(DocumentRow.version, FieldRow.version)
        .join(FieldRow, FieldRow.document_id == DocumentRow.id)
        .where(FieldRow.id == row.id)
    ).one()
    log.info(
        "review %s document=%s field=%s by=%s field_version=%s status=%s",
        action.value,
        document.id,
        name,
        principal.key_id,
        versions[1],
        status.value,
    )
    return Resolution(
        document_id=document.id,
        field=name,
        value=new_value,
        field_version=int(versions[1]),
        version=int(versions[0]),
        status=status.value,
        remaining_in_document=remaining,
    )


def check_may_change(row: FieldRow, spec: FieldSpec, principal: Principal, now: datetime) -> None:
    """Refuse the change unless ``principal`` may make it (see the module docstring)."""
    held_by_other = (
        row.lease_holder is not None
        and row.lease_holder != principal.key_id
        and row.lease_until is not None
        and row.lease_until >= now
    )
    if held_by_other:
        assert row.lease_until is not None
        until = row.lease_until.isoformat()
        raise Conflict(
            f"{spec.label}（{row.name}）はほかのレビュアーが担当しています（{until} まで）。"
            "次の項目へ進んでください（Esc）。",
            message_en=f"field {row.name!r} is leased to another reviewer until {until}; "
            "claim another task",
            holder=row.lease_holder,
            lease_until=until,
        )
    if principal.changes_any_field:
        return
    if not row.flagged:
        raise Forbidden(
            f"{spec.label}（{row.name}）は確認対象ではありません。確認対象でない項目を変更できるのは"
            "上級レビュアー（senior）と管理者だけです。",
            message_en=f"field {row.name!r} was not flagged; only seniors and admins may "
            "change fields that were not flagged",
            field=row.name,
        )
    if row.resolved:
        raise Conflict(
            f"{spec.label}（{row.name}）はすでに確認済みです。次の項目へ進んでください（Esc）。",
            message_en=f"field {row.name!r} is resolved already; claim another task",
            current_field_version=row.version,
        )
    if row.lease_holder != principal.key_id or row.lease_until is None or row.lease_until < now:
        raise Conflict(
            f"{spec.label}（{row.name}）を変更するには、先にこの項目を取得してください"
            "（POST /v1/review/claim か、この項目の /lease）。取得の期限が切れた場合も同じです。",
            message_en=f"claim field {row.name!r} before changing it (POST /v1/review/claim "
            "or POST .../lease); a lapsed lease must be claimed again",
            field=row.name,
            lease_required=True,
        )


def _stale_field(
    spec: FieldSpec, row: FieldRow, seen: int, document_version: int | None
) -> Conflict:
    details: dict[str, Any] = {"field": row.name, "current_field_version": row.version}
    if document_version is not None:
        details["current_version"] = document_version
    return Conflict(
        f"{spec.label}（{row.name}）は、読み込んだ後にほかの人が変更しました"
        f"（読み込んだ版 {seen}、現在の版 {row.version}）。"
        "最新の値を読み込み直してから、もう一度保存してください。",
        message_en=f"field {row.name!r} changed since version {seen} (now version "
        f"{row.version}); reload it and apply the change again",
        **details,
    )


def unresolved(session: Session, document_id: str) -> int:
    query = select(func.count(FieldRow.id)).where(
        FieldRow.document_id == document_id,
        FieldRow.flagged.is_(True),
        FieldRow.resolved.is_(False),
    )
    return int(session.scalar(query) or 0)
