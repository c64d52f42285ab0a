"""``GET /metrics``: the Prometheus exposition, collected at scrape time.

Not behind an API key (Prometheus scrapers rarely carry one): keep it off the public
network, e.g. with the reverse proxy answering 404 for ``/metrics`` (docs/operations.md).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from ocr_service.api.deps import Services, ServicesDep
from ocr_service.broker import make_queue, make_webhook_queue
from ocr_service.observability.metrics import render_metrics, scrape_connection

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Prometheus metrics (pages, stage timings, queue depth, review backlog)",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
async def metrics(services: ServicesDep) -> Response:
    body = await run_in_threadpool(_render, services)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _render(services: Services) -> bytes:
    settings = services.settings
    connection = scrape_connection(settings.redis_url)
    try:
        return render_metrics(
            redis=connection,
            engine=services.engine,
            queues=[make_queue(settings, connection), make_webhook_queue(settings, connection)],
            namespace=settings.queue_name,
        )
    finally:
        connection.close()
