"""Putting page jobs on the queue. Safe to import in the API process (no OpenCV here)."""

from __future__ import annotations

import logging

from redis import Redis
from redis.client import Pipeline
from redis.exceptions import RedisError
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from ocr_service.broker import make_queue
from ocr_service.config import Settings

log = logging.getLogger(__name__)

#: The job function, named by path so this module never imports the pipeline.
PROCESS_PAGE = "ocr_service.queue.jobs.process_page"
RETRY_INTERVALS = [5, 30, 120]


def page_job_id(upload_id: str, index: int) -> str:
    return f"page-{upload_id}-{index}"


class RqPageQueue:
    """Enqueues one rq job per page; a Redis outage is logged, not raised (the upload is
    already recorded, and ``reconcile`` enqueues its pages once Redis is back)."""

    def __init__(self, settings: Settings, connection: Redis) -> None:
        self.settings = settings
        self.queue = make_queue(settings, connection)

    def enqueue_pages(self, upload_id: str, indexes: list[int]) -> None:
        try:
            with self.queue.connection.pipeline() as pipe:
                for index in indexes:
                    self._enqueue(upload_id, index, pipe)
                pipe.execute()
        except RedisError as exc:
            log.warning(
                "cannot enqueue upload=%s pages=%s (%s); reconcile will retry",
                upload_id,
                len(indexes),
                type(exc).__name__,
            )

    def _enqueue(self, upload_id: str, index: int, pipe: Pipeline | None = None) -> Job:
        s = self.settings
        return self.queue.enqueue_call(
            PROCESS_PAGE,
            args=[upload_id, index],
            job_id=page_job_id(upload_id, index),
            timeout=s.job_timeout_seconds,
            result_ttl=s.job_result_ttl_seconds,
            failure_ttl=s.job_failure_ttl_seconds,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            description=f"read page {index} of upload {upload_id}",
            pipeline=pipe,
        )

    def requeue(self, upload_id: str, index: int) -> None:
        """Enqueue the page again (``reconcile``, once it has put the page back to queued)."""
        self._enqueue(upload_id, index)

    def waiting(self, upload_id: str, index: int) -> bool:
        """Whether the page's job is waiting in Redis (queued, scheduled or deferred)."""
        job_id = page_job_id(upload_id, index)
        connection = self.queue.connection
        try:
            job = Job.fetch(job_id, connection=connection, serializer=JSONSerializer)
        except NoSuchJobError:
            return False
        status = job.get_status(refresh=False)
        if status == JobStatus.QUEUED:  # the hash may outlive a lost queue list
            return connection.lpos(self.queue.key, job_id) is not None
        return status in (JobStatus.SCHEDULED, JobStatus.DEFERRED)
