"""The rq job that sends one webhook delivery (worker side).

One attempt per run: POST the JSON body with ``X-OCR-Signature``, record the attempt in
``webhook_attempts``, and on failure (a network error, a timeout, or any answer but 2xx)
raise a retryable error so rq runs the job again after the next interval. The last
attempt marks the delivery ``failed`` and returns normally. Redirects are not followed.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

import httpx
from rq import get_current_job
from sqlalchemy.orm import Session

from ocr_service import __version__, worker_context
from ocr_service.config import Settings
from ocr_service.db.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery, utcnow
from ocr_service.db.session import session_scope
from ocr_service.errors import InvalidValue, InvariantBroken, ServiceUnavailable
from ocr_service.observability.metrics import MetricsRecorder
from ocr_service.webhooks.service import secret_for
from ocr_service.webhooks.signing import HEADER, sign
from ocr_service.webhooks.targets import check_target

log = logging.getLogger(__name__)

MAX_ERROR = 500


@dataclass(frozen=True)
class Request:
    delivery_id: str
    webhook_id: str
    event: str
    url: str
    body: bytes
    secret: str
    attempt: int


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def prepare(*, session: Session, settings: Settings, delivery_id: str) -> Request | None:
    """What to send, or ``None`` if the delivery is done or its webhook was removed."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None
    hook = session.get(Webhook, delivery.webhook_id)
    if hook is None or hook.deleted_at is not None:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = "the webhook was removed before delivery"
        delivery.updated_at = utcnow()
        session.commit()
        return None
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Request(
        delivery_id=delivery.id,
        webhook_id=hook.id,
        event=delivery.event,
        url=hook.url,
        body=body,
        secret=secret_for(settings, hook),
        attempt=delivery.attempts + 1,
    )


def post(request: Request, *, timeout: float, client: httpx.Client | None = None) -> Outcome:
    """One signed POST; never raises for network trouble (it becomes the outcome's error)."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"ocr-service/{__version__}",
        HEADER: sign(request.secret, request.body),
        "X-OCR-Event": request.event,
        "X-OCR-Delivery": request.delivery_id,
        "X-OCR-Attempt": str(request.attempt),
    }
    started = time.perf_counter()
    own = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=False)
    try:
        response = http.post(request.url, content=request.body, headers=headers)
        status, error = response.status_code, None
        if not 200 <= status < 300:
            error = f"receiver answered HTTP {status}"
    except httpx.HTTPError as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
    finally:
        if own:
            http.close()
    return Outcome(
        status_code=status, error=error, duration_ms=int((time.perf_counter() - started) * 1000)
    )


def record(*, session: Session, request: Request, outcome: Outcome, final: bool) -> str:
    """Log the attempt; mark the delivery delivered, or failed when this was the last try."""
    delivery = session.get(WebhookDelivery, request.delivery_id)
    if delivery is None:
        raise InvariantBroken("a prepared delivery's row is missing", delivery=request.delivery_id)
    now = utcnow()
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            attempt=request.attempt,
            started_at=now,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error=outcome.error,
        )
    )
    delivery.attempts = request.attempt
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    delivery.updated_at = now
    if outcome.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif final:
        delivery.status = DeliveryStatus.FAILED
    session.commit()
    return delivery.status


def screened_post(request: Request, settings: Settings) -> Outcome:
    """The POST, unless the target now resolves to an address a webhook may not reach
    (checked again here: a name can resolve elsewhere after registration). A refused
    target is not contacted, and its outcome says why without telling ports apart."""
    if not settings.webhook_allow_private:
        try:
            check_target(request.url)
        except InvalidValue as exc:
            return Outcome(
                status_code=None, error=f"not sent: {exc.message}"[:MAX_ERROR], duration_ms=0
            )
    return post(request, timeout=settings.webhook_timeout_seconds)


def deliver(delivery_id: str) -> str:
    """The rq job: one attempt at one delivery; returns ``delivered``, ``failed`` or ``skipped``."""
    ctx = worker_context.context()  # settings and the database: no OCR engines
    with session_scope(ctx.sessions) as session:
        request = prepare(session=session, settings=ctx.settings, delivery_id=delivery_id)
    if request is None:
        log.info("webhook delivery skipped delivery_id=%s", delivery_id)
        return "skipped"
    outcome = screened_post(request, ctx.settings)
    job = get_current_job()
    retries_left = (job.retries_left or 0) if job is not None else 0
    with session_scope(ctx.sessions) as session:
        status = record(session=session, request=request, outcome=outcome, final=retries_left == 0)
    metric = "delivered" if outcome.ok else ("failed" if retries_left == 0 else "retry")
    if job is not None:
        MetricsRecorder(job.connection, ctx.settings.queue_name).webhook_delivery(
            event=request.event, outcome=metric
        )
    if outcome.ok:
        log.info(
            "webhook delivered delivery_id=%s webhook_id=%s attempt=%s status=%s",
            delivery_id,
            request.webhook_id,
            request.attempt,
            outcome.status_code,
        )
        return status
    if retries_left > 0:
        log.warning(
            "webhook attempt failed delivery_id=%s webhook_id=%s attempt=%s (%s); %s retries left",
            delivery_id,
            request.webhook_id,
            request.attempt,
            outcome.error,
            retries_left,
        )
        raise ServiceUnavailable(f"webhook delivery {delivery_id} failed: {outcome.error}")
    log.error(
        "webhook delivery gave up delivery_id=%s webhook_id=%s after %s attempts (%s)",
        delivery_id,
        request.webhook_id,
        request.attempt,
        outcome.error,
    )
    return status
