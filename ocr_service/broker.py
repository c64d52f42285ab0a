"""The Redis connection and the rq queue every process shares (API, worker, CLI).

Below everything that enqueues work (page jobs in :mod:`ocr_service.queue.enqueue`,
webhook deliveries in :mod:`ocr_service.webhooks.service`): it depends on the settings
only, and connects lazily, on the first command.
"""

from __future__ import annotations

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from ocr_service.config import Settings


def make_redis(settings: Settings) -> Redis:
    """A client for ``settings.redis_url`` (connects lazily, on first command)."""
    return Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=30)


def make_queue(settings: Settings, connection: Redis) -> Queue:
    return Queue(
        settings.queue_name,
        connection=connection,
        serializer=JSONSerializer,
        default_timeout=settings.job_timeout_seconds,
    )
