"""Measure the service end to end: pages/min with N workers, and API p95 latency under load.

Starts a real API (uvicorn subprocess) and N real workers (``python -m worker``) on a fresh
PostgreSQL database, a private Redis queue and a temporary data folder; uploads a PDF of
synthetic filled forms; times until every page is read while polling the API.

    .venv/bin/python scripts/measure_service.py --pages 40 --workers 1 2
"""

from __future__ import annotations

import argparse
import io
import os
import socket
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

from ocr_service.auth import Role, create_key
from ocr_service.db.migrate import upgrade
from ocr_service.db.session import make_engine, make_session_factory, session_scope
from ocr_service.synth import generate
from ocr_service.templates.loader import TemplateRegistry

REPO = Path(__file__).resolve().parents[1]
PG = "postgresql://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def make_forms(pages: int) -> list[Image.Image]:
    registry = TemplateRegistry(REPO / "templates_forms")
    ids = ["jp_tennyu", "jp_kyufukin"]
    images = []
    for i in range(pages):
        sample = generate(
            registry.get(ids[i % 2]), seed=i, font_style="print", degrade_level="light"
        )
        images.append(Image.fromarray(sample.image[:, :, ::-1].copy()).convert("RGB"))
    return images


def make_pdf(images: list[Image.Image]) -> bytes:
    """A PDF of the forms; a unique title makes each run's file (and upload) new."""
    buf = io.BytesIO()
    images[0].save(
        buf,
        format="PDF",
        save_all=True,
        append_images=images[1:],
        resolution=200,
        title=str(uuid.uuid4()),
    )
    return buf.getvalue()


def run(pdf: bytes, n_workers: int, env: dict[str, str], base: str, key: str) -> dict[str, float]:
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "worker"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(n_workers)
    ]
    time.sleep(8)  # engines load once per worker before the first job
    headers = {"X-API-Key": key}
    latencies: list[float] = []
    stop = threading.Event()
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            r = client.post(
                "/v1/uploads",
                headers=headers,
                files={"file": (f"{uuid.uuid4()}.pdf", pdf, "application/pdf")},
                data={"external_ref": str(uuid.uuid4())},
            )
            r.raise_for_status()
            upload_id = r.json()["id"]
            start = time.monotonic()

            def hammer() -> None:
                with httpx.Client(base_url=base, timeout=30) as c:
                    while not stop.is_set():
                        for path in (f"/v1/uploads/{upload_id}", "/v1/documents?limit=50"):
                            t = time.perf_counter()
                            c.get(path, headers=headers).raise_for_status()
                            latencies.append(time.perf_counter() - t)
                        time.sleep(0.05)

            threads = [threading.Thread(target=hammer) for _ in range(4)]
            for t in threads:
                t.start()
            while True:
                state = client.get(f"/v1/uploads/{upload_id}", headers=headers).json()
                if state["status"] in ("done", "failed"):
                    break
                time.sleep(0.25)
            elapsed = time.monotonic() - start
            stop.set()
            for t in threads:
                t.join()
    finally:
        stop.set()
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(30)
    pages = state["pages_total"]
    failed = sum(1 for p in state["pages"] if p["status"] == "failed")
    q = statistics.quantiles(latencies, n=100)
    return {
        "pages": pages,
        "failed": failed,
        "seconds": elapsed,
        "pages_per_min": pages / elapsed * 60,
        "api_requests": len(latencies),
        "api_p50_ms": q[49] * 1000,
        "api_p95_ms": q[94] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    name = f"ocr_measure_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    api = None
    try:
        upgrade(url)
        engine = make_engine(url)
        with session_scope(make_session_factory(engine)) as session:
            _, key = create_key(session=session, role=Role.ADMIN, name="measure")
        engine.dispose()
        data = tempfile.mkdtemp(prefix="ocr-measure-")
        env = dict(
            os.environ,
            OCR_DATABASE_URL=url,
            OCR_DATA_DIR=data,
            OCR_QUEUE_NAME=f"measure-{uuid.uuid4().hex[:8]}",
            OCR_REDIS_URL="redis://127.0.0.1:6379/14",
            OCR_TEMPLATES_DIR=str(REPO / "templates_forms"),
            OCR_FEED_SETTLE_MS="0",
        )
        port = free_port()
        api = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "ocr_service.api.app:create_app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=REPO,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        forms = make_forms(args.pages)
        print(f"{args.pages}-page PDFs of synthetic forms; CPUs: {os.cpu_count()}")
        for n in args.workers:
            result = run(make_pdf(forms), n, env, base, key)
            print(
                f"workers={n}: {result['pages']} pages ({result['failed']} failed) in "
                f"{result['seconds']:.1f}s = {result['pages_per_min']:.1f} pages/min; API under "
                f"load: {result['api_requests']} requests, p50 {result['api_p50_ms']:.1f} ms, "
                f"p95 {result['api_p95_ms']:.1f} ms"
            )
    finally:
        if api is not None:
            api.terminate()
            api.wait(30)
        with psycopg.connect(PG, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
