"""``/v1/webhooks``: register a URL for events, list, remove, read the delivery log (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from ocr_service.api.deps import ServicesDep, SessionDep, require
from ocr_service.api.routes.uploads import ERRORS
from ocr_service.api.schemas import ErrorBody
from ocr_service.auth import Principal
from ocr_service.db.models import DeliveryStatus, Webhook, WebhookEvent
from ocr_service.webhooks import service

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

Admin = Annotated[Principal, Depends(require())]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "no such webhook"}
}


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(examples=["https://records.example.jp/hooks/ocr"])
    events: list[WebhookEvent] = Field(min_length=1, examples=[["document.verified"]])
    description: str = Field(default="", max_length=200)


class WebhookPublic(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str
    created_by: str | None
    created_at: datetime


class WebhookCreated(WebhookPublic):
    secret: str = Field(
        description="signs every delivery (X-OCR-Signature); shown only in this answer"
    )


class AttemptPublic(BaseModel):
    attempt: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None


class DeliveryPublic(BaseModel):
    id: str
    event: str
    event_id: str
    status: str = Field(description="pending, delivered or failed")
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptPublic]


def public(row: Webhook) -> WebhookPublic:
    return WebhookPublic(
        id=row.id,
        url=row.url,
        events=list(row.events),
        description=row.description,
        created_by=row.created_by,
        created_at=row.created_at,
    )


@router.post(
    "",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Register a URL for events; the answer holds the signing secret, once",
    responses={**ERRORS, 422: {"model": ErrorBody, "description": "bad URL or event"}},
)
def create_webhook(
    body: WebhookCreate, services: ServicesDep, session: SessionDep, principal: Admin
) -> WebhookCreated:
    row, secret = service.create_webhook(
        session=session,
        settings=services.settings,
        url=body.url,
        events=body.events,
        description=body.description,
        created_by=principal.key_id,
    )
    return WebhookCreated(**public(row).model_dump(), secret=secret)


@router.get("", response_model=list[WebhookPublic], summary="Registered webhooks", responses=ERRORS)
def list_webhooks(session: SessionDep, principal: Admin) -> list[WebhookPublic]:
    return [public(r) for r in service.list_webhooks(session=session)]


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop sending to a webhook (its delivery log stays)",
    responses={**ERRORS, **NOT_FOUND},
)
def delete_webhook(webhook_id: str, session: SessionDep, principal: Admin) -> Response:
    service.delete_webhook(session=session, webhook_id=webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=list[DeliveryPublic],
    summary="The delivery log, newest first: each delivery with its attempts",
    responses={**ERRORS, **NOT_FOUND},
)
def list_deliveries(
    webhook_id: str,
    session: SessionDep,
    principal: Admin,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_DELIVERIES_PAGE)] = 50,
) -> list[DeliveryPublic]:
    logs = service.list_deliveries(
        session=session, webhook_id=webhook_id, status=delivery_status, limit=limit
    )
    return [
        DeliveryPublic(
            id=d.delivery.id,
            event=d.delivery.event,
            event_id=d.delivery.event_id,
            status=d.delivery.status,
            attempts=d.delivery.attempts,
            last_status_code=d.delivery.last_status_code,
            last_error=d.delivery.last_error,
            created_at=d.delivery.created_at,
            updated_at=d.delivery.updated_at,
            delivered_at=d.delivery.delivered_at,
            attempt_log=[
                AttemptPublic(
                    attempt=a.attempt,
                    started_at=a.started_at,
                    duration_ms=a.duration_ms,
                    status_code=a.status_code,
                    error=a.error,
                )
                for a in d.attempts
            ],
        )
        for d in logs
    ]
