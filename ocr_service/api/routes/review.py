"""Review: tasks and leases, field and page images, corrections, and the audit history."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Path, Query, Response, status
from sqlalchemy.orm import Session

from ocr_service.api.deps import AnyReader, Reviewer, Senior, Services, ServicesDep, SessionDep
from ocr_service.api.review_schemas import (
    ClaimPublic,
    ClaimRequest,
    DocumentChangePublic,
    FieldAcceptance,
    FieldCorrection,
    HistoryPublic,
    IncompleteRequest,
    ReopenRequest,
    ResolutionPublic,
    ReturnedList,
    Seen,
    TaskList,
    TaskPublic,
)
from ocr_service.api.routes.uploads import ERRORS
from ocr_service.api.schemas import ErrorBody
from ocr_service.review import audit, corrections, images, returns, tasks
from ocr_service.review.corrections import Resolution
from ocr_service.webhooks import service as webhooks

router = APIRouter(tags=["review"])

Responses = dict[int | str, dict[str, Any]]

PNG: dict[str, Any] = {"content": {"image/png": {}}, "description": "a PNG image"}
NO_STORE = {"Cache-Control": "private, no-store"}
"""Images hold personal data: never kept in shared or disk caches."""
NOT_FOUND: Responses = {404: {"model": ErrorBody, "description": "no such document, field or page"}}
CONFLICT: Responses = {
    409: {"model": ErrorBody, "description": "stale version, leased, or not claimed"}
}
FORBIDDEN: Responses = {403: {"model": ErrorBody, "description": "the role may not do this"}}
INVALID: Responses = {422: {"model": ErrorBody, "description": "the value does not fit the field"}}

DocumentId = Annotated[str, Path(max_length=36)]
FieldName = Annotated[str, Path(max_length=100)]


def task_public(task: tasks.Task) -> TaskPublic:
    base = f"/v1/documents/{quote(task.document_id)}"
    field = quote(task.field)
    return TaskPublic.model_validate(
        asdict(task)
        | {
            "image_url": f"{base}/fields/{field}/image",
            "page_image_url": f"{base}/pages/{task.page}/image?field={field}",
        }
    )


@router.get(
    "/v1/review/tasks",
    response_model=TaskList,
    summary="Open review tasks: flagged, unresolved fields of documents in needs_review",
    responses={
        **ERRORS,
        404: {"model": ErrorBody, "description": "unknown template (the known ids are listed)"},
        422: {"model": ErrorBody, "description": "unknown reason"},
    },
)
def list_tasks(
    services: ServicesDep,
    session: SessionDep,
    principal: Reviewer,
    template: str | None = None,
    reason: Annotated[str | None, Query(description="a reason code, e.g. low_confidence")] = None,
    limit: Annotated[int, Query(ge=1, le=tasks.MAX_LIMIT)] = 100,
) -> TaskList:
    items = tasks.list_tasks(
        session=session,
        registry=services.registry,
        template=template,
        reason=reason,
        limit=limit,
    )
    remaining = tasks.count_open(session=session, template=template)
    return TaskList(items=[task_public(t) for t in items], remaining=remaining)


@router.post(
    "/v1/review/claim",
    response_model=ClaimPublic,
    summary="Lease the next task to the caller (204 with X-Review-Remaining when none is free)",
    responses={
        **ERRORS,
        204: {
            "description": "no task is free; X-Review-Remaining counts open tasks that other "
            "reviewers hold"
        },
        404: {"model": ErrorBody, "description": "unknown template (the known ids are listed)"},
    },
)
def claim_task(
    services: ServicesDep,
    session: SessionDep,
    principal: Reviewer,
    body: Annotated[ClaimRequest | None, Body()] = None,
) -> ClaimPublic | Response:
    request = body or ClaimRequest()
    claim = tasks.claim_next(
        session=session,
        registry=services.registry,
        principal=principal,
        lease=timedelta(minutes=services.settings.lease_minutes),
        template=request.template,
        skip=[tasks.TaskRef(document_id=s.document_id, field=s.field) for s in request.skip],
    )
    if claim is None:
        remaining = tasks.count_open(session=session, template=request.template)
        return Response(
            status_code=status.HTTP_204_NO_CONTENT,
            headers={"X-Review-Remaining": str(remaining)},
        )
    assert claim.task.lease is not None
    return ClaimPublic(
        task=task_public(claim.task), lease_until=claim.task.lease.until, remaining=claim.remaining
    )


@router.post(
    "/v1/documents/{document_id}/fields/{field}/lease",
    response_model=ClaimPublic,
    summary="Lease this task to the caller (claim a field by name)",
    responses={**ERRORS, **NOT_FOUND, **CONFLICT},
)
def claim_field(
    services: ServicesDep,
    session: SessionDep,
    principal: Reviewer,
    document_id: DocumentId,
    field: FieldName,
) -> ClaimPublic:
    claim = tasks.claim_field(
        session=session,
        registry=services.registry,
        principal=principal,
        lease=timedelta(minutes=services.settings.lease_minutes),
        document_id=document_id,
        field=field,
    )
    assert claim.task.lease is not None
    return ClaimPublic(
        task=task_public(claim.task), lease_until=claim.task.lease.until, remaining=claim.remaining
    )


@router.delete(
    "/v1/documents/{document_id}/fields/{field}/lease",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Give a claimed task back to the pool (skip it)",
    responses={**ERRORS, **NOT_FOUND, **CONFLICT},
)
def release_lease(
    session: SessionDep, principal: Reviewer, document_id: DocumentId, field: FieldName
) -> None:
    tasks.release_lease(session=session, principal=principal, document_id=document_id, field=field)


@router.get(
    "/v1/documents/{document_id}/fields/{field}/image",
    response_class=Response,
    summary="The field's zone on the straightened page, with a margin of context (PNG)",
    responses={**ERRORS, **NOT_FOUND, 200: PNG},
)
def field_image(
    services: ServicesDep,
    session: SessionDep,
    principal: Reviewer,
    document_id: DocumentId,
    field: FieldName,
) -> Response:
    png = images.field_crop_png(
        session=session,
        storage=services.storage,
        principal=principal,
        document_id=document_id,
        field=field,
    )
    return Response(png, media_type="image/png", headers=NO_STORE)


@router.get(
    "/v1/documents/{document_id}/pages/{page}/image",
    response_class=Response,
    summary="The whole straightened page (PNG); ?field= outlines that field's zone",
    responses={**ERRORS, **NOT_FOUND, 200: PNG},
)
def page_image(
    services: ServicesDep,
    session: SessionDep,
    principal: Reviewer,
    document_id: DocumentId,
    page: Annotated[int, Path(ge=1)],
    field: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    png = images.page_png(
        session=session,
        storage=services.storage,
        principal=principal,
        document_id=document_id,
        page=page,
        highlight=field,
    )
    return Response(png, media_type="image/png", headers=NO_STORE)


@router.put(
    "/v1/documents/{document_id}/fields/{field}",
    response_model=ResolutionPublic,
    summary="Correct a field: the value is checked against its type, then it is resolved",
    responses={**ERRORS, **FORBIDDEN, **NOT_FOUND, **CONFLICT, **INVALID},
)
def correct_field(
    services: ServicesDep,
    session: SessionDep,
    principal: Reviewer,
    document_id: DocumentId,
    field: FieldName,
    body: FieldCorrection,
) -> ResolutionPublic:
    resolution = corrections.correct_field(
        session=session,
        registry=services.registry,
        principal=principal,
        document_id=document_id,
        field=field,
        value=body.value,
        seen=_seen(body),
    )
    return _resolved(services, session, document_id, resolution)


@router.post(
    "/v1/documents/{document_id}/fields/{field}/accept",
    response_model=ResolutionPublic,
    summary="Accept the OCR value of a field as right",
    responses={**ERRORS, **FORBIDDEN, **NOT_FOUND, **CONFLICT, **INVALID},
)
def accept_field(
    services: ServicesDep,
    session: SessionDep,
    principal: Reviewer,
    document_id: DocumentId,
    field: FieldName,
    body: FieldAcceptance,
) -> ResolutionPublic:
    resolution = corrections.accept_field(
        session=session,
        registry=services.registry,
        principal=principal,
        document_id=document_id,
        field=field,
        seen=_seen(body),
    )
    return _resolved(services, session, document_id, resolution)


def _seen(body: Seen) -> corrections.Seen:
    return corrections.Seen(field_version=body.field_version, version=body.version)


def _resolved(
    services: Services, session: Session, document_id: str, resolution: Resolution
) -> ResolutionPublic:
    """After a correction or an acceptance: tell webhooks, answer with the resolution."""
    webhooks.after_review(
        session=session,
        settings=services.settings,
        redis=services.redis,
        document_id=document_id,
        status=resolution.status,
    )
    return ResolutionPublic.model_validate(asdict(resolution))


@router.post(
    "/v1/documents/{document_id}/incomplete",
    response_model=DocumentChangePublic,
    summary="Return the document as 不備 (incomplete) with a reason: out of the queue and feed",
    responses={**ERRORS, **FORBIDDEN, **NOT_FOUND, **CONFLICT, **INVALID},
)
def return_incomplete(
    session: SessionDep, principal: Reviewer, document_id: DocumentId, body: IncompleteRequest
) -> DocumentChangePublic:
    change = returns.return_incomplete(
        session=session,
        principal=principal,
        document_id=document_id,
        version=body.version,
        reason=body.reason,
    )
    return DocumentChangePublic.model_validate(asdict(change))


@router.post(
    "/v1/documents/{document_id}/reopen",
    response_model=DocumentChangePublic,
    summary="Reopen a verified (or 不備) document: the named fields go back to review",
    responses={**ERRORS, **NOT_FOUND, **CONFLICT, **INVALID},
)
def reopen_document(
    services: ServicesDep,
    session: SessionDep,
    principal: Senior,
    document_id: DocumentId,
    body: ReopenRequest,
) -> DocumentChangePublic:
    change = returns.reopen(
        session=session,
        principal=principal,
        document_id=document_id,
        version=body.version,
        fields=body.fields,
        reason=body.reason,
    )
    webhooks.after_reopen(
        session=session,
        settings=services.settings,
        redis=services.redis,
        document_id=change.document_id,
        fields=change.fields,
    )
    return DocumentChangePublic.model_validate(asdict(change))


@router.get(
    "/v1/review/incomplete",
    response_model=ReturnedList,
    summary="Documents returned as 不備, newest first (clerks see their own uploads' only)",
    responses={**ERRORS},
)
def list_incomplete(
    session: SessionDep,
    principal: AnyReader,
    limit: Annotated[int, Query(ge=1, le=returns.MAX_LIST)] = 100,
) -> ReturnedList:
    items = returns.list_incomplete(session=session, principal=principal, limit=limit)
    return ReturnedList.model_validate({"items": [asdict(i) for i in items]})


@router.get(
    "/v1/documents/{document_id}/history",
    response_model=HistoryPublic,
    summary="The document's audit history (append-only: nothing edits or deletes it)",
    responses={**ERRORS, **NOT_FOUND},
)
def history(session: SessionDep, principal: AnyReader, document_id: DocumentId) -> HistoryPublic:
    entries = audit.document_history(session=session, principal=principal, document_id=document_id)
    return HistoryPublic.model_validate(
        {"document_id": document_id, "entries": [asdict(e) for e in entries]}
    )
