"""The Redis connection and the rq queues every process shares (API, worker, CLI).

Two queues: page jobs on ``OCR_QUEUE_NAME`` (:mod:`ocr_service.queue.enqueue`) and
webhook deliveries on ``<OCR_QUEUE_NAME>-webhooks`` (:mod:`ocr_service.webhooks.service`),
so a slow receiver's deliveries never stand in front of a page. Below everything that
enqueues work: it depends on the settings only, and connects lazily, on the first command.
"""

from __future__ import annotations

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from ocr_service.config import Settings

#: Seconds an rq delivery job may run past its HTTP timeout before rq stops it.
DELIVERY_JOB_MARGIN_SECONDS = 10


def make_redis(settings: Settings) -> Redis:
    """A client for ``settings.redis_url`` (connects lazily, on first command)."""
    return Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=30)


def make_queue(settings: Settings, connection: Redis) -> Queue:
    """The page queue."""
    return Queue(
        settings.queue_name,
        connection=connection,
        serializer=JSONSerializer,
        default_timeout=settings.job_timeout_seconds,
    )


def webhook_queue_name(settings: Settings) -> str:
    return f"{settings.queue_name}-webhooks"


def make_webhook_queue(settings: Settings, connection: Redis) -> Queue:
    """The webhook delivery queue (workers take it after the page queue)."""
    return Queue(
        webhook_queue_name(settings),
        connection=connection,
        serializer=JSONSerializer,
        default_timeout=delivery_job_timeout(settings),
    )


def delivery_job_timeout(settings: Settings) -> int:
    return int(settings.webhook_timeout_seconds) + DELIVERY_JOB_MARGIN_SECONDS
