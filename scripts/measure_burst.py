"""Measure a burst of concurrent uploads against a real API on SQLite and on PostgreSQL.

Starts the API (uvicorn subprocess) on a fresh database and data folder (no workers: the
pages stay queued), sends N uploads of distinct small PNGs at once from N threads while
another thread polls ``/healthz``, and reports: answers by status, 5xx count, uploads
acknowledged (202) against uploads committed (rows in the database), answers outside the
error shape, and ``/healthz`` latency during the burst (issue 21).

    .venv/bin/python scripts/measure_burst.py --uploads 100
"""

from __future__ import annotations

import argparse
import collections
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from PIL import Image
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure_service import PG, REPO, free_port

from ocr_service.auth import Role, create_key
from ocr_service.db.migrate import upgrade
from ocr_service.db.models import Upload
from ocr_service.db.session import make_engine, make_session_factory, session_scope


def png(i: int) -> bytes:
    image = Image.new("L", (800, 1100), 255)
    image.putpixel((i % 800, i // 800), 0)  # one dark pixel: every file is distinct
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def burst(base: str, key: str, n: int) -> dict[str, object]:
    files = [png(i) for i in range(n)]
    answers: list[tuple[int, bool]] = []
    lock = threading.Lock()
    go = threading.Event()
    health: list[float] = []
    done = threading.Event()

    def upload(i: int) -> None:
        go.wait()
        with httpx.Client(base_url=base, timeout=120) as c:
            try:
                r = c.post(
                    "/v1/uploads",
                    headers={"X-API-Key": key},
                    files={"file": (f"scan-{i}.png", files[i], "image/png")},
                )
                shaped = r.status_code < 400 or "error" in r.json()
                status = r.status_code
            except (httpx.HTTPError, ValueError):
                status, shaped = 0, False
        with lock:
            answers.append((status, shaped))

    def poll_health() -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            go.wait()
            while not done.is_set():
                t = time.perf_counter()
                c.get("/healthz")
                health.append(time.perf_counter() - t)
                time.sleep(0.05)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(n)]
    poller = threading.Thread(target=poll_health)
    for t in (*threads, poller):
        t.start()
    started = time.monotonic()
    go.set()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    done.set()
    poller.join()
    counts = collections.Counter(s for s, _ in answers)
    q = statistics.quantiles(health, n=100) if len(health) > 1 else [0.0] * 99
    return {
        "statuses": dict(sorted(counts.items())),
        "5xx": sum(v for s, v in counts.items() if s >= 500),
        "acknowledged": counts.get(202, 0),
        "unshaped": sum(1 for _, shaped in answers if not shaped),
        "seconds": elapsed,
        "healthz_p95_ms": q[94] * 1000,
        "healthz_max_ms": max(health, default=0.0) * 1000,
    }


def measure(url: str, n: int) -> dict[str, object]:
    upgrade(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        _, key = create_key(session=session, role=Role.CLERK, name="burst")
    data = tempfile.mkdtemp(prefix="ocr-burst-")
    env = dict(
        os.environ,
        OCR_DATABASE_URL=url,
        OCR_DATA_DIR=data,
        OCR_QUEUE_NAME=f"burst-{uuid.uuid4().hex[:8]}",
        OCR_REDIS_URL="redis://127.0.0.1:6379/14",
        OCR_TEMPLATES_DIR=str(REPO / "templates_forms"),
    )
    port = free_port()
    api = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "--factory", "ocr_service.api.app:create_app"),
            *("--port", str(port), "--log-level", "warning"),
        ],
        env=env,
        cwd=REPO,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        result = burst(base, key, n)
        time.sleep(1)
        with session_scope(make_session_factory(engine)) as session:
            result["committed"] = session.scalar(select(func.count()).select_from(Upload))
    finally:
        api.terminate()
        api.wait(30)
        engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=100)
    args = parser.parse_args()
    sqlite = f"sqlite:///{tempfile.mkdtemp(prefix='ocr-burst-db-')}/ocr.db"
    name = f"ocr_burst_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        for label, url in (
            ("sqlite", sqlite),
            ("postgresql", f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"),
        ):
            r = measure(url, args.uploads)
            print(
                f"{label}: {args.uploads} concurrent uploads in {r['seconds']:.1f} s; answers "
                f"{r['statuses']}; 5xx {r['5xx']}; acknowledged {r['acknowledged']}, committed "
                f"{r['committed']}; outside the error shape {r['unshaped']}; /healthz p95 "
                f"{r['healthz_p95_ms']:.0f} ms, max {r['healthz_max_ms']:.0f} ms"
            )
    finally:
        with psycopg.connect(PG, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
