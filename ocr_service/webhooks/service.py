"""Webhook service functions: register, list, remove, the delivery log, and emitting events.

Emitting is two steps. :func:`emit` records one ``webhook_deliveries`` row per subscribed
webhook in the caller's transaction (idempotent: a ``(webhook_id, event_id)`` pair is
recorded once, so two workers finishing an upload's last pages at the same moment send
one ``upload.done``). After the commit, :class:`DeliveryQueue` enqueues one rq job per
delivery on the webhook queue (not the page queue); the job (:mod:`.delivery`) POSTs it
and rq retries it with backoff. A webhook with ``OCR_WEBHOOK_MAX_PENDING`` deliveries
pending already gets the new one recorded ``failed`` (dropped), so a dead receiver's
backlog stays bounded.

Safe to import in the API process: nothing here loads the pipeline.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ocr_service.broker import delivery_job_timeout, make_webhook_queue
from ocr_service.config import Settings
from ocr_service.db.models import (
    FINISHED_UPLOAD,
    DeliveryStatus,
    DocumentRow,
    DocumentStatus,
    Page,
    PageStatus,
    Upload,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    utcnow,
)
from ocr_service.errors import InvalidValue, NotFound
from ocr_service.webhooks.signing import derive_secret
from ocr_service.webhooks.targets import check_target

log = logging.getLogger(__name__)

#: The job function, named by path so the API never imports the worker side.
DELIVER = "ocr_service.webhooks.delivery.deliver"
MAX_URL = 2000
MAX_DELIVERIES_PAGE = 200


# -- registration -----------------------------------------------------------------------
def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidValue("a webhook URL must be an absolute http:// or https:// URL")
    if parts.username or parts.password:
        raise InvalidValue("put no credentials in a webhook URL; verify the signature instead")
    if len(url) > MAX_URL:
        raise InvalidValue(f"a webhook URL may have at most {MAX_URL} characters")
    return url


def secret_for(settings: Settings, webhook: Webhook) -> str:
    return derive_secret(settings.secret_key.get_secret_value(), webhook.id, webhook.secret_salt)


def create_webhook(
    *,
    session: Session,
    settings: Settings,
    url: str,
    events: Sequence[WebhookEvent],
    description: str = "",
    created_by: str | None = None,
) -> tuple[Webhook, str]:
    """Register a URL for events; return the row and its signing secret (shown once)."""
    if not events:
        raise InvalidValue("subscribe to at least one event: " + ", ".join(WebhookEvent))
    url = check_url(url)
    if not settings.webhook_allow_private:
        check_target(url)
    row = Webhook(
        url=url,
        events=sorted({WebhookEvent(e).value for e in events}),
        description=description.strip()[:200],
        secret_salt=secrets.token_hex(16),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    secret = secret_for(settings, row)
    session.commit()
    log.info("webhook registered webhook_id=%s events=%s", row.id, ",".join(row.events))
    return row, secret


def list_webhooks(*, session: Session) -> list[Webhook]:
    query = select(Webhook).where(Webhook.deleted_at.is_(None)).order_by(Webhook.created_at)
    return list(session.scalars(query))


def get_webhook(*, session: Session, webhook_id: str, include_deleted: bool = False) -> Webhook:
    row = session.get(Webhook, webhook_id)
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFound(f"no webhook with id {webhook_id!r}")
    return row


def delete_webhook(*, session: Session, webhook_id: str) -> None:
    """Stop sending to a webhook; its delivery log stays readable."""
    row = get_webhook(session=session, webhook_id=webhook_id)
    row.deleted_at = utcnow()
    session.commit()
    log.info("webhook removed webhook_id=%s", webhook_id)


@dataclass(frozen=True)
class DeliveryLog:
    delivery: WebhookDelivery
    attempts: list[WebhookAttempt]


def list_deliveries(
    *,
    session: Session,
    webhook_id: str,
    status: DeliveryStatus | None = None,
    limit: int = 50,
) -> list[DeliveryLog]:
    """The newest deliveries of a webhook (also a removed one), each with its attempts."""
    get_webhook(session=session, webhook_id=webhook_id, include_deleted=True)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status.value)
    query = query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    rows = list(session.scalars(query.limit(max(1, min(limit, MAX_DELIVERIES_PAGE)))))
    attempts: dict[str, list[WebhookAttempt]] = {r.id: [] for r in rows}
    if rows:
        attempt_query = (
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(list(attempts)))
            .order_by(WebhookAttempt.delivery_id, WebhookAttempt.attempt)
        )
        for a in session.scalars(attempt_query):
            attempts[a.delivery_id].append(a)
    return [DeliveryLog(delivery=r, attempts=attempts[r.id]) for r in rows]


# -- events -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    type: WebhookEvent
    id: str
    """Stable per occurrence: the same event emitted twice is delivered once."""
    data: dict[str, Any]


def document_event(*, session: Session, document_id: str) -> Event | None:
    """The event a document's current status calls for (verified or failed), if any."""
    row = session.get(DocumentRow, document_id)
    if row is None:
        return None
    if row.status == DocumentStatus.VERIFIED:
        kind = WebhookEvent.DOCUMENT_VERIFIED
    elif row.status == DocumentStatus.FAILED:
        kind = WebhookEvent.DOCUMENT_FAILED
    else:
        return None
    upload = session.get(Upload, row.upload_id)
    data: dict[str, Any] = {
        "document_id": row.id,
        "upload_id": row.upload_id,
        "page_index": row.page_index,
        "sheet": row.page_index + 1,
        "status": row.status,
        "version": row.version,
        "template": row.template_id,
        "external_ref": upload.external_ref if upload is not None else None,
    }
    if kind is WebhookEvent.DOCUMENT_FAILED:
        data["error"] = {"code": row.error_code}
    return Event(type=kind, id=f"{kind.value}:{row.id}:{row.version}", data=data)


def reopened_event(*, session: Session, document_id: str, fields: Sequence[str]) -> Event | None:
    """``document.reopened``: a senior sent a verified (or returned) document back to review."""
    row = session.get(DocumentRow, document_id)
    if row is None or row.status != DocumentStatus.NEEDS_REVIEW:
        return None
    upload = session.get(Upload, row.upload_id)
    kind = WebhookEvent.DOCUMENT_REOPENED
    data: dict[str, Any] = {
        "document_id": row.id,
        "upload_id": row.upload_id,
        "page_index": row.page_index,
        "sheet": row.page_index + 1,
        "status": row.status,
        "version": row.version,
        "template": row.template_id,
        "external_ref": upload.external_ref if upload is not None else None,
        "fields": list(fields),
    }
    return Event(type=kind, id=f"{kind.value}:{row.id}:{row.version}", data=data)


def upload_event(*, session: Session, upload_id: str) -> Event | None:
    """``upload.done`` once every page of the upload is finished (read or failed)."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.status not in FINISHED_UPLOAD:
        return None
    document_ids = list(
        session.scalars(
            select(DocumentRow.id)
            .where(DocumentRow.upload_id == upload_id)
            .order_by(DocumentRow.page_index)
        )
    )
    failed = session.scalar(
        select(func.count()).where(Page.upload_id == upload_id, Page.status == PageStatus.FAILED)
    )
    data = {
        "upload_id": upload.id,
        "status": upload.status,
        "pages_total": upload.pages_total,
        "pages_done": upload.pages_done,
        "pages_failed": failed or 0,
        "document_ids": document_ids,
        "template": upload.template,
        "external_ref": upload.external_ref,
    }
    return Event(
        type=WebhookEvent.UPLOAD_DONE, id=f"{WebhookEvent.UPLOAD_DONE.value}:{upload.id}", data=data
    )


def pending_count(*, session: Session, webhook_id: str) -> int:
    """Deliveries of a webhook still pending (queued, in flight or waiting to retry)."""
    query = select(func.count()).where(
        WebhookDelivery.webhook_id == webhook_id,
        WebhookDelivery.status == DeliveryStatus.PENDING,
    )
    return session.scalar(query) or 0


def emit(*, session: Session, event: Event, max_pending: int | None = None) -> list[str]:
    """Record a delivery of ``event`` for each subscribed webhook; commit; return the ids
    of those to send. A webhook with ``max_pending`` deliveries pending already gets this
    one recorded ``failed`` (dropped) instead, and it is not returned."""
    hooks = [h for h in list_webhooks(session=session) if event.type.value in h.events]
    created: list[str] = []
    dropped: list[tuple[str, str]] = []
    now = utcnow()
    payload = {
        "id": event.id,
        "type": event.type.value,
        "created_at": now.isoformat().replace("+00:00", "Z"),
        "data": event.data,
    }
    for hook in hooks:
        seen = select(WebhookDelivery.id).where(
            WebhookDelivery.webhook_id == hook.id, WebhookDelivery.event_id == event.id
        )
        if session.scalar(seen) is not None:
            continue
        delivery = WebhookDelivery(
            webhook_id=hook.id, event_id=event.id, event=event.type.value, payload=payload
        )
        backlog = pending_count(session=session, webhook_id=hook.id)
        full = max_pending is not None and backlog >= max_pending
        if full:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = (
                f"dropped: {backlog} deliveries to this webhook were pending already "
                f"(OCR_WEBHOOK_MAX_PENDING={max_pending})"
            )
        try:
            with session.begin_nested():
                session.add(delivery)
        except IntegrityError:  # another process recorded it first
            continue
        if full:
            dropped.append((delivery.id, hook.id))
        else:
            created.append(delivery.id)
    session.commit()
    for delivery_id in created:
        log.info("webhook event %s recorded delivery_id=%s", event.type.value, delivery_id)
    for delivery_id, webhook_id in dropped:
        log.warning(
            "webhook event %s dropped delivery_id=%s webhook_id=%s: %s deliveries pending",
            event.type.value,
            delivery_id,
            webhook_id,
            max_pending,
        )
    return created


class DeliveryQueue:
    """Enqueues delivery jobs on the webhook queue, which workers take after the page
    queue, so a delivery never stands in front of a page.

    Retries follow ``OCR_WEBHOOK_RETRY_INTERVALS`` (seconds between attempts); rq stops
    an attempt 10 s past ``OCR_WEBHOOK_TIMEOUT_SECONDS``. A Redis outage is logged, not
    raised: the delivery stays ``pending`` in the database and ``ocr-service webhooks
    redeliver`` enqueues it again.
    """

    def __init__(self, settings: Settings, connection: Redis) -> None:
        self.settings = settings
        self.queue: Queue = make_webhook_queue(settings, connection)

    def enqueue(self, delivery_ids: Sequence[str]) -> None:
        s = self.settings
        intervals = list(s.webhook_retry_intervals)
        try:
            for delivery_id in delivery_ids:
                self.queue.enqueue_call(
                    DELIVER,
                    args=[delivery_id],
                    job_id=f"webhook-{delivery_id}",
                    timeout=delivery_job_timeout(s),
                    result_ttl=s.job_result_ttl_seconds,
                    failure_ttl=s.job_failure_ttl_seconds,
                    retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
                    description=f"webhook delivery {delivery_id}",
                )
        except RedisError as exc:
            log.warning(
                "cannot enqueue %s webhook deliveries (%s); redeliver will retry",
                len(delivery_ids),
                type(exc).__name__,
            )


def notify(*, session: Session, queue: DeliveryQueue, events: Sequence[Event | None]) -> None:
    """Emit the given events (``None`` entries are skipped) and enqueue their deliveries."""
    ids: list[str] = []
    for event in events:
        if event is not None:
            ids.extend(
                emit(session=session, event=event, max_pending=queue.settings.webhook_max_pending)
            )
    if ids:
        queue.enqueue(ids)


def notify_document(*, session: Session, queue: DeliveryQueue, document_id: str) -> None:
    """Call after a document's status changed (e.g. a reviewer verified it)."""
    notify(
        session=session,
        queue=queue,
        events=[document_event(session=session, document_id=document_id)],
    )


def pending_deliveries(*, session: Session, older_than: timedelta) -> list[str]:
    """Deliveries still pending after ``older_than`` (their job was lost or is stuck)."""
    cutoff = utcnow() - older_than
    query = select(WebhookDelivery.id).where(
        WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.updated_at < cutoff
    )
    return list(session.scalars(query.order_by(WebhookDelivery.created_at)))


def after_review(
    *, session: Session, settings: Settings, redis: Redis, document_id: str, status: str
) -> None:
    """Emit ``document.verified`` when a review just verified a document.

    The review is committed already, so a webhook problem is logged, never raised.
    """
    if status != DocumentStatus.VERIFIED:
        return
    try:
        notify_document(
            session=session, queue=DeliveryQueue(settings, redis), document_id=document_id
        )
    except Exception as exc:
        session.rollback()
        log.warning(
            "webhook event after review failed document=%s (%s)",
            document_id,
            type(exc).__name__,
            extra={"document_id": document_id},
        )


def after_reopen(
    *, session: Session, settings: Settings, redis: Redis, document_id: str, fields: Sequence[str]
) -> None:
    """Emit ``document.reopened`` after a reopen was committed (problems logged, not raised)."""
    try:
        notify(
            session=session,
            queue=DeliveryQueue(settings, redis),
            events=[reopened_event(session=session, document_id=document_id, fields=fields)],
        )
    except Exception as exc:
        session.rollback()
        log.warning(
            "webhook event after reopen failed document=%s (%s)",
            document_id,
            type(exc).__name__,
            extra={"document_id": document_id},
        )
