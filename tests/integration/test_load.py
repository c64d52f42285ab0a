"""Load: the API stays responsive while 1,000 queued pages drain, and a worker's memory
stays flat over 1,000 real pages read with the real pipeline. Marked ``slow``; together
they take several minutes on two cores (``OCR_SOAK_PAGES`` changes the memory run's length).

Figures (latency percentiles, the RSS series) are printed and written to
``load-report.json`` in the test's temporary folder.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from faultkit import Procs, wait_until
from pypdf import PdfWriter
from sqlalchemy import func, select

from ocr_service.config import Settings
from ocr_service.db.models import Page
from ocr_service.db.session import session_scope

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SOAK_PAGES = int(os.environ.get("OCR_SOAK_PAGES", "1000"))
WARM_UP_PAGES = 30
MAX_GROWTH_MB = 60.0
P95_LIMIT_S = 0.200


@pytest.fixture(params=["postgresql"])
def database_url(database_url: str) -> str:
    """Production runs on PostgreSQL; one backend keeps the CI budget."""
    return database_url


def blank_pdf(pages: int, width: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=width, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def done_pages(sessions: Any) -> int:
    with session_scope(sessions) as session:
        query = select(func.count()).select_from(Page).where(Page.status == "done")
        return int(session.scalar(query) or 0)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_reads_stay_fast_while_1000_pages_drain(
    client: httpx.Client,
    api_keys: dict[str, str],
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
    procs: Procs,
    tmp_path: Path,
) -> None:
    key = {"X-API-Key": api_keys["clerk"]}
    uploads = []
    for width in (595, 596):  # two different files of 500 pages (the per-file limit)
        r = client.post(
            "/v1/uploads",
            headers=key,
            files={"file": (f"{width}.pdf", blank_pdf(500, width), "application/pdf")},
            data={"template": "jp_tennyu"},
        )
        assert r.status_code == 202, r.text
        uploads.append(r.json())
    documents = [d for u in uploads for d in u["document_ids"]]
    assert len(documents) == 1000

    reader = {"X-API-Key": api_keys["reader"]}
    rng = random.Random(8)
    reads: dict[str, Callable[[], str]] = {
        "document": lambda: f"/v1/documents/{rng.choice(documents)}",
        "feed": lambda: "/v1/documents?limit=50",
        "upload": lambda: f"/v1/uploads/{rng.choice(uploads)['id']}",
        "templates": lambda: "/v1/templates",
    }
    workers = [procs.worker(settings, standin_delay=0.0) for _ in range(2)]
    latencies: dict[str, list[float]] = {name: [] for name in reads}
    series = []
    started = time.monotonic()
    while True:
        for name, path in reads.items():
            t0 = time.perf_counter()
            r = client.get(path(), headers=reader)
            latencies[name].append(time.perf_counter() - t0)
            assert r.status_code == 200, (name, r.status_code, r.text[:200])
        done = done_pages(db_sessions)
        series.append((round(time.monotonic() - started, 2), done))
        if done == 1000:
            break
        assert time.monotonic() - started < 180, f"only {done} pages done in 180 s"
    assert all(w.poll() is None for w in workers), procs.logs()
    drained = time.monotonic() - started

    everything = [v for values in latencies.values() for v in values]
    report = {
        "pages": 1000,
        "drain_seconds": round(drained, 1),
        "requests": len(everything),
        "p50_ms": round(statistics.median(everything) * 1000, 1),
        "p95_ms": round(percentile(everything, 0.95) * 1000, 1),
        "p99_ms": round(percentile(everything, 0.99) * 1000, 1),
        "p95_ms_by_read": {n: round(percentile(v, 0.95) * 1000, 1) for n, v in latencies.items()},
        "done_over_time": series[:: max(1, len(series) // 20)],
    }
    (tmp_path / "load-report.json").write_text(json.dumps(report, indent=2))
    print("\nAPI under load:", json.dumps(report))
    assert percentile(everything, 0.95) < P95_LIMIT_S, report


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_worker_memory_stays_flat_over_many_real_pages(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
    procs: Procs,
    tmp_path: Path,
) -> None:
    # batches of at most 100 pages, each a different file (an identical one would be the same
    # upload), so the upload limits of a normal deployment hold
    batch = 100
    for start in range(0, SOAK_PAGES, batch):
        seed = 31 + start
        forms = [files.form("jp_tennyu", seed=s).convert("L") for s in (seed, seed + 1)]
        forms.append(files.form("jp_kyufukin", seed=seed + 2).convert("L"))
        pages = [forms[i % len(forms)] for i in range(min(batch, SOAK_PAGES - start))]
        buf = io.BytesIO()
        pages[0].save(
            buf,
            format="TIFF",
            save_all=True,
            append_images=pages[1:],
            compression="jpeg",
            quality=85,
        )
        r = client.post(
            "/v1/uploads",
            headers={"X-API-Key": api_keys["clerk"]},
            files={"file": (f"soak{start}.tif", buf.getvalue(), "image/tiff")},
        )
        assert r.status_code == 202, r.text
    worker = procs.worker(settings)

    samples: list[tuple[int, float]] = []
    step = 10
    next_mark = 0
    deadline = time.monotonic() + SOAK_PAGES * 3 + 60
    while next_mark <= SOAK_PAGES:
        done = done_pages(db_sessions)
        if done >= next_mark:
            samples.append((done, round(rss_mb(worker.pid), 1)))
            next_mark += step
        assert worker.poll() is None, procs.logs()
        assert time.monotonic() < deadline, f"{done} of {SOAK_PAGES} pages read"
        time.sleep(0.2)
    wait_until(lambda: done_pages(db_sessions) == SOAK_PAGES, 30)

    # A sample falls at a random point of the page in flight, so each one includes that
    # page's working set (its images and the line recognizer's buffers, up to ~150 MB).
    # Growth therefore compares like with like: the median of the first third of the run
    # (after warm-up) against the median of the last third; and the trend is a least-
    # squares slope over every sample, not the difference of two noisy end points.
    kept = [(done, mb) for done, mb in samples if done >= WARM_UP_PAGES]
    third = max(1, len(kept) // 3)
    growth = statistics.median(mb for _, mb in kept[-third:]) - statistics.median(
        mb for _, mb in kept[:third]
    )
    slope = statistics.linear_regression([d for d, _ in kept], [mb for _, mb in kept]).slope * 100
    report = {
        "pages": SOAK_PAGES,
        "rss_mb_by_pages_done": samples,
        "growth_mb": round(growth, 1),
        "slope_mb_per_100_pages": round(slope, 2),
    }
    (tmp_path / "memory-report.json").write_text(json.dumps(report, indent=2))
    print("\nworker memory:", json.dumps(report))
    assert growth < MAX_GROWTH_MB, report
    assert slope < 10, report  # MB per 100 pages
