"""``/metrics`` on the live API: counts written by worker processes (through Redis),
queue depth read from rq, the review backlog read from the database; and JSON logs that
carry ids but never a field's value."""

from __future__ import annotations

import io
import json
import logging
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ocr_service.broker import make_queue
from ocr_service.config import Settings
from ocr_service.db.session import make_engine
from ocr_service.errors import BlankPage
from ocr_service.observability.logs import JsonFormatter, log_context
from ocr_service.observability.metrics import render_metrics, scrape_connection

pytestmark = pytest.mark.integration

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: httpx.Client) -> Samples:
    r = client.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    out: Samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def upload(client: httpx.Client, key: str, content: bytes) -> dict[str, Any]:
    r = client.post(
        "/v1/uploads",
        headers={"Authorization": f"Bearer {key}"},
        files={"file": ("batch.pdf", content, "application/pdf")},
        data={"template": "jp_tennyu"},
    )
    assert r.status_code == 202, r.text
    body: dict[str, Any] = r.json()
    return body


def test_metrics_add_up_what_workers_did(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    settings: Settings,
) -> None:
    upload(client, api_keys["clerk"], files.pdf([files.blank()] * 3))
    before = scrape(client)
    assert value(before, "ocr_queue_depth", queue=settings.queue_name, state="queued") == 3
    assert value(before, "ocr_metrics_source_up", source="redis") == 1
    assert value(before, "ocr_metrics_source_up", source="database") == 1

    run_worker(reader=standin(fail={1: BlankPage("no ink")}, flag={2}))
    after = scrape(client)
    template = "jp_tennyu"
    for outcome in ("verified", "needs_review", "failed"):
        got = value(after, "ocr_pages_processed_total", template=template, outcome=outcome)
        assert got == 1, outcome
    assert value(after, "ocr_page_failures_total", code="blank_page") == 1
    assert value(after, "ocr_queue_depth", queue=settings.queue_name, state="queued") == 0
    assert value(after, "ocr_queue_failed_jobs", queue=settings.queue_name) == 0
    assert value(after, "ocr_review_backlog_documents") == 1
    assert value(after, "ocr_review_backlog_fields") == 1
    age = value(after, "ocr_review_oldest_age_seconds")
    assert age is not None and 0 <= age < 600
    flagged = value(after, "ocr_fields_read_total", template=template, flagged="true")
    clean = value(after, "ocr_fields_read_total", template=template, flagged="false")
    assert flagged == 1 and clean is not None and clean > 1
    share = value(after, "ocr_flagged_field_share", window="24h")
    assert share == pytest.approx(1 / (flagged + clean))


def test_counts_from_another_process_show_up(
    client: httpx.Client, settings: Settings, redis_conn: Any
) -> None:
    """A worker on another machine only shares Redis: record from a separate process."""
    script = (
        "import sys\n"
        "from redis import Redis\n"
        "from ocr_service.observability.metrics import MetricsRecorder\n"
        "r = MetricsRecorder(Redis.from_url(sys.argv[1]), sys.argv[2])\n"
        "for s in (0.2, 0.7, 3.0):\n"
        "    r.page_read(template='jp_kyufu', outcome='verified', stages={'read': s})\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, settings.redis_url, settings.queue_name], check=True
    )
    samples = scrape(client)
    assert value(samples, "ocr_pages_processed_total", template="jp_kyufu", outcome="verified") == 3
    assert value(samples, "ocr_stage_seconds_count", stage="read") == 3
    assert value(samples, "ocr_stage_seconds_sum", stage="read") == pytest.approx(3.9)
    assert value(samples, "ocr_stage_seconds_bucket", stage="read", le="0.25") == 1
    assert value(samples, "ocr_stage_seconds_bucket", stage="read", le="1.0") == 2
    assert value(samples, "ocr_stage_seconds_bucket", stage="read", le="+Inf") == 3


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Everything logged (DEBUG and up) as JSON lines, while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_json_logs_carry_ids_and_never_a_field_value(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    json_log: io.StringIO,
) -> None:
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()] * 2))
    run_worker(reader=standin(flag={1}))
    docs = [
        client.get(f"/v1/documents/{d}", headers={"X-API-Key": api_keys["clerk"]}).json()
        for d in body["document_ids"]
    ]
    # the stand-in reads every text field as "p<page>-<name>": distinctive, easy to spot
    values = [v for d in docs for v in d["data"].values() if str(v).startswith(("p0-", "p1-"))]
    assert len(values) > 10

    lines = [json.loads(line) for line in json_log.getvalue().splitlines() if line.strip()]
    assert lines, "nothing was logged"
    for line in lines:
        assert {"ts", "level", "logger", "msg"} <= set(line)
    text = json_log.getvalue()
    for v in values:
        assert str(v) not in text, "a field value reached the log"
    logged_docs = {line.get("document_id") for line in lines}
    assert set(body["document_ids"]) <= logged_docs
    assert any(line.get("job_id", "").startswith("page-") for line in lines)
    assert any(line.get("upload_id") == body["id"] for line in lines)


def test_log_context_and_extra_reach_the_json(json_log: io.StringIO) -> None:
    log = logging.getLogger("ocr_service.test")
    with log_context(upload_id="u-1", document_id="d-1"):
        log.info("inside")
        log.info("explicit", extra={"document_id": "d-2"})
    log.warning("outside")
    inside, explicit, outside = (json.loads(x) for x in json_log.getvalue().splitlines())
    assert (inside["upload_id"], inside["document_id"]) == ("u-1", "d-1")
    assert explicit["document_id"] == "d-2"
    assert "document_id" not in outside and outside["level"] == "WARNING"


def test_an_unreachable_redis_leaves_the_database_metrics(
    settings: Settings, db_sessions: Any
) -> None:
    dead = scrape_connection(f"redis://127.0.0.1:{_closed_port()}/0")
    engine = make_engine(settings.database_url)
    try:
        text = render_metrics(
            redis=dead, engine=engine, queues=[make_queue(settings, dead)], namespace="x"
        ).decode()
    finally:
        engine.dispose()
        dead.close()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    assert value(samples, "ocr_metrics_source_up", source="redis") == 0
    assert value(samples, "ocr_metrics_source_up", source="database") == 1
    assert value(samples, "ocr_review_backlog_documents") == 0
    assert not [k for k in samples if k[0].startswith("ocr_queue_depth")]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
