"""Prometheus metrics that add up across every worker process and machine.

Workers are separate processes, often on separate machines, so an in-process
``prometheus_client.Counter`` would only count what the API process did. Instead:

* **Events** (a page read, a stage's duration, a failure, a webhook delivery) are added
  to Redis hashes with ``HINCRBY``/``HINCRBYFLOAT`` by whichever process saw them
  (:class:`MetricsRecorder`). Redis is already shared by every worker.
* **State** (queue depth, failed jobs, review backlog) is read at scrape time: from rq's
  registries in Redis and from the database (:class:`ServiceCollector`).

``GET /metrics`` on the API builds a fresh registry with a :class:`ServiceCollector` per
scrape and renders it. If Redis or the database cannot be read, the metrics from that
source are left out and ``ocr_metrics_source_up{source=...}`` says 0.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

from prometheus_client import generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from rq import Queue
from sqlalchemy import Engine, and_, case, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ocr_service.db.models import DocumentRow, DocumentStatus, FieldRow, utcnow

log = logging.getLogger(__name__)

PREFIX = "ocr:metrics"
SEP = "\x1f"
"""Separates label values inside a hash field (never appears in template ids or codes)."""

#: Upper bounds (seconds) of the stage histogram buckets; ``+Inf`` is implied.
STAGE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
FLAGGED_SHARE_WINDOW = timedelta(hours=24)

PAGES, STAGES, FIELDS, FAILURES, WEBHOOKS = "pages", "stages", "fields", "failures", "webhooks"


def metrics_key(namespace: str, name: str) -> str:
    """The Redis hash for one metric; ``namespace`` is the queue name, so deployments that
    share a Redis (or tests) keep separate counts."""
    return f"{PREFIX}:{namespace}:{name}"


def _field(*labels: str) -> str:
    return SEP.join(labels)


def _labels(field: bytes | str, n: int) -> list[str] | None:
    text = field.decode() if isinstance(field, bytes) else field
    parts = text.split(SEP)
    return parts if len(parts) == n else None


def _bucket_label(bound: float) -> str:
    return "+Inf" if math.isinf(bound) else repr(float(bound))


class MetricsRecorder:
    """Adds events to the shared Redis hashes (one round trip per call)."""

    def __init__(self, connection: Redis, namespace: str) -> None:
        self.redis = connection
        self.namespace = namespace

    def _key(self, name: str) -> str:
        return metrics_key(self.namespace, name)

    def page_read(
        self,
        *,
        template: str,
        outcome: str,
        stages: Mapping[str, float],
        fields_total: int = 0,
        fields_flagged: int = 0,
    ) -> None:
        """A page finished: its outcome, how long each stage took, how many fields were flagged."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.hincrby(self._key(PAGES), _field(template, outcome), 1)
        for stage, seconds in stages.items():
            bound = next((b for b in STAGE_BUCKETS if seconds <= b), math.inf)
            pipe.hincrby(self._key(STAGES), _field(stage, _bucket_label(bound)), 1)
            pipe.hincrbyfloat(self._key(STAGES), _field(stage, "sum"), float(seconds))
            pipe.hincrby(self._key(STAGES), _field(stage, "count"), 1)
        if fields_total:
            pipe.hincrby(self._key(FIELDS), _field(template, "true"), fields_flagged)
            pipe.hincrby(
                self._key(FIELDS), _field(template, "false"), fields_total - fields_flagged
            )
        pipe.execute()

    def page_failed(self, *, template: str, code: str) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hincrby(self._key(PAGES), _field(template, "failed"), 1)
        pipe.hincrby(self._key(FAILURES), code, 1)
        pipe.execute()

    def webhook_delivery(self, *, event: str, outcome: str) -> None:
        self.redis.hincrby(self._key(WEBHOOKS), _field(event, outcome), 1)


@dataclass(frozen=True)
class ReviewBacklog:
    documents: int
    fields: int
    oldest_age_seconds: float
    flagged_share: float | None
    """Share of fields flagged among documents read in the last 24 hours (None: none read)."""


def review_backlog(*, session: Session) -> ReviewBacklog:
    """Documents waiting for review, their flagged unresolved fields, the oldest one's age."""
    now = utcnow()
    docs, oldest = session.execute(
        select(func.count(), func.min(DocumentRow.created_at)).where(
            DocumentRow.status == DocumentStatus.NEEDS_REVIEW
        )
    ).one()
    fields = session.scalar(
        select(func.count())
        .select_from(FieldRow)
        .join(DocumentRow, DocumentRow.id == FieldRow.document_id)
        .where(
            DocumentRow.status == DocumentStatus.NEEDS_REVIEW,
            FieldRow.flagged.is_(True),
            FieldRow.resolved.is_(False),
        )
    )
    total, flagged = session.execute(
        select(func.count(), func.sum(case((FieldRow.flagged.is_(True), 1), else_=0)))
        .select_from(FieldRow)
        .join(DocumentRow, DocumentRow.id == FieldRow.document_id)
        .where(
            and_(
                DocumentRow.created_at >= now - FLAGGED_SHARE_WINDOW,
                DocumentRow.status.in_([DocumentStatus.NEEDS_REVIEW, DocumentStatus.VERIFIED]),
            )
        )
    ).one()
    if oldest is not None and oldest.tzinfo is None:  # pragma: no cover (UtcDateTime sets it)
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return ReviewBacklog(
        documents=int(docs or 0),
        fields=int(fields or 0),
        oldest_age_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        flagged_share=(int(flagged or 0) / int(total)) if total else None,
    )


class ServiceCollector(Collector):
    """Collects every ocr-service metric at scrape time from Redis and the database."""

    def __init__(
        self, *, redis: Redis, engine: Engine, queues: Iterable[Queue], namespace: str
    ) -> None:
        self.redis = redis
        self.namespace = namespace
        self.engine = engine
        self.queues = list(queues)

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "ocr_metrics_source_up",
            "1 if the metrics source could be read at this scrape",
            labels=["source"],
        )
        try:
            redis_metrics = list(self._from_redis())
            up.add_metric(["redis"], 1)
        except RedisError as exc:
            log.warning("metrics: cannot read Redis (%s)", type(exc).__name__)
            redis_metrics = []
            up.add_metric(["redis"], 0)
        try:
            db_metrics = list(self._from_database())
            up.add_metric(["database"], 1)
        except SQLAlchemyError as exc:
            log.warning("metrics: cannot read the database (%s)", type(exc).__name__)
            db_metrics = []
            up.add_metric(["database"], 0)
        yield from redis_metrics
        yield from db_metrics
        yield up

    # -- Redis: counters written by every process, and rq's queue state ------------------
    def _from_redis(self) -> Iterator[Metric]:
        pipe = self.redis.pipeline(transaction=False)
        for key in (PAGES, STAGES, FIELDS, FAILURES, WEBHOOKS):
            pipe.hgetall(metrics_key(self.namespace, key))
        pages, stages, fields, failures, webhooks = pipe.execute()

        yield _counter(
            "ocr_pages_processed",
            "Pages finished by the workers, by template and outcome "
            "(verified, needs_review, failed)",
            ["template", "outcome"],
            pages,
        )
        yield _stage_histogram(stages)
        yield _counter(
            "ocr_fields_read",
            "Fields read, by template and whether they were flagged for review",
            ["template", "flagged"],
            fields,
        )
        yield _counter(
            "ocr_page_failures", "Pages that failed for good, by error code", ["code"], failures
        )
        yield _counter(
            "ocr_webhook_deliveries",
            "Webhook delivery attempts by event and outcome (delivered, retry, failed)",
            ["event", "outcome"],
            webhooks,
        )
        depth = GaugeMetricFamily(
            "ocr_queue_depth",
            "Jobs in the rq queue, by state (queued, started, scheduled, deferred)",
            labels=["queue", "state"],
        )
        failed = GaugeMetricFamily(
            "ocr_queue_failed_jobs",
            "Jobs in rq's failed registry (kept for OCR_JOB_FAILURE_TTL_SECONDS)",
            labels=["queue"],
        )
        for queue in self.queues:
            depth.add_metric([queue.name, "queued"], queue.count)
            registries = {
                "started": queue.started_job_registry,
                "scheduled": queue.scheduled_job_registry,
                "deferred": queue.deferred_job_registry,
            }
            for state, registry in registries.items():
                depth.add_metric([queue.name, state], registry.get_job_count(cleanup=False))
            failed.add_metric([queue.name], queue.failed_job_registry.get_job_count(cleanup=False))
        yield depth
        yield failed

    # -- the database: the review backlog ------------------------------------------------
    def _from_database(self) -> Iterator[Metric]:
        with Session(self.engine) as session:
            backlog = review_backlog(session=session)
        yield GaugeMetricFamily(
            "ocr_review_backlog_documents",
            "Documents waiting for review (status needs_review)",
            value=backlog.documents,
        )
        yield GaugeMetricFamily(
            "ocr_review_backlog_fields",
            "Flagged, unresolved fields of documents waiting for review",
            value=backlog.fields,
        )
        yield GaugeMetricFamily(
            "ocr_review_oldest_age_seconds",
            "Age (since upload) of the oldest document waiting for review; 0 when none waits",
            value=backlog.oldest_age_seconds,
        )
        share = GaugeMetricFamily(
            "ocr_flagged_field_share",
            "Share of fields flagged for review among documents read in the last 24 hours",
            labels=["window"],
        )
        if backlog.flagged_share is not None:
            share.add_metric(["24h"], backlog.flagged_share)
        yield share


def _counter(
    name: str, doc: str, labels: list[str], values: Mapping[bytes, bytes]
) -> CounterMetricFamily:
    metric = CounterMetricFamily(name, doc, labels=labels)
    for field, raw in sorted(values.items()):
        parts = _labels(field, len(labels))
        if parts is not None:
            metric.add_metric(parts, float(raw))
    return metric


def _stage_histogram(values: Mapping[bytes, bytes]) -> HistogramMetricFamily:
    metric = HistogramMetricFamily(
        "ocr_stage_seconds",
        "Seconds each pipeline stage took per page",
        labels=["stage"],
    )
    per_stage: dict[str, dict[str, float]] = {}
    for field, raw in values.items():
        parts = _labels(field, 2)
        if parts is not None:
            per_stage.setdefault(parts[0], {})[parts[1]] = float(raw)
    bounds = [*STAGE_BUCKETS, math.inf]
    for stage, data in sorted(per_stage.items()):
        cumulative = 0.0
        buckets: list[tuple[str, float]] = []
        for bound in bounds:
            cumulative += data.get(_bucket_label(bound), 0.0)
            buckets.append((_bucket_label(bound), cumulative))
        metric.add_metric([stage], buckets, sum_value=data.get("sum", 0.0))
    return metric


def scrape_connection(redis_url: str) -> Redis:
    """A Redis client for one scrape: short timeouts and no retries, so a Redis outage
    costs a scrape about a second instead of the client's retry schedule."""
    return Redis.from_url(
        redis_url, socket_connect_timeout=1, socket_timeout=5, retry=Retry(NoBackoff(), 0)
    )


def render_metrics(
    *, redis: Redis, engine: Engine, queues: Iterable[Queue], namespace: str
) -> bytes:
    """The Prometheus text exposition of every metric, read now."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(
        ServiceCollector(redis=redis, engine=engine, queues=queues, namespace=namespace)
    )
    return generate_latest(registry)
